"""The exhibit's statement counts every matched suspect unit, and says how many are above info.

It used to count only the matches above info ("8 of 12 suspect units ... match"), which reads
as if the other units of a renamed copy had not matched at all, when they matched but were too
small to judge (or common code).  The JSON keeps `summary.matched_units` (above info) as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.workflow.conftest import ORIGINAL, run
from tests.workflow.test_verify_notice_source import exhibit, foo_copy, model_file

# two helpers too small to judge: matched, but info
TINY = '''

def zeta_head_width(width: int, heads: int, multiple: int) -> int:
    per_head = width // heads
    return (per_head + multiple - 1) // multiple * multiple


def zeta_is_expert_layer(index: int, every: int, first: int) -> bool:
    return index >= first and every > 0 and (index - first) % every == 0
'''


def _sides(tmp_path: Path) -> tuple[Path, Path]:
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    reference.mkdir()
    (suspect / "modeling_foo.py").write_text(foo_copy(TINY), encoding="utf-8")
    (suspect / "helpers.py").write_text(ORIGINAL, encoding="utf-8")  # two units of our own: no match
    (reference / "modeling_zeta.py").write_text(model_file(tail=TINY), encoding="utf-8")
    return suspect, reference


def test_statement_counts_info_matches_and_says_how_many_are_above_info(tmp_path: Path) -> None:
    suspect, reference = _sides(tmp_path)
    data = exhibit(suspect, reference, "--no-index")
    matched = [m for m in data["matches"] if m["unit_kind"] != "module"]
    info = [m["unit"] for m in matched if m["severity"] == "info"]
    assert sorted(info) == ["foo_head_width", "foo_is_expert_layer"]
    assert len(matched) == 10 and data["summary"]["suspect_units"] == 12
    statement = data["summary"]["statement"]
    by = {level: sum(m["severity"] == level for m in matched) for level in ("high", "medium", "low")}
    assert sum(by.values()) == 8 and by["low"] == 8  # no corpus: low at most
    assert statement.startswith(
        "10 of 12 suspect units (modules excluded) match units of the reference; 8 of them rated above info on "
        "their own "
        f"({by['high']} high, {by['medium']} medium, {by['low']} low; the rest are info: common code, too small "
        "to judge, or declared reuse); ")
    assert data["summary"]["matched_units"] == 8  # the JSON field keeps its meaning: matches above info
    text = run("verify", suspect, "--against", reference, "--no-index", "--exit-zero")
    assert "10 of 12 suspect units (modules excluded) match units of the reference; 8 of them rated above info" \
        in text.stdout


def test_a_copy_whose_matches_are_all_above_info_says_so_plainly(tmp_path: Path) -> None:
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    reference.mkdir()
    (suspect / "modeling_foo.py").write_text(foo_copy(), encoding="utf-8")
    (reference / "modeling_zeta.py").write_text(model_file(), encoding="utf-8")
    statement = exhibit(suspect, reference, "--no-index")["summary"]["statement"]
    found = re.match(r"(\d+) of (\d+) suspect units \(modules excluded\) match units of the reference; "
                     r"(\d+) of them rated above info on their own \(\d+ high, \d+ medium, \d+ low\); ", statement)
    assert found and found.group(1) == found.group(2) == found.group(3) == "8", statement


def test_units_holding_common_code_are_counted_as_the_matched_units_are() -> None:
    """"4 of 16 suspect units (modules excluded) match" beside "5 matched units hold code that 5
    or more indexed model lines share" counted a module body in the second figure only."""
    from types import SimpleNamespace

    from lineage.workflow.verify_statement import COMMON_FAMILIES, _commons

    def unit(kind: str, lines: int, makers: int = 1) -> SimpleNamespace:
        return SimpleNamespace(unit_kind=kind, corpus={"model_lines": lines, "makers": ["A", "B", "C"][:makers]},
                               severity_before_corpus="")

    matches = [unit("method", COMMON_FAMILIES), unit("class", COMMON_FAMILIES + 3), unit("method", 1),
               unit("module", COMMON_FAMILIES + 9), unit("method", 3, makers=2)]
    said = _commons(matches, background=True)  # type: ignore[arg-type]
    assert said.startswith(f"2 matched units hold code that {COMMON_FAMILIES} or more indexed model lines (or lines "
                           f"of 3 or more companies' models, or {COMMON_FAMILIES} or more files of the reference "
                           "side) share")
    # three lines of three companies' models: shared code too, though fewer than COMMON_FAMILIES lines
    said = _commons([*matches, unit("method", 3, makers=3)], background=True)  # type: ignore[arg-type]
    assert said.startswith("3 matched units hold code")
    assert _commons(matches[3:4], background=True) == ""  # type: ignore[arg-type]
    said = _commons(matches[:1], background=True)  # type: ignore[arg-type]
    assert said.startswith("1 matched unit holds code that"), said  # (a review read "1 matched units hold")


def test_with_no_corpus_the_notice_state_names_no_indexed_lines() -> None:
    """A `--no-index` exhibit has no indexed lines to speak of: its "not judged" says "model lines"."""
    from types import SimpleNamespace

    from lineage.workflow.verify_statement import SHARED_CODE, not_compared_state

    shared = [SimpleNamespace(verdict=f"{SHARED_CODE} 9 model lines", attribution=None)]
    assert not_compared_state(shared, background=True) == (  # type: ignore[arg-type]
        "not judged (every matched unit is code that many indexed model lines or files of the reference side share)")
    assert not_compared_state(shared, background=False) == (  # type: ignore[arg-type]
        "not judged (every matched unit is code that many model lines or files of the reference side share)")
