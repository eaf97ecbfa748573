"""Fixture architectures of our own, rendered two ways: as a reference library writes a model
(separate q/k/v projections, nn.Linear, a config class) and as a serving engine ports it (fused
``qkv_proj``/``gate_up_proj``, tensor-parallel layer classes, ``getattr(config, ...)``, weight-name
mapping tables, other class names and control flow).  No third-party code: every line is ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BASE_KEYS = ("hidden_size", "num_attention_heads", "num_hidden_layers", "vocab_size", "rms_norm_eps",
             "intermediate_size", "num_key_value_heads")


@dataclass(frozen=True)
class Arch:
    name: str
    keys: tuple[str, ...]  # config keys beyond BASE_KEYS
    attention: str = "mha"  # mha: q/k/v/o; latent: q_a/q_b/kv_a_proj_with_mqa/kv_b
    mlp: str = "gated"  # gated: gate/up/down; plain: fc_in/fc_out
    moe: bool = False
    qk_norm: bool = False
    qkv_bias: bool = False
    parents: tuple[str, ...] = field(default=())

    @property
    def prefix(self) -> str:
        return self.name.capitalize()


def _attention_ref(a: Arch) -> str:
    bias = "True" if a.qkv_bias else "False"
    if a.attention == "latent":
        layers = ("        self.q_a_proj = nn.Linear(config.hidden_size, config.q_lora_rank, bias=False)\n"
                  f"        self.q_a_layernorm = {a.prefix}Norm(config.q_lora_rank)\n"
                  "        self.q_b_proj = nn.Linear(config.q_lora_rank, config.hidden_size, bias=False)\n"
                  "        self.kv_a_proj_with_mqa = nn.Linear(config.hidden_size, config.kv_lora_rank, bias=False)\n"
                  f"        self.kv_a_layernorm = {a.prefix}Norm(config.kv_lora_rank)\n"
                  "        self.kv_b_proj = nn.Linear(config.kv_lora_rank, config.hidden_size, bias=False)\n")
    elif a.attention == "ssm":
        layers = ("        self.in_proj = nn.Linear(config.hidden_size, config.zeta_state_size, bias=False)\n"
                  "        self.conv1d = nn.Conv1d(config.zeta_state_size, config.zeta_state_size, config.zeta_conv_width)\n"
                  "        self.x_proj = nn.Linear(config.zeta_state_size, config.zeta_dt_rank, bias=False)\n"
                  "        self.dt_proj = nn.Linear(config.zeta_dt_rank, config.zeta_state_size)\n"
                  "        self.A_log = nn.Parameter(torch.zeros(config.zeta_state_size))\n")
    else:
        layers = "".join(f"        self.{p}_proj = nn.Linear(config.hidden_size, config.hidden_size, bias={bias})\n"
                         for p in "qkv")
    if a.qk_norm:
        layers += f"        self.q_norm = {a.prefix}Norm(config.hidden_size)\n        self.k_norm = {a.prefix}Norm(config.hidden_size)\n"
    return (f"class {a.prefix}Attention(nn.Module):\n    def __init__(self, config):\n        super().__init__()\n"
            + layers + "        self.o_proj = nn.Linear(config.hidden_size, config.hidden_size, bias=False)\n"
            "        self.heads = config.num_attention_heads\n        self.kv_heads = config.num_key_value_heads\n\n"
            "    def forward(self, x):\n        scores = torch.softmax(x @ x.transpose(-1, -2), dim=-1)\n"
            "        return self.o_proj(scores @ x)\n")


def _mlp_ref(a: Arch, cls: str) -> str:
    if a.mlp == "plain":
        layers = ("        self.fc_in = nn.Linear(config.hidden_size, config.intermediate_size)\n"
                  "        self.fc_out = nn.Linear(config.intermediate_size, config.hidden_size)\n")
        body = "        return self.fc_out(torch.relu(self.fc_in(x)))\n"
    else:
        layers = "".join(f"        self.{p} = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)\n"
                         for p in ("gate_proj", "up_proj", "down_proj"))
        body = "        return self.down_proj(torch.sigmoid(self.gate_proj(x)) * self.up_proj(x))\n"
    return (f"class {cls}(nn.Module):\n    def __init__(self, config):\n        super().__init__()\n" + layers
            + "\n    def forward(self, x):\n" + body)


def reference(a: Arch) -> str:
    """The model as a reference library writes it."""
    keys = "".join(f"    {k}: int = 1\n" for k in BASE_KEYS + a.keys)
    reads = "".join(f"        self.{k} = config.{k}\n" for k in a.keys)
    p = a.prefix
    moe = ""
    mlp_cls = f"{p}MLP"
    if a.moe:
        moe = (f"class {p}SparseMoe(nn.Module):\n    def __init__(self, config):\n        super().__init__()\n"
               f"        self.gate = nn.Linear(config.hidden_size, config.n_routed_experts, bias=False)\n"
               f"        self.experts = nn.ModuleList([{p}MLP(config) for _ in range(config.n_routed_experts)])\n"
               f"        self.shared_experts = {p}MLP(config)\n\n"
               "    def forward(self, x):\n        return self.shared_experts(x) + self.experts[0](x)\n\n\n")
        mlp_cls = f"{p}SparseMoe"
    return (
        f'"""The {a.name} model, written for lineage\'s tests."""\n\nimport torch\nfrom torch import nn\n\n\n'
        f"class {p}Config:\n    model_type = \"{a.name}\"\n{keys}\n\n"
        f"class {p}Norm(nn.Module):\n    def __init__(self, size, eps=1e-6):\n        super().__init__()\n"
        "        self.weight = nn.Parameter(torch.ones(size))\n        self.eps = eps\n\n"
        "    def forward(self, x):\n        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight\n\n\n"
        + _attention_ref(a) + "\n\n" + _mlp_ref(a, f"{p}MLP") + "\n\n" + moe
        + f"class {p}DecoderLayer(nn.Module):\n    def __init__(self, config, index):\n        super().__init__()\n"
        f"        self.self_attn = {p}Attention(config)\n        self.mlp = {mlp_cls}(config)\n"
        f"        self.input_layernorm = {p}Norm(config.hidden_size, config.rms_norm_eps)\n"
        f"        self.post_attention_layernorm = {p}Norm(config.hidden_size, config.rms_norm_eps)\n" + reads
        + "\n    def forward(self, x):\n        x = x + self.self_attn(self.input_layernorm(x))\n"
        "        return x + self.mlp(self.post_attention_layernorm(x))\n\n\n"
        f"class {p}Model(nn.Module):\n    def __init__(self, config):\n        super().__init__()\n"
        "        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)\n"
        f"        self.layers = nn.ModuleList([{p}DecoderLayer(config, i) for i in range(config.num_hidden_layers)])\n"
        f"        self.norm = {p}Norm(config.hidden_size, config.rms_norm_eps)\n\n"
        "    def forward(self, ids):\n        x = self.embed_tokens(ids)\n        for layer in self.layers:\n"
        "            x = layer(x)\n        return self.norm(x)\n\n\n"
        f"class {p}ForCausalLM(nn.Module):\n    def __init__(self, config):\n        super().__init__()\n"
        f"        self.model = {p}Model(config)\n"
        "        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)\n\n"
        "    def forward(self, ids):\n        return self.lm_head(self.model(ids))\n"
    )


