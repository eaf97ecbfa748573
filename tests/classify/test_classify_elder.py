"""A unit that declares it was copied from an earlier indexed line than the one its code matches
best (diffusers' LDMBert: "Copied from ... bart" above BART's old attention, which OFA's 2022
copy holds more closely than transformers' rewritten BART) is declared reuse, not a copy of the
later line with its notice removed; a module's "Adapted from" an earlier line (vLLM's model files
say it of llama above DeepSeek's code) declares nothing of the kind."""

from __future__ import annotations

import dataclasses

import pytest

from lineage.classify.elder import declared_elder, line_dates, unit_marks
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile

# the constructor both versions share
INIT = '''\
class WaveAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.heads = config.num_heads
        self.width = config.hidden_size // config.num_heads
        self.scale = self.width ** -0.5
        self.qkv = nn.Linear(config.hidden_size, 3 * config.hidden_size, bias=config.qkv_bias)
        self.out = nn.Linear(config.hidden_size, config.hidden_size)
'''
# the earlier line's attention, as it reads today (rewritten since the later line copied it)
ELDER = INIT + '''
    def forward(self, hidden, mask=None):
        b, t, _ = hidden.shape
        q, k, v = self.qkv(hidden).view(b, t, 3, self.heads, self.width).unbind(2)
        q, k, v = (x.transpose(1, 2) for x in (q, k, v))
        out = attention_interface(q, k, v, mask, self.scale)
        return self.out(out.transpose(1, 2).reshape(b, t, -1))
'''
# what the later line copied from the earlier one, before that rewrite (and what the scanned file holds)
OLD = INIT + '''        self.drop = nn.Dropout(config.attention_dropout)
        self.q_norm = WaveNorm(self.width, eps=config.norm_eps)
        self.k_norm = WaveNorm(self.width, eps=config.norm_eps)

    def forward(self, hidden, mask=None, past=None, use_cache=False):
        b, t, _ = hidden.shape
        q, k, v = self.qkv(hidden).view(b, t, 3, self.heads, self.width).unbind(2)
        q, k, v = (x.transpose(1, 2) for x in (q, k, v))
        q, k = self.q_norm(q), self.k_norm(k)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        present = (k, v) if use_cache else None
        weights = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if mask is not None:
            weights = weights + mask
        weights = self.drop(torch.softmax(weights.float(), dim=-1).to(q.dtype))
        out = torch.matmul(weights, v).transpose(1, 2).reshape(b, t, -1)
        return self.out(out), present
'''
HEAD = "import torch\nfrom torch import nn\n\n\n"
# the later line's own account of where it came from, which a copy of its file carries along
INHERITED = "# Adapted from https://github.com/acme/transformers/blob/v1/src/transformers/models/ripple/modeling_ripple.py\n"
COPY = "acme/modeling_acme.py"


def build(factory: pytest.TempPathFactory, source: str, wave: str, ripple: str, ripple_parents: str = "",
          ripple_holder: str = "# Copyright 2022 Alibaba DAMO Academy.\n") -> EmbeddedIndex:
    """Two families of one source: wave (Meta, 2019) and ripple (Alibaba DAMO, 2022), with these texts."""
    from lineage import api

    root = factory.mktemp(f"{source}-ref")
    files = {"wave": "# Copyright 2019 Meta Platforms, Inc.\n" + wave, "ripple": ripple_holder + ripple}
    for name, text in files.items():
        (root / name).mkdir()
        (root / name / f"modeling_{name}.py").write_text(text, encoding="utf-8")
    manifest = root / f"{source}.toml"
    manifest.write_text("\n".join([
        "[source]", f'name = "{source}"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
        'released = "2026-01-01"', "",
        "[[family]]", 'name = "wave"', 'include = ["wave/*.py"]', 'org = "Meta"', 'first_seen = "2019-10-29"', "",
        "[[family]]", 'name = "ripple"', 'include = ["ripple/*.py"]', 'org = "Alibaba DAMO Academy"',
        'first_seen = "2022-02-07"', ripple_parents, ""]), encoding="utf-8")
    out = factory.mktemp(f"{source}-index") / f"{source}.lineage"
    report = api.build([manifest], out, workers=1)
    assert report.families == 2 and not report.errors
    return api.open_index(str(out))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return build(tmp_path_factory, "eld", HEAD + ELDER, INHERITED + HEAD + OLD.replace("Wave", "Ripple"))


