"""Statements and calls restated before the idioms are read (fingerprint/idioms.py), and the token
helpers both use: a tuple assignment read as its assignments one by one, and a call through the
module's own call forwarder read as the call it forwards (`lex-v32`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lineage.parse.vocab import Vocab

OPEN, CLOSE = ("(", "[", "{"), (")", "]", "}")
LIMIT = 400


class Spell:
    """Ids of the kinds and texts the rewrites read and write, numbered in the file's vocabulary."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def kind(self, s: str) -> int:
        return self.vocab.kinds.number(s)

    def text(self, s: str) -> int:
        return self.vocab.texts.number(s)


def unpacked(kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray, unit_of: np.ndarray, logical: np.ndarray,
              vocab: Vocab, ids: Spell) -> tuple[np.ndarray, np.ndarray]:
    """(order, logical lines): ``a, b = x, y`` (or ``(a, b) = (x, y)``) read as ``a = x`` then
    ``b = y``, as many targets as values, none starred: the targets' commas become the pieces'
    ``=``, the values' commas and the tuples' brackets go (moved to the statement's start, not
    kept).  Packing independent statements into one tuple assignment left six of ten real model
    files copied whole reading as code of their own (`lex-v32`).  Each piece gets a logical line
    of its own (``logical`` scaled by _PIECES), so the rules below read it as a statement."""
    n = kinds.size
    order = np.arange(n)
    scaled = logical.astype(np.int64) * _PIECES
    get = vocab.kinds.ids.get
    eq, comma, star = get("=", -1), get(",", -1), get("*", -1)
    if n < 5 or eq < 0 or comma < 0:
        return order, scaled
    depth = depths(kinds, vocab)
    begins = np.ones(n, dtype=bool)
    begins[1:] = (unit_of[1:] != unit_of[:-1]) | ((logical[1:] != logical[:-1]) & (depth[:-1] == 0))
    statement = np.cumsum(begins) - 1
    starts = np.flatnonzero(begins)
    ends = np.append(starts[1:], n)
    at_top = (kinds == eq) & (depth == 0)
    eqs = np.bincount(statement[at_top], minlength=starts.size)
    # a comma before the statement's `=`, at its own level or in one bracket: the targets are a tuple
    low_commas = (kinds == comma) & (depth <= 1)
    before_eq = np.zeros(n, dtype=bool)
    first_eq = np.full(starts.size, n)
    np.minimum.at(first_eq, statement[at_top], np.flatnonzero(at_top))
    before_eq[low_commas] = np.flatnonzero(low_commas) < first_eq[statement[low_commas]]
    candidates = np.flatnonzero((eqs == 1) & (np.bincount(statement[before_eq], minlength=starts.size) > 0))
    open_ids = {get(o, -1) for o in ("(", "[")} - {-1}
    for st in candidates.tolist():
        b, e, q = int(starts[st]), int(ends[st]), int(first_eq[st])
        left, right = _elements(kinds, depth, b, q, comma, open_ids), _elements(kinds, depth, q + 1, e, comma, open_ids)
        if left is None or right is None or len(left[0]) != len(right[0]) or len(left[0]) < 2:
            continue
        if star >= 0 and any(kinds[x] == star for x, _ in left[0] + right[0]):
            continue
        dropped = sorted(left[2] + right[2] + right[1])
        pieces: list[int] = []
        for i, ((l0, l1), (r0, r1)) in enumerate(zip(left[0], right[0])):
            sep = left[1][i] if i < len(left[1]) else q
            kinds[sep], texts[sep] = eq, ids.text("=")
            span = [*range(l0, l1), sep, *range(r0, r1)]
            scaled[span] += i
            pieces += span
        kept[dropped] = False
        order[b:e] = np.asarray(dropped + pieces, dtype=np.int64)
    return order, scaled


_PIECES = 64  # logical lines are scaled by this: a tuple assignment's pieces are read as lines of their own


