"""`lineage verify` against a corpus: code many families share is never rated above low.

Two files alone cannot tell common code from copied code.  Here the attention class of our
Alpha reference also stands, renamed, in six more families of a corpus index: verified
against that corpus, the suspect's copied attention is rated low at most and the exhibit
says how many indexed lines hold it, while the router and experts, which no other family
holds, keep their rating.  Without a corpus, the same units are rated high, and the exhibit
carries a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.lines_fixture import index_families
from tests.workflow.conftest import reference_text, renamed_copy, run, unit_source

SHARED = 6
ORGS = ("Meta", "Google", "Alibaba Qwen", "DeepSeek", "Microsoft", "NVIDIA")
HEAD = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    families = [(f"shared{k}", HEAD + unit_source("AlphaAttention").replace("Alpha", f"Line{k}"), ORGS[k],
                 f"2024-0{k + 1}-01", ()) for k in range(SHARED)]
    out = index_families(tmp_path_factory.mktemp("corpus"), "bg", families)
    return out


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    (suspect / "modeling_beta.py").write_text(renamed_copy(), encoding="utf-8")
    (reference / "alpha").mkdir(parents=True)
    (reference / "alpha" / "modeling_alpha.py").write_text(reference_text(), encoding="utf-8")
    return suspect, reference


def _without_notice(suspect: Path, out: Path) -> Path:
    """The suspect's files with their copyright lines dropped, in ``out``."""
    out.mkdir()
    for f_path in suspect.glob("*.py"):
        kept = [line for line in f_path.read_text(encoding="utf-8").splitlines() if "Copyright" not in line]
        (out / f_path.name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    return out


def _exhibit(*args: str | Path) -> tuple[dict, str]:
    done = run("verify", *args, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout), done.stderr


def test_code_the_corpus_holds_in_many_families_is_low_at_most(pair: tuple[Path, Path], corpus: Path) -> None:
    suspect, reference = pair
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    for unit in ("BetaAttention.__init__", "BetaAttention.forward"):
        m = by_unit[unit]
        assert m["corpus"]["model_lines"] >= 5, m["corpus"]
        assert {f.split(":", 1)[1] for f in m["corpus"]["families"]} >= {f"shared{k}" for k in range(5)}
        assert m["severity"] in ("low", "info"), (unit, m["severity"], m["explanation"])
        # the suspect is the reference file whole: the unit keeps its copy verdict, said as part of that copy
        assert "as part of the whole-file copy (this code alone, code shared by" in m["verdict"], m["verdict"]
    # no unit the corpus holds in 5 or more lines is rated above low
    assert all(m["severity"] in ("low", "info") for m in data["matches"] if m["corpus"]["model_lines"] >= 5)
    for unit in ("BetaTopKRouter.forward", "BetaExperts.forward"):
        assert by_unit[unit]["corpus"]["model_lines"] == 0 and by_unit[unit]["severity"] == "high"
    assert data["background"]["families"] == SHARED and data["warnings"] == []
    assert "or more indexed model lines (or lines of 3 or more companies' models, or 5 or more files of the reference " \
           "side) share" in data["summary"]["statement"]
    text = run("verify", suspect, "--against", reference, "--index", corpus, "--exit-zero")
    assert "corpus: the same code stands in" in text.stdout and "WARNING" not in text.stdout


@pytest.mark.parametrize(("orgs", "shared"), [
    (("Meta", "Google", "DeepSeek"), True),  # three companies hold it: it need not be the reference's
    (("Meta", "Google"), False),  # two: the reference's code may have been copied twice
    (("Meta", "Meta", "Meta"), False),  # one company's three lines: its own code
])
def test_code_several_companies_models_hold_is_low_at_most(pair: tuple[Path, Path], tmp_path: Path,
                                                           orgs: tuple[str, ...], shared: bool) -> None:
    """Fewer lines than common code, but of three companies: a serving engine's own code, written
    into several makers' model files, must not read as the reference maker's code in an exhibit."""
    suspect, reference = pair
    families = [(f"held{k}", HEAD + unit_source("AlphaAttention").replace("Alpha", f"Held{k}"), org,
                 f"2024-0{k + 1}-01", ()) for k, org in enumerate(orgs)]
    (tmp_path / "few").mkdir()
    corpus = index_families(tmp_path / "few", "bg", families)
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    m = {m["unit"]: m for m in data["matches"]}["BetaAttention.forward"]
    assert m["corpus"]["model_lines"] == len(orgs) and m["corpus"]["makers"] == sorted(set(orgs))
    if shared:
        # (the suspect file is the reference file as a whole, so the file's notice is still judged)
        assert m["severity"] == "low" and m["severity_before_corpus"] == "high", m
        assert "of 3 companies" in m["explanation"] and "cannot show it came from the reference" in m["explanation"]
    else:
        assert m["severity"] == "high" and m["severity_before_corpus"] is None, m
    router = {m["unit"]: m for m in data["matches"]}["BetaTopKRouter.forward"]
    assert router["severity"] == "high"  # code no other line holds keeps its rating


@pytest.mark.parametrize("declared", [True, False])
def test_lines_declaring_the_reference_makers_line_are_not_other_makers(pair: tuple[Path, Path], tmp_path: Path,
                                                                      declared: bool) -> None:
    """The corpus holds the reference file whole (it dates it to the line alpha, Zhipu AI) and its
    attention in two more companies' lines.  When both declare alpha as their parent, the code is
    alpha's, however many makers hold it: the copied attention keeps its rating.  When they do not,
    three companies' models hold it and it is rated low at most."""
    suspect, reference = pair
    parents = ("alpha",) if declared else ()
    families = [("alpha", reference_text(), "Zhipu AI", "2024-01-01", ()),
                *((f"heir{k}", HEAD + unit_source("AlphaAttention").replace("Alpha", f"Heir{k}"), org,
                   f"2024-0{k + 2}-01", parents) for k, org in enumerate(("Meta", "Google")))]
    (tmp_path / "heirs").mkdir()
    corpus = index_families(tmp_path / "heirs", "bg", families)
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    assert data["background"]["reference_lines"]["alpha/modeling_alpha.py"]["family"] == "bg:alpha"
    m = {m["unit"]: m for m in data["matches"]}["BetaAttention.forward"]
    assert m["corpus"]["model_lines"] == 3
    if declared:
        assert m["corpus"]["makers"] == ["Zhipu AI"]
        assert m["severity"] == "high", m
    else:
        assert m["corpus"]["makers"] == ["Google", "Meta", "Zhipu AI"]
        assert m["severity"] == "low" and m["severity_before_corpus"] == "high"


def test_a_file_score_resting_on_shared_code_is_not_placed_above_the_unrelated_p99(tmp_path: Path,
                                                                                  corpus: Path) -> None:
    """A suspect file holding only the attention six indexed lines share (and code of its own):
    its raw file score is above the calibrated unrelated p99, but shared code is no evidence of this
    pair, so the score placed is the one beyond it, and the exhibit says both."""
    _, reference = tmp_path / "unused", tmp_path / "reference"
    (reference / "alpha").mkdir(parents=True)
    (reference / "alpha" / "modeling_alpha.py").write_text(reference_text(), encoding="utf-8")
    suspect = tmp_path / "modeling_gamma.py"
    suspect.write_text(HEAD + unit_source("AlphaAttention").replace("Alpha", "Gamma"), encoding="utf-8")
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    (f,) = data["files"]
    p99 = data["scores_baseline"]["files"]["calibration"]["unrelated_p99"]
    assert f["score"] > p99 and f["score_beyond_shared"] < p99, f
    assert f["above_unrelated_p99"] is False and "severity" not in f
    assert "0 of 1 matched files score above the calibrated unrelated p99 beyond code the corpus shows as shared" \
        in data["summary"]["statement"]
    text = run("verify", suspect, "--against", reference, "--index", corpus, "--exit-zero").stdout
    assert f"score {f['score']:.2f}; {f['score_beyond_shared']:.2f} beyond code the corpus shows as shared, " \
           "not above the calibrated unrelated p99" in text


def test_serving_glue_beside_shared_code_does_not_judge_the_model_makers_notice(tmp_path: Path,
                                                                                 corpus: Path) -> None:
    """An engine writes the same weight-loading glue into every model's file.  A suspect holding the
    reference's attention (code six indexed lines share) and its glue, under another holder's
    notice: the shared code says nothing of whose notice the file owes, and neither does the glue
    (rated low as code; until 2026-12-02 it alone judged the notice "replaced", lifting itself to
    medium).  With the reference's router beside them, a copy of its model code, the notice is judged."""
    _, reference = tmp_path / "unused", tmp_path / "reference"
    (reference / "alpha").mkdir(parents=True)
    (reference / "alpha" / "modeling_alpha.py").write_text(reference_text(), encoding="utf-8")
    head = "# Copyright 2025 Acme Corp.\n# SPDX-License-Identifier: Apache-2.0\n" + HEAD
    glue = unit_source("alpha_load_weights").replace("alpha", "acme")
    attention = unit_source("AlphaAttention").replace("Alpha", "Acme")
    suspect = tmp_path / "modeling_acme.py"
    suspect.write_text(head + attention + "\n\n" + glue, encoding="utf-8")
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    (m,) = [m for m in data["matches"] if m["unit"] == "acme_load_weights"]
    assert m["role"] == "inference-glue" and m["attribution"] is None and m["severity"] == "low", m
    assert "or from serving glue" in m["verdict"]
    assert not any(x["attribution"] in ("removed", "replaced") for x in data["matches"])
    assert run("verify", suspect, "--against", reference, "--index", corpus).exit_code == 0
    router = unit_source("AlphaTopKRouter").replace("Alpha", "Acme")
    suspect.write_text(head + attention + "\n\n" + router + "\n\n" + glue, encoding="utf-8")
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    assert by_unit["AcmeTopKRouter.forward"]["attribution"] == "replaced"
    assert by_unit["acme_load_weights"]["attribution"] == "replaced"
    assert by_unit["acme_load_weights"]["severity"] == "medium"  # lifted with the judged notice


def test_without_a_corpus_the_exhibit_warns(pair: tuple[Path, Path]) -> None:
    suspect, reference = pair
    data, stderr = _exhibit(suspect, "--against", reference, "--no-index")
    by_unit = {m["unit"]: m for m in data["matches"]}
    # the pair alone: everything looks rare, so nothing is rated above low (a review: unrelated
    # engine files of two makers, the reference alone in its folder, read medium "notice removed")
    beta = by_unit["BetaAttention.forward"]
    assert beta["severity"] == "low" and beta["severity_before_corpus"] == "high"
    assert "rated low at most" in beta["explanation"]
    assert beta["verdict"].startswith("by the pair alone (no corpus): core-architecture copy of reference")
    assert all(m["severity"] in ("low", "info") for m in data["matches"])
    assert beta["corpus"] is None
    assert data["background"] is None and data["warnings"] and "can look rare" in data["warnings"][0]
    assert "warning: no corpus background" in stderr
    text = run("verify", suspect, "--against", reference, "--no-index", "--exit-zero")
    assert "WARNING: no corpus background" in text.stdout


def test_index_and_no_index_exclude_each_other(pair: tuple[Path, Path], corpus: Path) -> None:
    suspect, reference = pair
    done = run("verify", suspect, "--against", reference, "--index", corpus, "--no-index")
    assert done.exit_code == 2 and "exclude each other" in done.stderr


def test_a_missing_default_index_is_a_clear_error(pair: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    suspect, reference = pair
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    done = run("verify", suspect, "--against", reference)
    assert done.exit_code == 2 and "not built yet" in done.stderr and "`lineage corpus ensure`" in done.stderr


def test_a_copy_of_the_whole_file_is_rated_as_a_file_though_each_unit_is_common(
        pair: tuple[Path, Path], tmp_path: Path) -> None:
    """Every unit of the reference stands in six more families: alone, each is common code and
    rated low at most.  The suspect is the whole reference file with its notice swapped, which
    is a copy all the same: the file gets its own rating, high, and --fail-on high fails."""
    suspect, reference = pair
    text = reference_text()
    families = [(f"whole{k}", HEAD + text.replace("Alpha", f"Whole{k}").replace("alpha_", f"whole{k}_"), ORGS[k],
                 f"2024-0{k + 1}-01", ()) for k in range(SHARED)]
    (tmp_path / "whole").mkdir()
    corpus = index_families(tmp_path / "whole", "bg", families)
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    assert data["matches"] and all(m["severity"] in ("low", "info") for m in data["matches"])
    (f,) = data["files"]
    assert f["score"] >= 0.9 and f["severity"] == "high"
    assert f["verdict"] == f"copy of the whole reference file alpha/modeling_alpha.py (file score {f['score']:.2f}), notice replaced"
    assert "1 file is a copy of a reference file as a whole (1 high" in data["summary"]["statement"]
    done = run("verify", suspect, "--against", reference, "--index", corpus, "--fail-on", "high")
    assert done.exit_code == 1 and "[HIGH] copy of the whole reference file" in done.stdout
    # the notice removed rather than replaced: medium, as a scan rates that notice finding
    removed = _without_notice(suspect, tmp_path / "removed")
    data, _ = _exhibit(removed, "--against", reference, "--index", corpus)
    (f,) = data["files"]
    assert (f["severity"], f["verdict"].rsplit(", ", 1)[-1]) == ("medium", "notice removed"), f
    assert "(0 high: notice replaced; 1 medium: removed)" in data["summary"]["statement"]
    # a copy of part of the file is no whole-file copy: no file rating
    part = tmp_path / "part"
    part.mkdir()
    (part / "modeling_beta.py").write_text(HEAD + unit_source("AlphaAttention").replace("Alpha", "Beta") + "\n\n"
                                           + "\n\n".join(f"def own{i}(x, y):\n    z = x * {i} + y\n    w = z ** 2 - x\n"
                                                         f"    return w / (y + {i})\n" for i in range(12)),
                                           encoding="utf-8")
    data, _ = _exhibit(part, "--against", reference, "--index", corpus)
    assert data["files"] and all("severity" not in f for f in data["files"]), data["files"]


def test_code_many_lines_of_one_makers_lineage_hold_is_said_to_be_that_makers(tmp_path: Path) -> None:
    """Six lines hold the attention: the reference's maker's line and five lines of other makers
    that declare it as their parent.  Six holders are too many for the pair to show the suspect
    took it from this file (low at most), but the verdict says whose line's code it is."""
    families = [("alpha", reference_text(), "Zhipu AI", "2024-01-01", ()),
                *((f"heir{k}", HEAD + unit_source("AlphaAttention").replace("Alpha", f"Heir{k}"), org,
                   f"2024-0{k + 2}-01", ("alpha",)) for k, org in enumerate(ORGS[:5]))]
    (tmp_path / "heirs").mkdir()
    corpus = index_families(tmp_path / "heirs", "bg", families)
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    (suspect / "modeling_beta.py").write_text(
        "# Copyright 2025 Acme Corp.\n" + HEAD + unit_source("AlphaAttention").replace("Alpha", "Beta"),
        encoding="utf-8")
    (reference / "alpha").mkdir(parents=True)
    (reference / "alpha" / "modeling_alpha.py").write_text(reference_text(), encoding="utf-8")
    data, _ = _exhibit(suspect, "--against", reference, "--index", corpus)
    m = {m["unit"]: m for m in data["matches"]}["BetaAttention.forward"]
    assert m["corpus"]["model_lines"] == 6 and m["corpus"]["makers"] == ["Zhipu AI"], m["corpus"]
    assert m["severity"] == "low" and m["attribution"] is None, m
    assert m["verdict"].startswith("code shared by 6 indexed model lines, all of them Zhipu AI's or declaring "
                                   "descent from its lines: the code is Zhipu AI's line's"), m["verdict"]


def test_a_whole_copy_whose_every_unit_is_common_idiom_has_its_notice_judged(
        pair: tuple[Path, Path], tmp_path: Path) -> None:
    """Held by so many lines that every unit is a common idiom (info, no notice state of its own),
    the reference file copied whole with its notice dropped is still that file's copy with its
    notice removed (a stranger's padded llama read "its notice was not removed or replaced")."""
    suspect, reference = pair
    text = reference_text()
    makers = ("Meta", "Google", "Alibaba Qwen", "DeepSeek", "Microsoft", "NVIDIA", "Tencent", "Baidu", "ByteDance",
              "Xiaomi", "StepFun", "Meituan", "MiniMax", "IBM", "AI2", "Apple")
    families = [(f"whole{k}", HEAD + text.replace("Alpha", f"Whole{k}").replace("alpha_", f"whole{k}_"),
                 maker, f"2023-{k % 12 + 1:02d}-01", ()) for k, maker in enumerate(makers)]
    (tmp_path / "whole").mkdir()
    corpus = index_families(tmp_path / "whole", "bg", families)
    removed = _without_notice(suspect, tmp_path / "removed")
    data, _ = _exhibit(removed, "--against", reference, "--index", corpus)
    assert data["matches"] and not any(m.get("attribution") for m in data["matches"]), data["matches"]
    (f,) = data["files"]
    assert (f["severity"], f["verdict"].rsplit(", ", 1)[-1]) == ("medium", "notice removed"), f
    (judged,) = [a for a in data["notices"]["attribution"] if a["suspect"] == f["path"]]
    assert judged["state"] == "removed" and judged["reference"] == "alpha/modeling_alpha.py"
