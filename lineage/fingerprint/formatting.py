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


def _grouping_parens(kinds: np.ndarray, known: dict[str, int]) -> np.ndarray:
    """Positions of the grouping parentheses, both of each pair: an opening one that does not
    follow a name, a call or a subscript, and the closing one that matches it.  Pairs are
    matched by nesting level (a stable sort by level: each level then alternates open, close);
    where brackets do not balance, what does not pair is kept."""
    opening, closing = kinds == known.get("(", -2), kinds == known.get(")", -2)
    at = np.flatnonzero(opening | closing)
    if at.size < 2:
        return np.empty(0, dtype=np.int64)
    is_open = opening[at]
    depth = np.cumsum(np.where(is_open, 1, -1))
    level = np.where(is_open, depth, depth + 1)
    order = np.argsort(level, kind="stable")
    pos, lv, op = at[order], level[order], is_open[order]
    paired = op[:-1] & ~op[1:] & (lv[:-1] == lv[1:])
    opens, closes = pos[:-1][paired], pos[1:][paired]
    callable_kinds = [known.get(c, -2) for c in _CALLABLE]
    group = (opens == 0) | ~np.isin(kinds[np.maximum(opens - 1, 0)], callable_kinds)
    return np.concatenate([opens[group], closes[group]])
