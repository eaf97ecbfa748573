"""Statements one per line, however they were written: what a minifier packs, read as written out.

A minifier (python-minifier, and the like) joins simple statements with ";" and writes a
compound statement's body on its header's line (`if n == 1:return x`, `def f(a):b=a;return b`).
Each ";" is a token that written-out code never has, so every k-gram spanning two statements
changes; and the statement readers downstream (dead stores, idioms, the formatting masks) find a
statement where a line starts.  So the ";" go, and the tokens get statement numbers that change
where a line does, after each ";" and after a compound header's colon: python-minifier's output
of transformers' qwen3 modeling file matched nothing of qwen3 before (`lex-v29`).
"""

from __future__ import annotations

import numpy as np

from lineage.fingerprint.formatting import per_unit

# what opens a compound statement; only those may hold a body on their own line (`match`/`case`
# are soft keywords, names elsewhere: left as written)
COMPOUND = ("if", "elif", "else", "for", "while", "def", "class", "with", "try", "except", "finally", "async")


def statement_lines(kinds: np.ndarray, known: dict[str, int], lines: np.ndarray,
                    unit_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(``keep``, ``numbers``) for tokens of units back to back: ``keep`` is False for a ";", and
    ``numbers`` (per token, ascending) change wherever ``lines`` (logical lines) do outside
    brackets, and also after a ";" and after the colon ending a compound statement's header when
    its body goes on on the same line.  A statement continued over lines inside its brackets is
    one statement (`lex-v50`): a formatter at a narrow width splits most statements so (black at
    40 columns: a temporary read in the second line of its reading statement had stayed apart,
    the lines between read as statements of their own).  For code written one statement a line,
    ``numbers`` change exactly where ``lines`` do."""
    n = kinds.size
    semi_id = known.get(";", -1)
    semi = kinds == semi_id
    colon_id = known.get(":", -1)
    new = np.ones(n, dtype=bool)
    if n == 0:
        return ~semi, np.zeros(0, dtype=np.int64)
    depth = _depth_before(kinds, known, unit_of)
    new[1:] = (lines[1:] != lines[:-1]) & (depth[1:] == 0) | (unit_of[1:] != unit_of[:-1])
    if semi.any() or colon_id >= 0:
        new[1:] |= semi[:-1]
        new |= _after_headers(kinds, known, new, unit_of, depth, colon_id)
    numbers: np.ndarray = np.cumsum(new)
    return ~semi, numbers


def _depth_before(kinds: np.ndarray, known: dict[str, int], unit_of: np.ndarray) -> np.ndarray:
    """Per token: the bracket depth before it, counted in its unit."""
    step = np.zeros(max(max(known.values(), default=0), int(kinds.max(initial=0))) + 1, dtype=np.int64)
    for k, v in (("(", 1), ("[", 1), ("{", 1), (")", -1), ("]", -1), ("}", -1)):
        if k in known:
            step[known[k]] = v
    steps = step[kinds]
    depth: np.ndarray = per_unit(np.cumsum(steps) - steps, unit_of)
    return depth


def _after_headers(kinds: np.ndarray, known: dict[str, int], new: np.ndarray, unit_of: np.ndarray,
                   running: np.ndarray, colon_id: int) -> np.ndarray:
    """Per token: it follows, on the same line, the colon that ends a compound header (the first
    colon at the header's own bracket depth, ``running``: a lambda's or a slice's is inside brackets)."""
    n = kinds.size
    out = np.zeros(n, dtype=bool)
    compound = np.asarray([known[k] for k in COMPOUND if k in known], dtype=np.int64)
    line_of = np.cumsum(new) - 1  # each token's line number (0-based, as marked so far)
    starts = np.flatnonzero(new)
    headers = starts[np.isin(kinds[starts], compound)]
    if headers.size == 0:
        return out
    colons = np.flatnonzero(kinds == colon_id)
    if colons.size == 0:
        return out
    # the first colon on each header's line at the header's own depth
    colons = colons[np.isin(line_of[colons], line_of[headers])]
    level = running[headers][np.searchsorted(line_of[headers], line_of[colons])]
    colons = colons[running[colons] == level]
    lines_hit, first = np.unique(line_of[colons], return_index=True)
    ends = colons[first]
    ends = ends[np.isin(lines_hit, line_of[headers])]
    body = ends + 1
    body = body[(body < n)]
    same = (line_of[body] == line_of[body - 1]) & (unit_of[body] == unit_of[body - 1])
    out[body[same]] = True
    return out
