"""Padding kinds for `make eval`: whole copies of indexed modeling files, one kind of no-op
statement after every statement of every function body, each scanned against the full default
index.  Is the copy still read as a copy of its file's family, and how much of it does that
family explain?

The kinds are our own and span what obfuscators insert: statements that call nothing, calls
that take nothing from the function (through a module imported in place, a computed attribute,
an item of a display), guards and blocks that never run, and stores nothing reads.  A kind the
normaliser does not read as absent shows as a file read as something else, or explained less.
The files are rewritten by `ast.unparse` (comments and the notice go; every kind alike, and the
row "none" is the unpadded rewrite).
"""

from __future__ import annotations

import ast
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lineage.api import open_index, scan_files
from lineage.config import Config
from lineage.models import SourceFile

import truth as truth_mod

# (kind, statement inserted, `{n}` numbering each insertion; `self` kinds go into methods only)
PADS: tuple[tuple[str, str], ...] = (
    ("none", ""),
    ("pass", "pass"),
    ("constant", "None"),
    ("dead store", "_pad_n = 4"),
    ("builtin on literal", "isinstance(0, int)"),
    ("string method", "''.join([])"),
    ("display method", "{}.get('k')"),
    ("comprehension", "[_i for _i in range(0)]"),
    ("lambda call", "(lambda: None)()"),
    ("walrus", "(_w := 3)"),
    ("unpacked swap", "_a, _b = (1, 2)"),
    ("assert", "assert True, 'ok'"),
    ("library call", "torch.cuda.is_available()"),
    ("imported in place", "__import__('os').getpid()"),
    ("imported by importlib", "__import__('importlib').import_module('time').monotonic()"),
    ("computed attribute", "getattr(__import__('os'), 'getcwd')()"),
    ("module table", "__import__('sys').modules['os'].getpid()"),
    ("item of a display", "[__import__('time').time, __import__('os').getpid][1]()"),
    ("branch on constants", "print('x') if False else None"),
    ("never-run guard", "if len(str(7)) < 0:\n    print('x')"),
    ("empty try", "try:\n    pass\nexcept Exception:\n    pass"),
    ("null context", "with __import__('contextlib').nullcontext():\n    pass"),
    ("private flag", "self._pad_flag = 3"),
    ("private stamp", "self._pad_stamp = __import__('time').time()"),
    ("public flag", "self.pad_marker = 'x'"),
    ("public flags, each once", "self.pad_tick{n} = {n}"),
    ("self counter", "self._pad_ticks = getattr(self, '_pad_ticks', 0) + 1"),
    # kinds a second stranger's review wrote (2026-12-05)
    ("annotated dead store", "_pad_a: int = {n}"),
    ("annotated private flag", "self._pad_flag: int = {n}"),
    ("flag by setattr", "setattr(self, '_pad_flag', {n})"),
    ("callee varied by a literal", "getattr(__import__('os'), 'getpid', {n})()"),
    ("import in the function", "import os as _pad_os{n}"),
    ("empty range of constants", "for _q in range(5, 0):\n    print(_q)"),
    ("nested class", "class _PadC{n}:\n    pass"),
    ("flag from an attribute", "self._pad_flag = self.__class__.__name__"),
    ("global store", "global _PAD_G{n}\n_PAD_G{n} = {n}"),
    ("version guard", "if __import__('sys').version_info < (3, 0):\n    print('x')"),
    ("30 callees in rotation", "__import__('math').{fn}(0.5)"),
    # kinds left open by `lex-v42` and kinds of our own around them (2026-12-05)
    ("quiet call given a display", "__import__('json').dumps({})"),
    ("version by its own name", "from sys import version_info as _vi\nif _vi < (3, 0):\n    print('x')"),
    ("sys under another name", "import sys as _s{n}\nif _s{n}.hexversion < 0x03000000:\n    print('x')"),
    ("suppress around a no-op", "with __import__('contextlib').suppress(ZeroDivisionError):\n    _q = 1 / 1"),
    ("environment guard", "if __import__('os').environ.get('PAD_NEVER_SET_{n}'):\n    print('x')"),
    ("environment compared", "if __import__('os').getenv('PADX') == '1':\n    __import__('time').sleep(0)"),
    ("library call given self", "__import__('torch').is_tensor(self)"),
    # (`lex-v44`) a module-level collection nothing reads, fed junk; every value through a pass-through
    ("write-only log", "_pad_t{n} = [0] * 3\n_pad_log.append(len(_pad_t{n}))"),
    ("values through an imported pass-through", ""),
    # (`lex-v45`) a log or a counter handed what is computed for it alone; the pass-through's value
    # taken back out of what it returns, or handed on starred
    ("log on the object, fed junk", "_pad_t{n} = [0] * 3\nself.__dict__.setdefault('_pad_log', []).append(len(_pad_t{n}))"),
    ("log of another module, fed junk", "_pad_t{n} = [0] * 3\nacme_logs.LOG.append(len(_pad_t{n}))"),
    ("global counter", "_PAD_STATS['calls'] += 1"),
    ("counted in a dict", "_pad_t{n} = [0] * 3\n_pad_counts[{n}] = _pad_counts.get({n}, 0) + len(_pad_t{n})"),
    ("values taken back out of a pass-through", ""),
    ("values through a pass-through, starred", ""),
    # (`lex-v46`) a type check that never runs; profiler ranges around every three statements
    ("type-check block", "if TYPE_CHECKING:\n    print({n})"),
    ("profiler ranges", ""),
    # (`lex-v47`) checks in debug mode alone; an imported tracer handed the object, or each value just bound
    ("debug-mode check", "if __debug__:\n    _pad_check({v}, '{v}')"),
    ("tracer given the object", "_PAD_TRACER.step(self, 'forward')"),
    ("observer of each value", "_pad_observe('x', {v})"),
)
# module-level code a kind needs (put above the file's own)
_KEEP = "from acme_runtime.tensors import keep as _pad_keep\n"
HEADS = {"write-only log": "_pad_log = []\n", "values through an imported pass-through": _KEEP,
         "log of another module, fed junk": "import acme_logs\n", "global counter": "_PAD_STATS = {'calls': 0}\n",
         "counted in a dict": "_pad_counts = {}\n",
         "values taken back out of a pass-through": "from acme_runtime.tensors import boxed as _pad_box\n",
         "values through a pass-through, starred": _KEEP,
         "type-check block": "from typing import TYPE_CHECKING\n", "profiler ranges": "import torch\n",
         "debug-mode check": "from acme_runtime.checks import check as _pad_check\n",
         "tracer given the object": "from acme_runtime.debug import TRACER as _PAD_TRACER\n",
         "observer of each value": "from acme_runtime.debug import observe as _pad_observe\n"}


