"""Exhibit records: optional keys left out as before, weights only when asked for, failing by severity."""

from __future__ import annotations

import json

import pytest
from dataclasses import replace

from lineage.workflow.exhibit import (
    AlignedRegion,
    Exhibit,
    ExhibitMatch,
    ExhibitSummary,
    FileScore,
    ReferenceSpan,
    SideLines,
    UnitScores,
)


def _exhibit(severity: str) -> Exhibit:
    scores = UnitScores(0.9, 0.9, 0.8, 0.7, 0.5, None)
    match = ExhibitMatch("id1", "a.py", "A", "class", 1, 9, "core-architecture", ("f",), None, severity, None, None,
                         "copy", "A copies B.", ReferenceSpan("b.py", "B", 3, 11), (), scores,
                         (AlignedRegion(SideLines(1, 2, ("x = 1", "y = 2")), SideLines(3, 4, ("x = 1", "y = 2"))),))
    summary = ExhibitSummary(1, 1, 1, 1, 1, {"high": 1}, {"core-architecture": 1}, 0, 0, (), "1 of 1 units match.")
    return Exhibit(1, "lineage-verify-exhibit", {"name": "lineage"}, {}, {"suspect": {}, "reference": {}}, None, (),
                   {}, (match,), (FileScore("a.py", 0.9, None),), (), {"available": False}, summary)


def test_optional_keys_are_left_out_and_json_is_sorted() -> None:
    exhibit = _exhibit("high")
    data = exhibit.to_dict()
    assert "weights" not in data and data["background"] is None and data["warnings"] == []
    assert data["files"] == [{"path": "a.py", "score": 0.9, "above_unrelated_p99": None}]
    assert "unrelated_percentile" not in data["matches"][0]["scores"]
    assert data["matches"][0]["regions"][0]["suspect"] == {"start_line": 1, "end_line": 2, "lines": ["x = 1", "y = 2"]}
    assert json.loads(exhibit.to_json()) == data
    assert list(json.loads(exhibit.to_json())) == sorted(data)
    placed = replace(exhibit, weights={"verdict": "independent"},
                     files=(FileScore("a.py", 0.9, True, 0.1),))
    assert placed.to_dict()["weights"] == {"verdict": "independent"}
    assert placed.to_dict()["files"][0]["vs_derived_median"] == 0.1


def test_failing_reads_the_match_severities() -> None:
    assert _exhibit("high").failing("medium") and not _exhibit("low").failing("medium")


@pytest.mark.parametrize("severities, kinds, reason", [
    ((), (), "no matched unit or file"),
    (("info",), ("module",), "no matched unit or file"),  # (a module's match is no unit's)
    (("info", "info"), ("method", "class"), "no matched unit rated above info and no matched file"),
    (("low", "info"), ("method", "class"), "no baseline of unrelated pairs"),
])
def test_the_statement_says_why_no_score_was_placed(severities: tuple[str, ...], kinds: tuple[str, ...],
                                                    reason: str) -> None:
    """A review: an exhibit whose units matched at info alone said "no corpora/calibration.toml" two
    lines under the calibration it had read; it says what it had: nothing above info to place."""
    from lineage.workflow.verify_statement import _no_placement

    base = _exhibit("info").matches[0]
    matches = [replace(base, severity=s, unit_kind=k) for s, k in zip(severities, kinds)]
    assert _no_placement(matches).startswith(reason)
