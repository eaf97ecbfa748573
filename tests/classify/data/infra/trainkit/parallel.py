"""Tensor-parallel layers of the trainkit fixture framework (written for these tests): machinery,
though its names and calls read as a model's (an attention projection, an embedding)."""

import torch
import torch.distributed as dist
from torch import nn


class ShardedAttentionProjection(nn.Module):
    """The query/key/value projection split by output columns over the tensor-parallel ranks."""

    def __init__(self, hidden_size, num_heads, world_size):
        super().__init__()
        self.local_heads = num_heads // world_size
        self.head_dim = hidden_size // num_heads
        self.qkv = nn.Linear(hidden_size, 3 * self.local_heads * self.head_dim, bias=False)

    def forward(self, hidden_states):
        batch, seq_len, _ = hidden_states.shape
        qkv = self.qkv(hidden_states).view(batch, seq_len, 3, self.local_heads, self.head_dim)
        query, key, value = qkv.unbind(dim=2)
        scores = torch.einsum("bqhd,bkhd->bhqk", query, key) / self.head_dim ** 0.5
        probs = torch.softmax(scores.float(), dim=-1).to(value.dtype)
        context = torch.einsum("bhqk,bkhd->bqhd", probs, value).reshape(batch, seq_len, -1)
        if dist.is_initialized():
            gathered = [torch.empty_like(context) for _ in range(dist.get_world_size())]
            dist.all_gather(gathered, context)
            context = torch.cat(gathered, dim=-1)
        return context
