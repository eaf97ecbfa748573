"""`lineage verify` judges a suspect file's notice against the reference file its code comes from.

The reference side is one family in verify's in-memory index, however many files it holds.  A
scan names the family's file by the reference unit holding the suspect file's largest unit, so
with a reference folder holding a noticed model file and a sibling layers module that repeats
two of its classes without a notice (sorted first), a renamed copy of the model file under
another holder's notice was judged against the layers module: "none-needed" in every match, the
summary and the statement, and copies left at low.  It is judged against the model file, the
file holding all of its code, as `verify --against` that file alone judges it.

The Zeta code below was written for these tests (never imported or run).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.workflow.conftest import run

ZETA_NOTICE = "# Copyright 2024 The Zeta Team, Northwind Research Group. All rights reserved.\n"
FOO_NOTICE = "# Copyright 2026 Foo Labs\n"

GATED_NORM = '''class ZetaGatedNorm(nn.Module):
    def __init__(self, width: int, groups: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.groups = groups
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(width))
        self.gate_bias = nn.Parameter(torch.zeros(groups))

    def forward(self, x: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        grouped = x.float().view(batch, length, self.groups, width // self.groups)
        centred = grouped - grouped.mean(dim=-1, keepdim=True)
        spread = centred.pow(2).mean(dim=-1, keepdim=True).add(self.eps).rsqrt()
        normed = (centred * spread).view(batch, length, width)
        opened = torch.sigmoid(gate.float().view(batch, length, self.groups, -1).mean(-1) + self.gate_bias)
        opened = opened.repeat_interleave(width // self.groups, dim=-1)
        return (normed * opened * self.scale).to(x.dtype)
'''

MEMORY_MIXER = '''class ZetaMemoryMixer(nn.Module):
    def __init__(self, width: int, slots: int, heads: int) -> None:
        super().__init__()
        self.slots = slots
        self.heads = heads
        self.head_width = width // heads
        self.memory = nn.Parameter(torch.randn(slots, width) * width ** -0.5)
        self.read = nn.Linear(width, width, bias=False)
        self.write = nn.Linear(width, 2 * width, bias=False)
        self.out = nn.Linear(width, width, bias=False)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        batch, length, width = x.shape
        queries = self.read(x).view(batch, length, self.heads, self.head_width).transpose(1, 2)
        keys = self.memory.view(self.slots, self.heads, self.head_width).permute(1, 2, 0)
        weights = torch.einsum("bhld,hds->bhls", queries, keys) / self.head_width ** 0.5
        weights = weights.softmax(dim=-1)
        values = self.memory.view(self.slots, self.heads, self.head_width).transpose(0, 1)
        mixed = torch.einsum("bhls,hsd->bhld", weights, values).transpose(1, 2).reshape(batch, length, width)
        blend = torch.sigmoid(mixed.mean(dim=-1, keepdim=True) - x.mean(dim=-1, keepdim=True))
        mixed = blend * mixed + (1.0 - blend) * x
        erase, add = self.write(x).chunk(2, dim=-1)
        usage = weights.mean(dim=(1, 2))
        update = torch.einsum("bs,bld->sd", usage, torch.tanh(add) * torch.sigmoid(erase)) / (batch * length)
        return self.out(mixed), update
'''

MODEL_TAIL = '''def zeta_chunked_decay(values: torch.Tensor, decay: torch.Tensor, chunk: int) -> torch.Tensor:
    batch, length, width = values.shape
    pad = (chunk - length % chunk) % chunk
    values = nn.functional.pad(values, (0, 0, 0, pad))
    decay = nn.functional.pad(decay, (0, pad), value=1.0)
    blocks = values.view(batch, -1, chunk, width)
    rates = decay.view(batch, -1, chunk).cumprod(dim=-1)
    inside = torch.cumsum(blocks / rates.clamp_min(1e-6).unsqueeze(-1), dim=2) * rates.unsqueeze(-1)
    carry = torch.zeros(batch, width, dtype=values.dtype, device=values.device)
    outs = []
    for index in range(blocks.shape[1]):
        outs.append(inside[:, index] + carry.unsqueeze(1) * rates[:, index].unsqueeze(-1))
        carry = outs[-1][:, -1]
    return torch.cat(outs, dim=1)[:, :length]


class ZetaRouter(nn.Module):
    def __init__(self, width: int, experts: int, active: int, jitter: float) -> None:
        super().__init__()
        self.active = active
        self.jitter = jitter
        self.score = nn.Linear(width, experts, bias=False)
        self.register_buffer("load", torch.zeros(experts), persistent=False)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logits = self.score(x.float())
        if self.training and self.jitter > 0:
            logits = logits + torch.empty_like(logits).uniform_(-self.jitter, self.jitter)
        chosen_logits, chosen = logits.topk(self.active, dim=-1)
        weights = chosen_logits.softmax(dim=-1)
        counts = torch.bincount(chosen.flatten(), minlength=self.load.numel()).float()
        self.load.mul_(0.9).add_(counts / counts.sum().clamp_min(1.0), alpha=0.1)
        balance = (self.load * logits.softmax(dim=-1).mean(dim=tuple(range(logits.dim() - 1)))).sum()
        return chosen, weights.to(x.dtype), balance * self.load.numel()


def zeta_remap_checkpoint(state: dict[str, torch.Tensor], layers: int) -> dict[str, torch.Tensor]:
    pattern = re.compile(r"blocks\\.(\\d+)\\.(mixer|router|norm)\\.(.+)")
    out: dict[str, torch.Tensor] = {}
    for name, tensor in sorted(state.items()):
        found = pattern.match(name)
        if found is None:
            out[name] = tensor
            continue
        layer, part, rest = found.groups()
        if int(layer) >= layers:
            continue
        if part == "mixer" and rest == "memory":
            tensor = tensor.t().contiguous()
        out[f"model.layers.{layer}.{part}.{rest}"] = tensor
    return out
'''

HEAD = "import re\n\nimport torch\nfrom torch import nn\n\n\n"


def model_file(notice: str = ZETA_NOTICE, tail: str = "") -> str:
    """The noticed model file: both shared classes and the model's own code."""
    return notice + HEAD + GATED_NORM + "\n\n" + MEMORY_MIXER + "\n\n" + MODEL_TAIL + tail


