"""Byte edits of a source, applied at once: the rewrites that read a module line for line as other
code (parse/namespace.py, parse/operators.py, parse/unpacked.py, parse/walrus.py)."""

from __future__ import annotations

from tree_sitter import Node


def applied(source: bytes, edits: list[tuple[int, int, bytes]]) -> bytes | None:
    """``source`` with each (start, end, text) edit made (an insertion, start == end, before a
    replacement starting where it does), or None when there are none or two overlap (left as written)."""
    if not edits:
        return None
    out, at = [], 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1] - e[0], e[2])):
        if start < at:
            return None
        out += [source[at:start], text]
        at = end
    out.append(source[at:])
    return b"".join(out)


def dotted_base(node: Node) -> Node | None:
    """The name a dotted name starts from (`torch` of `torch.nn.functional.silu`, `x` of `x`), or None
    when it starts from anything else (a call, an item)."""
    while node.type == "attribute":
        inner = node.child_by_field_name("object")
        if inner is None:
            return None
        node = inner
    return node if node.type == "identifier" else None
