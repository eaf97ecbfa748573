"""`lineage verify`: code the reference holds from an earlier line of another organisation.

Our Alpha reference (Zhipu AI, 2025-07-28) is indexed whole, so the corpus dates it.  Its
router and experts also stand, renamed, in an earlier "elder" line.  The suspect copies Alpha
whole, classes renamed and notice swapped.  Verified against that corpus, the router and
experts were not Alpha's to give: each is rated low with the elder line named, and the notice
is not judged from them; the attention, which only Alpha holds, keeps its high rating and its
"notice replaced".  The rule needs all three facts: another company, an earlier date, and a
reference file the corpus holds (so that it has a date).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineage.workflow.prior_art import PRIOR_ART
from tests.lines_fixture import index_families
from lineage.classify.fileverdict import WHOLE_FILE
from tests.workflow.conftest import ORIGINAL, reference_text, renamed_copy, run, unit_source

HEAD = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n"
ELDER_CODE = HEAD + (unit_source("AlphaTopKRouter") + "\n\n" + unit_source("AlphaExperts")).replace("Alpha", "Elder")
BORROWED = ("BetaTopKRouter.forward", "BetaExperts.forward")


def _corpus(root: Path, elder_org: str = "DeepSeek", elder_seen: str = "2024-12-01",
            with_reference: bool = True, alpha_org: str = "Zhipu AI", elder_declares: bool = False,
            since: str = "") -> Path:
    # an elder that declares it took code from alpha (as a "Copied from" line does) took it later,
    # whatever its model's date says
    families = [("elder", ELDER_CODE, elder_org, elder_seen, ("alpha",) if elder_declares else ())]
    if with_reference:
        families.append(("alpha", reference_text(), alpha_org, "2025-07-28", ()))
    root.mkdir()
    return index_families(root, "bg", families, since)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    # the copy and code of the suspect's own: not a copy of the reference file as a whole
    own = ORIGINAL.split("\n\n\n", 1)[1]
    (suspect / "modeling_beta.py").write_text(renamed_copy() + "\n\n" + own + "\n\n" + own.replace("def ", "def my_"),
                                              encoding="utf-8")
    (reference / "alpha").mkdir(parents=True)
    (reference / "alpha" / "modeling_alpha.py").write_text(reference_text(), encoding="utf-8")
    return suspect, reference


def _exhibit(suspect: Path, reference: Path, corpus: Path) -> dict:
    done = run("verify", suspect, "--against", reference, "--index", corpus, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_code_an_earlier_line_of_another_company_held_is_low_and_not_judged(
        pair: tuple[Path, Path], tmp_path: Path) -> None:
    suspect, reference = pair
    corpus = _corpus(tmp_path / "corpus")
    data = _exhibit(suspect, reference, corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    assert [f["score"] < WHOLE_FILE for f in data["files"]] == [True]
    dated = data["background"]["reference_lines"]
    assert list(dated.values()) == [{"family": "bg:alpha", "org": "Zhipu AI", "first_seen": "2025-07-28",
                                     "public": "2025-07-28"}]
    for unit in BORROWED:
        m = by_unit[unit]
        assert m["corpus"]["model_lines"] < 5  # not common code: the prior art alone lowers it
        assert [x["family"] for x in m["corpus"]["before_reference"]] == ["bg:elder"]
        assert m["corpus"]["reference_line"]["family"] == "bg:alpha"
        assert (m["severity"], m["severity_before_corpus"]) == ("low", "high"), m
        assert m["attribution"] is None and m["verdict"].startswith(PRIOR_ART)
        assert "bg:elder (DeepSeek, first seen 2024-12-01)" in m["explanation"]
    attention = by_unit["BetaAttention.forward"]
    assert attention["corpus"]["before_reference"] == []
    assert (attention["severity"], attention["attribution"]) == ("high", "replaced")
    # the dated reference is named with its line and organisation, not as of no known organisation
    assert "(bg:alpha, Zhipu AI)" in attention["verdict"] and "organisation not labelled" not in attention["verdict"]
    assert "bg:alpha, Zhipu AI)" in attention["explanation"] and "unknown organisation" not in attention["explanation"]
    assert data["summary"]["attribution_states"] == ["replaced"]  # judged on Alpha's own code
    lowered = [m for m in data["matches"] if m["corpus"]["before_reference"] and m["severity_before_corpus"]]
    assert len(lowered) >= len(BORROWED)
    assert (f"models first seen before the reference's line also hold ({len(lowered)} rated low for that alone)"
            in data["summary"]["statement"])
    text = run("verify", suspect, "--against", reference, "--index", corpus, "--exit-zero").stdout
    assert ("prior art: also in bg:elder 2024-12-01, lines of models public before the reference's line "
            "bg:alpha (Zhipu AI, first seen 2025-07-28)") in text


@pytest.mark.parametrize("elder", [{"elder_org": "Zhipu AI"}, {"elder_org": "Alibaba DAMO Academy", "alpha_org": "Alibaba Qwen"},
                                   {"elder_seen": "2026-01-01"}, {"elder_org": "Unknown"},
                                   {"with_reference": False}, {"elder_declares": True}, {"since": "2025-09-01"}],
                         ids=["same-org", "same-company", "later", "unlabelled", "reference-not-indexed",
                              "declares-the-reference", "source-public-after-both"])
def test_no_prior_art_without_another_company_an_earlier_date_and_a_dated_reference(
        pair: tuple[Path, Path], tmp_path: Path, elder: dict) -> None:
    suspect, reference = pair
    data = _exhibit(suspect, reference, _corpus(tmp_path / "corpus", **elder))
    by_unit = {m["unit"]: m for m in data["matches"]}
    for unit in BORROWED:
        m = by_unit[unit]
        assert m["corpus"]["families"] and m["corpus"]["before_reference"] == []
        assert (m["severity"], m["attribution"]) == ("high", "replaced"), (unit, m["severity"], m["verdict"])
    assert bool(data["background"]["reference_lines"]) == elder.get("with_reference", True)


def test_a_line_declaring_another_line_of_the_reference_maker_is_no_prior_art() -> None:
    """MiniCPM3 (2024-09) declares DeepSeek-V2's attention; against DeepSeek-V3 (2024-12) it is an
    earlier line of another company, but its code is DeepSeek's: no prior art.  An earlier line of
    a third company that declares nothing is."""
    from lineage.workflow.background import Line
    from lineage.workflow.prior_art import earlier_lines

    reference = Line("src:deepseek_v3", "DeepSeek", "2024-12-26")
    heir = Line("src:minicpm3", "OpenBMB", "2024-09-05", ("deepseek_v2",))
    other = Line("src:mixtral", "Mistral AI", "2023-12-11")
    orgs = {"deepseek_v2": "DeepSeek", "deepseek_v3": "DeepSeek", "minicpm3": "OpenBMB"}
    assert earlier_lines((other, heir), reference, orgs) == (other,)
    assert earlier_lines((other, heir), reference) == (other, heir)  # (who declares what unknown)


def test_a_holder_is_dated_by_when_its_code_was_public_where_the_corpus_holds_it() -> None:
    """An engine's port of a 2023 model, first shipped in 2025, was no source of a 2024 model's code:
    a holder's model date is not its code's.  The note names both dates."""
    import dataclasses

    from lineage.workflow.background import Line
    from lineage.workflow.prior_art import earlier_lines, prior_art_note

    reference = Line("src:deepseek_v3", "DeepSeek", "2024-12-26")
    port = Line("engine:mixtral", "Mistral AI", "2023-12-11", public="2025-05-13")
    shipped = Line("engine:llama", "Meta", "2023-02-24", public="2023-06-20")
    assert earlier_lines((port, shipped), reference) == (shipped,)
    assert port.since == "2025-05-13" and Line("x:y", "Meta", "2023-02-24").since == "2023-02-24"
    # the reference too: an engine's port of a 2023-05 model, shipped 2023-08, after the engine's
    # port of a 2022 model shipped 2023-07, which therefore had the code first; not so had it shipped earlier
    falcon = Line("engine:falcon", "TII", "2023-05-25", public="2023-08-02")
    bloom = Line("engine:bloom", "BigScience", "2022-07-12", public="2023-07-05")
    assert earlier_lines((bloom,), falcon) == (bloom,)
    assert earlier_lines((bloom,), dataclasses.replace(falcon, public="2023-06-01")) == ()
    assert "engine:mixtral (Mistral AI, first seen 2023-12-11, in its source since 2025-05-13)" in port.label()
    assert "in its source since" not in reference.label()
    note = prior_art_note((shipped,), reference)
    assert "engine:llama (Meta, first seen 2023-02-24, in its source since 2023-06-20)" in note
