"""Where an index's LSH bands live, behind one protocol: sorted band arrays in the index
itself (the file store), or MinHashLSH buckets in a shared store (Redis).

An index is its arrays and labels plus one ``CandidateLookup``; the stores differ only in
that part, so an index served from Redis holds no stand-in band arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True, eq=False)
class BandArrays:
    """The file store's lookup: vectorised ``searchsorted`` over sorted band keys."""

    keys: np.ndarray = field(repr=False)  # (bands, units), each row sorted
    ids: np.ndarray = field(repr=False)  # the unit of each key
    params: FingerprintParams

    @property
    def forkable(self) -> bool:
        return True

    def candidates(self, sigs: np.ndarray, n_units: int) -> Pairs:
        p = self.params
        if sigs.shape[0] == 0 or n_units == 0:
            return _empty()
        qkeys = band_keys(sigs, p.bands, p.rows)
        qs, us = [], []
        for band in range(p.bands):
            row = self.keys[band]
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
            us.append(self.ids[band][starts + within].astype(np.int64))
        if not qs:
            return _empty()
        return pairs(np.concatenate(qs), np.concatenate(us), n_units)
