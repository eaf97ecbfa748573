"""MinHash signatures compatible with datasketch, computed for many sets at once.

The permutations are generated exactly as datasketch's legacy scheme does
(``np.random.RandomState(seed)``, two ``randint`` draws per permutation) and the arithmetic
is that of ``MinHash.update_batch``, so a signature here equals a datasketch MinHash of the
same 32-bit hashes (a test checks it against datasketch itself).  Two gains: one numpy pass
over all the units of a file instead of a Python call per unit, and no import of datasketch
on the hot path (it imports scipy: 2.7 s, more than the whole pre-commit budget).  LSH band keys are derived from the
signature rows for the embedded store; the Redis store uses datasketch's MinHashLSH.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)
_CHUNK = 1_024  # hashes per step: 2 x 1 MB of uint64 scratch (2,048 ran 3x slower)


@lru_cache(maxsize=4)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    pairs = [
        (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
        for _ in range(num_perm)
    ]
    a, b = np.array(pairs, dtype=np.uint64).T
    return a.copy(), b.copy()


def signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Signatures (uint32, one row per set) for sets stored back to back.

    ``offsets`` are the start positions of each set in ``hashes``; every set is non-empty.
    Chunks of whole sets small enough to stay in the CPU cache, and every step in place:
    the work is a few passes over (hashes x permutations) uint64s, bound by memory traffic.
    """
    a, b = permutations(num_perm, seed)
    out = np.empty((offsets.size, num_perm), dtype=np.uint64)
    bounds = np.append(offsets, hashes.size)
    rows = min(_CHUNK, hashes.size)
    buf = np.empty((rows, num_perm), dtype=np.uint64)
    high = np.empty((rows, num_perm), dtype=np.uint64)
    start_set = 0
    while start_set < offsets.size:
        # take whole sets until the chunk is full (one set may exceed it alone)
        end_set = int(np.searchsorted(bounds, bounds[start_set] + _CHUNK, side="right")) - 1
        end_set = max(end_set, start_set + 1)
        lo, hi = bounds[start_set], bounds[end_set]
        if hi - lo > buf.shape[0]:
            buf = np.empty((hi - lo, num_perm), dtype=np.uint64)
            high = np.empty((hi - lo, num_perm), dtype=np.uint64)
        x, y = buf[: hi - lo], high[: hi - lo]
        # (a * h + b) mod 2**64 (datasketch's wrapping arithmetic), then mod 2**61 - 1 by
        # shifts and masks (numpy's % is slow): the sum below is at most p + 7
        np.multiply(hashes[lo:hi, None], a, out=x)
        x += b
        np.right_shift(x, _SHIFT, out=y)
        x &= _MERSENNE
        x += y
        if x.max() >= _MERSENNE:  # about one value in 2**58: fix up only when it happens
            x[x >= _MERSENNE] -= _MERSENNE
        x &= _MAX_HASH
        out[start_set:end_set] = np.minimum.reduceat(x, offsets[start_set:end_set] - lo, axis=0)
        start_set = end_set
    return out.astype(np.uint32)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 key per (set, band): a mixed combination of the band's rows."""
    n = sigs.shape[0]
    view = sigs[:, : bands * rows].reshape(n, bands, rows)
    mult = [np.uint64(0x9E3779B97F4A7C15 >> (3 * i) | 1) for i in range(rows)]
    with np.errstate(over="ignore"):
        # row by row: a sum over a short last axis is ten times slower (0.2 s on a default build's
        # 66,000 signatures, in the build's serial tail); uint64 wraps, so the order is immaterial
        keys = view[:, :, 0].astype(np.uint64) * mult[0]
        for i in range(1, rows):
            keys += view[:, :, i].astype(np.uint64) * mult[i]
        keys ^= keys >> np.uint64(29)
        keys *= np.uint64(0xBF58476D1CE4E5B9)
        keys ^= keys >> np.uint64(32)
    out: np.ndarray = keys
    return out
