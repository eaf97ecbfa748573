"""A file that reaches its attributes through names it computes at run time cannot be read.

PyObfuscator (levels 2 and up) spells every attribute access `obj.weight` as `g(obj, d(b'\\xcc..',
k))`, with `g` bound to `getattr` and `d` a decoder of its own: the names the code uses exist only
once it runs, and running a scanned file is never done.  Its copies of transformers' modeling
files scanned as "no lineage evidence" and exited 0, a pass for code nobody could read.  Such a
file is reported as not checked instead, as packed code that cannot be unpacked is
(source/packed.py).  A name counts as computed when a call makes it (`d(b'..')`) or it is joined
from calls and single characters (`chr(114) + 'o'`); one spelt in the source, wholly or in part
(a literal, a variable, an f-string, `prefix + "_lr"`, `'skip_' + str(i)`), is code's own.  Real code computes few names so: across 20,150 files (transformers,
vLLM, Python's standard library, this tool's dependencies) no file has more than 3 `getattr`
calls with such a name; PyObfuscator's copies of transformers files have 204 to 314.  `getattr`
is read through the names a module binds to it (`g = getattr`, `a, g = int, getattr`, `g =
builtins.getattr`, a function that only returns `getattr(o, n)` of its parameters), with two or
three arguments, and so is `obj.__getattribute__(name)`.  A file this Python cannot parse (newer
syntax: `type T = int` on 3.11) is read by its text instead, so a line of newer syntax is no way
around the check: calls of `getattr`, or of a name bound to it by `=`, whose name argument is a
call's result.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable

MIN_COMPUTED = 16  # a file with this many names computed at run time is not read
# `getattr` named as a value (`g = getattr`, `getattr,`, `import getattr as g`), in a wrapper returning what
# it does, or `__getattribute__`: one mention serves any number of reads, so such a file is parsed
_HINT = re.compile(rb"\bgetattr\b(?![ \t]*\()|__getattribute__|\breturn\s+(?:\w+\s*\.\s*)?getattr\s*\(")
# a call of getattr with a name spelt as one literal (`getattr(config, "dim", None)`): never computed,
# so not counted towards the gate (transformers' modeling files hold dozens)
_SPELT = re.compile(rb"""\bgetattr\s*\(\s*[^,()"'\n]+,\s*[rbuRBU]{0,2}(?:"[^"\\\n]*"|'[^'\\\n]*')\s*[,)]""")


def computed_names(data: bytes, parse: Callable[[], ast.Module | type[Exception]] | None = None) -> str | None:
    """Why the file cannot be read as written (the attributes it reads are named at run time), or None
    (``parse``: the file's `parsed_tree`, made once for its readers: source/packed.py)."""
    spelt = data.count(b"getattr")  # (every way to getattr spells it: `__getattribute__` too)
    if not spelt or (spelt < MIN_COMPUTED or spelt - len(_SPELT.findall(data)) < MIN_COMPUTED) \
            and not _HINT.search(data):
        return None  # (fewer calls of getattr than computed names need, and no other way to it)
    parsed = parse() if parse is not None else parsed_tree(data)
    tree = parsed if isinstance(parsed, ast.Module) else None
    if tree is None:
        computed = _spelt_computed(data)  # (newer syntax than this Python reads, `type T = int`: by its text)
        how = " (read by its text: it does not parse as this Python's)"
    else:
        names = _getattr_names(tree)
        computed = sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call) and _computed(node, names))
        how = ""
    if computed < MIN_COMPUTED:
        return None
    return (f"{computed} of its attribute reads go through getattr with a name computed at run time{how}: "
            "obfuscated code whose names exist only when it runs is not source")


_ALIAS = re.compile(rb"(?m)^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*(?:builtins[ \t]*\.[ \t]*)?getattr\b")