def scan(index: EmbeddedIndex, text: str) -> ScanResult:
    from lineage.api import scan_files

    result, _ = scan_files([SourceFile(COPY, text.encode())], index, Config(workers=1))
    return result


def copy(marker: str, header: str = "# Copyright 2024 Acme Inc.\n") -> str:
    body = OLD.replace("Wave", "Acme")
    return header + HEAD + marker + body


def attention(result: ScanResult) -> list:  # type: ignore[type-arg]
    return [f for f in result.findings if f.kind == "code-match" and f.unit.startswith("AcmeAttention")]


def test_the_copy_matches_the_later_line_best_and_is_its_copy_without_a_marker(index: EmbeddedIndex) -> None:
    found = attention(scan(index, copy("")))
    assert found and all(f.matches[0].ref.family == "eld:ripple" for f in found)
    assert any(f.severity in ("medium", "high") and f.attribution in ("removed", "replaced") for f in found)
    # the earlier line holds some of it: the forward pass was rewritten, the constructor barely
    assert any("eld:wave" in {m.ref.family for m in f.matches} for f in found)


def test_a_copied_from_naming_the_earlier_line_that_holds_part_of_it_declares_the_unit(index: EmbeddedIndex) -> None:
    result = scan(index, copy("# Copied from transformers.models.wave.modeling_wave.WaveAttention with Wave->Acme\n"))
    held = [f for f in attention(result) if "eld:wave" in {m.ref.family for m in f.matches}]
    assert held and {f.attribution for f in held} == {"declared"} and {f.severity for f in held} == {"info"}
    assert {f.details.declared_line for f in held} == {"wave"}
    assert all("(from wave, an earlier line)" in f.details.verdict for f in held)
    assert all("declares it was copied from wave (first seen 2019-10-29)" in f.details.attribution_explanation
               for f in held)


def test_a_modules_adapted_from_an_earlier_line_declares_nothing(index: EmbeddedIndex) -> None:
    header = "# Copyright 2024 Acme Inc.\n# Adapted from transformers/models/wave/modeling_wave.py\n"
    found = attention(scan(index, copy("", header=header)))
    assert not any(f.attribution == "declared" for f in found)
    assert any(f.severity in ("medium", "high") for f in found)


def test_a_marker_naming_a_line_the_index_does_not_hold_declares_nothing(index: EmbeddedIndex) -> None:
    found = attention(scan(index, copy("# Copied from transformers.models.surf.modeling_surf.SurfAttention\n")))
    assert not any(f.attribution == "declared" for f in found)


def test_a_line_first_seen_after_the_match_cannot_be_its_declared_origin(index: EmbeddedIndex) -> None:
    text = copy("# Copied from transformers.models.wave.modeling_wave.WaveAttention\n")
    marks, dates = unit_marks(COPY, text), line_dates(index)
    assert marks == {"AcmeAttention": frozenset({("", "wave")})} and dates["wave"] == "2019-10-29"
    f = next(f for f in attention(scan(index, text)) if "eld:wave" in {m.ref.family for m in f.matches})
    assert declared_elder(f, marks, dates) == "wave"
    ref = dataclasses.replace(f.matches[0].ref, first_seen="2019-01-01")  # matched line older than wave
    older = dataclasses.replace(f, matches=(dataclasses.replace(f.matches[0], ref=ref), *f.matches[1:]))
    assert declared_elder(older, marks, dates) == ""
    assert declared_elder(f, {}, dates) == ""


def test_an_origin_line_that_came_with_the_copied_header_declares_nothing(index: EmbeddedIndex) -> None:
    """A copy of the later line's file keeps that file's "Adapted from" line and drops its notice:
    the line is the reference's account of its own origin, not the copy's declaration."""
    result = scan(index, copy("", header="# Copyright 2024 Acme Inc.\n" + INHERITED))
    kept = scan(index, INHERITED + HEAD + OLD.replace("Wave", "Acme"))  # no holder at all: removed
    assert any(f.kind == "notice" and f.attribution == "replaced" and f.severity == "high" for f in result.findings)
    notices = [f for f in kept.findings if f.kind == "notice" and f.attribution]
    assert notices and {f.attribution for f in notices} == {"removed"} and notices[0].severity == "medium"
    own = scan(index, "# Adapted from vllm/model_executor/models/ripple.py\n" + HEAD + OLD.replace("Wave", "Acme"))
    assert {f.attribution for f in own.findings if f.kind == "notice" and f.attribution} == {"declared"}


