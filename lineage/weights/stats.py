"""The calibrated near-reuse statistic and its null distributions.

For a pair of same-shape tensors we take a deterministic sub-grid (rows x columns of the
tensor viewed as a matrix), remove additive structure both models may share for reasons
other than lineage (row and column means for matrices, the mean for vectors: a norm
weight near 1.0 gives a raw cosine near 1.0 in unrelated models), and correlate what is
left.  The observed correlation is then set against two nulls computed on the spot:
the same statistic after permuting the reference's rows (elements for vectors), and
against independently drawn tensors with the reference's mean and spread.  The reported
z is the smaller of the two, with each null's spread floored at its analytic value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lineage.weights.models import PairStat

GRID: Final[int] = 128  # rows and columns sampled from a matrix
VECTOR_SAMPLE: Final[int] = 16384  # elements sampled from a vector
DRAWS: Final[int] = 32  # draws per null distribution
MIN_SAMPLE: Final[int] = 32  # below this a pair is not informative

Array = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True)
class SamplePlan:
    """Sorted flat element indices whose values, in order, fill a ``grid`` matrix."""

    flat: npt.NDArray[np.int64]
    grid: tuple[int, int]
    vector: bool


def plan(shape: Sequence[int], rng: np.random.Generator) -> SamplePlan:
    """Choose the sub-grid of a tensor (same indices are used on both sides)."""
    numel = math.prod(shape)
    rows = shape[0] if shape else 1
    cols = numel // rows if rows else 0
    if len(shape) < 2 or rows == 1 or cols == 1:
        take = min(numel, VECTOR_SAMPLE)
        flat = np.sort(rng.choice(numel, size=take, replace=False)) if numel else np.zeros(0)
        return SamplePlan(flat.astype(np.int64), (1, take), True)
    picked_rows = np.sort(rng.choice(rows, size=min(rows, GRID), replace=False)).astype(np.int64)
    picked_cols = np.sort(rng.choice(cols, size=min(cols, GRID), replace=False)).astype(np.int64)
    flat = (picked_rows[:, None] * cols + picked_cols[None, :]).ravel()
    return SamplePlan(flat, (len(picked_rows), len(picked_cols)), False)


def residualise(values: Array) -> Array:
    """Remove row and column means (matrices) or the mean (vectors) of the last two axes."""
    rows, cols = values.shape[-2:]
    if rows >= 2 and cols >= 2:
        centred: Array = values - values.mean(axis=-1, keepdims=True)
        result: Array = centred - centred.mean(axis=-2, keepdims=True)
        return result
    flat: Array = values - values.mean(axis=(-2, -1), keepdims=True)
    return flat


def _corr(a: Array, batch: Array) -> Array:
    """Correlation of residualised ``a`` with each residualised grid of ``batch``.

    einsum, not BLAS: these products are small, and a threaded BLAS on a busy machine
    turns each of them from microseconds into tens of milliseconds.
    """
    flat = batch.reshape(len(batch), -1)
    vector = a.ravel()
    norms = np.sqrt(np.einsum("ij,ij->i", flat, flat) * float(np.einsum("i,i->", vector, vector)))
    products = np.einsum("ij,j->i", flat, vector)
    return np.where(norms > 0, products / np.where(norms > 0, norms, 1.0), 0.0)


def calibrated(a: Array, b: Array, rng: np.random.Generator, vector: bool) -> PairStat | None:
    """Observed residual correlation of two sampled grids, z-scored against both nulls.

    Returns None when either side is constant after residualising or the sample is tiny:
    such a pair carries no evidence either way.
    """
    if a.size < MIN_SAMPLE:
        return None
    ra, rb = residualise(a), residualise(b)
    # Rounding residue of a constant tensor is not signal: require a real spread on both sides.
    for raw, res in ((a, ra), (b, rb)):
        if float(np.std(res)) <= 1e-7 * float(np.abs(raw).max(initial=0.0)) or not np.any(res):
            return None
    rows, cols = a.shape
    dof = (rows - 1) * (cols - 1) if rows >= 2 and cols >= 2 else a.size - 1
    floor = 1.0 / math.sqrt(max(dof, 1))
    observed = float(_corr(ra, rb[None])[0])
    if not vector and rows >= 16:  # rows move whole: structure within a row is kept
        permuted = rb[derangements(rng, rows)]
    else:
        order = derangements(rng, rb.size)
        permuted = rb.ravel()[order].reshape(len(order), *rb.shape)
    # Correlation ignores location and scale, so standard normals stand for fresh
    # initialisations with the reference's mean and spread.
    fresh = residualise(rng.standard_normal((DRAWS, rows, cols), dtype=np.float32))
    z_perm = _z(observed, _corr(ra, permuted), floor)
    z_init = _z(observed, _corr(ra, fresh), floor)
    z = min(z_perm, z_init)
    return PairStat(observed, z, z_perm, z_init, log10_normal_sf(z), int(a.size))


def derangements(rng: np.random.Generator, size: int) -> npt.NDArray[np.int64]:
    """DRAWS permutations of ``range(size)`` that move every index.

    A fixed point pairs a row with itself; under a fine-tune that row still correlates, so
    plain permutations would widen the null and understate z.  Each draw is a distinct
    non-zero cyclic shift under one random relabelling, which has no fixed point.
    """
    sigma = rng.permutation(size)
    inverse = np.empty_like(sigma)
    inverse[sigma] = np.arange(size)
    shifts = rng.choice(np.arange(1, size), size=min(DRAWS, size - 1), replace=False)
    order: npt.NDArray[np.int64] = sigma[(inverse[None, :] + shifts[:, None]) % size]
    return order


def _z(observed: float, values: Array, floor: float) -> float:
    return (observed - float(values.mean())) / max(float(values.std(ddof=1)), floor)


def log10_normal_sf(z: float) -> float:
    """log10 of the one-sided normal tail P(Z >= z), accurate far into the tail."""
    if z < 30.0:
        return math.log10(max(0.5 * math.erfc(z / math.sqrt(2.0)), 1e-300))
    log_sf = -z * z / 2.0 - math.log(z * math.sqrt(2.0 * math.pi)) + math.log1p(-1.0 / (z * z))
    return log_sf / math.log(10.0)


def fisher_log10(log10_ps: Sequence[float]) -> float | None:
    """Fisher's combined one-sided p-value, as log10, from per-pair log10 p-values."""
    if not log10_ps:
        return None
    half = -sum(lp * math.log(10.0) for lp in log10_ps)  # X / 2 with X = -2 sum ln p
    k = len(log10_ps)
    if half <= 0.0:
        return 0.0
    terms = [i * math.log(half) - math.lgamma(i + 1) for i in range(k)]
    top = max(terms)
    log_sf = -half + top + math.log(sum(math.exp(t - top) for t in terms))
    return min(0.0, log_sf / math.log(10.0))
