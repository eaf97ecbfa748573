"""A serving engine writes some code alike for every model it serves (the layer loop of a model's
forward, its pipeline hand-over): many makers' model files hold most of it, and one of them holds
a little more of a given file's version, by a detail or two.  That one is not the file's source on
so little (a stranger's review: vLLM's Jais2 model forward, held at 0.64-0.72 by 14 model lines,
read a high copy of openpangu, which holds it at 0.85 by 10 fingerprints more).  What the unit
holds beyond the crowd of other makers' lines must itself be evidence enough to convict
(classify/crowd.Crowd); a copy with that much of one model's own code stays a copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.classify.codematch import MIN_STRONG_EVIDENCE, SHARED_BY
from lineage.config import Config
from lineage.details import CodeMatchDetails
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, ScanResult
from tests.dir_index import dir_index, scan_text
from tests.classify.conftest import SPDX, other_orgs, unique_function

N_CROWD = 8  # other makers' model lines writing the template alike, each with changes of its own
N_FAMILIES = 40  # among this many (the rest other code), so that the template is still rare code

TEMPLATE = [  # the engine's template of a stage's forward, one statement per entry
    "        state = embedded if embedded is not None else self.lookup(tokens)\n",
    "        skip = None\n",
    "        if carried is not None:\n            state, skip = carried['state'], carried['skip']\n",
    "        taps = []\n",
    "        for depth, block in enumerate(self.blocks[self.first:self.last]):\n"
    "            if depth in self.tap_depths:\n                taps.append(state if skip is None else state + skip)\n"
    "            state, skip = block(offsets, state, skip)\n",
    "        if not self.closes_pipeline:\n            return {'state': state, 'skip': skip}\n",
    "        state = self.final_scale(state, skip)\n",
    "        if self.keeps_taps and len(taps) > self.min_taps:\n            return state, taps\n",
    "        logits = self.head(state) if self.head is not None else None\n",
    "        return state, logits\n",
]
CHANGES = [  # statements the crowd's lines write their own way, in place of two of the template's
    "        state = self.lookup(tokens) * self.scale\n",
    "        skip = torch.zeros_like(state)\n",
    "        self.cache.clear()\n",
    "        taps = [state] * len(self.tap_depths)\n",
    "        state = state.to(self.dtype)\n",
    "        return self.head(state)\n",
]
SMALL_DETAIL = [  # the one model's detail: a few fingerprints beyond the template
    "        state = state.clamp(min=-self.bound, max=self.bound)\n",
]
LARGE_DETAIL = [  # a model's own code: many fingerprints beyond the template
    "        weights = torch.softmax(self.router(state).float(), dim=-1)\n",
    "        top, chosen = torch.topk(weights, self.top_k, dim=-1)\n",
    "        top = top / top.sum(dim=-1, keepdim=True).clamp(min=1e-6)\n",
    "        mixed = torch.zeros_like(state)\n",
    "        for slot in range(self.top_k):\n            picked = chosen[..., slot]\n"
    "            for expert_id in picked.unique().tolist():\n                mask = picked == expert_id\n"
    "                mixed[mask] += top[..., slot][mask].unsqueeze(-1) * self.experts[expert_id](state[mask])\n",
    "        state = state + self.shared_gate(state).sigmoid() * mixed\n",
]


def _forward(name: str, body: list[str]) -> str:
    return f"    def {name}(self, tokens, offsets, carried=None, embedded=None):\n" + "".join(body)


def _with(detail: list[str]) -> list[str]:
    """The template with ``detail`` before its last statements."""
    return TEMPLATE[:6] + detail + TEMPLATE[6:]


SMALL_STATEMENTS = (1, 3, 6, 8)  # the template's one-line statements: a line of the crowd changes two of them


def _crowd_member(i: int) -> list[str]:
    body = list(TEMPLATE)
    pairs = [(a, b) for a in SMALL_STATEMENTS for b in SMALL_STATEMENTS if a < b]
    for k, at in enumerate(pairs[i % len(pairs)]):
        body[at] = CHANGES[(i + k) % len(CHANGES)]
    return body


def _family_file(org: str, i: int) -> str:
    head = f"# Copyright 2025 {org}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n"
    if i < N_CROWD:
        stage = _forward("forward", _crowd_member(i))
    elif i == N_CROWD:  # the one model holding each scanned version whole, in a file of more code
        stage = _forward("forward", _with(SMALL_DETAIL)) + "\n" + _forward("forward_routed", _with(LARGE_DETAIL))
        own = "\n\n".join(unique_function(i + 100 * k) for k in range(4))
        return head + f"class Stage{i:02d}(nn.Module):\n{stage}\n\n{own}"
    else:
        return head + unique_function(i)
    return head + f"class Stage{i:02d}(nn.Module):\n{stage}\n\n{unique_function(i)}"


def _index(tmp_path_factory: pytest.TempPathFactory, first: str = "") -> EmbeddedIndex:
    """The engine's index; ``first``: the one model's first-seen date (else after every line of
    the crowd)."""
    from lineage import api

    root = tmp_path_factory.mktemp("crowd-ref")
    lines = ["[source]", 'name = "eng"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
             'released = "2026-01-01"', ""]
    for i, org in enumerate(other_orgs(N_FAMILIES)):
        (root / f"fam_{i:02d}").mkdir()
        (root / f"fam_{i:02d}" / "model.py").write_text(_family_file(org, i), encoding="utf-8")
        seen = first if first and i == N_CROWD else f"2024-0{1 + i % 9}-01"
        lines += ["[[family]]", f'name = "fam_{i:02d}"', f'include = ["fam_{i:02d}/*.py"]', f'org = "{org}"',
                  f'first_seen = "{seen}"', ""]
    return api.open_index(dir_index(tmp_path_factory, "crowd", lines))


@pytest.fixture(scope="module")
def crowd_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The crowd's lines first, the one model holding the scanned versions after them."""
    return _index(tmp_path_factory)


