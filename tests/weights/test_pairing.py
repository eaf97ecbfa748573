"""Component table and pairing across renamed keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lineage.weights.checkpoint import open_checkpoint
from lineage.weights.components import component_of, is_buffer
from lineage.weights.pairing import pair_checkpoints


@pytest.mark.parametrize(
    ("key", "component"),
    [
        ("visual.blocks.0.attn.qkv.weight", "vision_tower"),
        ("model.vision_tower.vision_model.embeddings.patch_embedding.weight", "vision_tower"),
        ("audio_tower.layers.3.fc1.weight", "audio_tower"),
        ("multi_modal_projector.linear_1.weight", "projector"),
        ("model.embed_tokens.weight", "embeddings"),
        ("embeddings.word_embeddings.weight", "embeddings"),
        ("lm_head.weight", "lm_head"),
        ("model.layers.11.mlp.down_proj.weight", "layers"),
        ("encoder.layer.0.attention.output.dense.weight", "layers"),
        ("transformer.h.3.attn.c_attn.weight", "layers"),
        ("model.norm.weight", "other"),
    ],
)
def test_component_table(key: str, component: str) -> None:
    assert component_of(key) == component


def test_buffers() -> None:
    assert is_buffer("model.rotary_emb.inv_freq") and is_buffer("embeddings.position_ids")
    assert is_buffer("h.0.attn.bias") and not is_buffer("h.0.attn.c_attn.bias")


def test_renamed_vision_tower_pairs_with_the_original(tmp_path: Path, builders: Any) -> None:
    ref = builders.reference_tensors(0)
    renamed = {new: ref[old] for old, new in builders.VISION_RENAMES.items()}
    builders.write_model(tmp_path / "a", renamed)
    builders.write_model(tmp_path / "b", ref)
    groups = {g.component: g for g in pair_checkpoints(open_checkpoint(tmp_path / "a"), open_checkpoint(tmp_path / "b"))}
    vision = groups["vision_tower"]
    assert len(vision.pairs) == vision.suspect_total == len(renamed)
    back = {new: old for old, new in builders.VISION_RENAMES.items()}
    matrices = [p for p in vision.pairs if len(p.suspect.shape) > 1]
    assert all(back[p.suspect.name] == p.reference.name for p in matrices)
    assert groups["layers"].pairs == () and groups["layers"].suspect_total == 0


def test_layers_match_by_rank_and_vocabularies_by_common_rows(tmp_path: Path, builders: Any) -> None:
    rng = np.random.default_rng(0)
    ref = {f"model.layers.{i}.mlp.w.weight": rng.normal(size=(4, 4)).astype(np.float32) for i in range(2)}
    ref["model.embed_tokens.weight"] = rng.normal(size=(10, 4)).astype(np.float32)
    ours = {f"decoder.blocks.{i + 5}.ffn.w.weight": v for i, v in enumerate(ref.values()) if v.shape == (4, 4)}
    ours["transformer.wte.weight"] = rng.normal(size=(12, 4)).astype(np.float32)
    builders.write_model(tmp_path / "a", ours)
    builders.write_model(tmp_path / "b", ref)
    pairs = [p for g in pair_checkpoints(open_checkpoint(tmp_path / "a"), open_checkpoint(tmp_path / "b")) for p in g.pairs]
    names = {(p.suspect.name, p.reference.name, p.rows) for p in pairs}
    assert ("decoder.blocks.5.ffn.w.weight", "model.layers.0.mlp.w.weight", None) in names
    assert ("decoder.blocks.6.ffn.w.weight", "model.layers.1.mlp.w.weight", None) in names
    assert ("transformer.wte.weight", "model.embed_tokens.weight", 10) in names
