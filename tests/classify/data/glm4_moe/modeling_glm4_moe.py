# lineage test fixture: a simulated notice replaces these two lines at test time
# (this file is lineage's own test code; see tests/fixture_notices.py)
"""Zeta-MoE: a mixture-of-experts decoder written for lineage's classification tests.

It plays the part of a vendor's reference modeling file (family ``glm4_moe`` in the test
index, so that the shipped vestige facts apply).  It is read, never imported or run.
"""

from __future__ import annotations

import re

import torch
import torch.nn.functional as F
from torch import nn

ZETA_DEPTH = 46
ZETA_ROUTED_EXPERTS = 160
# the multi-token-prediction head is stored as one extra layer after the last decoder layer
IGNORE_ON_LOAD = [r"model\.layers\.46\.", r"rotary\.inv_freq$"]


class ZetaMoeConfig:
    model_type = "zeta_moe"

    def __init__(self, vocab_size=151552, hidden_size=4096, intermediate_size=10944,
                 moe_intermediate_size=1408, num_hidden_layers=ZETA_DEPTH, num_attention_heads=96,
                 num_key_value_heads=8, n_routed_experts=ZETA_ROUTED_EXPERTS, n_shared_experts=1,
                 num_experts_per_tok=8, routed_scaling_factor=2.5, num_nextn_predict_layers=1,
                 first_k_dense_replace=1, partial_rotary_factor=0.5, rope_theta=1000000.0,
                 rms_norm_eps=1e-5, use_qk_norm=False):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.intermediate_size = intermediate_size
        self.moe_intermediate_size = moe_intermediate_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.num_key_value_heads = num_key_value_heads
        self.n_routed_experts = n_routed_experts
        self.n_shared_experts = n_shared_experts
        self.num_experts_per_tok = num_experts_per_tok
        self.routed_scaling_factor = routed_scaling_factor
        self.num_nextn_predict_layers = num_nextn_predict_layers
        self.first_k_dense_replace = first_k_dense_replace
        self.partial_rotary_factor = partial_rotary_factor
        self.rope_theta = rope_theta
        self.rms_norm_eps = rms_norm_eps
        self.use_qk_norm = use_qk_norm
        self.head_dim = hidden_size // num_attention_heads
        self.rotary_dim = int(self.head_dim * partial_rotary_factor)


def default_weight_loader(param, tensor):
    if param.shape != tensor.shape:
        raise ValueError(f"shape mismatch: {tuple(param.shape)} vs {tuple(tensor.shape)}")
    param.data.copy_(tensor)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x, residual=None):
        if residual is not None:
            x = x + residual
            residual = x
        dtype = x.dtype
        h = x.to(torch.float32)
        mean_square = h.pow(2).mean(dim=-1, keepdim=True)
        h = h * torch.rsqrt(mean_square + self.eps)
        out = self.weight * h.to(dtype)
        return out if residual is None else (out, residual)


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_partial_rotary(q, k, cos, sin, rotary_dim):
    # only the first rotary_dim channels of each head rotate; the rest pass through
    q_rot, q_pass = q[..., :rotary_dim], q[..., rotary_dim:]
    k_rot, k_pass = k[..., :rotary_dim], k[..., rotary_dim:]
    q_rot = q_rot * cos + rotate_half(q_rot) * sin
    k_rot = k_rot * cos + rotate_half(k_rot) * sin
    return torch.cat([q_rot, q_pass], dim=-1), torch.cat([k_rot, k_pass], dim=-1)


