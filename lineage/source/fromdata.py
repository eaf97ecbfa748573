"""Names a long literal of data feeds, per scope, for lineage/source/unpack.py: a packer that
decrypts its payload in a loop (`for i, c in enumerate([219, 69, ...]): s += chr(c ^ k)`) builds
the code it runs from a list of numbers or an encoded string, which the reader cannot follow to a
literal; code run from such a name is reported, never passed (source/packed.py)."""

from __future__ import annotations

import ast
import re

MIN_PLAIN = 120  # a literal run as it stands is read when it holds a program, not a one-liner

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def in_scope(scope: ast.AST) -> list[ast.AST]:
    """The nodes of one scope: a module's or a function's, not those of the functions in it."""
    out: list[ast.AST] = []
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        out.append(node)
        if not isinstance(node, FUNCTIONS):
            todo.extend(ast.iter_child_nodes(node))
    return out


def built_from_data(nodes: list[ast.AST], rounds: int = 8) -> set[str]:
    """Names a long literal feeds (``Reader.from_data``) among one scope's nodes, in a few passes."""
    found: set[str] = set()
    for _ in range(rounds):
        before = len(found)
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None \
                    and _feeds(node.value, found):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            elif isinstance(node, (ast.For, ast.AsyncFor)) and _feeds(node.iter, found):
                found |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
                found |= {n.id for st in ast.walk(node) if isinstance(st, (ast.Assign, ast.AugAssign))
                          for t in (st.targets if isinstance(st, ast.Assign) else [st.target])
                          for n in ast.walk(t) if isinstance(n, ast.Name)}
        if len(found) == before:
            break
    return found


_ENCODED = re.compile(r"[A-Za-z0-9+/=_\-]+|[\d.,;:|]+")  # an encoding's alphabet, or numbers, with no space


def _feeds(node: ast.expr, names: set[str]) -> bool:
    """The expression holds a long literal of data (bytes, a string with no space that reads as
    an encoding's or as numbers, a list or tuple of numbers or lists of them joined by `+`), or
    reads a name built from one.  (Text, as a template of code is, is no data here.)"""
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id in names:
            return True
        if isinstance(part, ast.Constant) and len(part.value if isinstance(part.value, (str, bytes)) else "") \
                >= MIN_PLAIN and (isinstance(part.value, bytes) or _ENCODED.fullmatch(str(part.value))):
            return True
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add) and _elements(part) >= MIN_PLAIN:
            return True
        if isinstance(part, (ast.List, ast.Tuple, ast.Set)) and _elements(part) >= MIN_PLAIN:
            return True
    return False


def _elements(node: ast.expr) -> int:
    """How many numbers lists or tuples of numbers joined by `+` hold (0 for anything else)."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        numbers = all(isinstance(e, ast.Constant) and isinstance(e.value, int) for e in node.elts)
        return len(node.elts) if numbers else 0
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _elements(node.left), _elements(node.right)
        return left + right if left and right else 0
    return 0
