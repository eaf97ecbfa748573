"""Which one source explains a file: parents over grandparents and siblings, lineage groups for
common code, look-through to a declared root, and time travel.

Five families are generated from our own fixture code (data/lines/): a "base" line, a
"router" line that adds mixture-of-experts routing to it, a "gate" line (a sibling) that adds
something else, a later "carrier" that only carries the router line's code, and an
"upstage" family that is the router line's code renamed under another holder's notice and
declares its lineage.  Scanned copies are renamed with the standard library only.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.details import look_through_root
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile
from tests.lines_fixture import FAMILIES, build_lines_index, code, file_text, index_families


@pytest.fixture(scope="module")
def lines_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("lines")))



def scan(index: EmbeddedIndex, text: str, path: str = "mine/modeling_mine.py") -> tuple[ScanResult, dict]:
    result, _ = api.scan_files([SourceFile(path, text.encode())], index, Config(workers=1))
    return result, result.summary.files[path].to_json()


def test_a_parent_beats_its_ancestor_its_sibling_and_later_carriers(lines_index: EmbeddedIndex) -> None:
    """The copy holds the router line's additions: the router line, not the base line it
    builds on, not the gate line beside it, not the later families carrying the same code."""
    _, row = scan(lines_index, code(("base", "router"), "Xray"))
    source = row["source"]
    assert source["status"] == "source" and source["source"]["family"] == "ln:router", source
    assert source["runner_up"]["family"] != "ln:router" and source["margin"] >= 0
    assert "router" in row["origin"] and "runner-up" in row["origin"]
    classes = row["classes"]
    for cls in ("XrayRouter", "XrayExperts", "XraySparseBlock"):
        assert classes[cls]["source"]["family"] == "ln:router", (cls, classes[cls])
    # a class every line holds alike goes to the file's own source (its context)
    assert classes["XrayNorm"]["source"]["family"] == "ln:router"
    assert classes["XrayNorm"]["decided_by"] == "context"


def test_code_only_the_ancestor_had_goes_to_the_ancestor(lines_index: EmbeddedIndex) -> None:
    """Every line holds the base code alike: who had it first is its source."""
    _, row = scan(lines_index, code(("base",), "Yak"))
    source = row["source"]
    # the later lines add nothing of this file themselves (they carry the base code): the base line
    assert source["source"]["family"] == "ln:base" and source["decided_by"] in ("cover", "first-seen"), source
    assert set(source["group"]["families"]) == {f"ln:{n}" for n in FAMILIES}
    assert source["group"]["earliest"] == "ln:base"


@pytest.fixture(scope="module")
def commons_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The base line plus twelve lines of other organisations that each carry its norm and
    rotary code and a function of their own: that code is common in this corpus."""
    root = tmp_path_factory.mktemp("commons")
    base = code(("base",), "Base")
    shared = base[base.index("class BaseNorm"): base.index("class BaseAttention")]
    orgs = ("Meta", "Google", "Alibaba Qwen", "DeepSeek", "Microsoft", "NVIDIA", "IBM", "Mistral AI", "Zhipu AI",
            "Moonshot AI", "MiniMax", "Tencent", "Baidu")
    families = []
    for k, org in enumerate(orgs):
        name = "base" if k == 0 else f"line{k}"
        own = "" if k == 0 else (f"\n\ndef line{k}_step(x, y):\n    total = 0\n    for i in range({k + 2}):\n"
                                  f"        total = total * {k + 3} + x[i] - y[i] // {k + 1}\n    return total\n")
        text = base if k == 0 else re.sub(r"\bBase(?=[A-Z])", f"Line{k}", re.sub(r"\bbase_", f"line{k}_", shared))
        families.append((name, text + own, org, f"202{min(k, 5)}-03-01", ()))
    out = index_families(root, "cm", families)
    return api.open_index(out)