class _Through(ast.NodeTransformer):
    """The value of every assignment and `return` in a function body handed through `_pad_keep`."""

    def __init__(self, form: str = "") -> None:
        self.depth = 0
        self.form = form  # "item": `_pad_box(v)[0]`; "starred": `_pad_keep(*(v,))`

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def _kept(self, value: ast.expr) -> ast.expr:
        if self.form == "starred":
            return ast.Call(ast.Name("_pad_keep", ast.Load()), [ast.Starred(ast.Tuple([value], ast.Load()),
                                                                            ast.Load())], [])
        if self.form == "item":  # (`boxed` returns a one-item tuple)
            return ast.Subscript(ast.Call(ast.Name("_pad_box", ast.Load()), [value], []), ast.Constant(0), ast.Load())
        return ast.Call(ast.Name("_pad_keep", ast.Load()), [value], [])

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        if self.depth:
            node.value = self._kept(node.value)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        if self.depth and node.value is not None:
            node.value = self._kept(node.value)
        return node


def _through(form: str = "") -> Callable[[str], str]:
    return lambda text: ast.unparse(ast.fix_missing_locations(_Through(form).visit(ast.parse(text)))) + "\n"


class _Ranges(ast.NodeTransformer):
    """Every three statements of a function body under `with torch.profiler.record_function('r{n}'):`
    (a statement that ends the body, `return`, `raise`, stays in its group: the code runs as before)."""

    def __init__(self) -> None:
        self.n = 0

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        head: list[ast.stmt] = [node.body[0]] if node.body and isinstance(node.body[0], ast.Expr) \
            and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str) else []
        rest = node.body[len(head):]
        if not rest:
            return node
        groups: list[ast.stmt] = []
        for at in range(0, len(rest), 3):
            self.n += 1
            call = ast.Call(ast.Attribute(ast.Attribute(ast.Name("torch", ast.Load()), "profiler", ast.Load()),
                                          "record_function", ast.Load()), [ast.Constant(f"r{self.n}")], [])
            groups.append(ast.With([ast.withitem(call)], rest[at:at + 3]))
        node.body = head + groups
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]


