"""A marker naming a model library names the line as that library has it.

`# Copied from hub.models.alpha.modeling_alpha.AlphaAttention` over a copy of the *engine's*
alpha code (another library's port of the model, with its own notice) declared the copy: the
marker was matched by family name only, and the engine's family has the same name (a stranger's
review laundered SGLang's OLMo file through transformers' marker).  Now such a marker declares
only the units the library it names holds too; naming the engine itself, or no library, declares
as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, SourceFile

# rotary helpers both libraries hold alike
HELPERS = '''
def rotate_half(x):
    half = x.shape[-1] // 2
    first, second = x[..., :half], x[..., half:]
    rotated = torch.cat((-second, first), dim=-1)
    if rotated.dtype != x.dtype:
        rotated = rotated.to(x.dtype)
    return rotated.contiguous()


def apply_rotary(q, k, cos, sin, unsqueeze_dim=1):
    cos = cos.unsqueeze(unsqueeze_dim)
    sin = sin.unsqueeze(unsqueeze_dim)
    q_embed = (q * cos) + (rotate_half(q) * sin)
    k_embed = (k * cos) + (rotate_half(k) * sin)
    return q_embed.to(q.dtype), k_embed.to(k.dtype)
'''

HUB_ALPHA = '''\
import torch
from torch import nn

''' + HELPERS + '''

class AlphaAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.q_proj = nn.Linear(config.hidden_size, config.hidden_size, bias=False)
        self.k_proj = nn.Linear(config.hidden_size, config.hidden_size, bias=False)
        self.v_proj = nn.Linear(config.hidden_size, config.hidden_size, bias=False)
        self.o_proj = nn.Linear(config.hidden_size, config.hidden_size, bias=False)

    def forward(self, hidden_states, attention_mask=None):
        bsz, q_len, _ = hidden_states.size()
        q = self.q_proj(hidden_states).view(bsz, q_len, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(hidden_states).view(bsz, q_len, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(hidden_states).view(bsz, q_len, self.num_heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(2, 3)) / (self.head_dim ** 0.5)
        if attention_mask is not None:
            scores = scores + attention_mask
        probs = nn.functional.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(bsz, q_len, -1)
        return self.o_proj(out)
'''

# the engine's port of alpha: tensor-parallel layers, a fused projection, a paged attention backend
ENGINE_ALPHA = '''\
import torch
from torch import nn

from engine.layers import ColumnParallelLinear, QKVParallelLinear, RowParallelLinear, get_rope, PagedAttention
from engine.distributed import get_tensor_model_parallel_world_size

''' + HELPERS + '''

class AlphaAttention(nn.Module):
    def __init__(self, hidden_size, num_heads, num_kv_heads, rope_theta=10000, max_position=8192,
                 quant_config=None, prefix=""):
        super().__init__()
        tp_size = get_tensor_model_parallel_world_size()
        self.total_num_heads = num_heads
        assert self.total_num_heads % tp_size == 0
        self.num_heads = self.total_num_heads // tp_size
        self.total_num_kv_heads = num_kv_heads
        if self.total_num_kv_heads >= tp_size:
            assert self.total_num_kv_heads % tp_size == 0
        else:
            assert tp_size % self.total_num_kv_heads == 0
        self.num_kv_heads = max(1, self.total_num_kv_heads // tp_size)
        self.head_dim = hidden_size // self.total_num_heads
        self.q_size = self.num_heads * self.head_dim
        self.kv_size = self.num_kv_heads * self.head_dim
        self.scaling = self.head_dim ** -0.5
        self.qkv_proj = QKVParallelLinear(hidden_size, self.head_dim, self.total_num_heads, self.total_num_kv_heads,
                                          bias=False, quant_config=quant_config, prefix=f"{prefix}.qkv_proj")
        self.o_proj = RowParallelLinear(self.total_num_heads * self.head_dim, hidden_size, bias=False,
                                        quant_config=quant_config, prefix=f"{prefix}.o_proj")
        self.rotary_emb = get_rope(self.head_dim, rotary_dim=self.head_dim, max_position=max_position,
                                   base=rope_theta)
        self.attn = PagedAttention(self.num_heads, self.head_dim, self.scaling, num_kv_heads=self.num_kv_heads,
                                   prefix=f"{prefix}.attn")

    def forward(self, positions, hidden_states, forward_batch):
        qkv, _ = self.qkv_proj(hidden_states)
        q, k, v = qkv.split([self.q_size, self.kv_size, self.kv_size], dim=-1)
        q, k = self.rotary_emb(positions, q, k)
        attn_output = self.attn(q, k, v, forward_batch)
        output, _ = self.o_proj(attn_output)
        return output


class AlphaMLP(nn.Module):
    def __init__(self, hidden_size, intermediate_size, hidden_act, quant_config=None, prefix=""):
        super().__init__()
        self.gate_up_proj = ColumnParallelLinear(hidden_size, [intermediate_size] * 2, bias=False,
                                                 quant_config=quant_config, prefix=f"{prefix}.gate_up_proj")
        self.down_proj = RowParallelLinear(intermediate_size, hidden_size, bias=False,
                                           quant_config=quant_config, prefix=f"{prefix}.down_proj")
        if hidden_act != "silu":
            raise ValueError(f"Unsupported activation: {hidden_act}. Only silu is supported for now.")

    def forward(self, x):
        gate_up, _ = self.gate_up_proj(x)
        d = gate_up.shape[-1] // 2
        x = nn.functional.silu(gate_up[..., :d]) * gate_up[..., d:]
        x, _ = self.down_proj(x)
        return x
'''

OTHER = '''\
import torch
from torch import nn


class {name}Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.norm = nn.LayerNorm(config.hidden_size, eps=config.{eps})
        self.proj = nn.Linear(config.hidden_size, config.{width}, bias=True)

    def forward(self, x):
        return self.proj(self.norm(x)) * {scale}
'''

MAKERS = {"alpha": "Meta", "beta": "Google", "gamma": "Alibaba Qwen"}


def _source(root: Path, name: str, files: dict[str, str]) -> Path:
    """A dir source whose files sit under the import package `name` (as a wheel's do)."""
    lines = ["[source]", f'name = "{name}"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
             'released = "2026-01-01"', ""]
    for family, (rel, text) in zip(MAKERS, files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        lines += ["[[family]]", f'name = "{family}"', f'include = ["{rel}"]', f'org = "{MAKERS[family]}"',
                  'first_seen = "2024-01-01"', ""]
    manifest = root.parent / f"{name}.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    from lineage import api

    base = tmp_path_factory.mktemp("libraries")
    others = {n: OTHER.format(name=n.title(), eps=e, width=w, scale=s)
              for n, e, w, s in (("beta", "norm_eps", "intermediate_size", "0.5"),
                                 ("gamma", "layer_norm_eps", "hidden_size", "2.0"))}
    hub = _source(base / "hub", "hub", {
        "hub/models/alpha/modeling_alpha.py": "# Copyright 2024 Meta Platforms, Inc.\n" + HUB_ALPHA,
        **{f"hub/models/{n}/modeling_{n}.py": t for n, t in others.items()}})
    engine = _source(base / "engine", "engine", {
        "engine/models/alpha.py": "# Copyright 2024 The Engine Team\n" + ENGINE_ALPHA,
        **{f"engine/models/{n}.py": t.replace("Block", "Layer") for n, t in others.items()}})
    out = base / "both.lineage"
    report = api.build([hub, engine], out, workers=1)
    assert report.families == 6 and not report.errors
    return api.open_index(str(out))


def scan(index: EmbeddedIndex, text: str) -> list[Finding]:
    from lineage.api import scan_files

    result, _ = scan_files([SourceFile("mine/model.py", text.encode())], index, Config(workers=1))
    return result.findings


def with_markers(marker: str, helpers: str = "", header: str = "") -> str:
    """The engine's alpha, its notice dropped, each class under a marker naming `marker` and each
    rotary helper under one naming `helpers` (or `marker`)."""
    body = ENGINE_ALPHA
    for cls in ("AlphaAttention", "AlphaMLP"):
        body = body.replace(f"class {cls}(", f"# Adapted from {marker.format(cls=cls)}\nclass {cls}(")
    for fn in ("rotate_half", "apply_rotary"):
        body = body.replace(f"def {fn}(", f"# Adapted from {(helpers or marker).format(cls=fn)}\ndef {fn}(")
    return header + body


def copies(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.kind == "code-match" and f.severity in ("medium", "high")]


def test_the_libraries_are_the_packages_several_makers_models_sit_in(index: EmbeddedIndex) -> None:
    assert index.libraries == {"hub", "engine"}
    assert index.source_packages == {"hub": "hub", "engine": "engine"}


def test_a_marker_naming_another_library_does_not_declare_the_engine_s_code(index: EmbeddedIndex) -> None:
    laundered = scan(index, with_markers("hub/models/alpha/modeling_alpha.py ({cls})"))
    found = copies(laundered)
    assert found and all(f.matches[0].ref.family == "engine:alpha" for f in found)
    assert not any(f.attribution == "declared" for f in laundered if f.kind == "code-match"
                   and f.matches[0].ref.family == "engine:alpha" and f.unit.startswith("AlphaAttention"))
    assert any(f.kind == "notice" and f.attribution == "removed" for f in laundered)


def test_a_marker_naming_the_engine_itself_still_declares(index: EmbeddedIndex) -> None:
    honest = scan(index, with_markers("engine/models/alpha.py ({cls})"))
    assert not copies(honest)
    assert any(f.attribution == "declared" for f in honest if f.kind == "code-match")


def test_a_marker_naming_no_library_declares_by_family_name_as_before(index: EmbeddedIndex) -> None:
    assert not copies(scan(index, with_markers("alpha.py ({cls})")))


def test_a_banner_url_into_another_library_does_not_declare_the_file(index: EmbeddedIndex) -> None:
    banner = ("# Adapted from https://github.com/someorg/hub/blob/main/hub/models/alpha/modeling_alpha.py\n")
    found = scan(index, banner + ENGINE_ALPHA)
    assert copies(found)
    assert not any(f.kind == "notice" and f.attribution == "declared" for f in found)
    own = scan(index, banner.replace("someorg/hub/blob/main/hub/models/alpha/modeling_alpha.py",
                                     "someorg/engine/blob/main/engine/models/alpha.py") + ENGINE_ALPHA)
    assert not copies(own)


def test_a_marker_naming_a_library_that_holds_the_code_too_declares_it(index: EmbeddedIndex) -> None:
    """The engine's file, its classes under the engine's markers and the rotary helpers, which
    both libraries hold alike, under the hub's: every unit is declared, so no notice is owed in
    anyone's place; without the hub's marker on the helpers they are copies of the engine's."""
    found = scan(index, with_markers("engine/models/alpha.py ({cls})", "hub/models/alpha/modeling_alpha.py ({cls})"))
    rotary = [f for f in found if f.kind == "code-match" and f.unit in ("rotate_half", "apply_rotary")]
    assert rotary and {f.attribution for f in rotary} == {"declared"}
    assert {m.ref.family for f in rotary for m in f.matches} >= {"hub:alpha", "engine:alpha"}
    assert not copies(found)
    # the helpers under a marker naming the hub's beta, which holds none of them: copies
    assert copies(scan(index, with_markers("engine/models/alpha.py ({cls})", "hub/models/beta/modeling_beta.py ({cls})")))


@pytest.mark.parametrize("marker", [
    "the Hub library's models/alpha/modeling_alpha.py ({cls})",  # the library named in prose only
    "hub.models.alpha.modeling_alpha.{cls} (alpha.py)",  # ... and a bare file beside it
])
def test_the_library_is_read_in_the_marker_s_words_too(index: EmbeddedIndex, marker: str) -> None:
    """A stranger's review: each of these declared the engine's code, the target alone naming no library."""
    found = copies(scan(index, with_markers(marker)))
    assert found and all(f.matches[0].ref.family == "engine:alpha" for f in found)


@pytest.mark.parametrize("marker", [
    "alpha.py ({cls}); its norm as in the hub",  # a library named after the target: where else came from
    "engine/models/alpha.py ({cls}), rotary as in x-hub",  # a longer name holding a library's: another project
    "https://github.com/someorg/sentence_hub/blob/main/engine/models/alpha.py",
])
def test_a_library_named_after_the_target_or_inside_another_name_is_not_the_origin(index: EmbeddedIndex,
                                                                                   marker: str) -> None:
    """A second review: "Adapted from baichuan_m1.py; pooling follows sentence_transformers" had
    revoked an honest credit, 5 high findings."""
    assert not copies(scan(index, with_markers(marker)))


def test_a_library_not_among_the_holders_does_not_hold_the_code(index: EmbeddedIndex) -> None:
    """However many families hold the unit strongly, the library the marker names holds it only if its
    family is among them (a review: five strong SGLang matches listed had cleared SGLang's qwen2 units
    under transformers' markers as "perhaps held further down")."""
    import dataclasses

    from lineage.classify.declaring import declared_elsewhere

    unit = next(f for f in scan(index, ENGINE_ALPHA) if f.kind == "code-match" and f.unit == "AlphaMLP.__init__")
    best = unit.matches[0]
    crowd = tuple(dataclasses.replace(best, ref=dataclasses.replace(best.ref, family=f"engine:{name}"))
                  for name in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta"))
    crowded = dataclasses.replace(unit, matches=crowd)
    assert not declared_elsewhere(crowded, {"AlphaMLP": frozenset({("hub", "alpha")})}, index)
    held = dataclasses.replace(unit, matches=(*crowd[:4], dataclasses.replace(
        best, ref=dataclasses.replace(best.ref, family="hub:alpha", path="hub/models/alpha/modeling_alpha.py"))))
    assert declared_elsewhere(held, {"AlphaMLP": frozenset({("hub", "alpha")})}, index)
