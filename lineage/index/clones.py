"""Reference units whose fingerprint streams are the same set: clone classes and twins.

A stream is stored flat: ``hashes`` (sorted unique per unit) with ``off`` the start of each
unit's and its end.  Functions of the arrays alone: a build stores their results in the index
(`tables`), so a scan or a commit hook only reads them; an index without them (written by an
earlier lineage, or cut down by index/restrict.py) has them computed once when first used
(index/embedded.py).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

Classes = tuple[np.ndarray, np.ndarray, np.ndarray]  # class of each unit, units sorted by class, class starts
TABLES = ("s_class", "s_twin", "l_twin")  # what a build stores: structural classes, both streams' twins


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


def has_tables(arrays: Mapping[str, np.ndarray]) -> bool:
    """Whether a build stored the clone tables (`tables`)."""
    return all(name in arrays for name in TABLES)


def index_classes(arrays: Mapping[str, np.ndarray]) -> Classes:
    """The structural clone classes: as stored, or computed from the streams."""
    if has_tables(arrays):
        return classes_of(arrays["s_class"])
    return clone_classes(arrays["s_off"], arrays["s_hash"])


def index_twins(arrays: Mapping[str, np.ndarray], stream: str, classes: Classes | None = None) -> np.ndarray:
    """Each unit's twin in ``stream`` ("s" or "l"): as stored, or computed (``classes``: that
    stream's clone classes, when known)."""
    if has_tables(arrays):
        out: np.ndarray = arrays[f"{stream}_twin"].astype(np.int64)
        return out
    off, hashes = arrays[f"{stream}_off"], arrays[f"{stream}_hash"]
    return twins(off, hashes, clone_classes(off, hashes) if classes is None else classes)


def classes_of(klass: np.ndarray) -> Classes:
    """`clone_classes` from the class of each unit alone (as a build stored it)."""
    klass = klass.astype(np.int64)
    order = np.argsort(klass, kind="stable")
    starts = np.searchsorted(klass[order], np.arange(int(klass.max(initial=-1)) + 2))
    return klass, order, starts


def tables(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The clone tables a build stores beside the streams: the structural clone class of each
    unit, and each unit's twin in both streams (`TABLES`)."""
    klass = clone_classes(arrays["s_off"], arrays["s_hash"])
    lexical = clone_classes(arrays["l_off"], arrays["l_hash"])
    return {"s_class": klass[0].astype(np.uint32),
            "s_twin": twins(arrays["s_off"], arrays["s_hash"], klass).astype(np.uint32),
            "l_twin": twins(arrays["l_off"], arrays["l_hash"], lexical).astype(np.uint32)}


def restricted_tables(arrays: dict[str, np.ndarray], units: np.ndarray) -> dict[str, np.ndarray]:
    """The stored tables of an index cut down to ``units`` (ascending ids of the units kept), without
    reading a stream: a class stays a class, and a unit's twin becomes the first kept unit of the
    same stream, which the full index names by the full index's twin (empty when none is stored)."""
    if not all(name in arrays for name in TABLES):
        return {}
    out = {"s_class": np.unique(arrays["s_class"][units], return_inverse=True)[1].astype(np.uint32)}
    for name in ("s_twin", "l_twin"):
        same = arrays[name][units].astype(np.int64)  # (the full index's first unit of the same stream)
        _, first, inverse = np.unique(same, return_index=True, return_inverse=True)
        out[name] = first[inverse].astype(np.uint32)  # (units ascend: the first kept of each stream)
    return out


def tables_problem(arrays: dict[str, np.ndarray], n: int) -> str:
    """What is wrong with stored clone tables, or "": each a unit column, a twin never after its
    unit, a twin its own twin and of its unit's class (a crafted table must not send a unit's
    score to a unit out of range)."""
    present = [name for name in TABLES if name in arrays]
    if not present:
        return ""
    if len(present) < len(TABLES):
        return "clone tables are incomplete"
    if any(arrays[name].dtype.kind not in "iu" or arrays[name].shape != (n,) for name in TABLES):
        return "clone tables must be integer columns of one entry per unit"
    klass = arrays["s_class"].astype(np.int64)
    if n and (int(klass.min()) < 0 or int(klass.max()) >= n):
        return "clone classes out of range"
    ids = np.arange(n)
    for name in ("s_twin", "l_twin"):
        twin = arrays[name].astype(np.int64)
        if n and (int(twin.min()) < 0 or np.any(twin > ids) or np.any(twin[twin] != twin)):
            return f"{name} names a unit that is not a twin"
    if np.any(klass[arrays["s_twin"].astype(np.int64)] != klass):
        return "a structural twin is of another clone class"
    return ""
