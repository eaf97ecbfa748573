"""How much of a file's structural evidence survives junk blocks and do-nothing wrappers.

For a sample of transformers' modeling files (the pinned wheel, from the download cache), each
kind of junk below is put after (or around) every statement of every function body with
``ast``; the share of the original file's structural fingerprints (function and method units)
still found in the padded file is printed per kind.  Both sides go through ``ast.unparse``, so
only the junk differs.  Run with the code to measure on PYTHONPATH (or the checkout's venv):

    python benchmarks/junk_blocks.py [--files 25] [--seed 3] [KIND...]
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.append(str(Path(__file__).resolve().parents[1]))

from lineage.compact.files import compact  # noqa: E402
from lineage.fingerprint.params import FingerprintParams  # noqa: E402
from lineage.models import SourceFile  # noqa: E402

# after each statement ({v}: a name the statement binds; kinds needing one skip statements without)
AFTER = {
    "if_false": "if False:\n    _unused = 1",
    "constant_condition": "if {v} is None and False:\n    raise ValueError()",
    "while_false": "while False:\n    pass",
    "range0": "for _ in range(0):\n    pass",
    "try_pass": "try:\n    pass\nexcept Exception:\n    pass",
    "self_assign": "{v} = {v}",
    "times_one": "{v} = {v} * 1",
    "del_temporary": "_tmp = 0\ndel _tmp",
    "quiet_print": "print(end='')",
    "value_thrown_away": "len({v})",
    "identity_lambda": "{v} = (lambda _v: _v)({v})",
    "one_element_list": "{v} = [{v}][0]",
    "same_both_ways": "{v} = {v} if {v} is not None else {v}",
    "if_pass": "if {v} is not None:\n    pass",
    "same_dtype": "{v} = {v}.to({v}.dtype)",
    "whole_slice": "{v} = {v}[...]",
    "negated_twice": "{v} = -(-{v})",
    "idle_hook": "_hook('step')",  # the module's own do-nothing function (HOOK, put at its top level)
    "walrus": "(_w := 0)",
    "comprehension": "[_z for _z in ()]",
    "string_method": "''.join([])",
    "if_true_else": "{v} = {v} if True else None",
    "dict_pick": "{v} = {{0: {v}}}[0]",
    "shallow_copy": "{v} = copy.copy({v})",
    "unused_global": "global _g_unused",
    "while_break": "while True:\n    break",
    "if_self_assign": "if {v} is not None:\n    {v} = {v}",
    # junk locals that read each other (python-obfuscator), and an opaque predicate over them
    # (intensio-obfuscator): parse/junk.py, `lex-v30`
    "junk_chain": "_j1 = 'qhWTx'\n_j2 = _j1\n_j3 = 364\n_j4 = _j3",
    "opaque_predicate": "_p1 = 'ab'\n_p2 = 'cd'\nif _p1 == _p2:\n    for _c in _p1:\n        if _c == _p2:\n"
                        "            _p1 = _p2\n        else:\n            _p2 = _p1",
    # predicates of constants that call something (parse/deadcode.py and parse/junk.py, `lex-v31`):
    # arithmetic compared, a local bound to one literal; a walrus (left as written: the name it
    # binds may be read after the block); and a helper never called
    "opaque_call": "if 3 * 7 == 20:\n    print({v})",
    "opaque_local_call": "_k = 9\nif _k < 4:\n    print(_k, {v})",
    "walrus_predicate": "if (_q := 3) > 8:\n    print(_q)",
    "never_called": "def _helper(_a):\n    return print(_a)",
}
# every literal spelt the long way (parse/folded.py, `lex-v30`): integers as `(n + 7) - 7`, and
# strings that are names as `chr(..) + chr(..)`, in function bodies
SPELT = ("spelt_integers", "spelt_strings")
HOOK = "def _hook(*args, **kwargs):\n    return None\n"
# around each statement: (header, clauses after)
AROUND = {
    "if_true": ("if True:", ""),
    "try_reraise": ("try:", "except Exception:\n    raise"),
    "nullcontext": ("with contextlib.nullcontext():", ""),
    "loop_once": ("for _once in range(1):", ""),
    "if_arithmetic_true": ("if 2 + 2 == 4:", ""),
}


def _statements(src: str) -> list[ast.stmt]:
    return ast.parse(src).body


class Pad(ast.NodeTransformer):
    """Puts one kind of junk after or around every statement of every function body."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        self.generic_visit(node)
        out: list[ast.stmt] = []
        for st in node.body:
            if self.kind in AROUND and not isinstance(st, (ast.Return, ast.Raise)):
                head, tail = AROUND[self.kind]
                wrapper = _statements(f"{head}\n    pass\n{tail}")[0]
                wrapper.body = [st]  # type: ignore[attr-defined]
                out.append(wrapper)
                continue
            out.append(st)
            if self.kind not in AFTER or isinstance(st, (ast.Return, ast.Raise)):
                continue
            bound = [t.id for t in ast.walk(st) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)]
            if "{v}" in AFTER[self.kind] and not bound:
                continue
            out.extend(_statements(AFTER[self.kind].format(v=bound[0] if bound else "")))
        node.body = out
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]


