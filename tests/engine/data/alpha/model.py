"""A small decoder-only transformer written for lineage's engine tests.

Nothing here is meant to run fast or to train; it exists so that the scanner has an
original, realistic-looking reference file with classes, methods and helpers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class TinyConfig:
    """Shape of the toy model."""

    vocab_size: int = 512
    hidden: int = 64
    heads: int = 4
    kv_heads: int = 2
    layers: int = 2
    ffn_mult: float = 2.5
    eps: float = 1e-5
    rope_base: float = 10000.0
    tied: bool = True
    extra: dict = field(default_factory=dict)


def rotate_pairs(x):
    """Swap and negate the two halves of the last axis."""
    half = x.shape[-1] // 2
    first, second = x[..., :half], x[..., half:]
    return np.concatenate([-second, first], axis=-1)


def rope_tables(length, dim, base=10000.0):
    # one frequency per pair of channels, geometric between 1 and 1/base
    steps = np.arange(0, dim, 2, dtype=np.float64) / dim
    inv = 1.0 / (base ** steps)
    pos = np.arange(length, dtype=np.float64)
    angles = np.outer(pos, inv)
    angles = np.concatenate([angles, angles], axis=-1)
    return np.cos(angles), np.sin(angles)


def apply_rope(q, k, cos, sin):
    q_out = q * cos + rotate_pairs(q) * sin
    k_out = k * cos + rotate_pairs(k) * sin
    return q_out, k_out


def expand_groups(kv, times):
    """Repeat key/value heads so that every query head has a partner."""
    if times == 1:
        return kv
    batch, heads, length, dim = kv.shape
    tiled = np.broadcast_to(kv[:, :, None, :, :], (batch, heads, times, length, dim))
    return tiled.reshape(batch, heads * times, length, dim)


def stable_softmax(scores, axis=-1):
    shifted = scores - scores.max(axis=axis, keepdims=True)
    expo = np.exp(shifted)
    total = expo.sum(axis=axis, keepdims=True)
    return expo / total


def causal_mask(length, dtype=np.float32):
    upper = np.triu(np.ones((length, length), dtype=bool), k=1)
    mask = np.zeros((length, length), dtype=dtype)
    mask[upper] = -np.inf
    return mask


class ScaleNorm:
    """Root-mean-square normalisation with a learned gain."""

    def __init__(self, width, eps=1e-5):
        self.gain = np.ones(width, dtype=np.float32)
        self.eps = eps

    def __call__(self, x):
        variance = np.mean(np.square(x), axis=-1, keepdims=True)
        normed = x / np.sqrt(variance + self.eps)
        return normed * self.gain


class GroupedAttention:
    """Multi-head attention where several query heads share one key/value head."""

    def __init__(self, cfg: TinyConfig):
        self.heads = cfg.heads
        self.kv_heads = cfg.kv_heads
        self.head_dim = cfg.hidden // cfg.heads
        self.groups = cfg.heads // cfg.kv_heads
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.w_q = np.zeros((cfg.hidden, cfg.heads * self.head_dim), dtype=np.float32)
        self.w_k = np.zeros((cfg.hidden, cfg.kv_heads * self.head_dim), dtype=np.float32)
        self.w_v = np.zeros((cfg.hidden, cfg.kv_heads * self.head_dim), dtype=np.float32)
        self.w_o = np.zeros((cfg.heads * self.head_dim, cfg.hidden), dtype=np.float32)

    def split_heads(self, x, count):
        batch, length, _ = x.shape
        x = x.reshape(batch, length, count, self.head_dim)
        return x.transpose(0, 2, 1, 3)

    def merge_heads(self, x):
        batch, heads, length, dim = x.shape
        return x.transpose(0, 2, 1, 3).reshape(batch, length, heads * dim)

    def forward(self, x, cos, sin, mask=None):
        q = self.split_heads(x @ self.w_q, self.heads)
        k = self.split_heads(x @ self.w_k, self.kv_heads)
        v = self.split_heads(x @ self.w_v, self.kv_heads)
        q, k = apply_rope(q, k, cos, sin)
        k = expand_groups(k, self.groups)
        v = expand_groups(v, self.groups)
        scores = (q @ k.transpose(0, 1, 3, 2)) * self.scale
        if mask is not None:
            scores = scores + mask
        weights = stable_softmax(scores, axis=-1)
        context = weights @ v
        return self.merge_heads(context) @ self.w_o


class GatedFeedForward:
    """SiLU-gated feed-forward block."""

    def __init__(self, cfg: TinyConfig):
        inner = int(cfg.hidden * cfg.ffn_mult)
        inner = 8 * ((inner + 7) // 8)
        self.w_gate = np.zeros((cfg.hidden, inner), dtype=np.float32)
        self.w_up = np.zeros((cfg.hidden, inner), dtype=np.float32)
        self.w_down = np.zeros((inner, cfg.hidden), dtype=np.float32)

    @staticmethod
    def silu(x):
        return x / (1.0 + np.exp(-x))

    def forward(self, x):
        gate = self.silu(x @ self.w_gate)
        lifted = x @ self.w_up
        return (gate * lifted) @ self.w_down


class Block:
    """Pre-norm decoder layer: attention then feed-forward, each with a residual."""

    def __init__(self, cfg: TinyConfig, depth: int):
        self.depth = depth
        self.attn_norm = ScaleNorm(cfg.hidden, cfg.eps)
        self.attn = GroupedAttention(cfg)
        self.ffn_norm = ScaleNorm(cfg.hidden, cfg.eps)
        self.ffn = GatedFeedForward(cfg)

    def forward(self, x, cos, sin, mask):
        residual = x
        x = self.attn.forward(self.attn_norm(x), cos, sin, mask)
        x = residual + x
        residual = x
        x = self.ffn.forward(self.ffn_norm(x))
        return residual + x


class TinyDecoder:
    def __init__(self, cfg: TinyConfig):
        self.cfg = cfg
        self.embed = np.zeros((cfg.vocab_size, cfg.hidden), dtype=np.float32)
        self.blocks = [Block(cfg, i) for i in range(cfg.layers)]
        self.final_norm = ScaleNorm(cfg.hidden, cfg.eps)
        self.head = None if cfg.tied else np.zeros((cfg.hidden, cfg.vocab_size), dtype=np.float32)

    def logits(self, ids):
        length = ids.shape[-1]
        head_dim = self.cfg.hidden // self.cfg.heads
        cos, sin = rope_tables(length, head_dim, self.cfg.rope_base)
        mask = causal_mask(length)
        x = self.embed[ids]
        for block in self.blocks:
            x = block.forward(x, cos, sin, mask)
        x = self.final_norm(x)
        out = self.embed.T if self.head is None else self.head
        return x @ out


def load_weights(model: TinyDecoder, tensors: dict, strict: bool = True):
    """Copy named arrays into the model; return the names that were not used."""
    targets = {"embed": (model, "embed"), "final_norm.gain": (model.final_norm, "gain")}
    for i, block in enumerate(model.blocks):
        prefix = f"blocks.{i}."
        targets[prefix + "attn_norm.gain"] = (block.attn_norm, "gain")
        targets[prefix + "ffn_norm.gain"] = (block.ffn_norm, "gain")
        for name in ("w_q", "w_k", "w_v", "w_o"):
            targets[prefix + "attn." + name] = (block.attn, name)
        for name in ("w_gate", "w_up", "w_down"):
            targets[prefix + "ffn." + name] = (block.ffn, name)

    def assign(owner, attr, value):
        current = getattr(owner, attr)
        if current is not None and current.shape != value.shape:
            raise ValueError(f"{attr}: expected {current.shape}, got {value.shape}")
        setattr(owner, attr, np.asarray(value, dtype=np.float32))

    unused = []
    for key, value in sorted(tensors.items()):
        if key in targets:
            owner, attr = targets[key]
            assign(owner, attr, value)
        else:
            unused.append(key)
    missing = sorted(set(targets) - set(tensors))
    if strict and missing:
        raise KeyError(f"missing tensors: {', '.join(missing)}")
    return unused


def count_parameters(model: TinyDecoder) -> int:
    total = model.embed.size
    for block in model.blocks:
        for part in (block.attn, block.ffn):
            for value in vars(part).values():
                if isinstance(value, np.ndarray):
                    total += value.size
        total += block.attn_norm.gain.size + block.ffn_norm.gain.size
    if model.head is not None:
        total += model.head.size
    return total + model.final_norm.gain.size