def test_shared_code_names_its_lineage_group_and_never_convicts(commons_index: EmbeddedIndex) -> None:
    text = code(("base",), "Zed")
    keep = text[: text.index("class ZedAttention")]  # the norm, the rotary embedding and its helper
    result, row = scan(commons_index, keep)
    assert row["source"]["basis"] == "common"
    assert row["verdict"].startswith("built on shared code of the base line, held by 13 families"), row["verdict"]
    assert "copy of" not in row["verdict"]
    group = row["source"]["group"]
    assert group["earliest"] == "cm:base" and len(group["countries"]) >= 3
    assert not [f for f in result.findings if f.severity in ("medium", "high")]


def test_every_tied_family_is_listed(lines_index: EmbeddedIndex) -> None:
    result, _ = scan(lines_index, code(("base",), "Yak"))
    norm = next(f for f in result.findings if f.unit == "YakNorm.forward")
    assert sorted(norm.details.equivalent_families) == sorted(f"ln:{n}" for n in FAMILIES)
    assert norm.details.model_lines == 5 and norm.details.earliest.family == "ln:base"


def test_look_through_judges_notices_against_the_declared_root(lines_index: EmbeddedIndex) -> None:
    """The scanned file is the indexed upstage family's own code: its verdict names that family,
    looks through its declared lineage to the root, and reports the root's replaced notice."""
    result, row = scan(lines_index, file_text("upstage"), "serving/modeling_solar.py")
    source = row["source"]
    assert source["source"]["family"] == "ln:upstage"
    through = source["look_through"]
    assert through["chain"] == ["ln:upstage", "ln:router", "ln:base"] and through["root"] == "ln:base"
    root = [f for f in result.findings if f.kind == "notice" and look_through_root(f.details)]
    assert root and {f.attribution for f in root} == {"replaced"}
    # (the file keeps the family's own notice, which lacks the root's as the published file does: medium at most)
    assert all(f.severity == "medium" and f.explanation.startswith("Look-through:") for f in root)
    assert "against its declared root base: notice replaced" in row["verdict"]


def test_a_root_notice_missing_from_the_family_s_own_file_is_medium_for_a_file_keeping_it(
        lines_index: EmbeddedIndex) -> None:
    """A file keeping every notice of the family's published file (a fork of an engine's model
    file, or the vendor's own) lacks the root's notice as that file does: the gap came with the
    code, medium at most, and said so; a copy that replaced the family's own notice as well stays
    high on the root's."""
    kept, _ = scan(lines_index, file_text("upstage"), "serving/modeling_solar.py")
    root = [f for f in kept.findings if f.kind == "notice" and look_through_root(f.details)]
    assert root and all(f.severity == "medium" and "the gap came with the code (whoever published" in f.explanation
                        for f in root)
    other = file_text("upstage").replace("Upstage AI", "Acme Robotics")
    replaced, _ = scan(lines_index, other, "serving/modeling_solar.py")
    root = [f for f in replaced.findings if f.kind == "notice" and look_through_root(f.details)]
    assert root and any(f.severity == "high" for f in root)
    assert not any("the gap came with the code" in f.explanation for f in root)


def test_no_look_through_for_a_part_of_a_family_s_file(lines_index: EmbeddedIndex) -> None:
    """Only the routing code of the upstage family's file (a third of it), under its names: the
    source is that family, but the file is not the family's published file, so nothing is
    looked through to a root and no root notice is judged."""
    result, row = scan(lines_index, "import torch\nfrom torch import nn\n\n\n" + code(("router",), "Solar"))
    assert row["source"]["source"]["family"] == "ln:upstage"
    assert row["source"]["source"]["contains"] < 0.5
    assert row["source"].get("look_through") is None
    assert not [f for f in result.findings if look_through_root(f.details)]


def test_no_look_through_notice_when_the_family_declares_its_lineage_itself(tmp_path: Path) -> None:
    """A family whose own file says it was generated from its declared parents (transformers'
    modular banner) follows a declared practice: its notices are judged against it alone."""
    banner = "# This file was automatically generated from src/transformers/models/upstage/modular_upstage.py.\n"
    index = api.open_index(build_lines_index(tmp_path, banners={"upstage": banner}))
    result, row = scan(index, banner + file_text("upstage"), "serving/modeling_solar.py")
    assert row["source"]["look_through"]["root"] == "ln:base"
    assert not [f for f in result.findings if look_through_root(f.details)]
    assert "declared root" not in row["verdict"]


