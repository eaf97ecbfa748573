"""Token streams -> hashed k-grams -> winnowed fingerprints, for all units of a file at once.

Token strings hash with CRC-32 (stable across runs and machines, unlike ``hash()``);
k-grams combine token hashes with a polynomial over uint64 (wrapping) and a splitmix64
finaliser, keeping 32 bits, the width datasketch's MinHash expects.  The units of a file
are processed back to back; k-grams and winnowing windows never cross a unit boundary, so a
unit's fingerprints do not depend on its neighbours.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_U64 = np.uint64
_P = _U64(0x100000001B3)
_TOKEN_CACHE: dict[str, int] = {}


def token_ids(tokens: Sequence[str]) -> np.ndarray:
    """Stable 32-bit ids of token strings (CRC-32, cached; the lookup loop runs in C)."""
    cache = _TOKEN_CACHE
    for tok in set(tokens).difference(cache):
        cache[tok] = zlib.crc32(tok.encode("utf-8", "surrogatepass"))
    ids = np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    if len(cache) > 2_000_000:  # long-running builds: keep memory bounded
        cache.clear()
    return ids


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    mixed: np.ndarray = x ^ (x >> _U64(31))
    return mixed


def kgram_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    """32-bit hashes (as uint64) of every k-gram of a token-id array; empty if too short."""
    n = ids.size - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = ids[:n].copy()
        for j in range(1, k):
            h *= _P
            h += ids[j : j + n]
        return _mix(h) >> _U64(32)


@dataclass(frozen=True)
class Stream:
    """Fingerprints of every unit of a file for one token stream, back to back."""

    n_kgrams: np.ndarray  # per unit: all k-grams (before winnowing)
    offsets: np.ndarray  # per unit start into hashes/lines (length units + 1)
    hashes: np.ndarray  # winnowed, unique per unit, sorted within each unit (uint32)
    lines: np.ndarray  # first line of each fingerprint (uint32)


def _rightmost_min(hashes: np.ndarray, window: int) -> np.ndarray:
    """For every window, the offset in it of its rightmost minimum: the windows' elements are
    compared right to left, a strictly smaller one taking over (a column pass per offset,
    where ``argmin`` over a sliding view pays a call per window)."""
    n = hashes.size - window + 1
    best = hashes[window - 1:].copy()
    at = np.full(n, window - 1, dtype=np.int64)
    for j in range(window - 2, -1, -1):
        column = hashes[j: j + n]
        smaller = column < best
        np.copyto(best, column, where=smaller)
        at[smaller] = j
    return at


def _winnow(hashes: np.ndarray, unit_of: np.ndarray, window: int, n_units: int) -> np.ndarray:
    """Selected positions, in order: the rightmost minimum of every window lying inside one
    unit, and the (first) minimum of each unit shorter than a window."""
    chosen = np.zeros(hashes.size, dtype=bool)
    if hashes.size >= window:
        inside = unit_of[: hashes.size - window + 1] == unit_of[window - 1 :]
        chosen[np.flatnonzero(inside) + _rightmost_min(hashes, window)[inside]] = True
    counts = np.bincount(unit_of, minlength=n_units)
    short = np.flatnonzero((counts > 0) & (counts < window))
    if short.size:  # gathered back to back, each found at its first position holding the minimum
        sizes = counts[short]
        first = np.cumsum(sizes) - sizes
        at = np.arange(int(sizes.sum())) + np.repeat((np.cumsum(counts) - counts)[short] - first, sizes)
        values = hashes[at]
        hits = np.flatnonzero(values == np.repeat(np.minimum.reduceat(values, first), sizes))
        chosen[at[hits[np.searchsorted(hits, first)]]] = True
    return np.flatnonzero(chosen)


def stream(ids: np.ndarray, lines: np.ndarray, lengths: np.ndarray, k: int, window: int) -> Stream:
    """Fingerprint units stored back to back (token ids and their lines; ``lengths`` tokens
    per unit) in one vectorised pass."""
    n_units = lengths.size
    unit_tok = np.repeat(np.arange(n_units), lengths)
    hashes = kgram_hashes(ids, k)
    if hashes.size:
        valid = np.flatnonzero(unit_tok[: hashes.size] == unit_tok[k - 1 :])
    else:
        valid = np.empty(0, dtype=np.int64)
    kg, kg_unit, kg_line = hashes[valid], unit_tok[valid], lines[valid]
    n_kgrams = np.bincount(kg_unit, minlength=n_units)
    sel = _winnow(kg, kg_unit, window, n_units)
    s_hash, s_unit, s_line = kg[sel].astype(np.uint32), kg_unit[sel], kg_line[sel]
    # by unit, hash, then position (a stable sort of one 64-bit key)
    order = np.argsort(s_unit.astype(np.uint64) << np.uint64(32) | s_hash, kind="stable")
    s_hash, s_unit, s_line = s_hash[order], s_unit[order], s_line[order]
    first = np.ones(s_hash.size, dtype=bool)
    first[1:] = (s_hash[1:] != s_hash[:-1]) | (s_unit[1:] != s_unit[:-1])
    s_hash, s_unit, s_line = s_hash[first], s_unit[first], s_line[first]
    offsets = np.searchsorted(s_unit, np.arange(n_units + 1)).astype(np.int64)
    return Stream(n_kgrams, offsets, s_hash, s_line)
