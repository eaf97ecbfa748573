"""A scope's evidence as matrices: its units against every family holding any of them.

Rows are the scope's units that some family holds (others add to the total only); columns
the families.  Strengths and name similarities come from the per-unit evidence
(index/evidence.py), where an exact tie already counts for every family it ties in.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from lineage.classify.codematch import slight_cells
from lineage.compact.files import CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import TIE, UnitEvidence
from lineage.scoring import SCORING
from lineage.vocab import KIND_CODES

COMMON_LINES = 5  # code held by this many model lines (or more) is common code
COMMON_RARITY = SCORING.common_rarity  # rare evidence under this share of the match is an idiom
STRONG = SCORING.strong  # a unit held at this strength is evidence of where it came from
NAMELESS_EVIDENCE = SCORING.nameless_evidence  # shared fingerprints enough to convict without names


def is_common(index: EmbeddedIndex, ev: UnitEvidence) -> bool:
    """Code many model lines of more than one maker hold, or whose shared fingerprints are mostly
    common ones (lines of one maker holding it say whose it is: classify/codematch.shared_by).
    (A template other makers' lines hold most of, crowd.Crowd, still says where a file comes
    from: counted common here, it cost two files' sources on `make eval`, cwm and neomme.)"""
    if ev.rarity.size and ev.rarity[0] < COMMON_RARITY * ev.strength[0]:
        return True
    return ev.lines_holding(index, ev.best - TIE) >= COMMON_LINES and ev.makers_holding(index, ev.best - TIE) != 1


@dataclass(frozen=True, eq=False)
class Cover:
    """Units (rows) x families (columns) of one scope."""

    families: np.ndarray = field(repr=False)  # family rows of the index metadata, one per column
    positions: np.ndarray = field(repr=False)  # per row: its position in the units given to `cover_of`
    weight: np.ndarray = field(repr=False)  # amount of code per row (structural k-grams)
    strength: np.ndarray = field(repr=False)
    lexical: np.ndarray = field(repr=False)
    common: np.ndarray = field(repr=False)  # per row: code held by COMMON_LINES model lines or more
    best_ref: np.ndarray = field(repr=False)  # per column: the family's unit covering most, in its file holding most
    ancestors: tuple[np.ndarray, ...] = field(repr=False, default=())  # per column: its declared ancestors' columns
    refs: np.ndarray | None = field(repr=False, default=None)  # rows x columns: the family's unit matched, or -1
    # rows x columns: a small routine's likeness, names not kept (classify/codematch.slight), and its
    # shared fingerprints (0: not counted)
    slight: np.ndarray | None = field(repr=False, default=None)
    shared: np.ndarray | None = field(repr=False, default=None)

    @cached_property
    def descends(self) -> np.ndarray:
        """Columns x columns: [j, a] when column `a` is a declared ancestor of column `j`."""
        out = np.zeros((self.families.size, self.families.size), dtype=bool)
        if self.ancestors:
            sizes = [anc.size for anc in self.ancestors]
            out[np.repeat(np.arange(len(sizes)), sizes), np.concatenate(self.ancestors)] = True
        return out

    def cover(self, rows: np.ndarray, total: float) -> np.ndarray:
        """Share of a scope (the given rows, of `total` code) each family holds."""
        return np.asarray(self.weight[rows] @ self.strength[rows] / total)

    def distinctive(self, rows: np.ndarray, total: float) -> np.ndarray:
        """Share held strongly by each family and by few model lines: evidence of a source."""
        s = self.strength[rows]
        strong = np.where(s >= STRONG, s, 0.0)
        return np.asarray((self.weight[rows] * ~self.common[rows]) @ strong / total)

    def names(self, rows: np.ndarray, total: float) -> np.ndarray:
        return np.asarray(self.weight[rows] @ self.lexical[rows] / total)


def cover_of(index: EmbeddedIndex, units: Sequence[tuple[CompactUnit, UnitEvidence | None]]) -> Cover | None:
    """The matrices of the given units, or None when no family holds any of them."""
    held = [(i, ev) for i, (_, ev) in enumerate(units) if ev is not None and ev.family.size]
    if not held:
        return None
    every = np.concatenate([ev.family for _, ev in held])
    families = np.unique(every)
    strength = np.zeros((len(held), families.size))
    lexical, similarity, shared = np.zeros_like(strength), np.zeros_like(strength), np.zeros_like(strength)
    ref = np.full((len(held), families.size), -1, dtype=np.int64)
    # every unit's cells at once: its row, and the column of each family holding it
    rows, cols = np.repeat(np.arange(len(held)), [ev.family.size for _, ev in held]), np.searchsorted(families, every)
    strength[rows, cols] = np.concatenate([ev.strength for _, ev in held])
    lexical[rows, cols] = np.concatenate([ev.lexical for _, ev in held])
    ref[rows, cols] = np.concatenate([ev.unit for _, ev in held])
    similarity[rows, cols] = np.concatenate([ev.similarity for _, ev in held])
    counted_at = np.repeat([ev.shared is not None for _, ev in held], [ev.family.size for _, ev in held])
    if counted_at.any():
        shared[rows[counted_at], cols[counted_at]] = np.concatenate(
            [ev.shared for _, ev in held if ev.shared is not None])
    weight = np.asarray([float(units[i][0].n_kgrams) for i, _ in held])
    common = np.asarray([is_common(index, ev) for _, ev in held], dtype=bool)
    best_ref = _best_refs(index, ref, strength * weight[:, None])
    positions = np.asarray([i for i, _ in held], dtype=np.int64)
    counted = np.asarray([ev.shared is not None for _, ev in held], dtype=bool)[:, None]
    slight = slight_cells(shared, similarity, lexical) & counted
    return Cover(families, positions, weight, strength, lexical, common, best_ref, _ancestors(index, families), ref,
                 slight, shared)

def contains(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, j: int) -> float:
    """Share of family `j`'s reference file (the one representing it) that the scope holds as a
    copy: its units' code that some unit of the scope holds at copy strength.  A copy with code of
    its own added, or padded, still holds all of the file it copied.  Small routines whose names
    are not kept (classify/codematch.slight: written the same way anew as often as copied), sharing
    fewer than NAMELESS_EVIDENCE fingerprints together, hold none of it: a textbook kernel can be
    most of a small file, and is still no evidence of a copy."""
    if cov.refs is None:
        return 0.0
    strong = cov.strength[rows, j] >= STRONG
    if cov.slight is not None and cov.shared is not None and cov.slight[rows, j][strong].all() \
            and cov.shared[rows, j][strong].sum() < NAMELESS_EVIDENCE:
        return 0.0  # small routines, names not kept, together under what one unit needs to convict
    return file_share(index, int(index.arrays["u_file"][int(cov.best_ref[j])]), cov.refs[rows, j][strong])


def file_share(index: EmbeddedIndex, ref_file: int, refs: np.ndarray) -> float:
    """Share of the reference file ``ref_file`` (its units' code but the module body's) that the
    reference units ``refs`` (-1: none; units of other files ignored) are."""
    u_file, u_nk = index.arrays["u_file"], index.arrays["u_nk"]
    # (a module body is never part of a file's scope: imports and constants are not judged)
    units = np.flatnonzero((u_file == ref_file) & (index.arrays["u_kind"] != KIND_CODES["module"]))
    total = float(u_nk[units].sum())
    held = np.unique(refs[refs >= 0])
    held = held[u_file[held] == ref_file]
    return float(u_nk[held].sum()) / total if total > 0 else 0.0


def _best_refs(index: EmbeddedIndex, ref: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Per column, the reference unit that holds most of the scope within the family's file that
    holds most of it (code x strength): a family of several files (a model file beside its
    layers module, or a whole package in `verify`) is represented by the file the scope comes
    from, not by whichever file holds its single largest unit.  Ties go to the lower file number,
    then the earlier row.  (All columns at once: a column at a time was 6% of a scan.)"""
    # the cells holding a unit only: an empty cell (no unit, no code held) never decides a column, which
    # always has a held cell (its file first by the sum held, a tie to the lower number)
    r, c = np.nonzero(ref >= 0)  # (row-major: each column's cells in row order, summed so)
    f, h = index.arrays["u_file"][ref[r, c]].astype(np.int64), held[r, c]
    base = int(f.max(initial=0)) + 1
    column = np.full(base, -1, dtype=np.int64)
    column[f] = c
    top = np.full(ref.shape[1], -1, dtype=np.int64)
    if f.size and bool((column[f] == c).all()):
        # each file in one column (a file is one family's): sums per file by bincount, no sort of the cells
        # (the same sums: bincount adds each file's cells in the same row-major order)
        files_held = np.flatnonzero(np.bincount(f, minlength=base))
        sums = np.bincount(f, weights=h, minlength=base)[files_held]
        best = _first_per(column[files_held], (files_held, -sums))  # per column: the most held file, the lowest first
        top[column[files_held[best]]] = files_held[best]
    else:
        keys, inverse = np.unique(c * base + f, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=h)
        best = _first_per(keys // base, (keys, -sums))  # per column: the most held file, the lowest number first
        top[keys[best] // base] = keys[best] % base
    on_top = f == top[c]
    r, c, h = r[on_top], c[on_top], h[on_top]
    best = _first_per(c, (r, -h))  # per column: the row holding most of it in that file, the first first
    out = np.full(ref.shape[1], -1, dtype=np.int64)
    out[c[best]] = ref[r[best], c[best]]
    return out


def _first_per(group: np.ndarray, keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Positions of the first item of each group when sorted by group, then ``keys`` (last key most
    significant after the group, as np.lexsort reads them)."""
    order = np.lexsort((*keys, group))
    lead = np.ones(order.size, dtype=bool)
    lead[1:] = group[order][1:] != group[order][:-1]
    return order[lead]


def _ancestors(index: EmbeddedIndex, families: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per family column, the columns of its declared ancestors (same source) holding any of the scope
    (``families``: the columns' rows, sorted), every column's at once."""
    start, row, name = _ancestor_rows(index)
    first, count = start[families], start[families + 1] - start[families]
    at = np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
    place = np.minimum(np.searchsorted(families, row[at]), families.size - 1)
    held = families[place] == row[at]  # (the ancestor holds some of the scope: it has a column)
    named = name[at][held]
    lead = np.ones(named.size, dtype=bool)  # the first row held of each ancestor's name
    lead[1:] = named[1:] != named[:-1]
    owner = np.repeat(np.arange(families.size), count)[held][lead]
    cols, ends = place[held][lead], np.searchsorted(owner, np.arange(families.size + 1)).tolist()
    return tuple(cols[a:b] for a, b in zip(ends, ends[1:]))  # (slices: np.split costs 20 times as much)


_ANCESTRY: "weakref.WeakKeyDictionary[EmbeddedIndex, tuple[np.ndarray, np.ndarray, np.ndarray]]" = \
    weakref.WeakKeyDictionary()


def _ancestor_rows(index: EmbeddedIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every family row's declared ancestors (same source, nearest first) as rows of the index, read
    once per index: (where each row's run starts, with an end at the last; the rows; a number per
    ancestor name).  A name given to several rows lists them last first: the scope's column of that
    name is its last row holding any of the scope."""
    if index not in _ANCESTRY:
        rows = index.meta["families"]
        named: dict[tuple[str, str], list[int]] = {}
        flat: list[int] = []
        name: list[int] = []
        for f, r in enumerate(rows):
            named.setdefault((r["source"], r["name"]), []).append(f)
        start, groups = [0], 0
        for r in rows:
            for n in index.lineage_of(f"{r['source']}:{r['name']}"):
                held = named.get((r["source"], n), [])
                flat += reversed(held)
                name += [groups] * len(held)
                groups += 1
            start.append(len(flat))
        _ANCESTRY[index] = (np.asarray(start, dtype=np.int64), np.asarray(flat, dtype=np.int64),
                            np.asarray(name, dtype=np.int64))
    return _ANCESTRY[index]
