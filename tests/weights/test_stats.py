"""The calibrated statistic: null calibration, power, and the norm-weight trap."""

from __future__ import annotations

import math

import numpy as np

from lineage.weights.dtypes import cast_bits, common_dtype, float32_to_bf16_bits, to_float32
from lineage.weights.stats import calibrated, fisher_log10, log10_normal_sf, plan


def _stat(a: np.ndarray, b: np.ndarray, seed: int = 0, vector: bool = False) -> float:
    stat = calibrated(a.astype(np.float64), b.astype(np.float64), np.random.default_rng(seed), vector)
    assert stat is not None
    return stat.z


def test_independent_matrices_follow_the_null() -> None:
    rng = np.random.default_rng(0)
    zs = [_stat(rng.normal(size=(64, 96)), rng.normal(size=(64, 96)), s) for s in range(200)]
    assert abs(float(np.mean(zs))) < 0.3
    assert 0.6 < float(np.std(zs)) < 1.3
    assert max(zs) < 4.5  # P(max of 200 N(0,1) > 4.5) ~ 7e-4


def test_fine_tuned_copy_scores_far_out() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(0, 0.02, size=(128, 128))
    assert _stat(a, a + 1e-3 * rng.normal(size=a.shape)) > 100


def test_shared_additive_structure_is_not_evidence() -> None:
    rng = np.random.default_rng(2)
    columns, rows = rng.normal(0, 0.05, 96), rng.normal(0, 0.05, (64, 1))
    a = rng.normal(0, 0.02, (64, 96)) + columns + rows
    b = rng.normal(0, 0.02, (64, 96)) + columns + rows
    naive = float(np.corrcoef(a.ravel(), b.ravel())[0, 1])
    assert naive > 0.8
    assert abs(_stat(a, b)) < 4


def test_norm_weights_fool_cosine_but_not_the_centred_statistic() -> None:
    rng = np.random.default_rng(3)
    zs, cosines = [], []
    for seed in range(50):
        a, b = 1 + rng.normal(0, 0.02, (1, 512)), 1 + rng.normal(0, 0.02, (1, 512))
        cosines.append(float((a @ b.T).item() / np.linalg.norm(a) / np.linalg.norm(b)))
        zs.append(_stat(a, b, seed, vector=True))
    assert min(cosines) > 0.999
    assert max(abs(z) for z in zs) < 4.5


def test_constant_tensors_are_not_evidence() -> None:
    ones = np.ones((1, 64))
    assert calibrated(ones, ones, np.random.default_rng(0), True) is None
    tenth = np.full((8, 8), 0.1)
    assert calibrated(tenth, tenth, np.random.default_rng(0), False) is None


def test_plan_is_sorted_and_bounded() -> None:
    sample = plan((1000, 300), np.random.default_rng(0))
    assert sample.grid == (128, 128) and not sample.vector
    assert np.all(np.diff(sample.flat) > 0) and sample.flat.max() < 300_000
    assert plan((5,), np.random.default_rng(0)).vector


def test_tail_and_fisher() -> None:
    assert math.isclose(log10_normal_sf(0.0), math.log10(0.5))
    assert math.isclose(log10_normal_sf(30 - 1e-9), log10_normal_sf(30 + 1e-9), abs_tol=0.01)
    assert log10_normal_sf(200.0) < -8000
    assert math.isclose(fisher_log10([math.log10(0.5)]) or 0.0, math.log10(0.5), abs_tol=1e-9)
    assert fisher_log10([]) is None
    assert (fisher_log10([-50.0, -60.0]) or 0.0) < -100


def test_bf16_rounding_and_ulp_codes() -> None:
    values = np.array([1.0, 1.00390625, 1.01171875, -2.5, 0.0, -0.0], np.float32)
    bits = float32_to_bf16_bits(values)
    assert bits.tolist() == [0x3F80, 0x3F80, 0x3F82, 0xC020, 0x0000, 0x8000]
    np.testing.assert_array_equal(to_float32(bits, "BF16")[[0, 3]], [1.0, -2.5])
    codes = cast_bits(np.array([-1.0, -0.0, 0.0, 1.0], np.float32), "F32", "BF16")
    assert codes[0] < codes[1] == codes[2] < codes[3]
    assert common_dtype("F32", "BF16") == "BF16" and common_dtype("F16", "BF16") == "BF16"
    assert common_dtype("F64", "F32") == "F32"
