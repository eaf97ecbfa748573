"""Engine conventions folded onto one vocabulary of checkpoint names and layer kinds.

Serving engines fuse projections (``qkv_proj`` for ``q_proj``/``k_proj``/``v_proj``,
``gate_up_proj`` for ``gate_proj``/``up_proj``), pack experts (``w13`` for the gate and up
weights) and swap ``nn.Linear`` for tensor-parallel classes.  The published checkpoint keeps
the unfused names, so both sides are folded onto those before they are compared.
"""

from __future__ import annotations

import re
from functools import lru_cache

# fused or engine-specific name -> the checkpoint names it stands for
FUSED: dict[str, tuple[str, ...]] = {
    "qkv_proj": ("q_proj", "k_proj", "v_proj"),
    "gate_up_proj": ("gate_proj", "up_proj"),
    "w13": ("gate_proj", "up_proj"),
    "w1": ("gate_proj",),
    "w3": ("up_proj",),
    "w2": ("down_proj",),
    "wq": ("q_proj",),
    "wk": ("k_proj",),
    "wv": ("v_proj",),
    "wo": ("o_proj",),
}
_SUFFIXES = ("_weight_scale", "_weight", "_bias", "_scale")
# names every module tree has: they say nothing about which architecture a file implements
GENERIC = frozenset({
    "weight", "bias", "model", "layers", "layer", "self", "config", "prefix", "name", "module",
    "modules", "param", "params", "weights", "state_dict", "key", "value", "keys", "values",
    "language_model", "text_model", "lm_head", "embed_tokens", "norm", "scales", "biases",
})
_IDENT = re.compile(r"[a-z][a-z0-9_]*[a-z0-9]\Z")

# layer-kind rules, tried in order on the lower-cased name of the class or factory called
KIND_RULES: tuple[tuple[str, str], ...] = (
    # a whole sub-model built from its config (``self.visual = AutoModel.from_config(config.vision_config)``):
    # its attribute is a checkpoint prefix (``visual.*``), as much as a layer's is
    ("from_config", "model"), ("from_pretrained", "model"),
    ("dropout", ""), ("act", ""), ("identity", ""),
    ("lmhead", "linear"), ("lm_head", "linear"), ("embed", "embedding"),
    ("norm", "norm"), ("expert", "experts"), ("moe", "experts"), ("conv", "conv"),
    ("rotary", "rope"), ("rope", "rope"), ("linear", "linear"), ("proj", "linear"),
    ("parameter", "param"), ("buffer", "param"), ("modulelist", "list"), ("make_layers", "list"),
)
PARAM_FACTORIES = frozenset({"zeros", "ones", "empty", "randn", "rand", "full", "normal"})


@lru_cache(maxsize=1 << 14)  # a pure function of names that repeat from class to class and file to file
def canonical(name: str) -> tuple[str, ...]:
    """The checkpoint names an attribute or weight-name part stands for ("" parts dropped)."""
    base = name.lower()
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            base = base[: -len(suffix)]
            break
    base = base.strip("_")
    if base in FUSED:
        return FUSED[base]
    if not _IDENT.match(base) or base in GENERIC:
        return ()
    return (base,)


@lru_cache(maxsize=1 << 14)
def layer_kind(callee: str) -> str:
    """The kind of layer a constructor or factory builds ("" for activations, dropout and the like)."""
    low = callee.lower()
    if low in PARAM_FACTORIES:
        return "param"
    for needle, kind in KIND_RULES:
        if needle in low:
            return kind
    return "module" if callee[:1].isupper() else "?"
