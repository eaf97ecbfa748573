"""Where an index's LSH bands live, behind one protocol: sorted band arrays in the index
itself (the file store), or MinHashLSH buckets in a shared store (Redis).

An index is its arrays and labels plus one ``CandidateLookup``; the stores differ only in
that part, so an index served from Redis holds no stand-in band arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np

from lineage.fingerprint.minhash import band_keys, signatures
from lineage.fingerprint.params import FingerprintParams

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]  # (query row, reference unit, colliding bands)


class CandidateLookup(Protocol):
    @property
    def forkable(self) -> bool:
        """Forked workers may share it (read-only arrays; not open connections)."""

    def candidates(self, sigs: np.ndarray, n_units: int) -> Pairs:
        """(query row, reference unit, colliding bands) for every pair sharing a band."""


def _empty() -> Pairs:
    empty = np.empty(0, dtype=np.int64)
    return empty, empty, empty


def pairs(qs: np.ndarray, us: np.ndarray, n_units: int) -> Pairs:
    """Distinct (query, unit) pairs with how many bands each collided in, sorted by query, then
    unit.  Each pair is one 32-bit key (half the sort of 64-bit ones: a scan's queries collide
    millions of times), the queries taken in blocks whose keys fit."""
    if qs.size == 0:
        return _empty()
    per = (1 << 32) // max(1, n_units)  # query rows a block of 32-bit keys holds
    if per == 0:  # (more units than 32 bits count)
        uniq, hits = np.unique(qs * n_units + us, return_counts=True)
        return uniq // n_units, uniq % n_units, hits
    blocks = qs // per
    last = int(blocks.max())
    out_q, out_u, out_hits = [], [], []
    for block in range(last + 1):
        mine = slice(None) if last == 0 else blocks == block
        keys = ((qs[mine] - block * per) * n_units + us[mine]).astype(np.uint32)
        if keys.size == 0:
            continue
        uniq, hits = np.unique(keys, return_counts=True)
        uniq = uniq.astype(np.int64)
        out_q.append(uniq // n_units + block * per)
        out_u.append(uniq % n_units)
        out_hits.append(hits)
    return np.concatenate(out_q), np.concatenate(out_u), np.concatenate(out_hits)


def unit_signatures(arrays: dict[str, np.ndarray], params: FingerprintParams) -> np.ndarray:
    """Recompute unit signatures from the winnowed structural sets they were made from."""
    off = arrays["s_off"].astype(np.int64)
    if off.size <= 1:
        return np.empty((0, params.num_perm), np.uint32)
    return signatures(arrays["s_hash"].astype(np.uint64), off[:-1], params.num_perm, params.seed)


def band_arrays(sigs: np.ndarray, params: FingerprintParams) -> tuple[np.ndarray, np.ndarray]:
    """(lsh_keys, lsh_ids): each band's keys sorted, with the unit of each key."""
    if sigs.shape[0] == 0:
        return np.empty((params.bands, 0), np.uint64), np.empty((params.bands, 0), np.uint32)
    keys = band_keys(sigs, params.bands, params.rows).T
    order = np.argsort(keys, axis=1, kind="stable")
    return np.take_along_axis(keys, order, axis=1), order.astype(np.uint32)


@dataclass(frozen=True)
class Groups:
    """Reference units whose key is the same in every band collide with any query alike
    (transformers' modular copies put one class in 60 families: half the default index's units
    repeat another's keys).  The bands hold one unit of each group; a collision counts for all."""

    keys: tuple[np.ndarray, ...]  # per band, the sorted keys of one unit per group
    ids: tuple[np.ndarray, ...]  # the unit of each of those keys (the group's first)
    group: np.ndarray  # the group of every unit
    members: np.ndarray  # every unit, by group, each group's in unit order
    starts: np.ndarray  # where each group starts in `members` (one past the last at the end)


