"""A keyword-only parameter its function never reads: padding of one signature.

parse/passthrough.py reads as absent a keyword a whole module threads through its definitions
and calls.  A copier can instead give each definition a keyword of its own (`def forward(self,
x, *, tag5=None)`) and "read" it in a statement that changes nothing (`tag5 = tag5 if tag5 is
not None else None`, parse/neutral.py): each signature's extra tokens break every 12-token gram
across them, and a copy of transformers' `modeling_glm4_moe.py` padded so was read as a weak
resemblance (a stranger's review).  A parameter after the bare `*` (or `*args`), with a default,
that its function's body spells nowhere but in statements that change no value, computes
nothing: it is read as absent with its comma (and the bare `*` when only such parameters, or
`**kwargs`, follow it), on both sides.  A keyword-only parameter is never passed by position,
so no call depends on where it stands.
"""

from __future__ import annotations

import re
from tree_sitter import Node, QueryCursor

from lineage.parse.neutral import changes_nothing
from lineage.parse.passthrough import bare_star, with_comma
from lineage.parse.queries import query

_DEFAULTED = ("default_parameter", "typed_default_parameter")
_PARAMS = "(function_definition parameters: (parameters) @params body: (block) @body)"
_SEPARATORS = frozenset({"keyword_separator", "list_splat_pattern"})


def unread_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of keyword-only parameters with defaults that their functions never read."""
    if b"*" not in source or b"def " not in source:
        return []
    spans: list[tuple[int, int]] = []
    for _, found in QueryCursor(query(_PARAMS)).matches(root):
        params, body = found["params"][0], found["body"][0]
        named = params.named_children
        after = next((i for i, p in enumerate(named) if p.type in _SEPARATORS), len(named))
        unread = [p for p in named[after + 1:] if p.type in _DEFAULTED and _unread(p, body, source)]
        names = {_name(p, source) for p in unread}
        spans += [with_comma(p) for p in unread] + (bare_star(unread[0], names, source) if unread else [])
    return sorted(set(spans))


def _name(param: Node, source: bytes) -> bytes:
    ident = param.child_by_field_name("name")
    return source[ident.start_byte:ident.end_byte] if ident is not None else b""


def _unread(param: Node, body: Node, source: bytes) -> bool:
    """The body spells the parameter nowhere but in statements that change no value."""
    name = _name(param, source)
    if not name:
        return False
    text = source[body.start_byte:body.end_byte]
    for hit in re.finditer(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)", text):
        at = body.start_byte + hit.start()
        node = body.descendant_for_byte_range(at, at + len(name))
        while node is not None and node.type != "expression_statement" and node != body:
            node = node.parent
        if node is None or node == body or node.parent is None or node.parent.type != "block" \
                or not changes_nothing(node, source):
            return False
    return True
