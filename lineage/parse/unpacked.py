"""Arguments unpacked from a display written there, read as the arguments themselves (`lex-v48`).

A copier hands a call its arguments packed and unpacked in place: `f(*[a, b])` or `f(*(a,))` for
`f(a, b)`, `f(**{'eps': eps})` or `f(**dict(eps=eps))` for `f(eps=eps)`.  The call receives what it
did, but the tokens of every argument list change, and with them every structural k-gram across
each call: a stranger's review (2026-12-05) rewrote every call of real model files so and five of
six copies read as code of their own ("mostly code of its own", exit 0), every second call and four
of six did.  So such an argument is read as what it unpacks: the source is rewritten line for
line (the brackets and the `*` blanked, a key `'eps':` written `eps=`), as parse/operators.py
rewrites, and parsed again.  Only what is certainly the same call: a list or tuple display with
no starred item, before any keyword argument (`f(k=1, *[a])` passes `a` first, which `f(k=1, a)`
cannot say); a dictionary display whose keys are all string literals spelling distinct names; a
call of `dict` with keyword arguments alone, where the module binds `dict` nowhere.
"""

from __future__ import annotations

import keyword
import re

from tree_sitter import Node

from lineage.parse.bound import rebound
from lineage.parse.edits import applied
from lineage.parse.queries import shallow

_SPELT = re.compile(rb"[(,]\s*\*\*?\s*(?:[\[({]|dict\s*\()")  # (most modules unpack no display in a call)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def unpacked_arguments(root: Node, source: bytes) -> bytes | None:
    """The source with such arguments read as written out, or None when it has none."""
    if _SPELT.search(source) is None:
        return None
    splats = shallow(root, "(argument_list [(list_splat) (dictionary_splat)] @splat)", "splat")
    dict_free = not rebound(root, source, {"dict"})
    edits: list[tuple[int, int, bytes]] = []
    for splat in splats:
        edits += _positional(splat, source) if splat.type == "list_splat" else _keywords(splat, source, dict_free)
    return applied(source, edits)


def _blank(source: bytes, start: int, end: int) -> tuple[int, int, bytes]:
    """An edit removing bytes ``start`` to ``end``, keeping their line breaks (lines keep their numbers)."""
    return start, end, b"\n" * source.count(b"\n", start, end)


def _positional(splat: Node, source: bytes) -> list[tuple[int, int, bytes]]:
    """`*[a, b]`, `*(a, b)`, `*(a,)` as `a, b`; nothing after a keyword argument."""
    display = _inner(splat)
    if display is None or display.type not in ("list", "tuple") or splat.parent is None:
        return []
    if any(c.type == "keyword_argument" or c.type == "dictionary_splat" for c in splat.parent.named_children
           if c.start_byte < splat.start_byte):
        return []
    items = [c for c in display.named_children if c.type != "comment"]
    if not items or any(c.type in ("list_splat", "parenthesized_list_splat") for c in items) \
            or any(c.type == "comment" for c in display.named_children):
        return []
    return [_blank(source, splat.start_byte, items[0].start_byte), _blank(source, items[-1].end_byte, splat.end_byte)]


def _keywords(splat: Node, source: bytes, dict_free: bool) -> list[tuple[int, int, bytes]]:
    """`**{'k': v}` and `**dict(k=v)` as `k=v`."""
    value = _inner(splat)
    if value is None or any(c.type == "comment" for c in value.named_children):
        return []
    if value.type == "dictionary":
        pairs = [c for c in value.named_children if c.type != "comment"]
        names = [_key(p.child_by_field_name("key"), source) if p.type == "pair" else None for p in pairs]
        if not pairs or any(n is None for n in names) or len(set(names)) != len(names):
            return []
        edits = [_blank(source, splat.start_byte, pairs[0].start_byte),
                 _blank(source, pairs[-1].end_byte, splat.end_byte)]
        for pair, name in zip(pairs, names):
            key, val = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            assert key is not None and val is not None and name is not None
            edits.append((key.start_byte, val.start_byte, name.encode() + b"=" + b"\n" * source.count(
                b"\n", key.start_byte, val.start_byte)))
        return edits
    function = value.child_by_field_name("function") if value.type == "call" else None
    arguments = value.child_by_field_name("arguments") if function is not None else None
    if function is None or arguments is None or source[function.start_byte:function.end_byte] != b"dict" \
            or not dict_free or arguments.type != "argument_list":
        return []
    given = [c for c in arguments.named_children if c.type != "comment"]
    if not given or any(c.type != "keyword_argument" for c in given):
        return []
    return [_blank(source, splat.start_byte, given[0].start_byte), _blank(source, given[-1].end_byte, splat.end_byte)]


def _inner(splat: Node) -> Node | None:
    """What a `*`/`**` unpacks (through parentheses around a list or a dictionary)."""
    value = splat.named_children[0] if splat.named_child_count == 1 else None
    while value is not None and value.type == "parenthesized_expression" and value.named_child_count == 1 \
            and value.named_children[0].type in ("list", "dictionary"):
        value = value.named_children[0]
    return value


def _key(node: Node | None, source: bytes) -> str | None:
    """The name a dictionary key spells: a plain string literal (no prefix but `u`, no
    interpolation, no escape) holding an identifier that is no keyword."""
    if node is None or node.type != "string" or any(c.type == "interpolation" for c in node.children):
        return None
    text = source[node.start_byte:node.end_byte].decode("utf-8", "replace")
    body = text[1:] if text[:1] in "uU" else text
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    if quote not in ('"', "'", '"""', "'''") or not body.endswith(quote) or len(body) < 2 * len(quote):
        return None
    name = body[len(quote):len(body) - len(quote)]
    return name if _NAME.fullmatch(name) and not keyword.iskeyword(name) else None