def grouped(keys: np.ndarray, ids: np.ndarray) -> Groups | None:
    """The groups of units with equal keys in every band, or None when the arrays are not one key
    per unit in each band (a foreign index: searched unit by unit then)."""
    bands, n = keys.shape
    if n == 0 or ids.shape != keys.shape or ids.max(initial=0) >= n:
        return None
    per_unit = np.zeros((bands, n), dtype=np.uint64)
    for band in range(bands):
        if np.bincount(ids[band], minlength=n).max(initial=0) != 1:
            return None
        per_unit[band, ids[band]] = keys[band]
    mixed = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            mixed = (mixed * np.uint64(0x100000001B3)) ^ per_unit[band]
    _, first, group = np.unique(mixed, return_index=True, return_inverse=True)
    group = group.reshape(-1).astype(np.int64)
    # (two rows mixing to one number are one group only if every band agrees; the others stand alone)
    apart = np.flatnonzero((per_unit != per_unit[:, first[group]]).any(axis=0))
    group[apart] = first.size + np.arange(apart.size)
    members = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[members], np.arange(first.size + apart.size + 1))
    leader = np.zeros(n, dtype=bool)
    leader[members[starts[:-1]]] = True
    kept = [leader[ids[band]] for band in range(bands)]
    return Groups(tuple(keys[b][kept[b]] for b in range(bands)), tuple(ids[b][kept[b]] for b in range(bands)),
                  group, members, starts)


GROUPED_FROM = 512  # query units from which grouping the index's units (some 0.07 s, once) pays


def before_fork(lookup: CandidateLookup) -> None:
    """Work a lookup does once, done before forked workers share it (each would repeat it)."""
    if isinstance(lookup, BandArrays):
        lookup.groups  # noqa: B018 (a cached property, computed here)


@dataclass(frozen=True, eq=False)
class BandArrays:
    """The file store's lookup: vectorised ``searchsorted`` over sorted band keys, one unit of
    each group of units with the same keys searched (`Groups`)."""

    keys: np.ndarray = field(repr=False)  # (bands, units), each row sorted
    ids: np.ndarray = field(repr=False)  # the unit of each key
    params: FingerprintParams

    @property
    def forkable(self) -> bool:
        return True

    @cached_property
    def groups(self) -> Groups | None:
        return grouped(self.keys, self.ids)

    def candidates(self, sigs: np.ndarray, n_units: int) -> Pairs:
        p = self.params
        if sigs.shape[0] == 0 or n_units == 0:
            return _empty()
        groups = self.groups if sigs.shape[0] >= GROUPED_FROM else None  # (a hook's few units: not worth grouping)
        keys, ids = (groups.keys, groups.ids) if groups is not None else (self.keys, self.ids)
        qkeys = band_keys(sigs, p.bands, p.rows)
        qs, us = [], []
        for band in range(p.bands):
            row = keys[band]
            lo = np.searchsorted(row, qkeys[:, band], side="left")
            hi = np.searchsorted(row, qkeys[:, band], side="right")
            counts = hi - lo
            hit = np.flatnonzero(counts)
            if hit.size == 0:
                continue
            reps = counts[hit]
            q = np.repeat(hit, reps)
            starts = np.repeat(lo[hit], reps)
            within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
            qs.append(q)
            us.append(ids[band][starts + within].astype(np.int64))
        if not qs:
            return _empty()
        found = pairs(np.concatenate(qs), np.concatenate(us), n_units)
        return _members(found, groups, n_units) if groups is not None else found


def _members(found: Pairs, groups: Groups, n_units: int) -> Pairs:
    """Each (query, group's first unit, bands) as the same pair for every unit of the group,
    sorted by query, then unit, as `pairs` sorts them."""
    q, first, hits = found
    group = groups.group[first]
    counts = groups.starts[group + 1] - groups.starts[group]
    if counts.size == 0 or counts.max() == 1:
        return found
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    units = groups.members[np.repeat(groups.starts[group], counts) + within]
    q, hits = np.repeat(q, counts), np.repeat(hits, counts)
    order = np.argsort(q * n_units + units, kind="stable")
    return q[order], units[order], hits[order]
