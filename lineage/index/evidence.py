"""Which reference families hold a scanned unit's code, and how closely: one row per family.

The per-unit matches a finding lists are the few best reference units.  Attribution needs
more: every family that holds the code (an exact tie counts for every family it ties in,
however many), so that a file or class can be explained by the one source that covers it
best, and common code can be told from code few families hold.  Rows are numpy columns,
best first; names are looked up only for what a report shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lineage.index.embedded import EmbeddedIndex
from lineage.scoring import SCORING
from lineage.vocab import UNKNOWN_MAKERS as UNKNOWN_MAKERS

HOLD = SCORING.hold  # a family holds a unit's code at this strength or more
TIE = SCORING.tie  # strengths this close to the best count as the same code
STRONG = SCORING.strong  # held at this strength, a family holds "the same code" as a match ...
SAME = SCORING.same  # ... or within this much of the match's own strength, when that is lower


def same_code(strength: float) -> float:
    """The strength at which another family holds the same code as a match of ``strength``:
    code so held by many model lines cannot say which of them it came from (scan and verify)."""
    return min(STRONG, strength - SAME)


@dataclass(frozen=True, eq=False)
class UnitEvidence:
    """Families holding one scanned unit's code, best first (strength, then names kept)."""

    family: np.ndarray = field(repr=False)  # family row in the index metadata
    unit: np.ndarray = field(repr=False)  # the family's best reference unit
    strength: np.ndarray = field(repr=False)
    similarity: np.ndarray = field(repr=False)
    lexical: np.ndarray = field(repr=False)
    rarity: np.ndarray = field(repr=False)
    # fingerprints the unit shares with the family's unit (None: not counted)
    shared: np.ndarray | None = field(repr=False, default=None)

    @property
    def best(self) -> float:
        return float(self.strength[0]) if self.strength.size else 0.0

    def tied(self, tie: float = TIE) -> np.ndarray:
        """Rows holding the same code as the best one (within ``tie``)."""
        return np.flatnonzero(self.strength >= self.best - tie)

    def lines_holding(self, index: EmbeddedIndex, at_least: float) -> int:
        """Model lines (family names, whatever the source) holding the code at ``at_least``."""
        return int(np.unique(index.family_line[self.family[self.strength >= at_least]]).size)

    def makers_holding(self, index: EmbeddedIndex, at_least: float) -> int:
        """Companies whose models hold the code at ``at_least`` (vocab.company), or 0 when a holder's
        maker is not known as one company (unlabelled, or an academic group of several)."""
        makers = index.family_maker[self.family[self.strength >= at_least]]
        return 0 if (makers < 0).any() else int(np.unique(makers).size)

    def others(self, index: EmbeddedIndex, at_least: float, family: int, leave_out: int | None = None
               ) -> tuple[tuple[int, ...], int, tuple[str, ...]]:
        """Model lines of other makers than ``family``'s (index row) holding the code at ``at_least``,
        their code public before ``family``'s model was first seen (the code was there for its makers
        to take), but the line ``leave_out`` (a ``family_line`` code): the fingerprints each shares
        with the unit (its closest family's), most first, how many companies they are, labelled ones
        only, and the lines' names in the same order.  Nothing when the counts or the dates are unknown."""
        since = str(index.first_seen_dates[family])
        if self.shared is None or not since:
            return (), 0, ()
        held = self.strength >= at_least
        fam = self.family[held]
        maker = index.family_maker[family]
        lines, makers, public = index.family_line[fam], index.family_maker[fam], index.public_dates[fam]
        keep = ((lines != index.family_line[family]) & (lines != (-1 if leave_out is None else leave_out))
                & ((makers != maker) | (maker < 0)) & (public != "") & (public < since))
        if not keep.any():
            return (), 0, ()
        lines, makers = lines[keep], makers[keep]
        shared = self.shared[held][keep]
        order = np.lexsort((-shared, lines))
        first = np.ones(order.size, dtype=bool)
        first[1:] = lines[order][1:] != lines[order][:-1]
        each, which = shared[order][first], lines[order][first]
        most = np.argsort(-each, kind="stable")
        names = index.line_names
        return (tuple(int(x) for x in each[most]), int(np.unique(makers[makers >= 0]).size),
                tuple(names[int(x)] for x in which[most]))

def unit_evidence(index: EmbeddedIndex, units: np.ndarray, strength: np.ndarray, similarity: np.ndarray,
                  lexical: np.ndarray, rarity: np.ndarray, shared: np.ndarray | None = None) -> UnitEvidence:
    """Scored reference units -> the best unit per family, best family first."""
    fam = index.unit_family[units]
    order = np.lexsort((units, -lexical, -strength, fam))  # per family: strongest, then closest names
    ordered = fam[order]
    first = np.empty(order.size, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    pick = order[first]
    # (array methods, not the np.* wrappers: a unit's families are few, and the wrappers cost more than the work)
    held = strength[pick].round(4)
    rank = np.lexsort((fam[pick], -lexical[pick], -held))
    pick = pick[rank]
    return UnitEvidence(fam[pick], units[pick], held[rank], similarity[pick].round(4),
                        lexical[pick].round(4), rarity[pick].round(4),
                        None if shared is None else shared[pick])
