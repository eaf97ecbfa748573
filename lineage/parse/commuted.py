"""The operands of a commutative operator read in one order, whichever order they were written in.

A copier swaps operands that commute (`residual + hidden` as `hidden + residual`, `x * w` as
`w * x`, `a == b` as `b == a`): the code computes what it did, and every structural k-gram
across each such expression changes.  Swapped throughout, alone it let nothing of ten real model
files copied whole pass; with renaming and a few refactorings stacked it was the second largest
loss after cutting functions into helpers.  So the operands of a chain of one commutative operator
(`+ * & | ^`: `a + b + c`, and through parentheses, `a + (b + c)`, which are then read as absent),
and the two sides of an `==` or `!=`, are read in one order on the reference side and
the scanned side alike (`lex-v33`):

* by the structural kinds of their tokens, parentheses aside (names abstracted: a renamed copy
  orders its operands as its source does), an operand's own chains ordered first;
* an operand that is the name the statement assigns comes first (`x = y + x` reads as
  `x = x + y`, which fingerprint/idioms.py reads as `x += y`);
* operands whose kinds are the same stay in the order written: the structure reads them alike
  either way, and their names are the lexical stream's to compare.

Nothing moves in the source: each token gets a virtual position, a permutation of the token
starts within each chain's span, that parse/units.py orders a unit's tokens by.  The tokens of a
chain reordered across lines all stand on its first line (else an operand moved to the front
from a later line would read as a statement of its own).  Only where the tokens show one of the
operators is the tree read; a chain longer than MAX_TOKENS tokens stays as written.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np
from tree_sitter import Node, QueryCursor

from lineage.parse.nodes import grouping, parts
from lineage.parse.queries import query

CHAINED = ("+", "*", "&", "|", "^")  # associative and commutative: read as one chain
SIDES = ("==", "!=")  # two sides that commute
MAX_TOKENS = 400
_OPERATORS = "[(binary_operator) (comparison_operator)] @op"  # (a pattern naming the operators runs in quadratic time)
MAX_DEPTH = 1000  # operators nested deeper are not looked for (no chain of MAX_TOKENS reaches it) ...
# ... and tree-sitter's query cursor, past a depth of 65,535, takes quadratic time (a 200,000-term sum: 2 minutes)
_GROUPING = ("(", ")")  # an operand's key reads through parentheses: grouping ones are layout


def commuted(root: Node, source: bytes, starts: np.ndarray, kind_ids: np.ndarray, kinds: dict[str, int],
             kind_names: list[str], absent: list[tuple[int, int]], tick: Callable[[], None] = lambda: None
             ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """(virtual token starts, the bytes whose lines the tokens stand on, byte spans of the
    parentheses that chains read through, read as absent).  Per token:
    ``starts`` its first byte, ``kind_ids`` its kind, numbered by ``kinds`` (``kind_names``: each
    number's kind); ``absent``: byte spans already read as absent (their tokens order nothing)."""
    virtual, placed = starts, starts.copy()
    seeds = np.flatnonzero(np.isin(kind_ids, [kinds.get(k, -1) for k in CHAINED + SIDES]))
    if seeds.size == 0:
        return virtual, placed, []
    live = np.ones(starts.size, dtype=bool)
    for lo, hi in absent:
        live[np.searchsorted(starts, lo): np.searchsorted(starts, hi)] = False
    alive = set(starts[seeds[live[seeds]]].tolist())
    chains: dict[tuple[int, int], Node] = {}
    parens: list[tuple[int, int]] = []
    for node in _chains(root):
        tick()
        if parts(node)[1].start_byte in alive:
            chains[(node.start_byte, node.end_byte)] = node
    at = starts.tolist()
    seat = at[:]  # each token's virtual start, as the chains below reorder them
    names = [kind_names[k] for k in kind_ids.tolist()]
    read = live.tolist()

    def span(node: Node) -> tuple[int, int]:
        return bisect.bisect_left(at, node.start_byte), bisect.bisect_left(at, node.end_byte)

    def tokens(a: int, b: int) -> list[int]:  # tokens a to b in their virtual order
        return sorted(range(a, b), key=seat.__getitem__)

    for (lo, hi), node in sorted(chains.items(), key=lambda c: c[0][1] - c[0][0]):  # innermost first
        first, last = span(node)
        if last - first > MAX_TOKENS:
            continue
        operands, operators, brackets = _flattened(node)
        parens += [(b.start_byte, b.end_byte) for b in brackets]
        ranges = [tokens(*span(o)) for o in operands]
        keys = [tuple(names[t] for t in r if read[t] and names[t] not in _GROUPING) for r in ranges]
        target = _target(node, source)
        rank = sorted(range(len(operands)), key=lambda j: (target is not None and _text(operands[j], source) != target,
                                                           keys[j]))
        if rank == sorted(rank) and not brackets:
            continue  # (in order already)
        ahead = [bisect.bisect_left(at, o.start_byte) for o in operators]
        sequence: list[int] = []
        for step, j in enumerate(rank):
            sequence += ranges[j]
            if step < len(ahead):
                sequence.append(ahead[step])
        rest = sorted(set(range(first, last)) - set(sequence))  # (parentheses the chain reads through)
        if len(sequence) + len(rest) != last - first or len(set(sequence)) != len(sequence):
            continue
        slots = sorted(seat[first:last])
        if sequence + rest != sorted(sequence + rest, key=seat.__getitem__):
            for t, slot in zip(sequence + rest, slots):
                seat[t] = slot
            if b"\n" in source[lo:hi]:
                placed[first:last] = lo
    virtual = np.asarray(seat, dtype=starts.dtype)
    return virtual, placed, parens


def _chains(root: Node) -> list[Node]:
    """The outermost chain of each commutative operator in the tree, and each `==`/`!=` of two
    sides.  Found top-down from one query (a node's parent costs a walk from the root in
    tree-sitter: climbing from every operator of a 20,000-term sum took seconds)."""
    cursor = QueryCursor(query(_OPERATORS))
    cursor.set_max_start_depth(MAX_DEPTH)
    found = cursor.captures(root).get("op", [])
    inner: set[int] = set()
    tops: list[Node] = []
    for node in found:
        if node.type == "comparison_operator":
            sides = parts(node)
            if len(sides) == 3 and sides[1].type in SIDES:
                tops.append(node)
            continue
        op = _operator(node)
        if op not in CHAINED:
            continue
        tops.append(node)
        for side in parts(node)[::2]:
            if side.type == "parenthesized_expression" and side.named_child_count == 1:
                side = side.named_children[0]
            if side.type == "binary_operator" and _operator(side) == op:
                inner.add(side.id)
    return [n for n in tops if n.id not in inner]


def _flattened(node: Node) -> tuple[list[Node], list[Node], list[Node]]:
    """(operands, operator tokens, parentheses read through) of a chain, in the order written."""
    operands: list[Node] = []
    operators: list[Node] = []
    brackets: list[Node] = []
    if node.type == "comparison_operator":
        first, middle, last = parts(node)
        return [first, last], [middle], []
    op = _operator(node)

    def walk(n: Node) -> None:
        if n.type == "binary_operator" and _operator(n) == op:
            left, middle, right = parts(n)
            walk(left)
            operators.append(middle)
            walk(right)
        elif n.type == "parenthesized_expression" and n.named_child_count == 1 and n is not node \
                and n.named_children[0].type == "binary_operator" and _operator(n.named_children[0]) == op:
            brackets.extend((n.children[0], n.children[-1]))
            walk(n.named_children[0])
        else:
            operands.append(n)

    walk(node)
    return operands, operators, brackets


def _operator(node: Node) -> str | None:
    """A binary operator's operator (its middle child's type)."""
    children = parts(node)
    return children[1].type if len(children) == 3 else None


def _target(node: Node, source: bytes) -> str | None:
    """The name a plain assignment of ``node`` stores (`x = <node>`), or None; through parentheses
    wrapping the whole value (`x = (y + x)`: a formatter wraps a long value so, fingerprint/formatting.py)."""
    up, value = node.parent, node
    while up is not None and grouping(up):
        value = up
        up = up.parent
    if up is None or up.type != "assignment":
        return None
    right, left = up.child_by_field_name("right"), up.child_by_field_name("left")
    if right is None or left is None or right.start_byte != value.start_byte or left.type != "identifier":
        return None
    return _text(left, source)


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte: node.end_byte].decode("utf-8", "replace")
