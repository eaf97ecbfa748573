"""Config and tokenizer red flags."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lineage.errors import SourceError
from lineage.weights.api import compare_checkpoints
from lineage.weights.config import config_flags, stem
from lineage.weights.tokenizer import overlap

TINY = {"w": np.ones((2, 2), np.float32)}


def _tokenizer(tokens: list[str], specials: list[str]) -> str:
    vocab = {t: i for i, t in enumerate(tokens)}
    added = [{"id": len(tokens) + i, "content": s, "special": True} for i, s in enumerate(specials)]
    return json.dumps({"model": {"type": "BPE", "vocab": vocab}, "added_tokens": added})


def test_stem() -> None:
    assert stem("Qwen2_5_VLForConditionalGeneration") == stem("qwen2_5_vl") == "qwen"
    assert stem("hyperclovax_vlm") == "hyperclovax"


def test_frozen_foreign_encoder_config(model_dir: Callable[..., Path]) -> None:
    suspect = model_dir("s", TINY, config={
        "model_type": "hyperclovax_vlm",
        "architectures": ["HCXVisionForCausalLM"],
        "_name_or_path": "team/base",
        "vision_config": {"model_type": "qwen2_5_vl", "freeze_encoder": True},
        "audio_config": {"model_type": "whisper"},
        "text_config": {"model_type": "hyperclovax"},
        "freeze_mm_projector": False,
    })
    reference = model_dir("r", TINY, config={"model_type": "qwen2_5_vl", "architectures": ["Qwen2_5_VLForConditionalGeneration"]})
    flags = config_flags(suspect, reference)
    kinds = [(f.kind, f.severity) for f in flags]
    assert ("foreign-subconfig", "high") in kinds  # names the reference's own family
    assert ("foreign-subconfig", "medium") in kinds  # whisper: foreign, not the reference
    assert ("freeze-switch", "high") in kinds and ("declared-origin", "medium") in kinds
    assert not any("text_config" in f.detail or "freeze_mm_projector" in f.detail for f in flags)
    assert any("vision_config declares qwen2_5_vl" in f.detail for f in flags)


def test_same_architecture_is_only_info(model_dir: Callable[..., Path]) -> None:
    config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"]}
    flags = config_flags(model_dir("s", TINY, config=config), model_dir("r", TINY, config=config))
    assert [(f.kind, f.severity) for f in flags] == [("same-architecture", "info")]


def test_vocabulary_overlap_and_chat_template(model_dir: Callable[..., Path]) -> None:
    tokens = [f"tok{i}" for i in range(100)]
    template = json.dumps({"chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}"})
    suspect = model_dir("s", TINY, files={
        "tokenizer.json": _tokenizer(tokens[:95] + ["mine"], ["<s>", "</s>", "<img>"]),
        "tokenizer_config.json": template,
    })
    reference = model_dir("r", TINY, files={
        "tokenizer.json": _tokenizer(tokens, ["<s>", "</s>"]),
        "tokenizer_config.json": template,
    })
    vocab, flags = overlap(suspect, reference)
    assert vocab is not None
    assert vocab.jaccard == pytest.approx(97 / 104)  # 95 tokens + 2 specials of 104 distinct
    assert vocab.special_shared_share == pytest.approx(2 / 3)
    assert vocab.same_id_share < 1.0  # specials moved ids, plain tokens did not
    assert {f.kind for f in flags} == {"chat-template", "shared-vocabulary"}


def test_vocab_txt_and_json(model_dir: Callable[..., Path]) -> None:
    suspect = model_dir("s", TINY, files={"vocab.txt": "a\nb\nc\n"})
    reference = model_dir("r", TINY, files={"vocab.json": json.dumps({"a": 0, "b": 1, "z": 2})})
    vocab, flags = overlap(suspect, reference)
    assert vocab is not None and vocab.jaccard == pytest.approx(0.5) and vocab.same_id_share == 1.0
    assert [f.severity for f in flags] == ["low"]


def test_malformed_config_is_unusable_input(model_dir: Callable[..., Path]) -> None:
    suspect = model_dir("s", TINY, files={"config.json": "{not json"})
    with pytest.raises(SourceError, match="malformed JSON"):
        compare_checkpoints(suspect, model_dir("r", TINY))


def test_real_world_flags_reach_the_report(model_dir: Callable[..., Path], builders: Any) -> None:
    config = {"model_type": "mine", "vision_config": {"model_type": "siglip_vision_model"}}
    report = compare_checkpoints(model_dir("s", TINY, config=config), model_dir("r", TINY))
    assert any(f["kind"] == "foreign-subconfig" for f in report.to_dict()["red_flags"])
