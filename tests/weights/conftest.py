"""Builders for small checkpoints written at test time (numpy + hand-written safetensors)."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

H, V, I, LAYERS, BLOCKS = 64, 256, 128, 2, 2

Tensors = dict[str, np.ndarray]


def bf16_bits(values: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 bit patterns, round to nearest even (independent of lineage's)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def encode(array: np.ndarray, dtype: str) -> bytes:
    if dtype == "BF16":
        return bf16_bits(array.astype(np.float32)).astype("<u2").tobytes()
    numpy_dtype = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8"}[dtype]
    return np.ascontiguousarray(array).astype(numpy_dtype).tobytes()


def write_safetensors(path: Path, tensors: Mapping[str, np.ndarray], dtype: str = "F32") -> None:
    """8-byte little-endian header length + JSON header + raw data, as the format says."""
    header: dict[str, Any] = {"__metadata__": {"format": "np"}}
    blobs: list[bytes] = []
    offset = 0
    for name, array in tensors.items():
        kind = "I64" if array.dtype.kind in "iu" else dtype
        blob = encode(array, kind)
        header[name] = {"dtype": kind, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def reference_tensors(seed: int, *, shared_columns: np.ndarray | None = None) -> Tensors:
    """A small VLM-shaped model: embeddings, decoder layers, a vision tower, norms, head."""
    rng = np.random.default_rng(seed)

    def mat(rows: int, cols: int) -> np.ndarray:
        out = rng.normal(0.0, 0.02, (rows, cols)).astype(np.float32)
        if shared_columns is not None and cols == H:
            out += shared_columns  # structure unrelated models may share: not lineage
        return out

    def norm(size: int = H) -> np.ndarray:
        return (1.0 + rng.normal(0.0, 0.05, size)).astype(np.float32)

    t: Tensors = {"model.embed_tokens.weight": mat(V, H)}
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            t[p + f"self_attn.{name}.weight"] = mat(H, H)
        t[p + "self_attn.q_proj.bias"] = rng.normal(0.0, 0.01, H).astype(np.float32)
        t[p + "mlp.gate_proj.weight"] = mat(I, H)
        t[p + "mlp.up_proj.weight"] = mat(I, H)
        t[p + "mlp.down_proj.weight"] = mat(H, I)
        t[p + "input_layernorm.weight"] = norm()
        t[p + "post_attention_layernorm.weight"] = norm()
    t["model.norm.weight"] = norm()
    t["model.rotary_emb.inv_freq"] = (1.0 / 10000 ** (np.arange(0, 16, 2) / 16)).astype(np.float32)
    t["lm_head.weight"] = mat(V, H)
    t["visual.patch_embed.proj.weight"] = rng.normal(0, 0.02, (H, 3, 4, 4)).astype(np.float32)
    for i in range(BLOCKS):
        p = f"visual.blocks.{i}."
        t[p + "attn.qkv.weight"] = mat(3 * H, H)
        t[p + "attn.qkv.bias"] = rng.normal(0.0, 0.01, 3 * H).astype(np.float32)
        t[p + "attn.proj.weight"] = mat(H, H)
        t[p + "mlp.fc1.weight"] = mat(I, H)
        t[p + "mlp.fc2.weight"] = mat(H, I)
        t[p + "norm1.weight"] = norm()
        t[p + "norm2.weight"] = norm()
    t["visual.merger.mlp.0.weight"] = mat(H, H)
    return t


VISION_RENAMES = {
    "visual.patch_embed.proj.weight": "vision_tower.embeddings.patch.weight",
    "visual.merger.mlp.0.weight": "vision_tower.merger.linear.weight",
}
for _i in range(BLOCKS):
    for _old, _new in {
        "attn.qkv.weight": "attention.query_key_value.weight",
        "attn.qkv.bias": "attention.query_key_value.bias",
        "attn.proj.weight": "attention.dense.weight",
        "mlp.fc1.weight": "feed_forward.w_in.weight",
        "mlp.fc2.weight": "feed_forward.w_out.weight",
        "norm1.weight": "ln_before.weight",
        "norm2.weight": "ln_after.weight",
    }.items():
        VISION_RENAMES[f"visual.blocks.{_i}.{_old}"] = f"vision_tower.encoder.layer.{_i}.{_new}"


def finetune(tensors: Tensors, seed: int, scale: float = 1e-3) -> Tensors:
    """Reference plus small updates, as a light fine-tune would leave it."""
    rng = np.random.default_rng(seed)
    return {
        k: v if v.dtype.kind in "iu" or "inv_freq" in k
        else (v + scale * rng.normal(size=v.shape)).astype(np.float32)
        for k, v in tensors.items()
    }


def write_model(
    root: Path,
    tensors: Mapping[str, np.ndarray],
    *,
    dtype: str = "F32",
    shards: int = 1,
    config: Mapping[str, Any] | None = None,
    files: Mapping[str, str] | None = None,
) -> Path:
    """A model directory: safetensors (sharded with an index when shards > 1) + config."""
    root.mkdir(parents=True, exist_ok=True)
    names = list(tensors)
    if shards == 1:
        write_safetensors(root / "model.safetensors", tensors, dtype)
    else:
        weight_map = {}
        for s in range(shards):
            shard = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: tensors[n] for n in names[s::shards]}
            write_safetensors(root / shard, part, dtype)
            weight_map.update(dict.fromkeys(part, shard))
        index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
        (root / "model.safetensors.index.json").write_text(json.dumps(index))
    if config is not None:
        (root / "config.json").write_text(json.dumps(config))
    for name, text in (files or {}).items():
        (root / name).write_text(text)
    return root


@pytest.fixture
def model_dir(tmp_path: Path) -> Callable[..., Path]:
    """``model_dir(name, tensors, **kw)`` writes a model under tmp_path and returns it."""

    def make(name: str, tensors: Mapping[str, np.ndarray], **kw: Any) -> Path:
        return write_model(tmp_path / name, tensors, **kw)

    return make


@pytest.fixture
def builders() -> Any:
    """The module's builders, for tests that need them directly."""
    import sys

    return sys.modules[__name__]
