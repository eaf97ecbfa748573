"""Disguises someone hiding weight reuse would apply, written for the tests and the
false-positive benchmark (each keeps the function, or the bytes, and changes the layout).

Every disguise maps a tensor dict (the builders' VLM-shaped model) to another one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

Tensors = dict[str, np.ndarray]

_LAYER_MLP = re.compile(r"^model\.layers\.(\d+)\.mlp\.")


def unknown_names(t: Tensors) -> Tensors:
    """Vision keys under names the component rules do not know."""
    return {k.replace("visual.", "visual_encoder.", 1): v for k, v in t.items()}


def permute_ffn(t: Tensors, seed: int = 11) -> Tensors:
    """Permute every decoder MLP's hidden units: rows of up/gate, columns of down."""
    out = dict(t)
    rng = np.random.default_rng(seed)
    layers = {int(m.group(1)) for k in t if (m := _LAYER_MLP.match(k))}
    for i in layers:
        p = f"model.layers.{i}.mlp."
        perm = rng.permutation(t[p + "up_proj.weight"].shape[0])
        out[p + "up_proj.weight"] = t[p + "up_proj.weight"][perm]
        out[p + "gate_proj.weight"] = t[p + "gate_proj.weight"][perm]
        out[p + "down_proj.weight"] = np.ascontiguousarray(t[p + "down_proj.weight"][:, perm])
    return out


def fuse_projections(t: Tensors) -> Tensors:
    """q, k, v fused into one qkv_proj; gate and up into one gate_up_proj."""
    out: Tensors = {}
    for k, v in t.items():
        m = re.match(r"^(model\.layers\.\d+\.)(self_attn\.[qkv]_proj|mlp\.(gate|up)_proj)\.weight$", k)
        if not m:
            out[k] = v
            continue
        p = m.group(1)
        if k.endswith("q_proj.weight"):
            parts = [t[p + f"self_attn.{n}_proj.weight"] for n in "qkv"]
            out[p + "self_attn.qkv_proj.weight"] = np.vstack(parts)
        elif k.endswith("gate_proj.weight"):
            parts = [t[p + "mlp.gate_proj.weight"], t[p + "mlp.up_proj.weight"]]
            out[p + "mlp.gate_up_proj.weight"] = np.vstack(parts)
    return out


def split_qkv(t: Tensors) -> Tensors:
    """The vision tower's fused qkv split into q, k and v."""
    out: Tensors = {}
    for k, v in t.items():
        if k.endswith("attn.qkv.weight"):
            base = k[: -len("qkv.weight")]
            for name, part in zip(("q", "k", "v"), np.split(v, 3)):
                out[f"{base}{name}.weight"] = np.ascontiguousarray(part)
        elif k.endswith("attn.qkv.bias"):
            base = k[: -len("qkv.bias")]
            for name, part in zip(("q", "k", "v"), np.split(v, 3)):
                out[f"{base}{name}.bias"] = np.ascontiguousarray(part)
        else:
            out[k] = v
    return out


def transpose_mlp(t: Tensors) -> Tensors:
    """Decoder MLP and output projections stored transposed (as Conv1D layers do)."""
    return {
        k: np.ascontiguousarray(v.T) if re.search(r"(mlp\.\w+|o_proj)\.weight$", k) else v
        for k, v in t.items()
    }


def extend_vocab(t: Tensors, rows: int = 32, seed: int = 5) -> Tensors:
    """New tokens appended to the embeddings and the head."""
    rng = np.random.default_rng(seed)
    out = dict(t)
    for k in ("model.embed_tokens.weight", "lm_head.weight"):
        extra = rng.normal(0, 0.02, (rows, t[k].shape[1])).astype(np.float32)
        out[k] = np.vstack([t[k], extra])
    return out


def reshard_head(t: Tensors) -> Tensors:
    """The head split by rows into two keys, as another tensor-parallel layout saves it."""
    out = {k: v for k, v in t.items() if k != "lm_head.weight"}
    top, bottom = np.split(t["lm_head.weight"], 2)
    out["lm_head.0.weight"], out["lm_head.1.weight"] = top, bottom
    return out


DISGUISES: dict[str, Callable[[Tensors], Tensors]] = {
    "unknown-names": unknown_names,
    "permuted-ffn": permute_ffn,
    "fused-projections": fuse_projections,
    "split-qkv": split_qkv,
    "transposed-mlp": transpose_mlp,
    "extended-vocab": extend_vocab,
    "resharded-head": reshard_head,
}


def all_disguises(t: Tensors) -> Tensors:
    """Every disguise at once."""
    return unknown_names(transpose_mlp(reshard_head(extend_vocab(split_qkv(permute_ffn(t))))))
