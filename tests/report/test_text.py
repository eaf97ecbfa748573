"""Text summary: families by size with 'and N more', severities high to info, plurals, one
header format for every finding kind; built from hand-made results."""

from __future__ import annotations

from collections.abc import Callable

from lineage.models import Finding, ScanResult
from lineage.report.text import format_text
from lineage.summary import FamilyTotals, Summary

Maker = Callable[..., ScanResult]


def _family_rows(n: int) -> dict[str, FamilyTotals]:
    # alphabetical order is the reverse of size order, so a name sort would show the smallest
    return {f"src:fam{i:02d}": FamilyTotals(i, 10 * i, f"Org {i}", "US") for i in range(1, n + 1)}


def test_families_listed_largest_first_with_the_rest_counted(make_result: Maker) -> None:
    summary = Summary(by_family=_family_rows(20), by_severity={"info": 76, "high": 1, "medium": 4, "low": 1})
    text = format_text(make_result(summary=summary))
    family_lines = [line for line in text.splitlines() if line.startswith("  src:fam")]
    assert [line.split()[0] for line in family_lines] == [f"src:fam{i:02d}" for i in range(20, 5, -1)]
    assert "  and 5 more families (150 lines)" in text  # fam01..fam05: 10+20+30+40+50 lines
    assert "(high 1, medium 4, low 1, info 76)" in text


def test_families_with_evidence_rank_above_families_matched_only_at_info(make_result: Maker) -> None:
    # common idioms matched across many lines (info only) against a short high-severity copy
    summary = Summary(by_family={"a:idioms": FamilyTotals(29, 977, evidence_lines=0),
                                 "b:copy": FamilyTotals(1, 80, evidence_lines=80),
                                 "c:weak": FamilyTotals(3, 40, evidence_lines=12)},
                      by_severity={"info": 29, "high": 1, "low": 3})
    text = format_text(make_result(summary=summary))
    rows = [line.split() for line in text.splitlines() if line.startswith(("  a:", "  b:", "  c:"))]
    assert [r[0] for r in rows] == ["b:copy", "c:weak", "a:idioms"]
    assert rows[0][-3:] == ["80", "above", "info"] and rows[2][-3:] == ["0", "above", "info"]


def test_a_long_organisation_name_shifts_no_other_row(make_result: Maker) -> None:
    long_org = "Beijing Academy of Artificial Intelligence Research Institute"
    summary = Summary(by_family={"a:one": FamilyTotals(2, 30, "Meta", "US", evidence_lines=30),
                                 "b:" + "x" * 50: FamilyTotals(1, 20, long_org, "CN", evidence_lines=20),
                                 "c:three": FamilyTotals(1, 10, "Mistral AI", "FR", evidence_lines=10)},
                      by_severity={"high": 1})
    text = format_text(make_result(summary=summary))
    rows = [line for line in text.splitlines() if line.startswith(("  a:", "  b:", "  c:"))]
    assert len(rows) == 3 and long_org in rows[1]
    # every column starts where it starts in the other rows: country, counts, lines above info
    assert len({row.find(" above info") for row in rows}) == 1
    assert len({row.index(c) for row, c in zip(rows, (" US ", " CN ", " FR "))}) == 1


def test_plurals(make_result: Maker, findings: tuple[Finding, ...]) -> None:
    one = format_text(make_result(findings=findings[:1], files_scanned=1, units_scanned=1,
                                  summary=Summary(by_family={"a:b": FamilyTotals(1, 1)}, by_severity={"high": 1})))
    assert "1 file, 1 unit scanned; 1 finding (high 1)" in one
    assert "1 finding " in one and "1 line" in one and "1 findings" not in one and "1 lines" not in one
    many = format_text(make_result())
    assert "12 files, 140 units scanned; 6 findings" in many
    assert "2 info findings hidden (--show-info)" in many


def test_one_header_format_whatever_the_kind(make_result: Maker) -> None:
    text = format_text(make_result(), show_info=True)
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert len(headers) == 6
    for line in headers:
        tags = line.rsplit("  (", 1)[1].rstrip(")")
        kind, role, attribution = tags.split("; ")
        assert role.startswith("role: ") and attribution.startswith("attribution: ")
    notice = next(line for line in headers if "(notice;" in line)
    assert notice.endswith("(notice; role: no role; attribution: retained)")
    vestige = next(line for line in headers if "(vestige;" in line)
    assert vestige.endswith("(vestige; role: core-architecture; attribution: no attribution)")
    # severity first: HIGH, MEDIUM, MEDIUM, LOW, INFO, INFO
    assert [h.split("]")[0][1:] for h in headers] == ["HIGH", "MEDIUM", "MEDIUM", "LOW", "INFO", "INFO"]


def test_show_info_unchanged(make_result: Maker) -> None:
    hidden = format_text(make_result())
    shown = format_text(make_result(), show_info=True)
    assert "[INFO]" not in hidden and shown.count("[INFO]") == 2


def test_evidence_outside_the_reference_unit_is_pointed_at(make_result: Maker, findings: tuple[Finding, ...]) -> None:
    # a dispatching forward read with the helper it returns: the shared code is the helper's lines
    from dataclasses import replace

    from lineage.models import Region
    from lineage.report.markdown import format_markdown

    first = findings[0]
    moved = replace(first.matches[0], regions=(Region(12, 18, 3, 9), Region(22, 25, 80, 84)))
    read_through = replace(first, matches=(moved, *first.matches[1:]))
    for render in (format_text, format_markdown):
        assert "evidence at reference lines" not in render(make_result(findings=(first,)))
        assert "evidence at reference lines 3-84" in render(make_result(findings=(read_through,)))
