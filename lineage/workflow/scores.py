"""Scores placed against unrelated pairs: how similar do units that are NOT copies look?

Two baselines, each used at its own level, and the exhibit says which is which:

- units, *in-pair*: every suspect unit is compared exactly (no LSH) with every reference
  unit but its counterpart (its best match, and any tied with it); its best structural similarity
  is a draw from "code of these two sides that is not the same code".  Computed from the
  inputs alone, so anyone can redo it.  (Until 2026-12-02 only the units that matched nothing
  were drawn: each stood below the match threshold by construction, so every matched unit
  scored "above the in-pair p99", on unrelated pairs too.)
- files, *calibration*: ``corpora/calibration.toml`` (``unrelated_p99``, ``derived_median``,
  or the ``[calibration]`` table benchmarks/calibrate.py writes), measured over many
  unrelated and declared-derived family pairs, when the file exists.  Those figures are
  file scores (best unit similarity, k-gram weighted), so files are scored the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lineage.compact.files import CompactUnit
from lineage.index.embedded import EmbeddedIndex

UNRELATED_MIN = 20  # fewer unrelated units than this give no usable 99th percentile


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(lo[i], hi[i])`` for every i, without a Python loop."""
    counts = hi - lo
    keep = counts > 0
    lo, counts = lo[keep], counts[keep]
    if counts.size == 0:
        return np.empty(0, dtype=np.int64)
    starts = np.repeat(lo, counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    out: np.ndarray = (starts + within).astype(np.int64)
    return out


def best_similarities(index: EmbeddedIndex, units: Sequence[CompactUnit],
                      exclude: Sequence[frozenset[int]] | None = None) -> list[float]:
    """Best exact structural Jaccard of each unit against every reference unit, in order; with
    ``exclude``, against every reference unit but the given rows (per unit: its counterparts)."""
    n = index.n_units
    if n == 0 or not units:
        return [0.0] * len(units)
    offsets = index.arrays["s_off"]
    hashes = index.arrays["s_hash"]
    sizes = np.diff(offsets)
    owner = np.repeat(np.arange(n), sizes)
    order = np.argsort(hashes, kind="stable")
    keys, owners = hashes[order], owner[order]
    best = []
    for i, unit in enumerate(units):
        lo = np.searchsorted(keys, unit.s_hash, side="left")
        hi = np.searchsorted(keys, unit.s_hash, side="right")
        shared = np.bincount(owners[_ranges(lo, hi)], minlength=n)
        jaccard = shared / np.maximum(unit.s_hash.size + sizes - shared, 1)
        if exclude is not None and exclude[i]:
            jaccard[sorted(exclude[i])] = 0.0
        best.append(round(float(jaccard.max()), 4))
    return best


def file_score(index: EmbeddedIndex, units: Sequence[CompactUnit], ignored: Sequence[bool] | None = None) -> float:
    """K-gram weighted mean of the units' best similarities: the calibration's file score; units
    flagged in ``ignored`` count as matching nothing."""
    weights = np.asarray([u.n_kgrams for u in units], dtype=np.float64)
    if not units or weights.sum() == 0:
        return 0.0
    best = np.asarray(best_similarities(index, units))
    if ignored is not None:
        best[np.asarray(ignored, dtype=bool)] = 0.0
    return round(float(weights @ best / weights.sum()), 4)


def stats(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "median": None, "p90": None, "p99": None, "max": None}
    arr = np.asarray(values, dtype=np.float64)
    q = [round(float(np.percentile(arr, p)), 4) for p in (50, 90, 99)]
    return {"n": int(arr.size), "median": q[0], "p90": q[1], "p99": q[2] if arr.size >= UNRELATED_MIN else None,
            "max": round(float(arr.max()), 4)}


def calibration(path: Path | None = None) -> dict[str, Any] | None:
    """Calibration figures from corpora/calibration.toml, or None when absent or unusable."""
    from lineage.data import load_table
    from lineage.errors import ManifestError

    try:
        data = load_table("calibration.toml", path)
    except ManifestError:
        return None  # optional evidence: verify says it has no calibration
    table = data.get("calibration", data)
    if not isinstance(table, dict):
        return None
    out: dict[str, Any] = {"source": "corpora/calibration.toml", "level": "file"}
    for key, written in (("unrelated_p99", "unrelated_plain_p99"), ("derived_median", "derived_plain_p50")):
        value = table.get(key, table.get(written))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        out[key] = float(value)
    for key in ("index", "scores"):
        if isinstance(table.get(key), str):
            out[key] = table[key]
    return out


def place_unit(similarity: float, null: Sequence[float]) -> dict[str, Any]:
    """Where one match stands among the in-pair unrelated units (``null`` sorted)."""
    out: dict[str, Any] = {}
    if len(null) >= UNRELATED_MIN:  # a percentile among a handful of units would mean nothing
        below = int(np.searchsorted(np.asarray(null), similarity, side="left"))
        out["unrelated_percentile"] = round(100.0 * below / len(null), 1)
    p99 = stats(null)["p99"]
    out["above_unrelated_p99"] = None if p99 is None else bool(similarity > p99)
    return out


def place_file(score: float, calib: dict[str, Any] | None) -> dict[str, Any]:
    """Where one file score stands against the calibration (None without one)."""
    if not calib:
        return {"above_unrelated_p99": None}
    return {"above_unrelated_p99": bool(score > calib["unrelated_p99"]),
            "vs_derived_median": round(score - calib["derived_median"], 4)}
