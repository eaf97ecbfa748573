# lineage test fixture: a simulated notice replaces these two lines at test time
# (this file is lineage's own test code; see tests/fixture_notices.py)
"""Alpha: a mixture-of-experts decoder written for lineage's workflow tests.

The reference side of the tests.  It is never imported or run; it only has to look like
model code, with classes, methods and helpers of realistic size.
"""

from __future__ import annotations

import re

import torch
from torch import nn

ALPHA_LAYER_PATTERN = re.compile(r"model\.layers\.(\d+)\.mlp\.experts\.(\d+)\.(gate|up|down)_proj")
ALPHA_MTP_LAYERS = 1


class AlphaRMSNorm(nn.Module):
    def __init__(self, hidden_size: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(dtype)


def alpha_partial_rotary(q: torch.Tensor, k: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
                         rotary_dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    q_rot, q_pass = q[..., :rotary_dim], q[..., rotary_dim:]
    k_rot, k_pass = k[..., :rotary_dim], k[..., rotary_dim:]
    half = rotary_dim // 2
    q1, q2 = q_rot[..., :half], q_rot[..., half:]
    k1, k2 = k_rot[..., :half], k_rot[..., half:]
    q_rot = torch.cat((q1 * cos - q2 * sin, q2 * cos + q1 * sin), dim=-1)
    k_rot = torch.cat((k1 * cos - k2 * sin, k2 * cos + k1 * sin), dim=-1)
    return torch.cat((q_rot, q_pass), dim=-1), torch.cat((k_rot, k_pass), dim=-1)


class AlphaTopKRouter(nn.Module):
    def __init__(self, config) -> None:
        super().__init__()
        self.top_k = config.num_experts_per_tok
        self.n_group = config.n_group
        self.topk_group = config.topk_group
        self.routed_scaling_factor = config.routed_scaling_factor
        self.weight = nn.Parameter(torch.empty(config.n_routed_experts, config.hidden_size))
        self.e_score_correction_bias = nn.Parameter(torch.zeros(config.n_routed_experts), requires_grad=False)

    def forward(self, hidden_states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = nn.functional.linear(hidden_states.float(), self.weight.float())
        scores = logits.sigmoid()
        biased = scores + self.e_score_correction_bias.unsqueeze(0)
        grouped = biased.view(-1, self.n_group, biased.shape[-1] // self.n_group)
        group_scores = grouped.topk(2, dim=-1)[0].sum(dim=-1)
        group_idx = torch.topk(group_scores, k=self.topk_group, dim=-1, sorted=False)[1]
        group_mask = torch.zeros_like(group_scores).scatter_(1, group_idx, 1)
        score_mask = group_mask.unsqueeze(-1).expand_as(grouped).reshape(biased.shape)
        masked = biased.masked_fill(~score_mask.bool(), 0.0)
        topk_idx = torch.topk(masked, k=self.top_k, dim=-1, sorted=False)[1]
        topk_weight = scores.gather(1, topk_idx)
        topk_weight = topk_weight / (topk_weight.sum(dim=-1, keepdim=True) + 1e-20)
        return topk_idx, topk_weight * self.routed_scaling_factor


class AlphaExperts(nn.Module):
    def __init__(self, config) -> None:
        super().__init__()
        self.experts = nn.ModuleList(
            AlphaMLP(config.hidden_size, config.moe_intermediate_size) for _ in range(config.n_routed_experts)
        )
        self.shared = AlphaMLP(config.hidden_size, config.moe_intermediate_size * config.n_shared_experts)
        self.router = AlphaTopKRouter(config)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        residual = hidden_states
        shape = hidden_states.shape
        flat = hidden_states.view(-1, shape[-1])
        topk_idx, topk_weight = self.router(flat)
        out = torch.zeros_like(flat)
        for expert_id, expert in enumerate(self.experts):
            rows, slot = torch.where(topk_idx == expert_id)
            if rows.numel() == 0:
                continue
            out.index_add_(0, rows, expert(flat[rows]) * topk_weight[rows, slot, None])
        return out.view(*shape) + self.shared(residual)


class AlphaMLP(nn.Module):
    def __init__(self, hidden_size: int, intermediate_size: int) -> None:
        super().__init__()
        self.gate_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.up_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.down_proj = nn.Linear(intermediate_size, hidden_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class AlphaAttention(nn.Module):
    def __init__(self, config, layer_idx: int) -> None:
        super().__init__()
        self.layer_idx = layer_idx
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.num_heads = config.num_attention_heads
        self.num_kv_heads = config.num_key_value_heads
        self.rotary_dim = int(self.head_dim * config.partial_rotary_factor)
        self.scaling = self.head_dim ** -0.5
        self.q_proj = nn.Linear(config.hidden_size, self.num_heads * self.head_dim, bias=True)
        self.k_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=True)
        self.v_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=True)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, config.hidden_size, bias=False)

    def forward(self, hidden_states: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        bsz, seq, _ = hidden_states.shape
        q = self.q_proj(hidden_states).view(bsz, seq, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(hidden_states).view(bsz, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(hidden_states).view(bsz, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        q, k = alpha_partial_rotary(q, k, cos, sin, self.rotary_dim)
        repeat = self.num_heads // self.num_kv_heads
        k = k.repeat_interleave(repeat, dim=1)
        v = v.repeat_interleave(repeat, dim=1)
        attn = torch.matmul(q, k.transpose(2, 3)) * self.scaling
        causal = torch.full((seq, seq), float("-inf"), device=attn.device).triu(1)
        attn = torch.softmax(attn + causal, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(attn, v).transpose(1, 2).reshape(bsz, seq, -1)
        return self.o_proj(out)


def alpha_load_weights(model: nn.Module, weights: dict[str, torch.Tensor], num_layers: int) -> set[str]:
    params = dict(model.named_parameters())
    loaded: set[str] = set()
    for name, tensor in weights.items():
        found = ALPHA_LAYER_PATTERN.match(name)
        if found and int(found.group(1)) >= num_layers:
            continue  # the multi-token-prediction layers sit past the last decoder layer
        if "rotary_emb.inv_freq" in name:
            continue
        if found:
            layer, expert, proj = found.groups()
            name = f"model.layers.{layer}.mlp.experts.experts.{expert}.{proj}_proj.weight"
        if name not in params:
            raise KeyError(f"unexpected checkpoint tensor {name}")
        with torch.no_grad():
            params[name].copy_(tensor)
        loaded.add(name)
    return loaded
