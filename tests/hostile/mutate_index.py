"""Mutations of index headers, arrays and metadata for fuzzing the index readers (files and
Redis), next to mutate.py's mutations of source files.  Each mutation keeps checksums and
the id valid where asked, so it reaches the structural checks behind the integrity check.

The invariant (``check_loaded``): reading a mutated index either fails with IndexError_ or
gives an index whose every lookup works; any other exception is a bug.
"""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np

from lineage.index.embedded import EmbeddedIndex

_DTYPES = ("|u1", "|i1", "<i2", "<u4", "<i4", "<i8", "<u8", "<f4", "<f8")


def random_json(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value of a random type, sometimes hostile (huge, negative, deeply nested)."""
    pick = rng.randrange(12 if depth < 3 else 8)
    if pick == 0:
        return rng.choice((-1, 0, 1, 2**31, -2**63, 2**64 + 5, 10**30))
    if pick == 1:
        return rng.choice((0.5, -1.5, 1e308, float("-0")))
    if pick == 2:
        return rng.choice(("", "x", "\u202e", "a" * 1000, "../../etc/passwd", "<u4", "|O"))
    if pick == 3:
        return rng.choice((True, False, None))
    if pick == 4:
        nested: Any = 0
        for _ in range(rng.choice((5, 40, 500))):  # past the readers' 32, within json's own limit
            nested = [nested]
        return nested
    if pick in (5, 6, 7):
        return rng.randrange(-5, 5)
    if pick in (8, 9):
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(("name", "x", "dtype", "shape")): random_json(rng, depth + 1) for _ in range(rng.randrange(3))}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value a mutation may replace or delete."""
    out = [prefix]
    if len(prefix) > 12:
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(value, list):
        for i, v in enumerate(value[:20]):
            out.extend(_paths(v, prefix + (i,)))
    return out


def mutate_json(doc: Any, rng: random.Random, n_ops: int = 1) -> Any:
    """Replace, delete or retype values at random places of a JSON document (a copy)."""
    doc = json.loads(json.dumps(doc))
    for _ in range(n_ops):
        places = [p for p in _paths(doc) if p]
        if not places:
            return random_json(rng)
        place = rng.choice(places)
        parent = doc
        for key in place[:-1]:
            parent = parent[key]
        if rng.random() < 0.2 and isinstance(parent, dict):
            del parent[place[-1]]
        else:
            parent[place[-1]] = random_json(rng)
    return doc


def mutate_arrays(arrays: dict[str, np.ndarray], rng: random.Random) -> dict[str, np.ndarray]:
    """One array replaced by values of another dtype, shape or range (a copy of the dict)."""
    out = dict(arrays)
    name = rng.choice(sorted(n for n in out if n != "meta"))
    arr = out[name]
    how = rng.randrange(6)
    if how == 0:
        out[name] = arr.astype(np.dtype(rng.choice(_DTYPES)))
    elif how == 1:
        out[name] = (arr.astype(np.int64) - rng.choice((1, 2**31, 2**40))).astype(np.int64)
    elif how == 2:
        out[name] = np.stack([arr, arr]) if arr.ndim < 3 else arr[:0]
    elif how == 3:
        out[name] = arr.reshape(-1)[: max(0, arr.size - rng.randrange(1, 5))]
    elif how == 4:
        # the largest value wraps to the array's own width (a uint8 column gets 255, not an OverflowError)
        out[name] = np.full(arr.shape, rng.choice((2**32 - 1, 7, 0)), dtype=np.uint64).astype(
            arr.dtype if arr.dtype.kind in "iu" else np.uint32)
    else:
        out[name] = np.asarray(rng.sample(range(-50, 50), 10), dtype=np.int32)
    return out


def mutate_meta(arrays: dict[str, np.ndarray], rng: random.Random) -> dict[str, np.ndarray]:
    """The metadata JSON (families, files, unit names) with a value retyped or removed."""
    out = dict(arrays)
    meta = mutate_json(json.loads(arrays["meta"].tobytes()), rng, rng.randrange(1, 3))
    out["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    return out


def check_loaded(index: EmbeddedIndex, probe: np.ndarray) -> None:
    """Everything a scan asks of an index works on one that loaded."""
    index.info()
    _ = index.family_keys, index.unit_family, index.family_line, index.n_lines
    qs, us, hits = index.candidates(probe)
    assert qs.size == us.size == hits.size
    for u in sorted(set(us.tolist()))[:50]:
        ref = index.ref_unit(u)
        index.lineage_of(ref.family)
        index.header_of(ref.family, ref.path)
        index.marks_of(ref.family, ref.path)
        index.stream("s", u)
        index.first_seen_of(u)
    index.document_frequency(np.arange(10, dtype=np.uint32))
