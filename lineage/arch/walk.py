"""How the architecture readers walk a syntax tree: which nodes they enter and which fields can
hold one, and the garbage collector paused while a tree lives."""

from __future__ import annotations

import ast
import contextlib
import gc
from collections.abc import Iterator

_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.Name, ast.arguments,
           ast.alias, ast.Import, ast.ImportFrom, ast.Pass, ast.Break, ast.Continue)
_NODE_TYPES = [c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.AST)]
# node types the reader enters: every other one (a leaf above, None in a dict's keys) is passed over
ENTERED = frozenset(c for c in _NODE_TYPES if not issubclass(c, _LEAVES))
# fields that hold names, numbers, flags or leaves, never a node the reader enters
SCALAR_FIELDS = frozenset({"id", "attr", "arg", "name", "names", "module", "level", "is_async", "simple",
                           "conversion", "kind", "type_comment", "ctx", "op", "ops"})
CHILD_FIELDS = {c: tuple(f for f in c._fields if f not in SCALAR_FIELDS) for c in _NODE_TYPES}


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while syntax trees are built, read and dropped: a tree holds no
    cycles and is freed by reference counting, yet its hundreds of thousands of new nodes would set
    off collections that walk them, and the whole heap (a loaded index included), again and again
    (as costly as half the parse).  A tree must be gone before the block ends, or the first
    collection after it walks the whole tree."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
