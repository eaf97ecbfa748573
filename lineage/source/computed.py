"""A file that reaches its attributes through names it computes at run time cannot be read.

PyObfuscator (levels 2 and up) spells every attribute access `obj.weight` as `g(obj, d(b'\\xcc..',
k))`, with `g` bound to `getattr` and `d` a decoder of its own: the names the code uses exist only
once it runs, and running a scanned file is never done.  Its copies of transformers' modeling
files scanned as "no lineage evidence" and exited 0, a pass for code nobody could read.  Such a
file is reported as not checked instead, as packed code that cannot be unpacked is
(source/packed.py).  Real code reaches few attributes so: across the files of transformers and
vLLM no file has more than 4 two-argument `getattr` calls whose name is computed (not a literal,
not a variable: `getattr(obj, name)` is code's own), and in 5,937 files of scientific Python the
most is 25, a tenth of its attribute reads; the obfuscated copies have 202 to 313, about half.
"""

from __future__ import annotations

import ast
import re
import warnings

MIN_COMPUTED = 24  # this many computed-name reads at least,
MIN_SHARE = 0.3  # and this share of all attribute reads
# `getattr` spelt as a value (bound to another name), or called often: the only files parsed here
_HINT = re.compile(rb"\bgetattr\s*[,)\]]|=\s*getattr\b")


def computed_names(data: bytes) -> str | None:
    """Why the file cannot be read as written (the attributes it reads are named at run time), or None."""
    if data.count(b"getattr") < MIN_COMPUTED and not _HINT.search(data):
        return None
    tree = parse_quietly(data)
    if tree is None:
        return None  # (the scan reports a file that does not parse)
    names = _getattr_names(tree)
    computed = attributes = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names \
                and len(node.args) == 2 and not node.keywords:
            computed += not isinstance(node.args[1], ast.Constant | ast.Name)  # (`getattr(obj, name)`: code's own)
        elif isinstance(node, ast.Attribute):
            attributes += 1
    if computed < MIN_COMPUTED or computed < MIN_SHARE * (computed + attributes):
        return None
    return (f"{computed} of its {computed + attributes} attribute reads go through getattr with a name computed "
            "at run time: obfuscated code whose names exist only when it runs is not source")


def parse_quietly(data: bytes) -> ast.Module | None:
    """``ast.parse`` of a scanned file, its warnings (invalid escapes) silenced; None when it does
    not parse or is too deep to."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _getattr_names(tree: ast.Module) -> set[str]:
    """`getattr`, and the names the module binds to it (`g = getattr`, `a, g = int, getattr`)."""
    names = {"getattr"}
    for statement in tree.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target, value = statement.targets[0], statement.value
        pairs: list[tuple[ast.expr, ast.expr]] = [(target, value)]
        if isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List) \
                and len(target.elts) == len(value.elts):
            pairs = list(zip(target.elts, value.elts))
        names |= {t.id for t, v in pairs if isinstance(t, ast.Name) and isinstance(v, ast.Name) and v.id == "getattr"}
    return names