def port(a: Arch, tag: str = "Served") -> str:
    """The same architecture as a serving engine re-implements it: other names, layers and flow."""
    bias = "True" if a.qkv_bias else "False"
    if a.attention == "latent":
        attn = ("        self.q_a_proj = ReplicatedLinear(hf.hidden_size, hf.q_lora_rank)\n"
                "        self.q_a_layernorm = RMSNorm(hf.q_lora_rank)\n"
                "        self.q_b_proj = ColumnParallelLinear(hf.q_lora_rank, hf.hidden_size)\n"
                "        self.kv_a_proj_with_mqa = ReplicatedLinear(hf.hidden_size, hf.kv_lora_rank)\n"
                "        self.kv_a_layernorm = RMSNorm(hf.kv_lora_rank)\n"
                "        self.kv_b_proj = ColumnParallelLinear(hf.kv_lora_rank, hf.hidden_size)\n")
    elif a.attention == "ssm":
        attn = ("        self.in_proj = ColumnParallelLinear(hf.hidden_size, hf.zeta_state_size)\n"
                "        self.conv1d = ColumnParallelLinear(hf.zeta_state_size, hf.zeta_conv_width)\n"
                "        self.x_proj = RowParallelLinear(hf.zeta_state_size, hf.zeta_dt_rank)\n"
                "        self.dt_proj = ColumnParallelLinear(hf.zeta_dt_rank, hf.zeta_state_size)\n")
    else:
        attn = f"        self.qkv_proj = QKVParallelLinear(hf.hidden_size, hf.num_attention_heads, bias={bias})\n"
    if a.qk_norm:
        attn += "        self.q_norm = RMSNorm(hf.hidden_size)\n        self.k_norm = RMSNorm(hf.hidden_size)\n"
    if a.mlp == "plain":
        ffn = ("        self.fc_in = ColumnParallelLinear(hf.hidden_size, hf.intermediate_size)\n"
               "        self.fc_out = RowParallelLinear(hf.intermediate_size, hf.hidden_size)\n")
    else:
        ffn = ("        self.gate_up_proj = MergedColumnParallelLinear(hf.hidden_size, [hf.intermediate_size] * 2)\n"
               "        self.down_proj = RowParallelLinear(hf.intermediate_size, hf.hidden_size)\n")
    moe = ""
    mlp_cls = f"{tag}Ffn"
    if a.moe:
        moe = (f"class {tag}Moe:\n    def __init__(self, hf):\n"
               "        self.gate = ReplicatedLinear(hf.hidden_size, hf.n_routed_experts)\n"
               "        self.experts = FusedMoE(num_experts=hf.n_routed_experts, top_k=getattr(hf, 'num_experts_per_tok', 1))\n"
               f"        self.shared_experts = {tag}Ffn(hf)\n\n\n")
        mlp_cls = f"{tag}Moe"
    reads = "".join(f"        self.opt_{i} = getattr(hf, \"{k}\", None)\n" for i, k in enumerate(a.keys))
    stacked = ('[("qkv_proj", "q_proj", "q"), ("qkv_proj", "k_proj", "k"), ("qkv_proj", "v_proj", "v"), '
               '("gate_up_proj", "gate_proj", 0), ("gate_up_proj", "up_proj", 1)]')
    return (
        "from engine.layers import (ColumnParallelLinear, FusedMoE, MergedColumnParallelLinear, QKVParallelLinear,\n"
        "                           ReplicatedLinear, RMSNorm, RowParallelLinear, VocabParallelEmbedding)\n\n\n"
        f"class {tag}Mixer:\n    def __init__(self, hf, prefix=''):\n" + attn
        + "        self.o_proj = RowParallelLinear(hf.hidden_size, hf.hidden_size)\n"
        "        self.n_kv = hf.num_key_value_heads\n\n"
        "    def __call__(self, h):\n        return self.o_proj(h)\n\n\n"
        f"class {tag}Ffn:\n    def __init__(self, hf, prefix=''):\n" + ffn
        + "\n    def __call__(self, h):\n        a, b = self.gate_up_proj(h).chunk(2)\n        return self.down_proj(a * b)\n\n\n"
        + moe
        + f"class {tag}Block:\n    def __init__(self, hf, prefix=''):\n"
        f"        self.self_attn = {tag}Mixer(hf, prefix + '.self_attn')\n        self.mlp = {mlp_cls}(hf)\n"
        "        self.input_layernorm = RMSNorm(hf.hidden_size, eps=hf.rms_norm_eps)\n"
        "        self.post_attention_layernorm = RMSNorm(hf.hidden_size, eps=hf.rms_norm_eps)\n" + reads
        + "\n    def __call__(self, h):\n        h = self.self_attn(self.input_layernorm(h)) + h\n"
        "        return self.mlp(self.post_attention_layernorm(h)) + h\n\n\n"
        f"class {tag}Stack:\n    def __init__(self, hf):\n"
        "        self.embed_tokens = VocabParallelEmbedding(hf.vocab_size, hf.hidden_size)\n"
        f"        self.layers = [{tag}Block(hf, f'layers.{{i}}') for i in range(hf.num_hidden_layers)]\n"
        "        self.norm = RMSNorm(hf.hidden_size)\n\n\n"
        f"class {tag}ForCausalLM:\n"
        '    packed_modules_mapping = {"qkv_proj": ["q_proj", "k_proj", "v_proj"], "gate_up_proj": ["gate_proj", "up_proj"]}\n\n'
        "    def __init__(self, hf):\n"
        f"        self.model = {tag}Stack(hf)\n\n"
        "    def load_weights(self, weights):\n"
        f"        stacked_params_mapping = {stacked}\n"
        "        params = dict(self.named_parameters())\n"
        "        for name, tensor in weights:\n"
        "            for param, shard, shard_id in stacked_params_mapping:\n"
        "                if shard in name:\n"
        "                    params[name.replace(shard, param)].load(tensor, shard_id)\n"
        "                    break\n"
        "            else:\n"
        "                params[name].load(tensor)\n"
    )


ALPHA = Arch("alpha", ("alpha_window", "alpha_rope_base", "alpha_sink_tokens"))
BETA = Arch("beta", ("alpha_window", "alpha_rope_base", "alpha_sink_tokens", "beta_soft_cap", "beta_logit_scale"),
            qk_norm=True, parents=("alpha",))
GAMMA = Arch("gamma", ("q_lora_rank", "kv_lora_rank", "n_group", "topk_group", "first_k_dense_replace",
                       "n_routed_experts", "num_experts_per_tok"), attention="latent", moe=True)
DELTA = Arch("delta", ("delta_bucket_count", "delta_relative_max"), mlp="plain", qkv_bias=True)
EPSILON = Arch("epsilon", ("epsilon_router_jitter", "n_routed_experts", "num_experts_per_tok"), moe=True,
               qkv_bias=True)
INDEXED = (ALPHA, BETA, GAMMA, DELTA, EPSILON)
# not indexed: an architecture of its own, for "no claim" checks
ZETA = Arch("zeta", ("zeta_conv_width", "zeta_state_size", "zeta_dt_rank", "zeta_chunk"), attention="ssm")