def test_code_many_lines_hold_is_low_at_most(lines_index: EmbeddedIndex) -> None:
    """Every line holds the base code alike: no unit of it can be rated above low, while the
    router's additions, held by the router line and the two that carry it, can."""
    result, _ = scan(lines_index, code(("base", "router"), "Xray"))
    by_unit = {f.unit: f for f in result.findings if f.kind == "code-match"}
    norm = by_unit["XrayNorm.forward"]
    assert norm.details.holders == 5 and norm.severity in ("low", "info")
    router = by_unit["XrayRouter.forward"]
    assert router.details.holders == 3 and router.severity in ("medium", "high")


def test_time_travel_leaves_out_families_first_seen_later(lines_index: EmbeddedIndex) -> None:
    text = code(("base", "router"), "Xray")
    before = api.at_date(lines_index, "2023-06-01")
    assert {f["name"] for f in before.meta["families"]} == {"base"}
    _, row = scan(before, text)
    assert row["source"]["source"]["family"] == "ln:base"
    assert api.at_date(lines_index, "") is lines_index


def test_a_git_revision_is_judged_as_of_its_commit_date(lines_index: EmbeddedIndex, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "modeling_mine.py").write_text(code(("base", "router"), "Xray"), encoding="utf-8")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": "2023-06-01T12:00:00+00:00",
           "GIT_COMMITTER_DATE": "2023-06-01T12:00:00+00:00"}
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "c"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    result, _ = api.scan(f"{repo}@HEAD", lines_index, Config(workers=1))
    assert result.index.restriction == "families first seen on or before 2023-06-01"
    assert result.summary.files["modeling_mine.py"].source.source.family == "ln:base"
    later, _ = api.scan(f"{repo}@HEAD", lines_index, Config(workers=1, as_of="2024-02-01"))
    assert later.summary.files["modeling_mine.py"].source.source.family == "ln:router"


@pytest.mark.parametrize(("scores", "names", "distinct", "decided_by", "expected"), [
    # a descendant leading its ancestor by little, in code only: the ancestor, origin of both
    ((0.50, 0.46), (0.30, 0.30), (0.20, 0.19), "cover", (1, "ancestor")),
    # a clear lead keeps the descendant
    ((0.50, 0.43), (0.30, 0.30), (0.20, 0.19), "cover", (0, "cover")),
    # ... unless its hold rests on common code: then that lead is still little
    ((0.50, 0.43), (0.30, 0.30), (0.10, 0.09), "cover", (1, "ancestor")),
    ((0.50, 0.39), (0.30, 0.30), (0.10, 0.09), "cover", (0, "cover")),
    # names closer to the descendant's on the code both hold: the file is its own code, renamed alike
    ((0.50, 0.46), (0.35, 0.30), (0.20, 0.19), "cover", (0, "cover")),
    ((0.50, 0.46), (0.35, 0.30), (0.10, 0.09), "cover", (0, "cover")),
    # code few families hold that the descendant holds and its ancestor does not
    ((0.50, 0.46), (0.30, 0.30), (0.03, 0.00), "cover", (0, "cover")),
    ((0.50, 0.46), (0.30, 0.30), (0.20, 0.05), "cover", (0, "cover")),
    # a tie decided otherwise (names, first-seen, a class's context) is not reopened
    ((0.50, 0.46), (0.30, 0.30), (0.20, 0.19), "names", (0, "names")),
])
@pytest.mark.parametrize("own_row", [False, True])
def test_a_descendant_leading_its_ancestor_by_little_yields_to_it(scores, names, distinct, decided_by,
                                                                 expected, own_row) -> None:
    """Row 0: code both families hold alike, with the given name similarities.  With ``own_row``,
    a second row only the descendant holds, with identical names: over the whole scope its names
    now lead by far, but that lead is its lead in code, which the scores judge; the names
    condition reads the code both hold, so the outcome is the same."""
    import numpy as np

    from lineage.classify.cover import Cover
    from lineage.classify.source import _ancestor_first

    strength = np.asarray([[0.9, 0.9]] + ([[0.9, 0.0]] if own_row else []))
    lexical = np.asarray([list(names)] + ([[1.0, 0.0]] if own_row else []))
    n = strength.shape[0]
    weight = np.asarray([1.0] + ([0.1] if own_row else []))  # a little code of its own: it holds little more
    rows, total = np.arange(n), float(weight.sum())
    common = np.zeros(n, dtype=bool)
    cov = Cover(np.arange(2), np.zeros(n, np.int64), weight, strength, lexical * total, common,
                np.zeros(2, np.int64), (np.asarray([1]), np.asarray([], np.int64)))
    got = _ancestor_first(cov, rows, total, np.asarray(scores), np.asarray(distinct), 0, decided_by)
    assert got == expected
    # an unrelated runner-up (not a declared ancestor) never takes the source this way
    unrelated = Cover(cov.families, cov.positions, cov.weight, strength, cov.lexical, common, cov.best_ref,
                      (np.asarray([], np.int64), np.asarray([], np.int64)))
    assert _ancestor_first(unrelated, rows, total, np.asarray(scores), np.asarray(distinct), 0,
                           decided_by) == (0, decided_by)


