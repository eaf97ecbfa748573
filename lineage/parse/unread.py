"""A parameter with a default that its function never reads: padding of one signature.

parse/passthrough.py reads as absent a keyword a whole module threads through its definitions
and calls.  A copier can instead give each definition a parameter of its own (`def forward(self,
x, *, tag5=None)`, or by position: `def forward(self, x, opt5=None)`) and "read" it in a
statement that changes nothing (`tag5 = tag5 if tag5 is not None else None`, `del tag5`, `if tag5
is not None: pass`; parse/neutral.py): each signature's extra tokens break every 12-token gram
across them, and a copy of transformers' `modeling_glm4_moe.py` padded so was read as a weak
resemblance (a stranger's review).  A parameter with a default that its function's body spells
nowhere but in statements that change no value, in asserts (never part of a function's unit) or
in what is read as absent already (a block that does nothing, parse/deadcode.py), computes
nothing: it is read as absent with its comma (and the bare `*` when only such parameters, or
`**kwargs`, follow it), on both sides.  Calls are read as written: a call that passes it by
position still spells its argument.  A parameter without a default stays (a call must pass it).
"""

from __future__ import annotations

from tree_sitter import Node

from lineage.parse.neutral import changes_nothing
from lineage.parse.passthrough import bare_star, with_comma
from lineage.parse.queries import functions
from lineage.parse.spans import covers, merged
from lineage.parse.words import words

_DEFAULTED = ("default_parameter", "typed_default_parameter")
_SEPARATORS = frozenset({"keyword_separator", "list_splat_pattern"})
_QUIET = frozenset({"expression_statement", "delete_statement"})


def unread_spans(root: Node, source: bytes, dropped: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Byte spans of parameters with defaults that their functions never read.  ``dropped``: byte
    spans already read as absent (a spelling there is no reading: `if t is not None: pass`)."""
    if b"=" not in source or b"def " not in source:
        return []
    gone = merged(dropped or [])
    spans: list[tuple[int, int]] = []
    for _, params, body in functions(root):
        named = params.named_children
        after = next((i for i, p in enumerate(named) if p.type in _SEPARATORS), len(named))
        unread = [i for i, p in enumerate(named) if p.type in _DEFAULTED and _unread(p, body, source, gone)]
        keywords = [named[i] for i in unread if i > after]  # the bare `*` goes when only these follow it
        spans += [with_comma(named[i]) for i in unread]
        spans += bare_star(keywords[0], {_name(p, source) for p in keywords}, source) if keywords else []
    return sorted(set(spans))


def _name(param: Node, source: bytes) -> bytes:
    ident = param.child_by_field_name("name")
    return source[ident.start_byte:ident.end_byte] if ident is not None else b""


def _unread(param: Node, body: Node, source: bytes, gone: list[tuple[int, int]]) -> bool:
    """The body spells the parameter nowhere but in what is read as absent already, in asserts
    (no part of a function's unit) and in statements that change no value (`del t`, `t`)."""
    name = _name(param, source)
    if not name:
        return False
    for offset in words(name, source, body.start_byte, body.end_byte):
        at = body.start_byte + offset
        if covers(gone, at + len(name)):
            continue
        node = body.descendant_for_byte_range(at, at + len(name))
        while node is not None and node != body and (node.parent is None or node.parent.type != "block"):
            node = node.parent  # up to the innermost statement holding the spelling
        if node is None or node == body:
            return False
        if node.type != "assert_statement" and (node.type not in _QUIET or not changes_nothing(node, source)):
            return False
    return True
