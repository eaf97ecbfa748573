"""Globals a function declares and stores a constant in, that nothing reads (`lex-v42`).

Padding may store a flag in a module global after every statement (`global _g3` then `_g3 = 3`):
a store the token-level dead-store reading (fingerprint/deadstores.py) keeps, as it must for a
global, whose readers may be other functions.  Read on the module as a whole, a name a function
declares `global` and stores only constants in (`=`, `+=`), that the module spells nowhere else
(no module-level binding, no read, in any function), is read by no code of the module: its
stores are read as absent, and so is a `global` statement naming only such names.  A global read
anywhere in the module, or stored from what the code computes, stays.
"""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from lineage.parse.constant import UNKNOWN, value
from lineage.parse.identity import enclosing_scope

_NESTED = frozenset({"function_definition", "class_definition", "lambda"})
_MAX_NODES = 20_000


def global_spans(declarations: list[Node], source: bytes,
                 only_in: Callable[[bytes, list[Node]], bool]) -> list[tuple[int, int]]:
    """Byte spans of stores nothing reads into declared globals, and of `global` statements
    naming nothing else (``declarations``: the module's `global` statements; ``only_in``: whether
    a name stands nowhere in the module but in the given statements)."""
    by_function: dict[int, tuple[Node, list[Node]]] = {}
    for statement in declarations:
        scope = enclosing_scope(statement)
        if scope is not None and scope.type == "function_definition":
            by_function.setdefault(scope.id, (scope, []))[1].append(statement)
    statements: dict[bytes, list[Node]] = {}
    stores: dict[bytes, list[Node]] = {}
    for function, declared in by_function.values():
        names = {_text(n, source) for d in declared for n in d.named_children if n.type == "identifier"}
        for d in declared:
            for n in d.named_children:
                statements.setdefault(_text(n, source), []).append(d)
        for store, name in _constant_stores(function, names, source):
            stores.setdefault(name, []).append(store)
    unread = {name for name, held in statements.items() if only_in(name, [*held, *stores.get(name, [])])}
    spans = [(s.start_byte, s.end_byte) for name in unread for s in stores.get(name, [])]
    spans += [(d.start_byte, d.end_byte) for d in declarations if d.named_children and all(
        n.type == "identifier" and _text(n, source) in unread for n in d.named_children)]
    return sorted(set(spans))


def _constant_stores(function: Node, names: set[bytes], source: bytes) -> list[tuple[Node, bytes]]:
    """Whole statements of the function's own body storing a constant in one of ``names``."""
    body = function.child_by_field_name("body")
    stack, seen, found = [body] if body is not None else [], 0, []
    while stack:
        node = stack.pop()
        seen += 1
        if seen > _MAX_NODES:
            return []
        if node.type in _NESTED:
            continue
        if node.type == "expression_statement" and node.named_child_count == 1:
            store = node.named_children[0]
            left, right = store.child_by_field_name("left"), store.child_by_field_name("right")
            if store.type in ("assignment", "augmented_assignment") and left is not None and left.type == "identifier" \
                    and _text(left, source) in names and store.child_by_field_name("type") is None \
                    and value(right, source) is not UNKNOWN:
                found.append((node, _text(left, source)))
            continue
        stack.extend(node.named_children)
    return found


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]