def test_a_descendant_holding_much_more_of_the_file_keeps_it() -> None:
    """Its lead in score is small (it holds its share less closely), but it holds twice the code
    its ancestor does: the file is built on what the descendant has and the ancestor lacks."""
    import numpy as np

    from lineage.classify.cover import Cover
    from lineage.classify.source import _ancestor_first

    strength = np.asarray([[0.9, 0.9], [0.9, 0.0]])
    lexical = np.asarray([[0.3, 0.3], [0.3, 0.0]])
    cov = Cover(np.arange(2), np.zeros(2, np.int64), np.ones(2), strength, lexical, np.zeros(2, dtype=bool),
                np.zeros(2, np.int64), (np.asarray([1]), np.asarray([], np.int64)))
    scores, distinct = np.asarray([0.50, 0.46]), np.asarray([0.20, 0.19])
    assert _ancestor_first(cov, np.arange(2), 2.0, scores, distinct, 0, "cover") == (0, "cover")
    # the same file where the ancestor holds the second row too: it yields
    both = Cover(cov.families, cov.positions, cov.weight, np.asarray([[0.9, 0.9], [0.9, 0.9]]),
                 np.full((2, 2), 0.3), cov.common, cov.best_ref, cov.ancestors)
    assert _ancestor_first(both, np.arange(2), 2.0, scores, distinct, 0, "cover") == (1, "ancestor")


@pytest.mark.parametrize(("sibling", "other_ancestor", "common", "expected"), [
    (0.9, 0.0, False, (1, "ancestor")),  # a sibling kept the ancestor's earlier code: the ancestor
    (0.0, 0.0, False, (0, "cover")),  # no other child holds it: the pick's own addition
    (0.6, 0.0, False, (0, "cover")),  # a sibling holds it less closely: not the same generation
    (0.9, 0.9, False, (0, "cover")),  # another ancestor of the pick holds it: code from that one
    (0.9, 0.0, True, (0, "cover")),  # common code says nothing of generations
])
def test_an_ancestor_is_credited_with_the_code_its_other_children_kept(sibling, other_ancestor, common,
                                                                        expected) -> None:
    """Columns: the pick (a child of the ancestor and of a second parent), the ancestor, a sibling
    (another child of the ancestor) and the second parent.  Row 0: code all hold alike; row 1:
    code the pick holds and the ancestor does not (it has changed its own since).  When the
    sibling holds row 1 as closely as the pick, that is the ancestor's earlier generation, kept by
    its children: the pick's lead is no addition of its own, and the ancestor is the source."""
    import numpy as np

    from lineage.classify.cover import Cover
    from lineage.classify.source import _ancestor_first, scores

    strength = np.asarray([[0.9, 0.9, 0.9, 0.0], [0.9, 0.0, sibling, other_ancestor]])
    weight = np.asarray([1.0, 0.2])
    rows, total = np.arange(2), float(weight.sum())
    ancestors = (np.asarray([1, 3]), np.asarray([], np.int64), np.asarray([1]), np.asarray([], np.int64))
    cov = Cover(np.arange(4), np.zeros(2, np.int64), weight, strength, np.full((2, 4), 0.5),
                np.asarray([False, common]), np.zeros(4, np.int64), ancestors)
    carrier = np.zeros(4, dtype=bool)
    strict = scores(cov, rows, total, carrier, soft=0.0)
    assert strict[0] - strict[1] > 0.1  # without the credit the pick leads its ancestor clearly
    distinct = np.full(4, 0.2)
    assert _ancestor_first(cov, rows, total, strict, distinct, 0, "cover", carrier) == expected