class Spell(ast.NodeTransformer):
    """Spells each integer (``spelt_integers``) or each name-like string (``spelt_strings``) of a
    function body the long way; f-strings are left as they are."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.inside = 0

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        self.inside += 1
        node.body = [self.visit(st) for st in node.body]
        self.inside -= 1
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if not self.inside or isinstance(value, bool):
            return node
        if self.kind == "spelt_integers" and isinstance(value, int) and value >= 0:
            return ast.parse(f"({value} + 7) - 7", mode="eval").body
        if self.kind == "spelt_strings" and isinstance(value, str) and value.isidentifier():
            return ast.parse(" + ".join(f"chr({ord(c)})" for c in value), mode="eval").body
        return node


def fingerprints(text: str) -> set[int]:
    cf = compact(SourceFile("m.py", text.encode()), FingerprintParams())
    return {int(h) for u in cf.units if u.kind in ("function", "method") for h in u.s_hash}


def wheel() -> Path:
    from lineage.source.fetch import cache_dir

    found = sorted(cache_dir().glob("pypi/transformers-5.23.0/*/transformers-5.23.0-py3-none-any.whl"))
    if not found:
        sys.exit("transformers 5.23.0 is not in the download cache: run `make index` first")
    return found[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=25)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("kinds", nargs="*", default=[*AFTER, *AROUND, *SPELT])
    args = ap.parse_args()
    with zipfile.ZipFile(wheel()) as z:
        names = sorted(n for n in z.namelist()
                       if n.startswith("transformers/models/") and "/modeling_" in n and n.endswith(".py"))
        picked = random.Random(args.seed).sample(names, min(args.files, len(names)))
        sources = [z.read(n).decode("utf-8") for n in picked]
    print(f"{len(sources)} modeling files of transformers 5.23.0 (seed {args.seed}); share of the original "
          "structural fingerprints kept")
    for kind in args.kinds:
        kept = []
        for src in sources:
            plain = fingerprints(ast.unparse(ast.parse(src)))
            tree = (Spell(kind) if kind in SPELT else Pad(kind)).visit(ast.parse(src))
            if kind == "idle_hook":  # after any `from __future__` import, which must come first
                at = next((i for i, st in enumerate(tree.body) if not (isinstance(st, ast.ImportFrom)
                                                                       and st.module == "__future__")), 0)
                tree.body[at:at] = _statements(HOOK)
            padded = fingerprints(ast.unparse(ast.fix_missing_locations(tree)))
            kept.append(len(plain & padded) / max(1, len(plain)))
        print(f"  {kind:20s} mean {np.mean(kept):.3f}  min {np.min(kept):.3f}")


if __name__ == "__main__":
    main()