def _spelt_computed(data: bytes) -> int:
    """For a file Python cannot parse here: how many calls of `getattr`, or of a name bound to
    it (`g = getattr`), pass as the name a call's result (`g(o, d(b'..'))`, `g(o, chr(114) + ...)`).
    Read by its text, the count is a lower bound of what the syntax tree shows."""
    names = {b"getattr", *(m.group(1) for m in _ALIAS.finditer(data))}
    pattern = rb"(?<![\w.])(?:" + b"|".join(re.escape(n) for n in sorted(names)) + \
        rb")\s*\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*[A-Za-z_][\w.]*\s*\("
    return len(re.findall(pattern, data))


def parse_quietly(data: bytes) -> ast.Module | None:
    """``ast.parse`` of a scanned file, its warnings (invalid escapes) silenced; None when it does
    not parse or is too deep to."""
    tree = parsed_tree(data)
    return tree if isinstance(tree, ast.Module) else None


def parsed_tree(data: bytes) -> ast.Module | type[Exception]:
    """``ast.parse`` of a scanned file, its warnings silenced, or the kind of error that stopped it
    (SyntaxError, ValueError, RecursionError or MemoryError)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return type(exc)


def _computed(call: ast.Call, names: set[str]) -> bool:
    """`g(obj, <computed>)` (two or three arguments) or `obj.__getattribute__(<computed>)`."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "__getattribute__":
        return len(call.args) == 1 and _made(call.args[0])
    by_name = isinstance(func, ast.Name) and func.id in names
    return (by_name or _is_getattr(func)) and len(call.args) in (2, 3) and not call.keywords and _made(call.args[1])


def _made(name: ast.expr) -> bool:
    """The name is what a call returns (`d(b'..')`), or is joined from calls and single characters
    (`chr(114) + 'o' + chr(112)`): none of it is spelt out (a literal, a variable, an f-string,
    `'skip_' + str(i)`, `prefix + str(i)`)."""
    if isinstance(name, ast.Call):
        return True
    if not isinstance(name, ast.BinOp) or not isinstance(name.op, ast.Add):
        return False
    parts: list[ast.expr] = [name]
    leaves: list[ast.expr] = []
    while parts:
        part = parts.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            parts += [part.left, part.right]
        else:
            leaves.append(part)
    return any(isinstance(leaf, ast.Call) for leaf in leaves) and all(
        isinstance(leaf, ast.Call) or (isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)
                                       and len(leaf.value) <= 1) for leaf in leaves)


def _is_getattr(node: ast.expr) -> bool:
    """`getattr`, or `getattr` of a module (`builtins.getattr`, `b.getattr` with `import builtins as b`)."""
    return (isinstance(node, ast.Name) and node.id == "getattr") or (
        isinstance(node, ast.Attribute) and node.attr == "getattr" and isinstance(node.value, ast.Name))


def _getattr_names(tree: ast.Module) -> set[str]:
    """`getattr`, and the names the module binds to it (`g = getattr`, `a, g = int, getattr`, `g =
    builtins.getattr`, `from builtins import getattr as g`, `def g(o, n): return getattr(o, n)`)."""
    names = {"getattr"}
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef) and _forwards(statement, names):
            names.add(statement.name)
        if isinstance(statement, ast.ImportFrom) and statement.module == "builtins":  # `import getattr as g`
            names |= {a.asname or a.name for a in statement.names if a.name == "getattr"}
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target, value = statement.targets[0], statement.value
        pairs: list[tuple[ast.expr, ast.expr]] = [(target, value)]
        if isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List) \
                and len(target.elts) == len(value.elts):
            pairs = list(zip(target.elts, value.elts))
        names |= {t.id for t, v in pairs if isinstance(t, ast.Name) and (_is_getattr(v) or (
            isinstance(v, ast.Name) and v.id in names))}
    return names


def _forwards(fn: ast.FunctionDef, names: set[str]) -> bool:
    """The function only returns `getattr` of its own parameters."""
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return False
    call = body[0].value
    params = {a.arg for a in fn.args.args}
    by_name = isinstance(call.func, ast.Name) and call.func.id in names
    return (by_name or _is_getattr(call.func)) and len(call.args) >= 2 \
        and all(isinstance(a, ast.Name) and a.id in params for a in call.args[:2])