def test_no_source_is_named_for_a_sliver_of_the_file(lines_index: EmbeddedIndex) -> None:
    """A long file of its own code that holds one small shared class: no family explains a share
    worth naming, so the file has no source (it had named whichever family was first seen among
    families explaining 0%, with a negative margin)."""
    ops = ("+", "-", "*", "//", "%", "**")
    own = "\n\n".join(
        f"def step_{k}(values, limit={k + 2}):\n    total = {k}\n    for i, v in enumerate(values):\n"
        f"        if i {'<' if k % 2 else '>'} limit:\n            total = total {ops[k % 6]} v {ops[(k + 1) % 6]} {k + 1}\n"
        f"        else:\n            total -= i * {k % 7 + 1}\n    return [total] * {k % 5 + 1}\n"
        for k in range(300))
    base = code(("base",), "Sliver")
    norm = base[base.index("class SliverNorm"): base.index("class SliverRotary")]
    result, row = scan(lines_index, "import torch\nfrom torch import nn\n\n\n" + norm + "\n\n" + own)
    assert [f for f in result.findings if f.unit.startswith("SliverNorm")]  # the class is matched ...
    assert row["source"] is None or row["source"]["status"] == "none", row["source"]  # ... no source named


@pytest.mark.parametrize("declared", [True, False])
def test_a_tie_goes_to_the_declared_ancestor_whatever_the_dates(declared: bool) -> None:
    """Two families hold the file's code alike and their names tie; the descendant's first-seen
    date is the earlier one (dates are coarse: a package version, not a commit).  A declared
    ancestor had the code before the family that declares it, so the tie is its; without the
    declaration the dates decide."""
    from types import SimpleNamespace

    import numpy as np

    from lineage.classify.cover import Cover
    from lineage.classify.source import verdict

    strength = np.asarray([[0.95, 0.95], [0.9, 0.9]])
    lexical = np.asarray([[0.5, 0.5], [0.4, 0.4]])
    families = [{"source": "s", "name": "elder", "org": "A", "country": "US", "first_seen": "2024-05-01"},
                {"source": "s", "name": "heir", "org": "B", "country": "US", "first_seen": "2024-01-01"}]
    index = SimpleNamespace(meta={"families": families, "files": [{"path": "a.py"}, {"path": "b.py"}]},
                            arrays={"u_file": np.asarray([0, 1])}, family_keys=["s:elder", "s:heir"])
    ancestors = (np.asarray([], np.int64), np.asarray([0] if declared else [], np.int64))
    cov = Cover(np.arange(2), np.arange(2), np.ones(2), strength, lexical, np.zeros(2, dtype=bool),
                np.asarray([0, 1]), ancestors)
    rank = np.asarray([1, 0])  # the heir's date is the earlier
    got = verdict(index, cov, np.arange(2), 2.0, rank, np.zeros(2, dtype=bool), "<file>")
    assert got.status == "source"
    if declared:
        from lineage.classify.fileverdict import source_sentence

        assert (got.source.family, got.decided_by) == ("s:elder", "lineage")
        assert "tied with a declared descendant: the ancestor had the code first" in source_sentence(got)
    else:
        assert (got.source.family, got.decided_by) == ("s:heir", "first-seen")


def _commit(repo: Path, date: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "c"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)


