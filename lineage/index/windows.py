"""Candidates for a reference unit held whole inside a much larger scanned unit (a copy extended).

The LSH bands find pairs by likeness (Jaccard): a unit that holds a reference whole inside twice
its size or more is only half like it or less, and its bands rarely collide (32 bands of 4 rows:
a third alike collides one time in three).  A stranger's attack: gemma2's attention forward,
98% of it held on 115 fingerprints, went unreported once 120 lines of other code stood around it.

So a large unit is also looked up through windows of its fingerprints, in the order of its lines,
at sizes a factor of sqrt(2) apart, each a quarter of its size after the last: whatever the size
of a reference of NAMELESS_EVIDENCE fingerprints or more, some window holds all of it and is at
least half it, likeness the bands find.  Windows only propose; every pair is scored exactly on
the whole unit afterwards (index/query.py), and the rule for a copy extended is
classify/codematch.held_whole's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from lineage.compact.files import CompactUnit
from lineage.fingerprint.minhash import signatures
from lineage.index.lsh import Pairs
from lineage.scoring import SCORING

HELD_WHOLE = 0.9  # a unit holding this share of a reference's unit, on SMALLEST fingerprints: held whole
SMALLEST = SCORING.nameless_evidence  # a reference held whole on less is no copy extended (codematch.held_whole)
FIRST = SMALLEST * 4 // 3  # a window holds a reference whole when it is at most 3/4 of it (steps of 1/4)
STEP = 2 ** 0.5  # window sizes apart: some window is at most twice as large as what it holds whole
PER_UNIT = 48  # candidates the windows add to a unit (as many as the bands of the whole unit propose)


def window_sets(unit: CompactUnit) -> list[np.ndarray]:
    """The windows of a unit's structural fingerprints (sorted unique hashes each), in line order;
    none for a unit too small to hold a reference twice over."""
    n = unit.s_hash.size
    if n < 2 * SMALLEST:
        return []
    by_line = unit.s_hash[np.argsort(unit.s_line, kind="stable")]
    out = []
    size = float(FIRST)
    while int(size) < n:
        width = int(size)
        stride = max(1, width // 4)
        for start in range(0, n - width + stride, stride):
            out.append(np.unique(by_line[start:start + width]))
        size *= STEP
    return out


Lookup = Callable[[np.ndarray], Pairs]


def window_candidates(units: Sequence[CompactUnit], lookup: Lookup, sizes: np.ndarray, lines: np.ndarray,
                      num_perm: int, seed: int) -> dict[int, np.ndarray]:
    """Per position in ``units``: up to PER_UNIT reference units a window of it collides with, each
    of SMALLEST fingerprints or more (``sizes``: every reference unit's count), the best of each
    model line first (``lines``: every reference unit's), most colliding bands first; positions with
    none are absent.  (One line's unit in every release it is indexed from fills no list: the
    lines that hold the same code are what tells shared code from one line's.)"""
    sets: list[np.ndarray] = []
    owner: list[int] = []
    for i, unit in enumerate(units):
        found = window_sets(unit)
        sets += found
        owner += [i] * len(found)
    if not sets:
        return {}
    offsets = np.cumsum([0] + [s.size for s in sets[:-1]])
    sigs = signatures(np.concatenate(sets).astype(np.uint64), offsets, num_perm, seed)
    q, u, hits = lookup(sigs)
    keep = sizes[u] >= SMALLEST
    rows, u, hits = np.asarray(owner, dtype=np.int64)[q[keep]], u[keep].astype(np.int64), hits[keep]
    # each reference once per unit, with its most colliding window's bands; most first
    order = np.lexsort((u, -hits.astype(np.int64), rows))
    rows, u = rows[order], u[order]
    _, first = np.unique(rows * (int(u.max(initial=0)) + 1) + u, return_index=True)
    first.sort()
    rows, u, hits = rows[first], u[first], hits[first]
    line = lines[u].astype(np.int64)
    _, lead = np.unique(rows * (int(line.max(initial=0)) + 1) + line, return_index=True)
    later = np.ones(rows.size, dtype=np.int64)
    later[lead] = 0  # (each line's most colliding unit first, then the others)
    order = np.lexsort((u, -hits.astype(np.int64), later, rows))
    rows, u = rows[order], u[order]
    bounds = np.searchsorted(rows, np.arange(len(units) + 1))
    # (each position's own candidates only: a slice past its bounds took the next unit's, so a unit's matches
    # depended on which units were looked up with it, and a scan's on how its files were shared out)
    return {i: u[bounds[i]:min(bounds[i + 1], bounds[i] + PER_UNIT)] for i in np.flatnonzero(np.diff(bounds)).tolist()}
