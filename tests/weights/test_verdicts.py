"""End-to-end verdicts on checkpoints built at test time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lineage.weights.api import compare_checkpoints

IDENTICAL, DERIVED = "identical", "derived (fine-tuned)"
INDEPENDENT, INCONCLUSIVE = "independent", "inconclusive"
MATRIX_COMPONENTS = ("vision_tower", "embeddings", "layers", "lm_head")


def _summary(suspect: Path, reference: Path) -> dict[str, str]:
    return compare_checkpoints(suspect, reference).to_dict()["summary"]  # type: ignore[no-any-return]


@pytest.fixture
def reference(model_dir: Callable[..., Path], builders: Any) -> Path:
    return model_dir("reference", builders.reference_tensors(0))


def test_renamed_copy_of_the_vision_tower_is_identical(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    ref, own = builders.reference_tensors(0), builders.reference_tensors(1)
    tensors = {k: v for k, v in own.items() if not k.startswith("visual.")}
    tensors.update({new: ref[old] for old, new in builders.VISION_RENAMES.items()})
    report = compare_checkpoints(model_dir("suspect", tensors), reference)
    summary = report.to_dict()["summary"]
    assert summary["vision_tower"] == IDENTICAL
    assert summary["layers"] == summary["embeddings"] == summary["lm_head"] == INDEPENDENT
    vision = next(c for c in report.components if c.component == "vision_tower")
    assert vision.reading.startswith("frozen external encoder") and vision.share_identical == 1.0
    assert [c.component for c in report.reused] == ["vision_tower"]


def test_light_fine_tune_is_derived_everywhere(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    tuned = builders.finetune(builders.reference_tensors(0), seed=7)
    report = compare_checkpoints(model_dir("tuned", tuned), reference)
    for component in report.components:
        if component.component in MATRIX_COMPONENTS:
            assert component.verdict == DERIVED, component
            assert component.median_z is not None and component.median_z > 30
            assert component.reading == "fine-tuned derivative of the reference"
    other = next(c for c in report.components if c.component == "other")
    assert other.verdict == INCONCLUSIVE  # a final norm alone is never decisive


def test_independent_models_are_never_called_derived(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    """The false-positive measurement: 20 independently initialised models."""
    calls: list[str] = []
    for seed in range(1, 21):
        summary = _summary(model_dir(f"independent{seed}", builders.reference_tensors(seed)), reference)
        calls += summary.values()
        assert all(summary[c] == INDEPENDENT for c in MATRIX_COMPONENTS), (seed, summary)
    assert IDENTICAL not in calls and DERIVED not in calls


def test_shared_structure_in_unrelated_models_is_not_lineage(
    model_dir: Callable[..., Path], builders: Any
) -> None:
    columns = np.random.default_rng(99).normal(0, 0.05, 64).astype(np.float32)
    a = model_dir("a", builders.reference_tensors(1, shared_columns=columns))
    b = model_dir("b", builders.reference_tensors(2, shared_columns=columns))
    summary = _summary(a, b)
    assert DERIVED not in summary.values() and IDENTICAL not in summary.values()


@pytest.mark.parametrize("dtype", ["BF16", "F16"])
def test_half_precision_resave_is_identical_up_to_cast(
    reference: Path, model_dir: Callable[..., Path], builders: Any, dtype: str
) -> None:
    report = compare_checkpoints(model_dir("half", builders.reference_tensors(0), dtype=dtype), reference)
    assert {c.component: c.verdict for c in report.components if c.component in MATRIX_COMPONENTS} == dict.fromkeys(MATRIX_COMPONENTS, IDENTICAL)
    pairs = [p for c in report.components for p in c.pairs if p.informative]
    assert all(p.identical_up_to_cast and not p.identical for p in pairs)


def test_fine_tune_saved_in_bf16_and_sharded_is_derived(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    tuned = builders.finetune(builders.reference_tensors(0), seed=3)
    summary = _summary(model_dir("tuned", tuned, dtype="BF16", shards=3), reference)
    assert all(summary[c] == DERIVED for c in MATRIX_COMPONENTS)
    fp16_reference = model_dir("ref16", builders.reference_tensors(0), dtype="F16", shards=2)
    assert _summary(reference, fp16_reference)["layers"] == IDENTICAL


def test_extended_vocabulary_is_compared_on_common_rows(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    tuned = builders.finetune(builders.reference_tensors(0), seed=4)
    extra = np.random.default_rng(5).normal(0, 0.02, (32, 64)).astype(np.float32)
    tuned["model.embed_tokens.weight"] = np.vstack([tuned["model.embed_tokens.weight"], extra])
    report = compare_checkpoints(model_dir("extended", tuned), reference)
    embeddings = next(c for c in report.components if c.component == "embeddings")
    assert embeddings.verdict == DERIVED and embeddings.pairs[0].pair.rows == 256


def test_partly_frozen_component_is_derived(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    ref = builders.reference_tensors(0)
    tuned = builders.finetune(ref, seed=6)
    tuned["model.layers.0.self_attn.q_proj.weight"] = ref["model.layers.0.self_attn.q_proj.weight"]
    layers = next(c for c in compare_checkpoints(model_dir("part", tuned), reference).components if c.component == "layers")
    assert layers.verdict == DERIVED and "byte-identical" in layers.reason


def test_report_is_deterministic_and_json_ready(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    suspect = model_dir("tuned", builders.finetune(builders.reference_tensors(0), seed=1))
    first = json.dumps(compare_checkpoints(suspect, reference, seed=3).to_dict(), sort_keys=True, allow_nan=False)
    second = json.dumps(compare_checkpoints(suspect, reference, seed=3).to_dict(), sort_keys=True, allow_nan=False)
    assert first == second
    data = json.loads(first)
    assert data["schema_version"] == 1 and data["parameters"]["z_derived"] == 6.0
    pair = data["components"][0]["pairs"][0]
    assert len(pair["suspect_sha256"]) == 64 and pair["z"] > 6
    inv_freq = [p for c in data["components"] for p in c["pairs"] if p["suspect"].endswith("inv_freq")]
    assert inv_freq and inv_freq[0]["identical"] and not inv_freq[0]["informative"]


def test_near_constant_norms_never_match_by_rounding(
    model_dir: Callable[..., Path], builders: Any
) -> None:
    """Norms near 1.0 collapse onto a few bf16 values: equal by chance, never evidence."""

    def flat_norms(seed: int) -> dict[str, np.ndarray]:
        tensors = builders.reference_tensors(seed)
        rng = np.random.default_rng(seed + 1000)
        for name, value in tensors.items():
            if name.endswith("norm.weight") or ".norm" in name or "layernorm" in name:
                tensors[name] = (1.0 + rng.normal(0, 1e-3, value.shape)).astype(np.float32)
        return tensors

    a = model_dir("a", flat_norms(1), dtype="BF16")
    for b in (model_dir("b", flat_norms(2), dtype="BF16"), model_dir("c", flat_norms(3))):
        report = compare_checkpoints(a, b)
        assert not report.reused, report.to_dict()["summary"]
        norms = [p for c in report.components for p in c.pairs if "norm" in p.pair.suspect.name]
        assert norms and not any(p.informative for p in norms)


def test_fine_tune_saved_in_bf16_is_not_identical_up_to_cast(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    tuned = builders.finetune(builders.reference_tensors(0), seed=1)
    report = compare_checkpoints(model_dir("tuned16", tuned, dtype="BF16"), reference)
    assert not any(p.identical_up_to_cast for c in report.components for p in c.pairs if p.informative)
    assert {c.component: c.verdict for c in report.components}["other"] == INCONCLUSIVE