def forwarded(kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray, unit_of: np.ndarray, vocab: Vocab,
               forwarders: Sequence[str]) -> np.ndarray:
    """An order in which each call of a forwarder, ``F(f, rest)``, reads as ``f(rest)``: the callee
    (the first argument) goes before the bracket, and the forwarder's name and the comma after the
    callee are not kept.  A first argument that is starred or a keyword is left as written."""
    order = np.arange(kinds.size)
    get = vocab.kinds.ids.get
    open_paren, comma, dot, define = get("(", -1), get(",", -1), get(".", -1), get("def", -1)
    if open_paren < 0:
        return order
    depth = depths(kinds, vocab)
    stars = {get(k, -1) for k in ("*", "**", "=")} - {-1}
    for name in forwarders:
        t = vocab.texts.ids.get(name, -1)
        if t < 0:
            continue
        at = np.flatnonzero(texts == t)
        at = at[(at + 1 < kinds.size)]
        before = kinds[np.maximum(at - 1, 0)]
        at = at[(kinds[at + 1] == open_paren) & ((at == 0) | ((before != dot) & (before != define)))]
        for i in at.tolist():  # (the forwarder's own `def` line is no call of it)
            level, close = depth[i + 1], -1
            for j in range(i + 2, min(kinds.size, i + LIMIT)):
                if unit_of[j] != unit_of[i]:
                    break
                if depth[j] < level:
                    close = j
                    break
            if close < 0 or close == i + 2:
                continue
            inside = np.arange(i + 2, close)
            split = inside[(kinds[inside] == comma) & (depth[inside] == level)]
            end = int(split[0]) if split.size else close
            callee = np.arange(i + 2, end)
            if any(int(k) in stars for k in kinds[callee]) or order[i] != i:
                continue  # (a starred or keyword first argument; a call inside one already moved)
            rest = np.arange(end + 1, close) if split.size else np.empty(0, dtype=np.int64)
            kept[i] = False
            if split.size:
                kept[end] = False
            moved = [i, *callee.tolist(), i + 1, *(([end] + rest.tolist()) if split.size else []), close]
            order[i: close + 1] = np.asarray(moved, dtype=np.int64)
    return order


def _elements(kinds: np.ndarray, depth: np.ndarray, start: int, stop: int, comma: int, opens: set[int]
              ) -> tuple[list[tuple[int, int]], list[int], list[int]] | None:
    """(element spans, their commas, the enclosing brackets and a trailing comma in them) of a tuple
    written from ``start`` to ``stop`` (exclusive), bare or in one pair of brackets; None when an
    element is empty."""
    if stop - start < 1:
        return None
    level, groups = 0, []
    if int(kinds[start]) in opens and stop - start >= 2 and depth[stop - 1] == 0 \
            and not np.any(depth[start: stop - 1] == 0):
        level, groups, start, stop = 1, [start, stop - 1], start + 1, stop - 1
    inside = np.arange(start, stop)
    commas = inside[(kinds[inside] == comma) & (depth[inside] == level)].tolist()
    if level and len(commas) > 1 and commas[-1] == stop - 1:  # a formatter's trailing comma, `(\n a,\n b,\n)`
        stop = commas.pop()
        groups.append(stop)
    bounds = [start, *commas, stop]
    spans = [(bounds[0], bounds[1])] + [(c + 1, d) for c, d in zip(bounds[1:-1], bounds[2:])]
    if any(e <= s for s, e in spans):
        return None
    return spans, commas, groups


def depths(kinds: np.ndarray, vocab: Vocab) -> np.ndarray:
    """Bracket depth after each token (a closing bracket: the depth it returns to)."""
    step = np.zeros(len(vocab.kinds.items) + 8, dtype=np.int64)
    for o in OPEN:
        if o in vocab.kinds.ids:
            step[vocab.kinds.ids[o]] = 1
    for c in CLOSE:
        if c in vocab.kinds.ids:
            step[vocab.kinds.ids[c]] = -1
    out: np.ndarray = np.cumsum(step[kinds])
    return out


def closing_bracket(depth: np.ndarray, unit_of: np.ndarray, at: int) -> int:
    """The token closing the bracket opened at ``at`` (same unit, within LIMIT tokens), or -1."""
    level = depth[at]
    for j in range(at + 1, min(depth.size, at + LIMIT)):
        if unit_of[j] != unit_of[at]:
            return -1
        if depth[j] < level:
            return j
    return -1