def layers_file() -> str:
    """The sibling module carrying the model's two shared classes, with no notice at all (its
    name sorts before the model file's, as a package's `layers.py` does before `modeling_*.py`)."""
    return HEAD + GATED_NORM + "\n\n" + MEMORY_MIXER


def renamed(text: str) -> str:
    return re.sub(r"\bZeta", "Foo", text).replace("zeta_", "foo_")


def foo_copy(tail: str = "") -> str:
    """The model file, renamed, under Foo Labs' notice in place of the Zeta Team's."""
    return renamed(model_file(FOO_NOTICE, tail))


def sides(tmp_path: Path) -> tuple[Path, Path]:
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    reference.mkdir()
    (suspect / "modeling_foo.py").write_text(foo_copy(), encoding="utf-8")
    (reference / "modeling_zeta.py").write_text(model_file(), encoding="utf-8")
    (reference / "layers.py").write_text(layers_file(), encoding="utf-8")
    return suspect, reference


def exhibit(suspect: Path, reference: Path, *more: str | Path) -> dict[str, Any]:
    done = run("verify", suspect, "--against", reference, "--format", "json", "--exit-zero", *more)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _states(data: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return sorted((m["unit"], m["attribution"], m["severity"]) for m in data["matches"])


def test_a_copy_of_the_noticed_file_is_judged_against_it_not_a_sibling(tmp_path: Path) -> None:
    suspect, reference = sides(tmp_path)
    data = exhibit(suspect, reference, "--no-index")
    # the copied shared classes match the layers module (first in path order), the rest the model file
    assert {m["reference"]["path"] for m in data["matches"]} == {"layers.py", "modeling_zeta.py"}
    assert data["summary"]["attribution_states"] == ["replaced"]
    assert "Notices: replaced." in data["summary"]["statement"]
    judged = [m for m in data["matches"] if m["severity"] != "info"]
    assert judged and {m["attribution"] for m in judged} == {"replaced"}
    assert "FooMemoryMixer.forward" in {m["unit"] for m in judged if m["reference"]["path"] == "layers.py"}
    [notice] = data["notices"]["attribution"]
    assert (notice["suspect"], notice["reference"], notice["state"]) == ("modeling_foo.py", "modeling_zeta.py",
                                                                        "replaced")
    assert notice["missing"] == ["The Zeta Team, Northwind Research Group"] and notice["replacements"] == ["Foo Labs"]
    assert "holding most of modeling_foo.py's code" in notice["reference_basis"]
    # the same judgement, and the same severities, as against the model file alone
    alone = exhibit(suspect, reference / "modeling_zeta.py", "--no-index")
    assert alone["summary"]["attribution_states"] == ["replaced"]
    assert _states(alone) == _states(data)


def test_the_same_with_the_corpus_background(tmp_path: Path, index_path: Path) -> None:
    suspect, reference = sides(tmp_path)
    data = exhibit(suspect, reference, "--index", index_path)
    assert data["summary"]["attribution_states"] == ["replaced"]
    assert {m["attribution"] for m in data["matches"] if m["severity"] != "info"} == {"replaced"}
    assert [(a["reference"], a["state"]) for a in data["notices"]["attribution"]] == [("modeling_zeta.py", "replaced")]


def test_a_copy_of_the_unnoticed_module_owes_no_notice(tmp_path: Path) -> None:
    """Control: a suspect holding only the layers module's classes, against a reference where the
    layers module is alone: no vendor notice is owed, and nothing says otherwise."""
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    reference.mkdir()
    (suspect / "foo_layers.py").write_text(FOO_NOTICE + renamed(layers_file()), encoding="utf-8")
    (reference / "layers.py").write_text(layers_file(), encoding="utf-8")
    (reference / "zeta_tail.py").write_text(ZETA_NOTICE + HEAD + MODEL_TAIL, encoding="utf-8")
    data = exhibit(suspect, reference, "--no-index")
    assert data["summary"]["attribution_states"] == ["none-needed"]
    assert [(a["reference"], a["state"]) for a in data["notices"]["attribution"]] == [("layers.py", "none-needed")]


def test_a_dropped_framework_notice_is_shown_but_owes_no_vendor(tmp_path: Path) -> None:
    """The layers module under a framework's header: no vendor notice is owed, and the exhibit
    says which framework notice the suspect did not keep (its licence covers that one too)."""
    framework = "# SPDX-FileCopyrightText: Copyright contributors to the vLLM project\n"
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    reference.mkdir()
    (suspect / "foo_layers.py").write_text(FOO_NOTICE + renamed(layers_file()), encoding="utf-8")
    (reference / "layers.py").write_text(framework + layers_file(), encoding="utf-8")
    data = exhibit(suspect, reference, "--no-index")
    # the reference side is named as such, not by its label's own colon ("dir:reference:reference")
    verdicts = [m["verdict"] for m in data["matches"] if m["severity"] != "info"]
    assert verdicts and all(v.removeprefix("by the pair alone (no corpus): ").startswith((
        "core-architecture copy of reference (", "core-architecture resemblance to reference (")) for v in verdicts), \
        verdicts
    [entry] = data["notices"]["attribution"]
    assert (entry["state"], entry["frameworks_dropped"]) == ("none-needed", ["contributors to the vLLM project"])
    assert "The reference's framework notice (layers.py line 1" in entry["explanation"]
    [whole] = data["files"]  # a copy of the whole file: said in its verdict, not rated for it
    assert whole["severity"] == "low", whole
    assert whole["verdict"].endswith("no vendor's notice is owed; the framework notice of contributors to the "
                                     "vLLM project is not kept, though its licence obliges keeping notices"), whole
    (suspect / "foo_layers.py").write_text(framework + renamed(layers_file()), encoding="utf-8")
    assert exhibit(suspect, reference, "--no-index")["notices"]["attribution"][0]["frameworks_dropped"] == []