def test_a_subclass_with_its_bases_methods_pasted_back_declares_none_of_them(index: EmbeddedIndex) -> None:
    """Subclassing declares what a class inherits; the base's own methods pasted verbatim into the
    subclass are a copy behind a declaration, and the removed notice is owed for them."""
    body = OLD.replace("class WaveAttention(nn.Module):", "class AcmeAttention(RippleAttention):")
    imports = "from transformers.models.ripple.modeling_ripple import RippleAttention\n"
    pasted = scan(index, HEAD + imports + "\n\n" + body)
    found = attention(pasted)
    assert found and not any(f.attribution == "declared" for f in found)
    assert any(f.severity in ("medium", "high") and f.attribution == "removed" for f in found)
    marked = scan(index, HEAD + imports + "\n\n# Copied from transformers.models.ripple.modeling_ripple.RippleAttention\n"
                  + body)
    assert {f.attribution for f in attention(marked)} == {"declared"}  # a marker does declare the copy


RIPPLE_OWN = '''

class RippleGate(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.up = nn.Linear(config.hidden_size, 4 * config.hidden_size)
        self.down = nn.Linear(4 * config.hidden_size, config.hidden_size)
        self.gate = nn.Parameter(torch.zeros(config.hidden_size))

    def forward(self, hidden):
        lifted = torch.nn.functional.silu(self.up(hidden))
        mixed = self.down(lifted) * torch.sigmoid(self.gate)
        if self.training:
            mixed = torch.nn.functional.dropout(mixed, p=0.1)
        return hidden + mixed.clamp(min=-30.0, max=30.0)
'''
# ripple's file: wave's attention under ripple's names, declared, and a block of its own
RIPPLE = (HEAD + "# Copied from transformers.models.wave.modeling_wave.WaveAttention with Wave->Ripple\n"
          + OLD.replace("Wave", "Ripple") + RIPPLE_OWN)


@pytest.fixture(scope="module")
def lineage_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple declares wave as its parent and holds wave's attention verbatim, under its own names."""
    return build(tmp_path_factory, "inh", HEAD + OLD, RIPPLE, 'lineage = ["wave"]')


def test_a_marker_copied_along_with_the_matched_familys_own_names_declares_nothing(lineage_index: EmbeddedIndex) -> None:
    """A verbatim copy of ripple's file keeps ripple's "Copied from ... wave" over ripple's own names:
    that marker is ripple's account of its code, not the copy's; the same marker over code renamed
    to the copier's own names (as close to wave's as to ripple's) is the copier's declaration."""
    verbatim = scan(lineage_index, RIPPLE)
    copied = [f for f in verbatim.findings if f.kind == "code-match" and f.unit.startswith("RippleAttention")]
    assert copied and all("inh:ripple" in {m.ref.family for m in f.matches} for f in copied)
    # the constructor holds ripple's names (RippleNorm), not wave's: the marker came with ripple's file
    init = next(f for f in copied if f.unit == "RippleAttention.__init__")
    assert init.attribution == "removed" and init.severity in ("medium", "high")
    assert "removed" in verbatim.summary.files[COPY].verdict.rsplit("notice ", 1)[1]
    renamed = scan(lineage_index, RIPPLE.replace("Ripple", "Acme"))
    assert {f.attribution for f in attention(renamed) if f.attribution} == {"declared"}


def test_a_line_holding_little_of_the_unit_is_not_its_declared_origin(index: EmbeddedIndex) -> None:
    """The named line must hold the unit's code (at `hold` strength), not merely be among its matches:
    a stranger's review declared an OLMo decoder layer through a marker naming CLIP, which held a
    quarter of it."""
    from lineage.scoring import SCORING

    text = copy("# Copied from transformers.models.wave.modeling_wave.WaveAttention\n")
    marks, dates = unit_marks(COPY, text), line_dates(index)
    f = next(f for f in attention(scan(index, text)) if "eld:wave" in {m.ref.family for m in f.matches})
    assert declared_elder(f, marks, dates) == "wave"
    weak = tuple(dataclasses.replace(m, similarity=0.26, containment=0.26, ref_containment=0.1)
                 if m.ref.family == "eld:wave" else m for m in f.matches)
    assert all(m.similarity < SCORING.hold for m in weak if m.ref.family == "eld:wave")
    assert declared_elder(dataclasses.replace(f, matches=weak), marks, dates) == ""
