"""Which component a tensor key belongs to, and its renaming-proof structure.

Components are found by key-name patterns in one ordered table (first match wins), so a
vision tower called ``visual`` in one model and ``vision_tower`` in another is the same
component.  The structure of a key is its layer index and a canonical suffix in which
common synonyms (``q_proj`` / ``query`` / ``wq``) are folded together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# (component, pattern), first match wins: towers before the generic names inside them.
COMPONENTS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("vision_tower", r"(^|\.)(vision_tower|vision_model|visual|vision_encoder|vision|"
                         r"image_encoder|vit|img_encoder|siglip|clip_vision)(\.|$)"),
        ("audio_tower", r"(^|\.)(audio_tower|audio_model|audio_encoder|audio|speech_encoder|"
                        r"whisper_encoder|sound_encoder)(\.|$)"),
        ("projector", r"(^|\.)(multi_modal_projector|mm_projector|projector|connector|"
                      r"vision_proj|audio_proj|adapter)(\.|$)"),
        ("lm_head", r"(^|\.)lm_head\.|^(model\.)?(embed_out|output|score)\.(weight|bias)$|"
                    r"^cls\.predictions\."),
        ("embeddings", r"(^|\.)(embed_tokens|embeddings|wte|wpe|tok_embeddings|word_embeddings|"
                       r"shared|embed_positions|embedding)(\.|$)"),
        ("layers", r"(^|\.)(layers|layer|h|blocks|block|decoder_layers)\.\d+\."),
    )
)
OTHER: Final[str] = "other"

# Buffers that are a deterministic function of the config: identical in unrelated models.
BUFFERS: Final[re.Pattern[str]] = re.compile(
    r"(^|\.)(inv_freq|position_ids|token_type_ids|masked_bias|_float_tensor|cos_cached|"
    r"sin_cached|rotary_emb\.[a-z_]+)$|\.attn\.bias$"
)

# Synonyms folded to one canonical token, so renamed keys keep their structure.
SYNONYMS: Final[dict[str, str]] = {
    **dict.fromkeys(("q_proj", "query", "wq", "q", "q_lin"), "q"),
    **dict.fromkeys(("k_proj", "key", "wk", "k", "k_lin"), "k"),
    **dict.fromkeys(("v_proj", "value", "wv", "v", "v_lin"), "v"),
    **dict.fromkeys(("o_proj", "out_proj", "wo", "o", "dense_out", "out_lin", "proj"), "o"),
    **dict.fromkeys(("qkv", "qkv_proj", "query_key_value", "c_attn", "wqkv"), "qkv"),
    **dict.fromkeys(("gate_proj", "w1", "fc_gate"), "gate"),
    **dict.fromkeys(("gate_up_proj", "gate_up", "w13", "fc_gate_up"), "gate_up"),
    **dict.fromkeys(("up_proj", "w3", "fc1", "c_fc", "fc_in", "intermediate"), "up"),
    **dict.fromkeys(("down_proj", "w2", "fc2", "c_proj", "fc_out"), "down"),
    **dict.fromkeys(("self_attn", "attn", "attention", "self_attention", "self"), "attn"),
    **dict.fromkeys(("mlp", "feed_forward", "ffn", "ff"), "mlp"),
    **dict.fromkeys(
        ("input_layernorm", "ln_1", "norm1", "attention_norm", "ln1", "layer_norm1"), "norm1"
    ),
    **dict.fromkeys(
        ("post_attention_layernorm", "ln_2", "norm2", "ffn_norm", "ln2", "layer_norm2"), "norm2"
    ),
    **dict.fromkeys(("weight", "gamma", "scale", "kernel"), "weight"),
    **dict.fromkeys(("bias", "beta"), "bias"),
}
_LAYER = re.compile(r"(?:^|\.)(\d+)(?:\.|$)")


@dataclass(frozen=True)
class KeyShape:
    """A key's component, first layer index (if any) and canonical suffix."""

    component: str
    layer: int | None
    suffix: tuple[str, ...]


def component_of(name: str) -> str:
    """The component a tensor key belongs to."""
    for component, pattern in COMPONENTS:
        if pattern.search(name):
            return component
    return OTHER


def is_buffer(name: str) -> bool:
    """True for config-determined buffers that carry no lineage evidence."""
    return bool(BUFFERS.search(name))


def key_shape(name: str) -> KeyShape:
    """Split a key into component, layer index and canonical suffix (after the layer)."""
    match = _LAYER.search(name)
    layer = int(match.group(1)) if match else None
    tail = name[match.end():] if match else name
    parts: list[str] = []
    for part in tail.split("."):
        token = SYNONYMS.get(part, part)
        if part and (not parts or parts[-1] != token):
            parts.append(token)
    if match is None:
        parts = parts[-2:]  # outside layers only the last segments survive a rename
    return KeyShape(component_of(name), layer, tuple(parts))
