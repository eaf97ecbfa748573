"""Reference units whose fingerprint streams are the same set: clone classes and twins.

A stream is stored flat: ``hashes`` (sorted unique per unit) with ``off`` the start of each
unit's and its end.  Functions of the arrays alone, read once per index (index/embedded.py).
"""

from __future__ import annotations

import numpy as np

Classes = tuple[np.ndarray, np.ndarray, np.ndarray]  # class of each unit, units sorted by class, class starts


def gathered(off: np.ndarray, hashes: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The streams of several units at once: (hashes, owner position in `units`, offset in its unit)."""
    # (array methods, not the np.* wrappers: called per scanned unit on a few units, where they cost more)
    lo, hi = off[units].astype(np.int64, copy=False), off[units + 1].astype(np.int64, copy=False)
    lengths = hi - lo
    owner = np.arange(units.size).repeat(lengths)
    starts = lengths.cumsum() - lengths
    within = np.arange(owner.size) - starts[owner]
    return hashes[lo[owner] + within], owner, within


def clone_classes(off: np.ndarray, hashes: np.ndarray) -> Classes:
    """Units whose streams hash to the same set key, as classes: (class of each unit, units sorted
    by class, start of each class in that order).  Two sets may share a key: see `twins`."""
    off = off.astype(np.int64)
    sizes = np.diff(off)
    mixed = hashes.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    mixed ^= mixed >> np.uint64(29)
    keys = np.zeros(sizes.size, dtype=np.uint64)
    filled = np.flatnonzero(sizes)
    if filled.size:
        with np.errstate(over="ignore"):
            keys[filled] = np.add.reduceat(mixed, off[filled]) + sizes[filled].astype(np.uint64)
    _, klass = np.unique(keys, return_inverse=True)
    klass = klass.astype(np.int64)
    order = np.argsort(klass, kind="stable")
    starts = np.searchsorted(klass[order], np.arange(int(klass.max(initial=-1)) + 2))
    return klass, order, starts


def twins(off: np.ndarray, hashes: np.ndarray, classes: Classes) -> np.ndarray:
    """Per unit, the first unit of its class whose stream is the same hash for hash (itself when
    none): a class's key is a hash of the set, which two sets could share, so every member is
    checked against the first."""
    klass, order, starts = classes
    sizes = np.diff(off.astype(np.int64))
    out: np.ndarray = order[starts[klass]]
    other = np.flatnonzero(out != np.arange(sizes.size))
    alike = other[sizes[other] == sizes[out[other]]]
    mine, owner, _ = gathered(off, hashes, alike)
    theirs, _, _ = gathered(off, hashes, out[alike])  # (the same sizes: element for element)
    unlike = np.concatenate([other[sizes[other] != sizes[out[other]]],
                             alike[np.bincount(owner[mine != theirs], minlength=alike.size) > 0]])
    out[unlike] = unlike
    return out
