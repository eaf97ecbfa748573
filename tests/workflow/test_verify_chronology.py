"""`lineage verify`: the suspect's date against the first-seen date of the reference's line.

A suspect public before the reference's line cannot have taken its code from it.  On a date no
author sets (the package index's upload of a release) the exhibit rates such matches low at most
and judges no notice from them; on a commit's date, which whoever commits sets, the ratings stand
and each match says what the date would mean if true.  Our Alpha reference (Zhipu AI, first seen
2025-07-28) is indexed whole, so the corpus dates it.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from lineage.workflow.chronology import AHEAD_DAYS, SUSPECT_FIRST
from tests.lines_fixture import index_families
from tests.workflow.conftest import Repo, reference_text, renamed_copy, run

ALPHA_SEEN = "2025-07-28"


def _corpus(root: Path, families: list[tuple[str, str, str, str, tuple[str, ...]]]) -> Path:
    root.mkdir()
    return index_families(root, "bg", families)


def _exhibit(suspect: str, reference: Path, corpus: Path) -> dict:
    done = run("verify", suspect, "--against", reference, "--index", corpus, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    where = tmp_path / "reference" / "alpha"
    where.mkdir(parents=True)
    (where / "modeling_alpha.py").write_text(reference_text(), encoding="utf-8")
    return where.parent


@pytest.mark.parametrize(("committed", "before"), [("2025-03-01T12:00:00", True), ("2025-09-01T12:00:00", False)],
                         ids=["committed-before-the-line", "committed-after-it"])
def test_a_commit_date_is_stated_against_the_reference_line_and_changes_no_rating(
        repo: Repo, reference: Path, tmp_path: Path, committed: str, before: bool) -> None:
    repo.write("pkg/modeling_beta.py", renamed_copy())
    repo.add("pkg/modeling_beta.py")
    sha = repo.commit("beta", date=committed)
    corpus = _corpus(tmp_path / "corpus", [("alpha", reference_text(), "Zhipu AI", ALPHA_SEEN, ())])
    data = _exhibit(f"{repo.path}@{sha}", reference, corpus)
    clock = data["chronology"]
    assert (clock["suspect_date"], clock["settled"]) == (committed[:10], False)
    assert "set by whoever commits" in clock["basis"]
    assert data["inputs"]["suspect"]["date"].startswith(committed[:10])
    assert clock["reference_lines_after_suspect"] == (["bg:alpha"] if before else [])
    attention = next(m for m in data["matches"] if m["unit"] == "BetaAttention.forward")
    # a date its author could have set refutes nothing on its own: the copy and its notice stand
    assert (attention["severity"], attention["attribution"]) == ("high", "replaced")
    said = "whoever committed's word, so check it against the repository's public history"
    assert (said in attention["explanation"]) is before
    assert ("before these reference lines were first seen: bg:alpha (2025-07-28)" in clock["statement"]) is before
    assert (attention["corpus"].get("dates") is not None) is before
    text = run("verify", f"{repo.path}@{sha}", "--against", reference, "--index", corpus, "--exit-zero").stdout
    assert f"dates: {clock['statement']}" in text
    assert ("    dates: The suspect is dated" in text) is before  # each match says it too


def test_a_plain_directory_has_no_date_and_says_how_to_get_one(reference: Path, tmp_path: Path) -> None:
    suspect = tmp_path / "suspect"
    suspect.mkdir()
    (suspect / "modeling_beta.py").write_text(renamed_copy(), encoding="utf-8")
    corpus = _corpus(tmp_path / "corpus", [("alpha", reference_text(), "Zhipu AI", ALPHA_SEEN, ())])
    clock = _exhibit(str(suspect), reference, corpus)["chronology"]
    assert clock["suspect_date"] is None and clock["reference_lines_after_suspect"] == []
    assert "nor REPO@REV or name==version" in clock["statement"]


RELEASE = "six==1.16.0"  # uploaded to PyPI on 2021-05-05


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
@pytest.mark.parametrize(("seen", "suspect_first", "unpacked"),
                         [("2024-01-01", True, False), ("2024-01-01", True, True), ("2020-01-01", False, False),
                          ("2021-06-01", False, False)],
                         ids=["line-first-seen-after-the-release", "the-release-unpacked",
                              "line-first-seen-before-it", "line-first-seen-weeks-after-it"])
def test_a_release_public_before_the_reference_line_is_no_copy_of_it(
        tmp_path: Path, seen: str, suspect_first: bool, unpacked: bool) -> None:
    """A later file that is the release's own module, indexed as a line first seen after the
    release was uploaded: the release holds the origin, so no match is a copy verdict.  The
    release unpacked (its dist-info RECORD, confirmed by the package index's wheel) is dated alike."""
    from lineage.source.target import load_target

    released = load_target(RELEASE)
    text = next(f.data for f in released.files if f.path == "six.py").decode("utf-8")
    suspect = RELEASE
    if unpacked:
        with zipfile.ZipFile(released.inputs["path"]) as wheel:
            wheel.extractall(tmp_path / "unpacked")
        suspect = str(tmp_path / "unpacked")
    reference = tmp_path / "reference" / "later"
    reference.mkdir(parents=True)
    (reference / "modeling_later.py").write_text(text, encoding="utf-8")
    corpus = _corpus(tmp_path / "corpus", [("later", text, "Zhipu AI", seen, ())])
    data = _exhibit(suspect, reference.parent, corpus)
    clock = data["chronology"]
    assert (clock["suspect_date"], clock["settled"]) == ("2021-05-05", True)
    assert ("six==1.16.0" in clock["basis"]) is unpacked
    after = seen > "2021-05-05"
    assert clock["reference_lines_after_suspect"] == (["bg:later"] if after else [])
    rated = [m for m in data["matches"] if m["severity_before_corpus"] or m["severity"] != "info"]
    assert rated
    if suspect_first:
        assert all(m["severity"] in ("info", "low") and m["attribution"] is None for m in data["matches"])
        lowered = [m for m in data["matches"] if m["severity_before_corpus"] in ("medium", "high")]
        assert lowered and all(m["verdict"].startswith(SUSPECT_FIRST) and m["corpus"]["suspect_first"]
                               for m in lowered)
        assert all(f.get("severity") in (None, "info", "low") for f in data["files"]), data["files"]
        assert "it did not take their code from them" in clock["statement"]
        assert clock["suspect_first"] == ["bg:later"]
        units = [m for m in data["matches"] if m["unit_kind"] != "module"]
        assert (f"{len(units)} match a reference line first seen after the suspect's release was "
                "published") in data["summary"]["statement"]
    else:
        assert any(m["severity"] in ("medium", "high") for m in data["matches"])
        assert clock["suspect_first"] == [] and not any((m["corpus"] or {}).get("suspect_first") for m in data["matches"])
    if after and not suspect_first:
        # a model's code is often public weeks before its first-seen date: too close to order the pair
        assert f"within {AHEAD_DAYS} days the dates cannot order the pair" in clock["statement"]
        assert all("27 days before bg:later" in m["explanation"] for m in data["matches"])
    if not after:
        assert "the dates allow the suspect to hold the reference's code" in clock["statement"]


class _Corpus:
    def __init__(self, families: list[dict[str, str]]) -> None:
        self.meta = {"families": families}


def test_a_line_is_dated_by_the_earliest_first_seen_date_any_source_gives_it() -> None:
    """transformers 4.51.3 saw Qwen3 on 2025-04-14, the current transformers on 2025-04-29: a
    suspect published on 2025-04-14 is not before the line, whichever source's file it matched."""
    from lineage.workflow.background import Line
    from lineage.workflow.chronology import Chronology, line_dates

    corpus = _Corpus([{"name": "qwen3", "source": "transformers", "first_seen": "2025-04-29"},
                      {"name": "qwen3", "source": "transformers-4.51.3", "first_seen": "2025-04-14"},
                      {"name": "llama", "source": "transformers", "first_seen": ""}])
    assert line_dates(corpus) == {"qwen3": "2025-04-14"}  # type: ignore[arg-type]
    lines = {"modeling_qwen3.py": Line("transformers:qwen3", "Alibaba Qwen", "2025-04-29")}
    on_the_day = Chronology.of({"kind": "pypi", "date": "2025-04-14T10:00:00"}, lines, corpus)  # type: ignore[arg-type]
    assert on_the_day.later("modeling_qwen3.py") is None and not on_the_day.suspect_first("modeling_qwen3.py")
    earlier = Chronology.of({"kind": "pypi", "date": "2024-12-01"}, lines, corpus)  # type: ignore[arg-type]
    assert earlier.later("modeling_qwen3.py")[1:] == ("2025-04-14", 134)  # type: ignore[index]
    assert earlier.suspect_first("modeling_qwen3.py")
    committed = Chronology.of({"kind": "git", "date": "2024-12-01"}, lines, corpus)  # type: ignore[arg-type]
    assert not committed.suspect_first("modeling_qwen3.py")  # a commit's date settles nothing


def test_without_a_corpus_or_a_date_the_statement_says_which() -> None:
    from lineage.workflow.chronology import Chronology

    no_index = Chronology.of({"kind": "git", "date": "2024-12-01"}, {}, None).section(())
    assert "without a corpus (--no-index) the reference has no date" in no_index["statement"]
    offline = Chronology.of({"kind": "pypi", "date": ""}, {}, None).section(())
    assert offline["suspect_date"] is None and "The package index gave no upload date" in offline["statement"]


def _ported_exhibit(repo: Repo, reference: Path, tmp_path: Path, committed: str) -> dict:
    """The renamed copy committed on ``committed``, verified against Alpha indexed as a line first
    seen 2025-07-28 whose source (an engine's port) was public only from 2025-12-01."""
    repo.write("pkg/modeling_beta.py", renamed_copy())
    repo.add("pkg/modeling_beta.py")
    sha = repo.commit("beta", date=committed)
    (tmp_path / "corpus").mkdir()
    corpus = index_families(tmp_path / "corpus", "bg", [("alpha", reference_text(), "Zhipu AI", ALPHA_SEEN, ())],
                            since="2025-12-01")
    return _exhibit(f"{repo.path}@{sha}", reference, corpus)


def test_a_suspect_dated_before_the_reference_file_was_public_in_its_source_is_told_so(
        repo: Repo, reference: Path, tmp_path: Path) -> None:
    """The line (first seen 2025-07-28) was public before the suspect (2025-09-01), but the
    reference file's source published it only on 2025-12-01 (an engine's later port): the suspect
    did not take this file, yet may hold the line's earlier code, so the ratings stand and say so."""
    data = _ported_exhibit(repo, reference, tmp_path, "2025-09-01T12:00:00")
    clock = data["chronology"]
    assert clock["reference_lines_after_suspect"] == [] and clock["suspect_first"] == []
    assert clock["reference_files_after_suspect"] == ["bg:alpha"]
    assert "before these reference files were public in their sources" in clock["statement"]
    assert "bg:alpha (since 2025-12-01)" in clock["statement"]
    attention = next(m for m in data["matches"] if m["unit"] == "BetaAttention.forward")
    assert (attention["severity"], attention["attribution"]) == ("high", "replaced")
    assert "91 days before this reference file's code was public in its source" in attention["explanation"]
    assert "first seen 2025-07-28" in attention["corpus"]["dates"]


def test_a_suspect_dated_after_the_reference_file_was_public_gets_no_port_note(
        repo: Repo, reference: Path, tmp_path: Path) -> None:
    data = _ported_exhibit(repo, reference, tmp_path, "2025-12-02T12:00:00")
    assert data["chronology"]["reference_files_after_suspect"] == []
    assert not any("reference file's code was public" in m["explanation"] for m in data["matches"])
