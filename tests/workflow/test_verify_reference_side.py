"""`lineage verify` counts the reference side's own files as background (workflow/siblings.py).

An engine release the corpus does not hold writes the same code into many of its model files;
two unrelated files of it then look like copies of each other.  Here the Alpha reference's
attention class also stands, renamed, in six more model files beside it in its folder, none of
them in the corpus: verified against the one reference file, the suspect's copied attention is
rated low at most and the exhibit names the files holding it, while the router and experts,
which no other file holds, keep their rating.  With too few files beside it, nothing changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tests.lines_fixture import index_families
from tests.workflow.conftest import reference_text, renamed_copy, run, unit_source

HEAD = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n"
ATTENTION = ("BetaAttention.__init__", "BetaAttention.forward")
OWN = ("BetaTopKRouter.forward", "BetaExperts.forward")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus holding none of the pair's code (one unrelated family)."""
    other = HEAD + "def gamma_scale(x, k):\n    y = x * k\n    return y.clamp(-k, k), y.sum() / k\n"
    return index_families(tmp_path_factory.mktemp("corpus"), "bg", [("gamma", other, "Google", "2024-01-01", ())])


def _folder(root: Path, beside: int) -> Path:
    """The reference file in a folder with ``beside`` other model files holding its attention class."""
    folder = root / "models"
    folder.mkdir()
    (folder / "alpha.py").write_text(reference_text(), encoding="utf-8")
    for k in range(beside):
        text = HEAD + unit_source("AlphaAttention").replace("Alpha", f"Line{k}")
        (folder / f"line{k}.py").write_text(text, encoding="utf-8")
    (folder / "README.txt").write_text("not Python\n", encoding="utf-8")
    return folder


def _exhibit(suspect: Path, reference: Path, *more: str | Path) -> dict:
    done = run("verify", suspect, "--against", reference, "--format", "json", "--exit-zero", *more)
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout))


def _suspect(root: Path) -> Path:
    path = root / "suspect" / "beta.py"
    path.parent.mkdir()
    path.write_text(renamed_copy(), encoding="utf-8")
    return path


