"""The summary records write the report's summary object: fixed key order, architectures last
and only when a file has a claim."""

from __future__ import annotations

from dataclasses import replace

from lineage.summary import ArchitectureClaim, FamilyTotals, FileVerdict, Summary, Totals

KEYS = ["by_family", "by_role", "by_country", "by_attribution", "by_severity", "core_architecture",
        "infrastructure", "files", "files_scanned", "units_scanned", "findings", "limits"]


def test_empty_summary_has_every_section_and_no_architectures() -> None:
    data = Summary().to_json()
    assert list(data) == KEYS
    assert data["core_architecture"] == {"lines_total": 0, "lines_matching_indexed_families": 0,
                                         "lines_distinctive_copy": 0, "share": 0.0, "share_distinctive": 0.0}
    assert data["infrastructure"] == {"findings": 0, "lines": 0, "note": "", "by_family": {}}


def test_rows_keep_their_layout() -> None:
    summary = Summary(by_family={"a:x": FamilyTotals(2, 10, "Acme", "US", "MIT", {"core-architecture": 10})},
                      by_role={"core-architecture": Totals(2, 10)},
                      files={"m.py": FileVerdict("core-architecture copy of x", root_notice=("removed",))})
    data = summary.to_json()
    assert data["by_family"] == {"a:x": {"findings": 2, "lines": 10, "org": "Acme", "country": "US",
                                         "licence": "MIT", "lines_by_role": {"core-architecture": 10},
                                         "evidence_lines": 0}}
    assert data["files"]["m.py"] == {"verdict": "core-architecture copy of x", "origin": "", "root_notice": ["removed"],
                                     "source": None, "classes": {}, "lines_by_role": {}, "families": {},
                                     "attribution": [], "uses": []}
    claimed = replace(summary, architectures={"m.py": ArchitectureClaim("a:x", 0.9, "Implements x")})
    assert list(claimed.to_json()) == [*KEYS, "architectures"]
    assert claimed.to_json()["architectures"] == {"m.py": {"architecture": "a:x", "score": 0.9,
                                                           "statement": "Implements x"}}