class ZetaRotaryEmbedding(nn.Module):
    def __init__(self, dim, base=10000.0):
        super().__init__()
        inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def forward(self, positions):
        freqs = torch.outer(positions.float(), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()


class ZetaMoeAttention(nn.Module):
    """Grouped-query attention with partial rotary embeddings and optional q/k norms."""

    def __init__(self, config, layer_idx):
        super().__init__()
        self.layer_idx = layer_idx
        self.num_heads = config.num_attention_heads
        self.num_kv_heads = config.num_key_value_heads
        self.head_dim = config.hidden_size // self.num_heads
        self.rotary_dim = int(self.head_dim * config.partial_rotary_factor)
        self.groups = self.num_heads // self.num_kv_heads
        self.scaling = self.head_dim ** -0.5
        self.q_proj = nn.Linear(config.hidden_size, self.num_heads * self.head_dim, bias=True)
        self.k_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=True)
        self.v_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=True)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, config.hidden_size, bias=False)
        self.use_qk_norm = config.use_qk_norm
        if self.use_qk_norm:
            self.q_norm = RMSNorm(self.head_dim, eps=config.rms_norm_eps)
            self.k_norm = RMSNorm(self.head_dim, eps=config.rms_norm_eps)

    def forward(self, hidden_states, cos, sin, attention_mask=None):
        bsz, seq_len, _ = hidden_states.shape
        q = self.q_proj(hidden_states).view(bsz, seq_len, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(hidden_states).view(bsz, seq_len, self.num_kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(hidden_states).view(bsz, seq_len, self.num_kv_heads, self.head_dim).transpose(1, 2)
        if self.use_qk_norm:
            q = self.q_norm(q)
            k = self.k_norm(k)
        q, k = apply_partial_rotary(q, k, cos, sin, self.rotary_dim)
        # every key/value head serves `groups` query heads
        k = k.repeat_interleave(self.groups, dim=1)
        v = v.repeat_interleave(self.groups, dim=1)
        scores = torch.matmul(q, k.transpose(-2, -1)) * self.scaling
        if attention_mask is not None:
            scores = scores + attention_mask
        probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v)
        out = out.transpose(1, 2).reshape(bsz, seq_len, -1)
        return self.o_proj(out)


class ZetaMoeMLP(nn.Module):
    def __init__(self, hidden_size, intermediate_size):
        super().__init__()
        self.gate_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.up_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.down_proj = nn.Linear(intermediate_size, hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class ZetaMoeRouter(nn.Module):
    """Sigmoid scores, a learned bias for expert choice only, top-k, renormalised weights."""

    def __init__(self, config):
        super().__init__()
        self.top_k = config.num_experts_per_tok
        self.n_experts = config.n_routed_experts
        self.scale = config.routed_scaling_factor
        self.weight = nn.Parameter(torch.empty(self.n_experts, config.hidden_size))
        self.register_buffer("e_score_correction_bias", torch.zeros(self.n_experts))

    def forward(self, hidden_states):
        logits = F.linear(hidden_states.float(), self.weight.float())
        scores = logits.sigmoid()
        biased = scores + self.e_score_correction_bias.unsqueeze(0)
        _, chosen = torch.topk(biased, k=self.top_k, dim=-1, sorted=False)
        weights = scores.gather(1, chosen)
        weights = weights / (weights.sum(dim=-1, keepdim=True) + 1e-20)
        return chosen, weights * self.scale


class ZetaMoeSparseBlock(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.router = ZetaMoeRouter(config)
        self.experts = nn.ModuleList(
            [ZetaMoeMLP(config.hidden_size, config.moe_intermediate_size) for _ in range(config.n_routed_experts)]
        )
        self.shared_expert = ZetaMoeMLP(config.hidden_size, config.moe_intermediate_size * config.n_shared_experts)

    def forward(self, hidden_states):
        shape = hidden_states.shape
        flat = hidden_states.view(-1, shape[-1])
        chosen, weights = self.router(flat)
        out = torch.zeros_like(flat)
        # expert x slot x token mask: visit only the experts that received tokens
        hits = F.one_hot(chosen, num_classes=len(self.experts)).permute(2, 1, 0)
        for idx in torch.nonzero(hits.sum(dim=(-1, -2))).flatten().tolist():
            slot, token = torch.where(hits[idx])
            picked = self.experts[idx](flat[token]) * weights[token, slot, None]
            out.index_add_(0, token, picked.to(out.dtype))
        out = out + self.shared_expert(flat)
        return out.view(shape)


class ZetaMoeDecoderLayer(nn.Module):
    def __init__(self, config, layer_idx):
        super().__init__()
        self.self_attn = ZetaMoeAttention(config, layer_idx)
        if layer_idx >= config.first_k_dense_replace:
            self.mlp = ZetaMoeSparseBlock(config)
        else:
            self.mlp = ZetaMoeMLP(config.hidden_size, config.intermediate_size)
        self.input_layernorm = RMSNorm(config.hidden_size, eps=config.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(config.hidden_size, eps=config.rms_norm_eps)

    def forward(self, hidden_states, cos, sin, attention_mask=None):
        residual = hidden_states
        hidden_states = self.input_layernorm(hidden_states)
        hidden_states = residual + self.self_attn(hidden_states, cos, sin, attention_mask)
        residual = hidden_states
        hidden_states = self.post_attention_layernorm(hidden_states)
        return residual + self.mlp(hidden_states)


class ZetaMoeModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList([ZetaMoeDecoderLayer(config, i) for i in range(config.num_hidden_layers)])
        self.norm = RMSNorm(config.hidden_size, eps=config.rms_norm_eps)
        head_dim = config.hidden_size // config.num_attention_heads
        self.rotary = ZetaRotaryEmbedding(int(head_dim * config.partial_rotary_factor), config.rope_theta)

    def forward(self, input_ids, attention_mask=None):
        hidden_states = self.embed_tokens(input_ids)
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        cos, sin = self.rotary(positions)
        for layer in self.layers:
            hidden_states = layer(hidden_states, cos, sin, attention_mask)
        return self.norm(hidden_states)


class ZetaMoeForCausalLM(nn.Module):
    _keys_to_ignore_on_load_unexpected = [r"model\.layers\.46\."]

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.model = ZetaMoeModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)

    def forward(self, input_ids, attention_mask=None):
        return self.lm_head(self.model(input_ids, attention_mask))

    def load_weights(self, weights):
        stacked_params_mapping = [
            # (fused parameter, checkpoint shard, shard id)
            ("qkv_proj", "q_proj", "q"),
            ("qkv_proj", "k_proj", "k"),
            ("qkv_proj", "v_proj", "v"),
            ("gate_up_proj", "gate_proj", 0),
            ("gate_up_proj", "up_proj", 1),
        ]
        skip = [re.compile(p) for p in IGNORE_ON_LOAD]
        mtp_layers = getattr(self.config, "num_nextn_predict_layers", 0)
        params = dict(self.named_parameters())
        loaded = set()
        for name, tensor in weights:
            if any(p.search(name) for p in skip):
                continue
            # the MTP head sits at layer 46 in the released checkpoints
            if mtp_layers and name.startswith("model.layers.46."):
                continue
            name = name.replace("mlp.gate.weight", "mlp.router.weight")
            name = name.replace(".mlp.shared_experts.", ".mlp.shared_expert.")
            for param_name, shard_name, shard_id in stacked_params_mapping:
                if shard_name not in name:
                    continue
                name = name.replace(shard_name, param_name)
                param = params[name]
                param.weight_loader(param, tensor, shard_id)
                break
            else:
                if name.endswith(".bias") and name not in params:
                    continue
                param = params[name]
                loader = getattr(param, "weight_loader", default_weight_loader)
                loader(param, tensor)
            loaded.add(name)
        return loaded
