"""A keyword threaded through a module and never read: padding of its signatures and calls.

A copier can put an extra keyword parameter on every definition (`def forward(self, x, *,
acme_tag=None)`) and hand it on in every call (`self.mlp(x, acme_tag=acme_tag)`): each one
changes every 12-token gram across it, so a copy of transformers' `modeling_glm4_moe.py` padded
this way was explained to 67% by its source and read as a weak resemblance.  A name that is a
parameter with a default in THREADED functions or more of a module, and that the module never
mentions otherwise than as such a parameter or in a keyword argument (`f(tag=tag)`, `g(other=tag)`,
`h(tag=None)`: not read, not stored, not in a string or a comment), computes nothing: those
parameters and keyword arguments are read as absent, with their commas (and a bare `*` only they
followed), on the reference side and the scanned side alike.

Judged per module, not per function: a function's own keyword handed on to the layer it calls
(`attention_mask=attention_mask`) is how real model code is written, and is read somewhere in its
module; dropping it per function cost 0.9 points of `make eval`'s file top-1.
"""

from __future__ import annotations

from collections import defaultdict

from tree_sitter import Node

from lineage.parse.queries import captured
from lineage.parse.words import words

THREADED = 3  # a keyword on fewer definitions than this is left as written
_DEFAULTED = ("default_parameter", "typed_default_parameter")
_PLAIN = frozenset({"identifier", "none", "true", "false", "integer", "float", "string"})



def passthrough_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of threaded, never-read keyword parameters and of the keyword arguments that
    hand them on or set them."""
    if source.count(b"=") < THREADED or source.count(b"def ") < THREADED:
        return []
    defaulted: dict[bytes, list[Node]] = defaultdict(list)
    for params in captured(root, "passthrough.params"):  # (parse/queries.py)
        for p in params.named_children:
            ident = p.child_by_field_name("name") if p.type in _DEFAULTED else None
            if ident is not None and ident.type == "identifier":
                defaulted[_text(ident, source)].append(p)
    threaded = {name for name, ps in defaulted.items() if len(ps) >= THREADED}
    if not threaded:
        return []
    kwargs: dict[bytes, list[Node]] = defaultdict(list)  # name -> the keyword arguments naming or passing it
    mentions: dict[bytes, int] = defaultdict(int)
    computed: set[bytes] = set()  # set to what a call computes somewhere: left as written
    for kwarg in captured(root, "passthrough.kwarg"):  # (in no particular order)
        key, value = kwarg.child_by_field_name("name"), kwarg.child_by_field_name("value")
        if key is None or value is None:
            continue
        named, passed = _text(key, source), _text(value, source) if value.type == "identifier" else b""
        for name in {named, passed} & threaded:
            mentions[name] += (named == name) + (passed == name)
            if passed == name or value.type in _PLAIN:
                kwargs[name].append(kwarg)
            else:
                computed.add(name)
    padding = {name for name in threaded - computed if _only_there(
        name, source, len(defaulted[name]) + mentions[name])}
    spans: list[tuple[int, int]] = []
    for name in sorted(padding):
        spans += [with_comma(p) for p in defaulted[name]] + [with_comma(k) for k in kwargs[name]]
        spans += [star for p in defaulted[name] for star in bare_star(p, padding, source)]
    return sorted(set(spans))


def _only_there(name: bytes, source: bytes, counted: int) -> bool:
    """The module spells ``name`` (not as an attribute) nowhere but in the ``counted`` places."""
    return len(words(name, source)) == counted


def bare_star(param: Node, padding: set[bytes], source: bytes) -> list[tuple[int, int]]:
    """The `*` before ``param`` when only padding keywords (or `**kwargs`) follow it."""
    parent = param.parent
    named = parent.named_children if parent is not None else []
    stars = [i for i, p in enumerate(named) if p.type == "keyword_separator"]
    if not stars or param not in named[stars[0] + 1:]:
        return []
    for p in named[stars[0] + 1:]:
        if not _double_star(p) and not (
                p.type in _DEFAULTED and _text(p.child_by_field_name("name"), source) in padding):
            return []
    return [with_comma(named[stars[0]])]


def _double_star(param: Node) -> bool:
    """`**kwargs`, typed or not (`**kwargs: Unpack[...]`)."""
    return param.type == "dictionary_splat_pattern" or (
        param.type == "typed_parameter" and any(c.type == "dictionary_splat_pattern" for c in param.named_children))


def with_comma(node: Node) -> tuple[int, int]:
    """The node with the comma before it, or (first in its list) the comma after it."""
    before = node.prev_sibling
    if before is not None and before.type == ",":
        return before.start_byte, node.end_byte
    after = node.next_sibling
    if after is not None and after.type == ",":
        return node.start_byte, after.end_byte
    return node.start_byte, node.end_byte


def _text(node: Node | None, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte] if node is not None else b""