def test_code_many_files_beside_the_reference_hold_is_low_at_most(tmp_path: Path, corpus: Path) -> None:
    folder, suspect = _folder(tmp_path, 6), _suspect(tmp_path)
    data = _exhibit(suspect, folder / "alpha.py", "--index", corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    for unit in ATTENTION:
        m = by_unit[unit]
        assert m["corpus"]["model_lines"] == 0
        assert m["corpus"]["reference_side"] == ["alpha.py", *(f"line{k}.py" for k in range(6))], m["corpus"]
        assert m["severity"] in ("low", "info"), (unit, m["severity"], m["explanation"])
        if m["severity_before_corpus"]:  # rated down: the pair's own verdict is said as the pair's alone
            assert "Verdict: " not in m["explanation"] and "The pair alone would read: " in m["explanation"]
    assert by_unit["BetaAttention.forward"]["severity_before_corpus"] in ("medium", "high")
    for unit in OWN:  # no other file holds them: the pair's evidence stands
        assert by_unit[unit]["corpus"]["reference_side"] == ["alpha.py"] and by_unit[unit]["severity"] == "high"
    beside = data["inputs"]["reference"]["beside"]
    assert [b["path"] for b in beside] == [f"line{k}.py" for k in range(6)]  # (Python files only, by name)
    assert beside[0]["sha256"] == hashlib.sha256((folder / "line0.py").read_bytes()).hexdigest()
    text = run("verify", suspect, "--against", folder / "alpha.py", "--index", corpus, "--exit-zero").stdout
    assert "reference side: the same code stands in 7 of its files (alpha.py, line0.py" in text
    assert "beside it:  6 files of its folder read as background for shared code (line0.py, line1.py" in text


def test_without_a_corpus_the_reference_side_still_caps_the_rating(tmp_path: Path) -> None:
    folder, suspect = _folder(tmp_path, 6), _suspect(tmp_path)
    data = _exhibit(suspect, folder / "alpha.py", "--no-index")
    by_unit = {m["unit"]: m for m in data["matches"]}
    for unit in ATTENTION:
        assert by_unit[unit]["severity"] in ("low", "info")
        assert "The reference side holds this code in 7 files" in by_unit[unit]["explanation"]
    for unit in OWN:  # (no corpus: low at most, said as the pair alone's reading)
        assert by_unit[unit]["severity"] == "low" and by_unit[unit]["severity_before_corpus"] in ("medium", "high")
        assert "rated low at most" in by_unit[unit]["explanation"]
        assert "The reference side holds" not in by_unit[unit]["explanation"]


def test_too_few_files_beside_it_change_nothing(tmp_path: Path, corpus: Path) -> None:
    folder, suspect = _folder(tmp_path, 3), _suspect(tmp_path)
    by_unit = {m["unit"]: m for m in _exhibit(suspect, folder / "alpha.py", "--index", corpus)["matches"]}
    assert len(by_unit["BetaAttention.forward"]["corpus"]["reference_side"]) == 4
    assert by_unit["BetaAttention.forward"]["severity"] == "high"


def test_the_suspect_beside_the_reference_is_not_counted(tmp_path: Path, corpus: Path) -> None:
    """Copies of the suspect in the reference's folder hold its code but are the suspect, not the
    reference's source: they are not read."""
    folder, suspect = _folder(tmp_path, 3), _suspect(tmp_path)
    for k in range(3):
        (folder / f"beta_copy{k}.py").write_bytes(suspect.read_bytes())
    data = _exhibit(suspect, folder / "alpha.py", "--index", corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    assert len(by_unit["BetaAttention.forward"]["corpus"]["reference_side"]) == 4
    assert [b["path"] for b in data["inputs"]["reference"]["beside"]] == [f"line{k}.py" for k in range(3)]
    assert by_unit["BetaAttention.forward"]["severity"] == "high"


def test_a_folder_reference_counts_its_own_files(tmp_path: Path, corpus: Path) -> None:
    """The reference given as the folder: its files are the reference side, nothing is read beside it."""
    folder, suspect = _folder(tmp_path, 6), _suspect(tmp_path)
    data = _exhibit(suspect, folder, "--index", corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    assert len(by_unit["BetaAttention.forward"]["corpus"]["reference_side"]) == 7
    assert by_unit["BetaAttention.forward"]["severity"] in ("low", "info")
    assert "beside" not in data["inputs"]["reference"]


def test_what_is_read_beside_the_reference_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only regular ``.py`` files, no symlink (not even to a file in the folder), within the file and
    byte budgets, by name."""
    from lineage.models import SourceFile
    from lineage.workflow import siblings

    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "ref.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    for k in range(6):
        (folder / f"m{k}.py").write_text(f"def g{k}():\n    return {k}\n" + "# pad\n" * 40, encoding="utf-8")
    (folder / "linked.py").symlink_to(folder / "m0.py")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.py").write_text("x = 1\n", encoding="utf-8")
    suspect = [SourceFile("s.py", (folder / "m5.py").read_bytes())]
    got, unread = siblings.beside(str(folder / "ref.py"), suspect, 1_000_000)
    assert [f.path for f in got] == ["m0.py", "m1.py", "m2.py", "m3.py", "m4.py"] and unread == 0  # (m5: the suspect)
    monkeypatch.setattr(siblings, "MAX_BESIDE", 3)
    # the first three names (linked.py, m0.py, m1.py), the symlink left out; 4 names not looked at
    got, unread = siblings.beside(str(folder / "ref.py"), [], 1_000_000)
    assert [f.path for f in got] == ["m0.py", "m1.py"] and unread == 4
    monkeypatch.setattr(siblings, "MAX_BESIDE", 500)
    monkeypatch.setattr(siblings, "MAX_BESIDE_BYTES", 2 * len((folder / "m0.py").read_bytes()))
    got, unread = siblings.beside(str(folder / "ref.py"), [], 1_000_000)
    assert [f.path for f in got] == ["m0.py", "m1.py"] and unread == 4


def test_copies_of_the_reference_beside_it_are_the_reference_not_its_source(tmp_path: Path, corpus: Path) -> None:
    """Hard links to the reference and copies of it, beside it or in a folder reference, hold its
    code as the reference does: one file of its source, however many names it has (a review: four
    hard links turned a real partial copy low)."""
    folder, suspect = _folder(tmp_path, 3), _suspect(tmp_path)
    for k in range(2):
        os.link(folder / "alpha.py", folder / f"alpha_link{k}.py")
        (folder / f"alpha_copy{k}.py").write_bytes((folder / "alpha.py").read_bytes())
    for reference in (folder / "alpha.py", folder):
        by_unit = {m["unit"]: m for m in _exhibit(suspect, reference, "--index", corpus)["matches"]}
        assert len(by_unit["BetaAttention.forward"]["corpus"]["reference_side"]) == 4, reference
        assert by_unit["BetaAttention.forward"]["severity"] == "high"


def test_a_name_that_is_not_utf8_beside_the_reference_is_read_and_said_escaped(tmp_path: Path, corpus: Path) -> None:
    """A file name holding a byte that is not UTF-8, beside the reference or in a folder reference:
    the exhibit is written (it crashed), the name shown as \\xNN."""
    folder, suspect = _folder(tmp_path, 5), _suspect(tmp_path)
    odd = os.fsdecode(b"line\xff.py")
    (folder / odd).write_text(HEAD + unit_source("AlphaAttention").replace("Alpha", "Odd"), encoding="utf-8")
    for reference in (folder / "alpha.py", folder):
        data = _exhibit(suspect, reference, "--index", corpus)
        side = {m["unit"]: m for m in data["matches"]}["BetaAttention.forward"]["corpus"]["reference_side"]
        assert "line\\xff.py" in side and len(side) == 7, side


def test_a_maker_is_not_named_for_code_only_the_reference_side_shares(tmp_path: Path) -> None:
    """Code six files beside the reference hold is the reference source's pattern, not the maker's
    of the one indexed line that holds it too (a review: "all of them rednote hi lab's")."""
    line = HEAD + unit_source("AlphaAttention").replace("Alpha", "Kin")
    (tmp_path / "corpus1").mkdir()
    one_line = index_families(tmp_path / "corpus1", "bg", [("kin", line, "Google", "2024-01-01", ())])
    folder = _folder(tmp_path, 6)
    suspect = tmp_path / "part.py"  # the attention class alone, renamed, beside code of its own
    suspect.write_text(HEAD + unit_source("AlphaAttention").replace("Alpha", "Beta")
                       + "\n\ndef beta_own(values):\n    return sorted(v * 2 for v in values if v)\n", encoding="utf-8")
    by_unit = {m["unit"]: m for m in _exhibit(suspect, folder / "alpha.py", "--index", one_line)["matches"]}
    m = by_unit["BetaAttention.forward"]
    assert m["corpus"]["makers"] == ["Google"] and m["corpus"]["model_lines"] == 1
    assert "files of the reference side (its source's own pattern)" in m["verdict"], m["verdict"]
    assert "all of them" not in m["verdict"]


def test_files_left_unread_beside_the_reference_are_said(tmp_path: Path, corpus: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the budget, the files not read beside the reference are said in the exhibit's warnings
    (a review: 600 junk files sorting first hid the real neighbours without a word)."""
    from lineage.workflow import siblings

    folder, suspect = _folder(tmp_path, 6), _suspect(tmp_path)
    monkeypatch.setattr(siblings, "MAX_BESIDE", 4)
    data = _exhibit(suspect, folder / "alpha.py", "--index", corpus)
    assert [w for w in data["warnings"] if w.startswith("2 .py files beside the reference were not read")], \
        data["warnings"]
    monkeypatch.setattr(siblings, "MAX_BESIDE", 500)
    assert not [w for w in _exhibit(suspect, folder / "alpha.py", "--index", corpus)["warnings"]
                if "beside the reference were not read" in w]



def test_without_a_corpus_code_of_the_reference_sides_pattern_judges_no_notice(tmp_path: Path) -> None:
    """(a stranger's review, 2026-12-05) with `--no-index` such a unit was rated low but still judged
    the suspect's notice "replaced"; as with a corpus, it judges none."""
    folder = _folder(tmp_path, 6)
    only_attention = tmp_path / "only" / "beta.py"
    only_attention.parent.mkdir()
    only_attention.write_text("# Copyright 2026 Acme Labs. All rights reserved.\n" + HEAD
                              + unit_source("AlphaAttention").replace("Alpha", "Beta"), encoding="utf-8")
    judged = _exhibit(only_attention, folder / "alpha.py", "--no-index")
    assert judged["matches"] and all(m["attribution"] is None for m in judged["matches"])
    assert {m["verdict"] for m in judged["matches"]} == {
        "code shared by 7 files of the reference side (its source's own pattern): no copy verdict, and no notice "
        "judgement from it"}
    assert "Notices: not judged" in run("verify", only_attention, "--against", folder / "alpha.py", "--no-index",
                                        "--exit-zero").stdout


def _model_folders(root: Path, beside: int, name: str = "modeling_{}.py") -> Path:
    """One folder per model, as optimum-habana and transformers keep them: the reference
    models/alpha/modeling_alpha.py, and ``beside`` more models' folders, each holding its own
    same-named file with the attention class (renamed), plus a file named otherwise."""
    models = root / "models"
    (models / "alpha").mkdir(parents=True)
    reference = models / "alpha" / name.format("alpha")
    reference.write_text(reference_text(), encoding="utf-8")
    for k in range(beside):
        folder = models / f"line{k}"
        folder.mkdir()
        text = HEAD + unit_source("AlphaAttention").replace("Alpha", f"Line{k}")
        (folder / name.format(f"line{k}")).write_text(text, encoding="utf-8")
        (folder / "helpers.py").write_text(text, encoding="utf-8")  # (not named as the reference is: not read)
    return reference


def test_an_engine_keeping_each_model_in_its_own_folder_counts_its_other_models(tmp_path: Path, corpus: Path) -> None:
    """The same-named files of the folders beside the reference's are its source's other models: code
    six of them hold is the source's pattern, low at most (unrelated optimum-habana ports read as a
    high copy, "notice removed", a stranger's review); code no other model holds keeps its rating."""
    reference, suspect = _model_folders(tmp_path, 6), _suspect(tmp_path)
    data = _exhibit(suspect, reference, "--index", corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    for unit in ATTENTION:
        side = by_unit[unit]["corpus"]["reference_side"]
        assert sorted(side) == sorted(["modeling_alpha.py", *(f"../line{k}/modeling_line{k}.py" for k in range(6))]), side
        assert by_unit[unit]["severity"] in ("low", "info"), (unit, by_unit[unit]["severity"])
    for unit in OWN:
        assert by_unit[unit]["severity"] == "high"
    assert [b["path"] for b in data["inputs"]["reference"]["beside"]] == \
        [f"../line{k}/modeling_line{k}.py" for k in range(6)]


def test_a_file_not_named_after_its_folder_reads_only_its_folder(tmp_path: Path, corpus: Path) -> None:
    reference, suspect = _model_folders(tmp_path, 6, name="model_{}.py"), _suspect(tmp_path)
    (reference.parent / reference.name).rename(reference.parent / "model.py")  # (no folder name in it)
    by_unit = {m["unit"]: m for m in _exhibit(suspect, reference.parent / "model.py", "--index", corpus)["matches"]}
    assert by_unit["BetaAttention.forward"]["corpus"]["reference_side"] == ["model.py"]
    assert by_unit["BetaAttention.forward"]["severity"] == "high"


@pytest.mark.parametrize(("own", "theirs"), [
    ("_component_builders.py", "_component_builders.py"),  # torchtune: one name in every model's folder
    ("alpha_transformer_decoder.py", "{}_decoder.py"),  # keras-hub: names ending in the part the file plays
])
def test_the_model_folders_beside_count_their_files_of_its_name_or_part(tmp_path: Path, corpus: Path, own: str,
                                                                        theirs: str) -> None:
    """A framework keeping each model in its own folder need not name its files after the folder: the
    files of the reference's name, or ending in its last word (the part it plays), in the folders
    beside are its other models (a second stranger's review: torchtune's qwen2 and mistral
    `_component_builders.py`, keras-hub's qwen and mistral decoders, read as medium or high copies
    in their own trees).  A file playing another part there is not read."""
    models = tmp_path / "models"
    (models / "alpha").mkdir(parents=True)
    reference = models / "alpha" / own
    reference.write_text(reference_text(), encoding="utf-8")
    expected = []
    for k in range(6):
        folder = models / f"line{k}"
        folder.mkdir()
        text = HEAD + unit_source("AlphaAttention").replace("Alpha", f"Line{k}")
        (folder / theirs.format(f"line{k}")).write_text(text, encoding="utf-8")
        (folder / f"line{k}_helpers.py").write_text(text, encoding="utf-8")  # (another part: not read)
        expected.append(f"../line{k}/{theirs.format(f'line{k}')}")
    data = _exhibit(_suspect(tmp_path), reference, "--index", corpus)
    by_unit = {m["unit"]: m for m in data["matches"]}
    for unit in ATTENTION:
        assert sorted(by_unit[unit]["corpus"]["reference_side"]) == sorted([own, *expected])
        assert by_unit[unit]["severity"] in ("low", "info"), (unit, by_unit[unit]["severity"])
    for unit in OWN:
        assert by_unit[unit]["severity"] == "high"
    assert [b["path"] for b in data["inputs"]["reference"]["beside"]] == expected


def test_code_a_file_beside_the_reference_holds_more_closely_is_low_at_most(tmp_path: Path, corpus: Path) -> None:
    """An engine pastes a helper, changed a little, into each model file: the reference holds the
    suspect's router less closely than one model file beside it does, so the pair cannot show that
    the suspect took it from the reference (a stranger's review: optimum-habana's gemma port against
    its starcoder2 port read high, "notice removed", on the tiled flash-attention helper that the
    gemma2 port beside it holds more closely).  Without that file the pair's rating stands."""
    changed = reference_text().replace(
        "        masked = biased.masked_fill(~score_mask.bool(), 0.0)\n",
        "        masked = biased.masked_fill(~score_mask.bool(), float('-inf'))\n"
        "        masked = torch.nan_to_num(masked, neginf=0.0)\n")
    assert changed != reference_text()
    suspect = _suspect(tmp_path)
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "alpha.py").write_text(changed, encoding="utf-8")
    before = {m["unit"]: m for m in _exhibit(suspect, alone / "alpha.py", "--index", corpus)["matches"]}
    assert before["BetaTopKRouter.forward"]["severity"] in ("medium", "high")  # control: the pair alone
    assert before["BetaTopKRouter.forward"]["corpus"]["closer_beside"] is None
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "alpha.py").write_text(changed, encoding="utf-8")
    (folder / "line0.py").write_text(HEAD + unit_source("AlphaTopKRouter").replace("Alpha", "Line0"), encoding="utf-8")
    by_unit = {m["unit"]: m for m in _exhibit(suspect, folder / "alpha.py", "--index", corpus)["matches"]}
    router = by_unit["BetaTopKRouter.forward"]
    assert router["severity"] in ("low", "info"), router
    closer = router["corpus"]["closer_beside"]
    assert closer["file"] == "line0.py" and closer["strength"] > closer["reference"], closer
    assert "line0.py, beside the reference, holds this code more closely" in router["explanation"]
    assert by_unit["BetaExperts.forward"]["severity"] == before["BetaExperts.forward"]["severity"] == "high"


def test_a_version_of_the_suspect_beside_the_reference_lowers_nothing(tmp_path: Path, corpus: Path) -> None:
    """A case folder keeps the reference beside a second release of the suspect file (a comment
    longer): that file holds the suspect's units more closely than the reference does because it is
    the suspect's own twin, not the reference source's code (a stranger's review lowered a copy's
    high units so)."""
    changed = reference_text().replace(
        "        masked = biased.masked_fill(~score_mask.bool(), 0.0)\n",
        "        masked = biased.masked_fill(~score_mask.bool(), float('-inf'))\n"
        "        masked = torch.nan_to_num(masked, neginf=0.0)\n")
    suspect = _suspect(tmp_path)
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "alpha.py").write_text(changed, encoding="utf-8")
    (folder / "beta_v11.py").write_text(suspect.read_text(encoding="utf-8") + "\n# release 1.1\n", encoding="utf-8")
    data = _exhibit(suspect, folder / "alpha.py", "--index", corpus)
    assert [b["path"] for b in data["inputs"]["reference"]["beside"]] == ["beta_v11.py"]  # (read, and named)
    router = {m["unit"]: m for m in data["matches"]}["BetaTopKRouter.forward"]
    assert router["severity"] in ("medium", "high") and router["corpus"]["closer_beside"] is None, router