@pytest.fixture(scope="module")
def origin_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The one model first: the crowd's lines, all later, follow its code."""
    return _index(tmp_path_factory, first="2023-06-01")


def _scan(index: EmbeddedIndex, detail: list[str]) -> tuple[ScanResult, Finding]:
    text = (f"# Copyright 2026 Acme Inc.\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n"
            f"class AcmeStage(nn.Module):\n{_forward('forward', _with(detail))}")
    result = scan_text(index, "acme/model.py", text)
    unit = next(f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeStage.forward")
    return result, unit


def test_a_template_many_makers_hold_is_no_copy_of_the_one_holding_a_detail_more(
        crowd_index: EmbeddedIndex) -> None:
    """The template with one model's one-line detail, under another notice: that model holds it
    whole, eight other makers' lines most of it; low, shared code, and no notice owed."""
    result, unit = _scan(crowd_index, SMALL_DETAIL)
    d = unit.details
    assert isinstance(d, CodeMatchDetails)
    assert unit.matches[0].ref.family == f"eng:fam_{N_CROWD:02d}" and unit.matches[0].similarity >= 0.9
    assert d.holders < SHARED_BY  # (not shared code by the lines holding it as closely)
    assert unit.severity == "low" and d.template_lines >= SHARED_BY, unit.explanation
    assert d.verdict.startswith("shared ") and "a template many models' code follows" in unit.explanation
    assert "other companies (fam_0" in unit.explanation  # (the lines named, checkable)
    assert not [f for f in result.findings if f.severity in ("medium", "high")]
    assert not [f for f in result.findings if f.attribution in ("removed", "replaced")]
    verdict = result.summary.files["acme/model.py"].verdict
    assert verdict.startswith("built on shared code, closest to fam_08"), verdict
    assert f"a template that {d.template_lines} or more model lines of other companies held most of before it" \
        in verdict and "no copy verdict" in verdict


def test_the_templates_first_line_is_no_template_of_the_lines_that_came_after_it(
        origin_index: EmbeddedIndex) -> None:
    """The same code, but the one model was first seen before every line of the crowd: they came
    too late to be where it came from, and its copy is a copy, its notice owed (a stranger's review:
    a verbatim copy of vLLM's llama causal-LM constructor read as a template of later lines)."""
    result, unit = _scan(origin_index, SMALL_DETAIL)
    d = unit.details
    assert isinstance(d, CodeMatchDetails)
    assert unit.matches[0].ref.family == f"eng:fam_{N_CROWD:02d}"
    assert unit.severity in ("medium", "high") and d.template_lines == 0, unit.explanation
    assert [f.attribution for f in result.findings if f.kind == "notice"] == ["replaced"]


def test_a_copy_holding_much_of_one_models_own_code_beyond_the_template_stays_a_copy(
        crowd_index: EmbeddedIndex) -> None:
    """The same template with that model's routing code: the crowd still holds the template, but
    the unit holds far more of the one model than they do: a copy, and its notice is owed."""
    result, unit = _scan(crowd_index, LARGE_DETAIL)
    d = unit.details
    assert isinstance(d, CodeMatchDetails)
    assert unit.matches[0].ref.family == f"eng:fam_{N_CROWD:02d}"
    assert unit.severity in ("medium", "high") and d.template_lines == 0, unit.explanation
    assert unit.matches[0].shared >= MIN_STRONG_EVIDENCE
    assert [f.attribution for f in result.findings if f.kind == "notice"] == ["replaced"]


def _verify(index: EmbeddedIndex, tmp_path: Path, detail: list[str]) -> object:
    """`lineage verify` of the scanned file against the one model's published file, the index as
    its background."""
    from lineage.workflow.verify import verify

    (tmp_path / "suspect").mkdir()
    (tmp_path / "reference").mkdir()
    (tmp_path / "suspect" / "model.py").write_text(
        f"# Copyright 2026 Acme Inc.\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n"
        f"class AcmeStage(nn.Module):\n{_forward('forward', _with(detail))}", encoding="utf-8")
    org = other_orgs(N_FAMILIES)[N_CROWD]
    (tmp_path / "reference" / "model.py").write_text(_family_file(org, N_CROWD), encoding="utf-8")
    exhibit = verify(str(tmp_path / "suspect"), str(tmp_path / "reference"), Config(), background=index)
    return next(m for m in exhibit.matches if m.unit == "AcmeStage.forward")


def test_verify_rates_a_template_low_against_the_corpus(crowd_index: EmbeddedIndex, tmp_path: Path) -> None:
    """The pair alone reads the template with the reference's one detail as a copy; the corpus shows
    eight other makers' lines holding most of it: low, no notice judged, and the exhibit says so
    (the pair exhibits' own case: vLLM's Jais2 model forward against openpangu's read HIGH, notice
    removed, the corpus counting only the lines holding the same code)."""
    m = _verify(crowd_index, tmp_path, SMALL_DETAIL)
    assert m.severity == "low" and m.severity_before_corpus in ("medium", "high"), m.explanation
    template = m.corpus["template"]
    assert template["model_lines"] >= SHARED_BY and template["pair_shares"] - template["fifth_shares"] < MIN_STRONG_EVIDENCE
    assert len(template["lines"]) == template["model_lines"] and all(n.startswith("fam_") for n in template["lines"])
    assert m.attribution is None and "a template many models' code follows" in m.verdict


def test_verify_keeps_a_copy_of_much_more_than_the_template(crowd_index: EmbeddedIndex, tmp_path: Path) -> None:
    m = _verify(crowd_index, tmp_path, LARGE_DETAIL)
    assert m.severity in ("medium", "high") and m.corpus["template"] is None, m.explanation
