"""Undo a permutation of an MLP's hidden units before measuring a fine-tune.

Permuting the hidden units (rows of the up and gate projections, the matching columns of
the down projection) keeps the function and changes every byte; paired row for row, a
fine-tune disguised this way scores like an independent model.  For each block whose
up projection does not already read as derived, we estimate the permutation on one part
of the evidence and measure on another, so the choice cannot inflate the statistic:

1. each sampled suspect hidden unit is matched to the reference unit whose down-projection
   column is most correlated with it, on MATCH_ROWS sampled rows of the down projection;
2. the calibrated statistic is then computed on the up and gate rows of the matched units
   (other tensors) and on the down columns at rows disjoint from those used to match.

A consistent permutation makes all three score like a fine-tune; for independent models
the matched units are unrelated and the statistic stays in its null.  Probing stops after
PROBE_BLOCKS blocks without a permutation, so independent models pay for two blocks only.
"""

from __future__ import annotations

import statistics
import zlib
from collections import defaultdict
from typing import Final

import numpy as np
import numpy.typing as npt

from lineage.weights.compare import matrix_of, read_rows
from lineage.weights.components import key_shape
from lineage.weights.dtypes import to_float32
from lineage.weights.models import Pair, PairResult, TensorInfo
from lineage.weights.stats import GRID, calibrated

MATCH_ROWS: Final[int] = 64  # down-projection rows used to match hidden units
PROBE_BLOCKS: Final[int] = 2  # blocks probed in vain before probing stops
PERMUTED: Final[str] = "hidden units permuted"
Floats = npt.NDArray[np.float64]


def _token(info: TensorInfo) -> str:
    suffix = key_shape(info.name).suffix
    return suffix[-2] if len(suffix) >= 2 and suffix[-1] == "weight" else ""


def _blocks(results: list[PairResult]) -> list[dict[str, int]]:
    """Per layer: index of the up, gate and down pairs (names agree on both sides)."""
    blocks: dict[int, dict[str, int]] = defaultdict(dict)
    for i, result in enumerate(results):
        pair = result.pair
        token = _token(pair.suspect)
        layer = key_shape(pair.suspect.name).layer
        plain = not pair.relayout and pair.suspect.shape == pair.reference.shape
        flipped = pair.transposed and pair.suspect.shape == pair.reference.shape[::-1]
        if token in ("up", "gate", "down") and token == _token(pair.reference) and (
            layer is not None and (plain or flipped)
        ):
            blocks[layer][token] = i
    return [blocks[layer] for layer in sorted(blocks) if {"up", "down"} <= set(blocks[layer])]


def undo_permutations(
    results: list[PairResult], seed: int, threshold: float
) -> tuple[list[PairResult], int]:
    """Results with permuted blocks re-measured; the bytes read."""
    out = list(results)
    read = misses = 0
    for block in _blocks(results):
        up, down = results[block["up"]], results[block["down"]]
        if up.identical or up.identical_up_to_cast or up.stat is None or down.stat is None:
            continue
        if up.stat.z >= threshold or misses >= PROBE_BLOCKS:
            continue
        probed, extra = _probe(results, block, seed)
        read += extra
        zs = [r.stat.z for r in probed.values() if r.stat is not None]
        if len(zs) == len(probed) and statistics.median(zs) >= threshold:
            for token, result in probed.items():
                out[block[token]] = result
            misses = 0
        else:
            misses += 1
    return out, read


def _probe(
    results: list[PairResult], block: dict[str, int], seed: int
) -> tuple[dict[str, PairResult], int]:
    down = results[block["down"]].pair
    hidden, units_total = matrix_of(down.reference.shape)
    names = [zlib.crc32(p.name.encode()) for p in (down.suspect, down.reference)]
    rng = np.random.default_rng([seed, *names, 0x9E2])
    match_rows = np.sort(rng.choice(hidden, size=min(MATCH_ROWS, hidden // 2), replace=False))
    rest = np.setdiff1d(np.arange(hidden), match_rows)
    score_rows = np.sort(rng.choice(rest, size=min(GRID, len(rest)), replace=False))
    units = np.sort(rng.choice(units_total, size=min(GRID, units_total), replace=False))
    ours, read_a = _floats(down.suspect, match_rows, units, down.transposed)
    theirs, read_b = _floats(down.reference, match_rows, np.arange(units_total))
    perm = np.argmax(_unit(ours.T) @ _unit(theirs.T).T, axis=1)
    read = read_a + read_b
    probed: dict[str, PairResult] = {}
    for token, index in block.items():
        pair = results[index].pair
        width = matrix_of(pair.reference.shape)[1]
        if token == "down":
            a, ra = _floats(pair.suspect, score_rows, units, pair.transposed)
            b, rb = _floats(pair.reference, score_rows, perm)
        else:
            cols = np.sort(rng.choice(width, size=min(GRID, width), replace=False))
            a, ra = _floats(pair.suspect, units, cols, pair.transposed)
            b, rb = _floats(pair.reference, perm, cols)
        read += ra + rb
        stat = None
        if np.isfinite(a).all() and np.isfinite(b).all():
            stat = calibrated(a, b, rng, False)
        moved = float(np.mean(perm != units))
        probed[token] = PairResult(
            pair=Pair(pair.component, pair.suspect, pair.reference, "permutation",
                      relayout=PERMUTED if not pair.transposed else f"transposed and {PERMUTED}",
                      transposed=pair.transposed),
            suspect_sha256=results[index].suspect_sha256,
            reference_sha256=results[index].reference_sha256,
            identical=False,
            identical_up_to_cast=False,
            informative=stat is not None,
            vector=False,
            stat=stat,
            note=f"compared after undoing a permutation of the hidden units ({moved:.0%} of "
                 f"sampled units moved), found on {len(match_rows)} rows of {down.suspect.name}",
        )
    return probed, read


def _floats(
    info: TensorInfo, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64],
    transposed: bool = False,
) -> tuple[Floats, int]:
    """``view[rows][:, cols]`` as float64, where the view is the tensor or its transpose."""
    if transposed:
        raw, read = read_rows(info, cols.astype(np.int64), rows.astype(np.int64))
        raw = raw.T
    else:
        raw, read = read_rows(info, rows.astype(np.int64), cols.astype(np.int64))
    return to_float32(raw, info.dtype).astype(np.float64), read


def _unit(vectors: Floats) -> Floats:
    """Centre and scale each row to unit length, so dot products are correlations."""
    centred = vectors - vectors.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    unit: Floats = centred / np.where(norms > 0, norms, 1.0)
    return unit
