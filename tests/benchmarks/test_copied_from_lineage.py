"""The transformers manifest's lineage includes the parents its code cites in `# Copied from`."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import copied_from_lineage as cfl

MANIFEST = Path(__file__).resolve().parents[2] / "corpora" / "transformers.toml"


def _families() -> list[dict]:
    return [
        {"name": "bert", "first_seen": "2018-10-11"},
        {"name": "bart", "first_seen": "2019-10-29"},
        {"name": "marian", "first_seen": "2020-05-01", "lineage": ["opus"]},
        {"name": "opus", "first_seen": "2020-05-01"},
        {"name": "late", "first_seen": "2023-01-01"},
    ]


def test_cited_parents_are_added_after_the_declared_ones_most_copied_first() -> None:
    cited = {"marian": Counter({"bert": 1, "bart": 6}), "bart": Counter({"bert": 1})}
    got = cfl.extended_lineage(_families(), cited)
    assert got["marian"] == ["opus", "bart", "bert"]
    assert got["bart"] == ["bert"]
    assert got["bert"] == []


def test_a_citation_counts_whatever_the_dates_and_an_unknown_family_is_skipped() -> None:
    # release dates are the models', not this code's: a model released earlier may run on code
    # copied from a later one's
    cited = {"bart": Counter({"late": 9, "nowhere": 3, "bert": 1})}
    assert cfl.extended_lineage(_families(), cited)["bart"] == ["late", "bert"]


def test_an_edge_closing_a_cycle_is_left_out_and_the_older_parent_stays() -> None:
    cited = {"opus": Counter({"marian": 2})}  # same date as marian, which already declares opus
    got = cfl.extended_lineage(_families(), cited)
    assert got["marian"] == ["opus"] and got["opus"] == []
    mutual = {"bert": Counter({"bart": 1}), "bart": Counter({"bert": 1})}
    got = cfl.extended_lineage(_families(), mutual)
    assert got["bart"] == ["bert"] and got["bert"] == []


def test_rewrite_sets_the_line_and_keeps_comments() -> None:
    text = ('[source]\nname = "t"\n\n[[family]]\nname = "bart"\n# a comment\norg = "Meta"\n'
            'first_seen = "2019-10-29"  # uncertain\n\n[[family]]\nname = "marian"\nlineage = ["opus"]\n')
    out = cfl.rewrite(text, {"bart": ["bert"], "marian": ["opus", "bart"]})
    data = tomllib.loads(out)
    assert [f.get("lineage") for f in data["family"]] == [["bert"], ["opus", "bart"]]
    assert "# a comment" in out and '# uncertain\nlineage = ["bert"]' in out


def test_the_manifest_declares_every_parent_the_pinned_wheel_cites(transformers_wheel: Path, capsys) -> None:
    assert cfl.main([str(transformers_wheel), str(MANIFEST), "--check"]) == 0, capsys.readouterr().out
    marian = next(f for f in tomllib.loads(MANIFEST.read_text(encoding="utf-8"))["family"] if f["name"] == "marian")
    assert "bart" in marian["lineage"]
