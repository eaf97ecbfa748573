"""A module's own call forwarders: `def _call(fn, *args, **kwargs): return fn(*args, **kwargs)`.

A stranger's review routed every call of an imported callable in a copied file through such a
helper (`nn.Linear(a, b)` written `_call(nn.Linear, a, b)`): every 12-token gram across each call
broke, and 3 of 10 real model files copied whole read as code of their own.  A call of a function
the module binds once at its top level (an undecorated `def` of an optional docstring and either
`return p(*a, **k)` or `r = p(*a, **k)` then `return r`, calling its first parameter with all of
the rest) reads as the call it forwards: fingerprint/idioms.py moves the callee out of the
arguments, on both sides (`lex-v32`).
"""

from __future__ import annotations

from tree_sitter import Node

from lineage.parse.identity import bound_once

def forwarder_functions(root: Node, source: bytes) -> frozenset[str]:
    """Names of the module's call forwarders (top-level, undecorated, bound once)."""
    if b"*" not in source:
        return frozenset()
    found = set()
    for node in root.named_children:
        if node.type != "function_definition":
            continue
        name, params, body = (node.child_by_field_name(f) for f in ("name", "parameters", "body"))
        if name is None or params is None or body is None:
            continue
        shape = _parameters(params, source)
        if shape is not None and _forwards(body, shape, source) and bound_once(source, _text(name, source), True):
            found.add(_text(name, source).decode("utf-8", "replace"))
    return frozenset(found)


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


def _parameters(params: Node, source: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(first, *args, **kwargs) names of `(first, *args, **kwargs)` (either star may be missing: b"")."""
    items = params.named_children
    if not items or items[0].type != "identifier":
        return None
    first, star, stars = _text(items[0], source), b"", b""
    for item in items[1:]:
        if item.type == "list_splat_pattern" and not star and not stars:
            star = _text(item, source).lstrip(b"*")
        elif item.type == "dictionary_splat_pattern" and not stars:
            stars = _text(item, source).lstrip(b"*")
        else:
            return None
    return (first, star, stars) if star or stars else None


def _forwards(body: Node, shape: tuple[bytes, bytes, bytes], source: bytes) -> bool:
    """The body returns the first parameter called with all of the rest (directly or through one local)."""
    statements = [s for s in body.named_children if s.type != "comment"]
    if statements and statements[0].type == "expression_statement" and statements[0].named_child_count == 1 \
            and statements[0].named_children[0].type == "string":
        statements = statements[1:]  # the docstring
    if len(statements) == 1 and statements[0].type == "return_statement" and statements[0].named_child_count == 1:
        return _is_forward(statements[0].named_children[0], shape, source)
    if len(statements) == 2 and statements[0].type == "expression_statement" and statements[1].type == "return_statement":
        store = statements[0].named_children[0] if statements[0].named_child_count == 1 else None
        if store is None or store.type != "assignment":
            return False
        left, right = store.child_by_field_name("left"), store.child_by_field_name("right")
        back = statements[1].named_children[0] if statements[1].named_child_count == 1 else None
        return left is not None and right is not None and back is not None and left.type == "identifier" \
            and _text(left, source) == _text(back, source) and _is_forward(right, shape, source)
    return False


def _is_forward(value: Node, shape: tuple[bytes, bytes, bytes], source: bytes) -> bool:
    """`first(*args, **kwargs)`, exactly the parameters given."""
    if value.type != "call":
        return False
    called, arguments = value.child_by_field_name("function"), value.child_by_field_name("arguments")
    if called is None or arguments is None or _text(called, source) != shape[0]:
        return False
    passed = [_text(a, source).replace(b" ", b"") for a in arguments.named_children]
    wanted = ([b"*" + shape[1]] if shape[1] else []) + ([b"**" + shape[2]] if shape[2] else [])
    return passed == wanted
