"""What a formatter decides, taken out of the token streams before fingerprinting.

A comma right before a closing bracket (black's "magic trailing comma" adds one to every call
it explodes over lines; yapf and ``ast.unparse`` remove them), grouping parentheses (added to
wrap a long line or around a tuple, removed where redundant) and every string literal after
the first of a run (implicit concatenation, split wherever the line ran out) say nothing about
the code, yet each costs a unit up to k k-grams of a copy that another tool reformatted.  On
120 transformers modeling files re-rendered by ``ast.unparse`` (no comments or docstrings),
the units' fingerprint sets kept a k-gram-weighted Jaccard of 0.81 with these tokens and 0.997
without them.

Junk statements (deadstores.py) are judged on the tokens as written: statements continue over
lines inside brackets, so the brackets must still be there.  The mask here is applied with
theirs, on both the reference side and the scanned side.
"""

from __future__ import annotations

import keyword

import numpy as np

# kinds after which "(" opens a call, a definition's parameters or a class's bases, not a group
_CALLABLE = ("ID", "STR", ")", "]", *keyword.softkwlist)


def formatting_mask(kinds: np.ndarray, known: dict[str, int]) -> np.ndarray:
    """Per token (kind ids, of one or more units back to back; ``known`` maps kind strings to
    ids): True for a token that only formatting put there.  Brackets never span units."""
    drop = np.zeros(kinds.size, dtype=bool)
    if kinds.size < 2:
        return drop
    closers = [known.get(c, -2) for c in (")", "]", "}")]
    drop[:-1] = (kinds[:-1] == known.get(",", -2)) & np.isin(kinds[1:], closers)
    string = known.get("STR", -2)
    drop[1:] |= (kinds[1:] == string) & (kinds[:-1] == string)
    drop[_grouping_parens(kinds, known)] = True
    return drop


def _paren_pairs(kinds: np.ndarray, known: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(opening, closing) positions of matched parentheses, by opening position.  Pairs are
    matched by nesting level (a stable sort by level: each level then alternates open, close);
    where brackets do not balance, what does not pair is left out."""
    opening, closing = kinds == known.get("(", -2), kinds == known.get(")", -2)
    at = np.flatnonzero(opening | closing)
    if at.size < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    is_open = opening[at]
    depth = np.cumsum(np.where(is_open, 1, -1))
    level = np.where(is_open, depth, depth + 1)
    order = np.argsort(level, kind="stable")
    pos, lv, op = at[order], level[order], is_open[order]
    paired = op[:-1] & ~op[1:] & (lv[:-1] == lv[1:])
    opens, closes = pos[:-1][paired], pos[1:][paired]
    by_position = np.argsort(opens)
    return opens[by_position], closes[by_position]


def _grouping_parens(kinds: np.ndarray, known: dict[str, int]) -> np.ndarray:
    """Positions of the grouping parentheses, both of each pair: an opening one that does not
    follow a name, a call or a subscript, and the closing one that matches it."""
    opens, closes = _paren_pairs(kinds, known)
    callable_kinds = [known.get(c, -2) for c in _CALLABLE]
    group = (opens == 0) | ~np.isin(kinds[np.maximum(opens - 1, 0)], callable_kinds)
    return np.concatenate([opens[group], closes[group]])


def annotation_mask(kinds: np.ndarray, known: dict[str, int]) -> np.ndarray:
    """Per token: True inside a function's type annotations, a parameter's (from its ``:`` to
    the ``,``, ``=`` or ``)`` that ends it) or the return's (from ``->`` to the header's ``:``).
    Annotations are a style: one code base writes them everywhere, another nowhere, and
    stripping them is the cheapest way to hide a copy from the structural stream (it left
    the units of transformers files a weighted Jaccard of 0.81 with the originals).  Variable
    annotations in bodies are statements and stay."""
    n = kinds.size
    out = np.zeros(n, dtype=bool)
    defs = np.flatnonzero(kinds == known.get("def", -2))
    defs = defs[defs + 2 < n]
    if defs.size == 0:
        return out
    defs = defs[(kinds[defs + 1] == known.get("ID", -2)) & (kinds[defs + 2] == known.get("(", -2))]
    opens, closes = _paren_pairs(kinds, known)
    found = np.searchsorted(opens, defs + 2)
    hit = found < opens.size
    hit[hit] = opens[found[hit]] == defs[hit] + 2
    lists_open, lists_close = opens[found[hit]], closes[found[hit]]
    if lists_open.size == 0:
        return out
    steps = np.zeros(n, dtype=np.int64)
    steps[np.isin(kinds, [known.get(c, -2) for c in "([{"])] = 1
    steps[np.isin(kinds, [known.get(c, -2) for c in ")]}"])] = -1
    depth = np.cumsum(steps) - steps  # before each token
    # parameters: a ":" directly in a definition's parameter list, to what ends its parameter
    where = np.searchsorted(lists_open, np.arange(n), side="right") - 1
    inside = where >= 0
    inside[inside] = np.arange(n)[inside] < lists_close[where[inside]]
    level = np.zeros(n, dtype=bool)
    level[inside] = depth[inside] == depth[lists_open[where[inside]]] + 1
    colons = np.flatnonzero(level & (kinds == known.get(":", -2)))
    ends = np.union1d(np.flatnonzero(level & np.isin(kinds, [known.get(",", -2), known.get("=", -2)])), lists_close)
    starts, stops = [colons], [ends[np.searchsorted(ends, colons)]]
    # the return: "->" right after the list, to the first ":" at its own depth
    arrows = lists_close[lists_close + 1 < n] + 1
    arrows = arrows[kinds[arrows] == known.get("->", -2)]
    header = np.flatnonzero(kinds == known.get(":", -2))
    if arrows.size and header.size:
        base = int(depth.min())
        keys = (depth[header] - base) * (n + 1) + header
        order = np.argsort(keys)
        at = np.searchsorted(keys[order], (depth[arrows] - base) * (n + 1) + arrows)
        ok = at < header.size
        ok[ok] = depth[header[order[at[ok]]]] == depth[arrows[ok]]
        starts.append(arrows[ok])
        stops.append(header[order[at[ok]]])
    marks = np.zeros(n + 1, dtype=np.int64)
    np.add.at(marks, np.concatenate(starts), 1)
    np.add.at(marks, np.concatenate(stops), -1)
    out[:] = np.cumsum(marks)[:n] > 0
    return out
