"""Reuse hidden by renames, permutations and re-layouts, built at test time, found with
the right label; the same disguises on independent models stay independent."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from lineage.cli.weights import weights
from lineage.weights.api import compare_checkpoints
from lineage.weights.models import WeightReport
from tests.weights import disguises

IDENTICAL, DERIVED = "identical", "derived (fine-tuned)"
IDENTICAL_PERMUTED, DERIVED_PERMUTED = "identical up to permutation", "derived, permuted"
REUSE = {IDENTICAL, DERIVED, IDENTICAL_PERMUTED, DERIVED_PERMUTED}


@pytest.fixture
def reference(model_dir: Callable[..., Path], builders: Any) -> Path:
    return model_dir("reference", builders.reference_tensors(0))


def _component(report: WeightReport, name: str) -> Any:
    return next(c for c in report.components if c.component == name)


def test_unknown_names_do_not_hide_an_exact_copy(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    ref, own = builders.reference_tensors(0), builders.reference_tensors(1)
    tensors = {k: v for k, v in own.items() if not k.startswith("visual.")}
    tensors.update(disguises.unknown_names({k: v for k, v in ref.items() if k.startswith("visual.")}))
    assert "visual_encoder.blocks.0.attn.qkv.weight" in tensors
    report = compare_checkpoints(model_dir("suspect", tensors), reference)
    summary = report.to_dict()["summary"]
    assert summary["vision_tower"] == IDENTICAL
    assert summary["layers"] == summary["embeddings"] == summary["lm_head"] == "independent"
    assert [c.component for c in report.reused] == ["vision_tower"]
    vision = _component(report, "vision_tower")
    assert vision.paired == vision.tensors_suspect == vision.tensors_reference == 16
    mapping = {m.suspect: m for m in report.content_matches}
    moved = mapping["visual_encoder.blocks.1.attn.qkv.weight"]
    assert moved.reference == ("visual.blocks.1.attn.qkv.weight",)
    assert (moved.suspect_component, moved.reference_component) == ("layers", "vision_tower")
    # the copied tensors are not counted in the suspect's decoder
    layers = _component(report, "layers")
    assert layers.tensors_suspect == len([k for k in own if k.startswith("model.layers.")])


def test_permuted_hidden_units_are_identical_up_to_permutation(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    tensors = disguises.permute_ffn(builders.reference_tensors(0))
    report = compare_checkpoints(model_dir("permuted", tensors), reference)
    summary = report.to_dict()["summary"]
    assert summary["layers"] == IDENTICAL_PERMUTED
    assert summary["vision_tower"] == summary["embeddings"] == IDENTICAL
    relations = {m.suspect: m.relation for m in report.content_matches}
    assert relations["model.layers.1.mlp.up_proj.weight"] == "rows permuted"
    assert relations["model.layers.1.mlp.down_proj.weight"] == "columns permuted"
    assert "permuted" in _component(report, "layers").reading


def test_permuted_fine_tune_is_derived_permuted(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    tuned = builders.finetune(builders.reference_tensors(0), seed=7)
    report = compare_checkpoints(model_dir("tuned", disguises.permute_ffn(tuned)), reference)
    layers = _component(report, "layers")
    assert layers.verdict == DERIVED_PERMUTED, layers.reason
    permuted = [p for p in layers.pairs if p.pair.how == "permutation"]
    assert len(permuted) == 6 and all(p.stat is not None and p.stat.z > 20 for p in permuted)
    assert "hidden units permuted" in layers.reason


@pytest.mark.parametrize(
    ("disguise", "component", "undone"),
    [
        ("fused-projections", "layers", "fused"),
        ("split-qkv", "vision_tower", "split"),
        ("transposed-mlp", "layers", "transposed"),
        ("extended-vocab", "embeddings", "appended rows"),
        ("resharded-head", "lm_head", "split"),
    ],
)
def test_re_layouts_of_a_copy_are_identical(
    reference: Path, model_dir: Callable[..., Path], builders: Any,
    disguise: str, component: str, undone: str,
) -> None:
    tensors = disguises.DISGUISES[disguise](builders.reference_tensors(0))
    report = compare_checkpoints(model_dir(disguise, tensors), reference)
    verdict = _component(report, component)
    assert verdict.verdict == IDENTICAL, verdict.reason
    assert undone in verdict.reason
    assert {c.verdict for c in report.components if c.component != "other"} == {IDENTICAL}


@pytest.mark.parametrize(
    ("disguise", "component", "undone"),
    [
        ("fused-projections", "layers", "fused q+k+v in the suspect"),
        ("split-qkv", "vision_tower", "split q+k+v in the suspect"),
        ("transposed-mlp", "layers", "transposed"),
        ("resharded-head", "lm_head", ""),
    ],
)
def test_re_layouts_of_a_fine_tune_are_derived(
    reference: Path, model_dir: Callable[..., Path], builders: Any,
    disguise: str, component: str, undone: str,
) -> None:
    tuned = builders.finetune(builders.reference_tensors(0), seed=9)
    report = compare_checkpoints(model_dir(disguise, disguises.DISGUISES[disguise](tuned)), reference)
    verdict = _component(report, component)
    assert verdict.verdict == DERIVED, verdict.reason
    assert undone in verdict.reason


def test_cast_copy_under_new_names_is_identical_up_to_cast(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    tensors = disguises.unknown_names(builders.reference_tensors(0))
    report = compare_checkpoints(model_dir("bf16", tensors, dtype="BF16"), reference)
    vision = _component(report, "vision_tower")
    assert vision.verdict == IDENTICAL and "up to a dtype cast" in vision.reason
    relations = {m.relation for m in report.content_matches if m.suspect.startswith("visual_encoder.")}
    assert relations == {"identical up to cast"}


def test_every_disguise_at_once(reference: Path, model_dir: Callable[..., Path], builders: Any) -> None:
    exact = compare_checkpoints(
        model_dir("all", disguises.all_disguises(builders.reference_tensors(0))), reference
    )
    assert exact.to_dict()["summary"] == {
        "vision_tower": IDENTICAL, "lm_head": IDENTICAL, "embeddings": IDENTICAL,
        "layers": IDENTICAL_PERMUTED, "other": IDENTICAL,
    }
    tuned = builders.finetune(builders.reference_tensors(0), seed=2)
    derived = compare_checkpoints(model_dir("all-tuned", disguises.all_disguises(tuned)), reference)
    assert _component(derived, "layers").verdict == DERIVED_PERMUTED


@pytest.mark.parametrize("disguise", [*disguises.DISGUISES, "all"])
def test_disguised_independent_models_stay_independent(
    reference: Path, model_dir: Callable[..., Path], builders: Any, disguise: str
) -> None:
    """The null side: independent models with the same disguise are never called reuse."""
    apply = disguises.all_disguises if disguise == "all" else disguises.DISGUISES[disguise]
    calls = []
    for seed in range(1, 6):
        report = compare_checkpoints(model_dir(f"{disguise}{seed}", apply(builders.reference_tensors(seed))), reference)
        calls += [c.verdict for c in report.components]
        assert not report.content_matches
    assert not REUSE & set(calls), calls


def test_text_and_json_name_the_mapping_and_readable_p_values(
    reference: Path, model_dir: Callable[..., Path], builders: Any, tmp_path: Path
) -> None:
    suspect = model_dir("suspect", disguises.unknown_names(builders.reference_tensors(0)))
    runner = CliRunner()
    text = runner.invoke(weights, [str(suspect), "--against", str(reference)])
    assert text.exit_code == 1, text.stderr
    out = text.stdout
    assert "visual_encoder.blocks.0.attn.qkv.weight -> visual.blocks.0.attn.qkv.weight [identical] (layers -> vision_tower)" in out
    assert "1e-0" not in out
    tuned = model_dir("tuned", builders.finetune(builders.reference_tensors(0), seed=1))
    table = runner.invoke(weights, [str(tuned), "--against", str(reference)]).stdout
    assert "< 1e-300" in table
    data = json.loads(runner.invoke(weights, [str(tuned), "--against", str(reference), "--format", "json"]).stdout)
    layers = next(c for c in data["components"] if c["component"] == "layers")
    assert layers["log10_p_fisher"] < -300 and "content_matches" in data


def test_p_value_formatting() -> None:
    from lineage.weights.render import p_value

    assert p_value(None) == "-"
    assert p_value(-95928.0) == "< 1e-300"
    assert p_value(0.0) == "1"
    assert p_value(np.log10(0.42)) == "0.42"
    assert p_value(-12.5) == "3.2e-13"


def test_tied_weights_saved_twice_are_identical_not_permuted(
    reference: Path, model_dir: Callable[..., Path], builders: Any
) -> None:
    """A suspect that saves the reference's embeddings a second time as its head."""
    tensors = builders.reference_tensors(0)
    tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"].copy()
    report = compare_checkpoints(model_dir("tied", tensors), reference)
    head = next(m for m in report.content_matches if m.suspect == "lm_head.weight")
    assert head.relation == "identical" and head.reference == ("model.embed_tokens.weight",)
    assert (head.suspect_component, head.reference_component) == ("lm_head", "embeddings")
    assert {c.verdict for c in report.components} <= {IDENTICAL, "inconclusive"}


def test_zero_and_repeated_rows_are_not_evidence(
    model_dir: Callable[..., Path], builders: Any
) -> None:
    """Independent models that share padding rows (zeros) and constant rows only."""
    def padded(seed: int) -> dict[str, np.ndarray]:
        tensors = builders.reference_tensors(seed)
        for name in ("model.embed_tokens.weight", "lm_head.weight"):
            tensors[name][:8] = 0.0
            tensors[name][8:16] = 0.5
        return tensors

    report = compare_checkpoints(model_dir("a", padded(1)), model_dir("b", padded(2)))
    assert not report.content_matches and not report.reused
