"""A parameter renamed at the top of its function, `A=config`, read as the parameter itself.

A minifier cannot rename a parameter (a caller may pass it by keyword), so it binds it to a
short local first thing in the body and spells the local from then on: `def __init__(C,
config):A=config;super().__init__(A);...` (python-minifier's `rename_locals`).  Names are
abstracted in the structural stream, so the renaming itself costs nothing; the added statement
costs every k-gram across it.  A statement `NAME = PARAM` among the first statements of a
function's body (its docstring and other such statements aside), where PARAM is one of the
function's parameters and the body spells PARAM nowhere after it, is read as absent (`lex-v29`).
"""

from __future__ import annotations

from tree_sitter import Node

from lineage.parse.callsite import WORD
from lineage.parse.hoisted import leading, role
from lineage.parse.queries import functions

_NAMED = ("identifier", "typed_parameter", "default_parameter", "typed_default_parameter")


def alias_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of the statements that only rename a parameter at the top of a function."""
    if b"def " not in source:
        return []
    spans: list[tuple[int, int]] = []
    for fn, params, body in functions(root):
        names = {_name(p, source) for p in params.named_children if p.type in _NAMED} - {b""}
        for statement in leading(fn):  # (among literals a minifier hoisted there: parse/hoisted.py)
            renamed = _renames(statement, source)
            if renamed in names and not spelt_in(root, source, renamed, statement.end_byte, body.end_byte):
                spans.append((statement.start_byte, statement.end_byte))
    return spans


def spelt_in(root: Node, source: bytes, name: bytes, start: int, end: int) -> bool:
    """The name is read between ``start`` and ``end`` (not as an attribute after a dot, nor as a
    keyword argument's name: `f(config=A)`)."""
    for hit in WORD.finditer(source, start, end):
        if hit.group() != name:
            continue
        node = root.descendant_for_byte_range(hit.start(), hit.end())
        if node is not None and node.type == "identifier" and role(node) != "other":
            return True  # (in a string or a comment it is no reading)
    return False


def _renames(statement: Node, source: bytes) -> bytes | None:
    """The name a statement `NAME = OTHER` copies (OTHER), or None for any other statement."""
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    assignment = statement.named_children[0]
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if assignment.type != "assignment" or assignment.child_by_field_name("type") is not None or left is None \
            or right is None or left.type != "identifier" or right.type != "identifier":
        return None
    return source[right.start_byte:right.end_byte]


def _name(param: Node, source: bytes) -> bytes:
    ident = param if param.type == "identifier" else param.child_by_field_name("name")
    if ident is None and param.type == "typed_parameter" and param.named_child_count:
        ident = param.named_children[0]
    return source[ident.start_byte:ident.end_byte] if ident is not None and ident.type == "identifier" else b""
