"""How a scanned unit's fingerprints overlap gathered reference streams, in arrays: which are
shared and where, the strengths made of the counts, the families holding what a unit holds whole,
and scores rounded as Python rounds them.  Read by index/query.score_unit, once per scanned unit.
"""

from __future__ import annotations

import numpy as np

from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import SAME, STRONG
from lineage.index.windows import HELD_WHOLE
from lineage.scoring import SCORING


def hits_in(query: np.ndarray, gathered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which gathered reference hashes are in the (sorted, unique) query, and where."""
    if query.size == 0 or gathered.size == 0:
        return np.zeros(gathered.size, dtype=bool), np.zeros(gathered.size, dtype=np.int64)
    # (array methods, not the np.* wrappers: on the few hashes of one unit the wrappers cost more than the work)
    pos = query.searchsorted(gathered)
    np.minimum(pos, query.size - 1, out=pos)
    return query[pos] == gathered, pos


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of a non-empty 1-d integer array, in fewer calls."""
    aux = values.copy()
    aux.sort()
    mask = np.empty(aux.size, dtype=bool)
    mask[0] = True
    np.not_equal(aux[1:], aux[:-1], out=mask[1:])
    uniq = aux[mask]
    return uniq, uniq.searchsorted(values)


def strengths(similarity: np.ndarray, containment: np.ndarray, ref_containment: np.ndarray) -> np.ndarray:
    """How much of the unit is the reference: Jaccard, or containment when sizes differ."""
    out: np.ndarray = np.maximum(similarity, np.minimum(containment, ref_containment + 0.2))
    return out


def whole_families(index: EmbeddedIndex, cands: np.ndarray, at: np.ndarray, owner_hit: np.ndarray,
                   pos_hit: np.ndarray, nq: int, n: np.ndarray, nr: np.ndarray, ref_containment: np.ndarray
                   ) -> np.ndarray:
    """The families (index rows, unique) that hold the code of the reference unit the scanned unit holds
    most wholly, when it holds one whole (HELD_WHOLE of it on NAMELESS_EVIDENCE shared fingerprints
    or more; none else), as closely as a verbatim copy of it would be held: every candidate scored against that
    held part alone (``owner_hit``/``pos_hit``: for each gathered reference fingerprint the unit shares, in
    gathered order, whose it is and where it stands in the unit's; ``at``: each candidate's owner), at the strength
    at which a line holds "the same code" (evidence.same_code).  The unit's own additions count for
    nothing: an extended copy of code many lines hold is as common as the code."""
    big = n >= SCORING.nameless_evidence
    if nq == 0 or not big.any() or float(ref_containment[big].max()) < HELD_WHOLE:
        return np.zeros(0, dtype=np.int64)
    best = int(big.nonzero()[0][ref_containment[big].argmax()])
    core = np.zeros(nq, dtype=bool)
    core[pos_hit[owner_hit == at[best]]] = True
    held = np.bincount(owner_hit[core[pos_hit]], minlength=int(at.max()) + 1)[at]
    size = int(core.sum())
    union = size + nr - held
    alike = strengths(np.divide(held, union, out=np.zeros(cands.size), where=union > 0), held / size,
                      np.divide(held, nr, out=np.zeros(cands.size), where=nr > 0))
    same = alike >= min(STRONG, float(alike[best]) - SAME)
    return np.unique(index.unit_family[cands[same]])


def rounded(values: np.ndarray) -> list[float]:
    """``[round(v, 4) for v in values]``, the same floats, in a few array operations."""
    out: list[float] = rounded_array(values).tolist()
    return out


def rounded_array(values: np.ndarray) -> np.ndarray:
    """`rounded`, as an array: the scaled value is rounded to the nearest integer and divided back
    (both exact as Python's `round` is), and only values within a hair of half a step are left to
    `round` itself."""
    scaled = values * 1e4
    out: np.ndarray = np.rint(scaled) / 1e4
    for i in (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).nonzero()[0].tolist():
        out[i] = round(float(values[i]), 4)
    return out
