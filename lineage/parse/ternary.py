"""An `if` statement that only picks one of two values, read as the conditional expression it spells.

A copier (or a tool asked to "rewrite this") writes ``x = a if c else b`` out as a statement::

    if c:
        x = a
    else:
        x = b

and ``return a if c else b`` as ``if c: return a`` / ``else: return b``.  Both compute what the
expression did, and every structural k-gram across them changes: one such rewrite of a model's
forward took 40% of its similarity to its source.  So an `if` with one `else` (no `elif`), each
branch a single assignment to the same target (spelt alike, plain `=`, no annotation, not
``x = x + a``, which reads as ``x += a``) or a single `return` of a value, is read as the expression (`lex-v37`): ``x = a if c else b``, whose
branches fingerprint/idioms.py then orders as it orders any conditional's.

Nothing moves in the source: the statement's tokens get new virtual starts (a permutation of
theirs, as parse/commuted.py gives operands), all stand on its first line (one statement), and
its two colons and the second branch's ``x =`` or ``return`` are read as absent.
"""

from __future__ import annotations

import bisect

from collections.abc import Sequence

import numpy as np
from tree_sitter import Node, QueryCursor

from lineage.parse.nodes import grouping, parts, unwrapped
from lineage.parse.queries import PICKS, captured, query


def ternaries(root: Node, source: bytes, starts: np.ndarray, virtual: np.ndarray, placed: np.ndarray,
              scaffolding: Sequence[tuple[int, int]] = ()) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """(virtual token starts, the bytes whose lines the tokens stand on, byte spans read as
    absent) with each two-way pick read as its conditional expression.  ``starts``: each
    token's first byte (ascending); ``virtual``/``placed``: the same as parse/commuted.py
    gave them, which this permutes further.  ``scaffolding``: spans a flattened loop's reading
    drops (parse/flattened.py): a pick of the next state among them is no pick of the code's."""
    if b"else" not in source:
        return virtual, placed, []
    seat, stood = virtual.copy(), placed.copy()
    absent: list[tuple[int, int]] = []
    dropped = sorted(start for start, _ in scaffolding)

    def tokens(lo: int, hi: int) -> list[int]:  # the tokens within bytes [lo, hi), in their virtual order
        a, b = int(np.searchsorted(starts, lo)), int(np.searchsorted(starts, hi))
        return sorted(range(a, b), key=lambda t: int(seat[t]))

    # the picks the shared walk of the tree found (parse/queries.py), each matched again alone for its parts
    # (a walk of its own for this one pattern cost a fifth of a second over 200 modeling files)
    cursor = QueryCursor(query(PICKS))
    cursor.set_max_start_depth(0)  # (matches of the `if` itself, not of one nested in it)
    picks = {pick.id: pick for pick in captured(root, "ternary.if")}  # (one `if` matched twice: read once)
    for _, m in (match for pick in picks.values() for match in cursor.matches(pick)):
        node, s1, s2, r1, r2 = (m[k][0] for k in ("if", "s1", "s2", "r1", "r2"))
        picked = _parts(node, source, m)
        if scaffolding and bisect.bisect_left(dropped, node.start_byte) < bisect.bisect_left(dropped, node.end_byte):
            continue
        if picked is None or r1.type == "assignment" or r2.type == "assignment":
            continue  # (`x = y = a`: a chain of targets)
        colon, otherwise, colon2 = picked
        groups = [tokens(s1.start_byte, s1.end_byte), tokens(node.start_byte, colon.end_byte),
                  tokens(otherwise.start_byte, colon2.end_byte), tokens(s2.start_byte, s2.end_byte)]
        sequence = [t for g in groups for t in g]
        first, last = int(np.searchsorted(starts, node.start_byte)), int(np.searchsorted(starts, node.end_byte))
        if sorted(sequence) != list(range(first, last)):
            continue  # (a token outside the four parts: nothing is read out of place)
        seat[sequence] = np.sort(seat[first:last])
        stood[first:last] = node.start_byte
        absent += [(colon.start_byte, colon.end_byte), (colon2.start_byte, colon2.end_byte),
                   (s2.start_byte, r2.start_byte)]
    return seat, stood, absent


def _parts(node: Node, source: bytes, m: dict[str, list[Node]]) -> tuple[Node, Node, Node] | None:
    """(the `if`'s colon, `else`, the `else`'s colon) of a two-way pick, or None: an `elif`, an
    annotated or augmented assignment, targets spelt differently (the query pairs like branches only)."""
    alternatives = node.children_by_field_name("alternative")
    if len(alternatives) != 1 or alternatives[0].child_count < 3:
        return None
    if "l1" in m:
        a1, a2 = m["l1"][0].parent, m["l2"][0].parent
        if a1 is None or a2 is None or any(a.child_by_field_name("type") is not None or a.child_count != 3
                                           or a.children[1].type != "=" for a in (a1, a2)):
            return None
        l1, l2 = m["l1"][0], m["l2"][0]
        if source[l1.start_byte:l1.end_byte] != source[l2.start_byte:l2.end_byte]:
            return None
        if l1.type == "identifier" and any(_updates(m[r][0], source, source[l1.start_byte:l1.end_byte])
                                           for r in ("r1", "r2")):
            return None  # `x = x + a` reads as `x += a` (fingerprint/idioms.py), which stays a statement
    colon = next((c for c in node.children if c.type == ":"), None)
    otherwise = alternatives[0]
    if colon is None or otherwise.children[0].type != "else" or otherwise.children[1].type != ":":
        return None
    return colon, otherwise.children[0], otherwise.children[1]


def _updates(value: Node, source: bytes, target: bytes) -> bool:
    """Whether ``value`` is a chain of one binary operator with ``target`` among its operands (the
    value wrapped whole in parentheses too, as a formatter wraps a long one; a backslash
    continuation or a comment inside, tree-sitter's extras, aside: parse/nodes.py)."""
    value = unwrapped(value)
    if value.type != "binary_operator" or len(parts(value)) != 3:
        return False
    op = parts(value)[1].type
    stack = [value]
    while stack:
        n = stack.pop()
        if n.type == "binary_operator" and len(parts(n)) == 3 and parts(n)[1].type == op:
            stack += parts(n)[::2]
        elif grouping(n):
            stack.append(unwrapped(n))
        elif n.type == "identifier" and source[n.start_byte:n.end_byte] == target:
            return True
    return False