def test_code_of_a_line_first_seen_after_the_commit_is_an_anachronism(lines_index: EmbeddedIndex,
                                                                      tmp_path: Path) -> None:
    """A commit's date is its author's to set: a copy of the router line committed with an earlier
    date is not silently judged against the index of that date ("only common idioms")."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "modeling_mine.py").write_text(code(("base", "router"), "Xray"), encoding="utf-8")
    _commit(repo, "2023-06-01T12:00:00+00:00")
    result, _ = api.scan(f"{repo}@HEAD", lines_index, Config(workers=1))
    late = [f for f in result.findings if f.kind == "anachronism"]
    assert late and {f.severity for f in late} == {"medium"}
    assert {f.matches[0].ref.family for f in late} == {"ln:router"}
    assert all("after the scanned commit's date (2023-06-01)" in f.explanation for f in late)
    verdict = result.summary.files["modeling_mine.py"].verdict
    assert verdict.startswith("anachronism: ") and "ln:router" in verdict
    # the same commit judged as of a later date: a copy of the router line, and no anachronism
    later, _ = api.scan(f"{repo}@HEAD", lines_index, Config(workers=1, as_of="2024-02-01"))
    assert not [f for f in later.findings if f.kind == "anachronism"]
    assert any(f.kind == "code-match" and f.matches[0].ref.family == "ln:router" and f.severity != "info"
               for f in later.findings)


def test_a_directory_or_a_given_date_reports_no_anachronism(lines_index: EmbeddedIndex, tmp_path: Path) -> None:
    (tmp_path / "modeling_mine.py").write_text(code(("base", "router"), "Xray"), encoding="utf-8")
    result, _ = api.scan(str(tmp_path), lines_index, Config(workers=1, as_of="2023-06-01"))
    assert not [f for f in result.findings if f.kind == "anachronism"]


def test_a_clean_checkout_is_dated_as_its_head_commit_and_a_modified_one_is_not(lines_index: EmbeddedIndex,
                                                                                tmp_path: Path) -> None:
    repo = tmp_path / "checkout"
    repo.mkdir()
    mine = repo / "modeling_mine.py"
    mine.write_text(code(("base", "router"), "Xray"), encoding="utf-8")
    _commit(repo, "2023-06-01T12:00:00+00:00")
    result, _ = api.scan(str(repo), lines_index, Config(workers=1))
    assert result.index.restriction == "families first seen on or before 2023-06-01"
    assert {f.matches[0].ref.family for f in result.findings if f.kind == "anachronism"} == {"ln:router"}
    mine.write_text(mine.read_text(encoding="utf-8") + "\n# edited after the commit\n", encoding="utf-8")
    edited, _ = api.scan(str(repo), lines_index, Config(workers=1))
    assert not edited.index.restriction and not [f for f in edited.findings if f.kind == "anachronism"]


@pytest.mark.parametrize(("scores", "distinct", "names", "decided_by", "expected"), [
    # the pick's hold rests on common code; a family close behind holds the code few families hold,
    # twice as much, under the file's names: it is the source (transformers' codegen: gpt_neox's
    # common code against gptj, its declared parent)
    ((0.27, 0.23), (0.04, 0.14), (0.14, 0.21), "cover", (1, "distinctive")),
    # names no closer (renamed alike, or not the runner-up's): the lead in code stands
    ((0.27, 0.23), (0.04, 0.14), (0.14, 0.15), "cover", (0, "cover")),
    # the runner-up holds little distinctive code itself, or not twice the pick's
    ((0.27, 0.23), (0.02, 0.06), (0.14, 0.21), "cover", (0, "cover")),
    ((0.27, 0.23), (0.10, 0.14), (0.14, 0.21), "cover", (0, "cover")),
    # the pick's hold is distinctive itself, or its lead is clear
    ((0.27, 0.23), (0.16, 0.40), (0.14, 0.21), "cover", (0, "cover")),
    ((0.37, 0.23), (0.04, 0.14), (0.14, 0.21), "cover", (0, "cover")),
    # a choice another rule made (an ancestor, a whole file, a tie broken) is not reopened
    ((0.27, 0.23), (0.04, 0.14), (0.14, 0.21), "ancestor", (0, "ancestor")),
])
def test_distinctive_code_outweighs_a_small_lead_in_common_code(scores, distinct, names, decided_by,
                                                                expected) -> None:
    import numpy as np

    from lineage.classify.source import _distinctive_over_common

    got = _distinctive_over_common(np.asarray(scores), np.asarray(distinct), np.asarray(names), 0, decided_by)
    assert got == expected
