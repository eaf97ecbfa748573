"""A small decoder family written for lineage's tests: the shared "base" line (grandparent)."""

import math

import torch
from torch import nn


class BaseNorm(nn.Module):
    def __init__(self, width, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        scale = torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps)
        return (x.float() * scale).to(x.dtype) * self.weight


class BaseRotary(nn.Module):
    def __init__(self, dim, base=10000.0, limit=4096):
        super().__init__()
        steps = torch.arange(0, dim, 2, dtype=torch.float32) / dim
        self.register_buffer("inv_freq", 1.0 / (base ** steps), persistent=False)
        self.limit = limit

    def forward(self, x, positions):
        freqs = torch.outer(positions.float(), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)


def base_rotate(x):
    half = x.shape[-1] // 2
    left, right = x[..., :half], x[..., half:]
    return torch.cat((-right, left), dim=-1)


class BaseAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.heads = cfg.heads
        self.kv_heads = cfg.kv_heads
        self.head_dim = cfg.width // cfg.heads
        self.qkv = nn.Linear(cfg.width, (self.heads + 2 * self.kv_heads) * self.head_dim, bias=False)
        self.out = nn.Linear(self.heads * self.head_dim, cfg.width, bias=False)
        self.scale = 1.0 / math.sqrt(self.head_dim)

    def forward(self, x, cos, sin, mask=None):
        b, t, _ = x.shape
        q, k, v = self.qkv(x).split([self.heads * self.head_dim, self.kv_heads * self.head_dim,
                                     self.kv_heads * self.head_dim], dim=-1)
        q = q.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + base_rotate(q) * sin
        k = k * cos + base_rotate(k) * sin
        k = k.repeat_interleave(self.heads // self.kv_heads, dim=1)
        v = v.repeat_interleave(self.heads // self.kv_heads, dim=1)
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if mask is not None:
            scores = scores + mask
        probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)
        return self.out(torch.matmul(probs, v).transpose(1, 2).reshape(b, t, -1))


class BaseMLP(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.gate = nn.Linear(width, hidden, bias=False)
        self.up = nn.Linear(width, hidden, bias=False)
        self.down = nn.Linear(hidden, width, bias=False)

    def forward(self, x):
        return self.down(nn.functional.silu(self.gate(x)) * self.up(x))


class BaseBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attn_norm = BaseNorm(cfg.width, cfg.eps)
        self.attn = BaseAttention(cfg)
        self.mlp_norm = BaseNorm(cfg.width, cfg.eps)
        self.mlp = BaseMLP(cfg.width, cfg.hidden)

    def forward(self, x, cos, sin, mask=None):
        x = x + self.attn(self.attn_norm(x), cos, sin, mask)
        return x + self.mlp(self.mlp_norm(x))


class BaseModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab, cfg.width)
        self.blocks = nn.ModuleList([BaseBlock(cfg) for _ in range(cfg.depth)])
        self.norm = BaseNorm(cfg.width, cfg.eps)
        self.rotary = BaseRotary(cfg.width // cfg.heads)

    def forward(self, tokens, mask=None):
        x = self.embed(tokens)
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        cos, sin = self.rotary(x, positions)
        for block in self.blocks:
            x = block(x, cos, sin, mask)
        return self.norm(x)
