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
from numpy.lib.stride_tricks import sliding_window_view

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


def _winnow(hashes: np.ndarray, unit_of: np.ndarray, window: int, n_units: int) -> np.ndarray:
    """Selected positions: the rightmost minimum of every window lying inside one unit."""
    picked = []
    if hashes.size >= window:
        views = sliding_window_view(hashes, window)
        inside = unit_of[: views.shape[0]] == unit_of[window - 1 :]
        starts = np.flatnonzero(inside)
        rightmost = window - 1 - np.argmin(views[:, ::-1], axis=1)
        picked.append(starts + rightmost[starts])
    counts = np.bincount(unit_of, minlength=n_units)
    short = np.flatnonzero((counts > 0) & (counts < window))
    if short.size:  # units shorter than one window keep their minimum
        bounds = np.concatenate([[0], np.cumsum(counts)])
        for u in short.tolist():
            lo, hi = bounds[u], bounds[u + 1]
            picked.append(np.asarray([lo + int(np.argmin(hashes[lo:hi]))]))
    if len(picked) == 1:  # the rightmost minimum never moves left as the window slides: sorted
        only: np.ndarray = picked[0]
        return only[np.concatenate(([True], only[1:] != only[:-1]))] if only.size else only
    return np.unique(np.concatenate(picked)) if picked else np.empty(0, dtype=np.int64)


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