REWRITES: dict[str, Callable[[str], str]] = {
    "profiler ranges": lambda text: ast.unparse(ast.fix_missing_locations(_Ranges().visit(ast.parse(text)))) + "\n",
    "values through an imported pass-through": _through(),
    "values taken back out of a pass-through": _through("item"),
    "values through a pass-through, starred": _through("starred"),
}
# (`{fn}`: the math functions the rotating kind goes through, one per insertion)
ROTATION = ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "atanh", "exp", "expm1",
            "log", "log1p", "log2", "log10", "sqrt", "fabs", "ceil", "floor", "trunc", "erf", "erfc", "gamma",
            "lgamma", "degrees", "radians", "isfinite", "isnan")
# modeling files of transformers 5.23.0 (family, member path)
FILES: tuple[tuple[str, str], ...] = tuple(
    (f, f"transformers/models/{f}/modeling_{f}.py")
    for f in ("llama", "qwen2", "deepseek_v3", "glm4_moe", "gemma2", "mistral", "olmoe", "phi3"))


def apply(kind: str, statement: str, text: str) -> str:
    """``text`` padded with one kind: its module-level code above the file's own, then its statement
    after every statement (``padded``), or its rewriting of the file (``REWRITES``)."""
    text = HEADS.get(kind, "") + text
    return REWRITES[kind](text) if kind in REWRITES else padded(text, statement)


def padded(text: str, statement: str) -> str:
    """``text`` with ``statement`` after every statement of every function body (nested blocks
    too; never after a `return`, `raise`, `continue` or `break`; `self` statements in methods only;
    `{n}` in it numbers the insertions; `{v}` is the name the statement before binds by `name = ...`,
    after such statements only)."""
    tree = ast.parse(text)
    count = 0
    if statement:
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if "self" in statement and not (node.args.args and node.args.args[0].arg == "self"):
                continue
            for block in _blocks(node):
                out: list[ast.stmt] = []
                for stmt in block:
                    out.append(stmt)
                    bound = stmt.targets[0].id if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                        and isinstance(stmt.targets[0], ast.Name) else None
                    if "{v}" in statement and bound is None:
                        continue  # (`{v}`: the name the statement before binds; after such statements only)
                    if not isinstance(stmt, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
                        count += 1
                        text = statement.replace("{n}", str(count)).replace("{fn}", ROTATION[count % len(ROTATION)])
                        out += ast.parse(text.replace("{v}", bound or "")).body
                block[:] = out
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


def _blocks(function: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists of a function: its body and the blocks nested in it, not in nested
    definitions (each is padded as a function of its own)."""
    found: list[list[ast.stmt]] = []
    stack: list[ast.AST] = [function]
    while stack:
        node = stack.pop()
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                found.append(block)
                stack += [s for s in block if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                  ast.ClassDef))]
        stack += getattr(node, "handlers", [])
    return found


def padding(index_path: str, wheel: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    """Per padding kind: copies read as their family, and what that family explains of them."""
    index = open_index(index_path)
    texts = truth_mod.read_members(wheel, [path for _, path in FILES])
    config = Config(workers=1)
    rows: list[dict[str, Any]] = []
    for kind, statement in PADS:
        right, covers = 0, []
        for family, path in FILES:
            name = Path(path).name
            result, _ = scan_files([SourceFile(name, apply(kind, statement, texts[path]).encode())], index, config)
            row = result.summary.files.get(name)
            source = row.source.to_dict() if row is not None and row.source is not None else {}
            found = source.get("source") or {}
            hit = source.get("status") == "source" and found.get("family", "").split(":", 1)[-1] == family
            right += hit
            covers.append(float(found.get("cover") or 0.0) if hit else 0.0)
        rows.append({"kind": kind, "statement": statement, "files": len(FILES), "read_as_family": right,
                     "median_cover": round(statistics.median(covers), 3), "min_cover": round(min(covers), 3)})
        progress(f"padding {kind}: {right}/{len(FILES)}")
    return {"index": index.header.get("id"), "rows": rows}
