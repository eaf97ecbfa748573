"""Repository summary (issue 5): text and JSON carry the per-family totals, the share of
core architecture and the limits of a code scan, and agree with the findings they summarise."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

import pytest

from lineage.classify.codematch import MIN_EVIDENCE
from lineage.details import CodeMatchDetails
from lineage.models import Finding, ScanResult
from lineage.report.jsonfmt import format_json, report_dict
from lineage.report.text import format_text

COPY = "acme/modeling_acme.py"
WEIGHTS_LIMIT = "It cannot tell how model weights were initialised or trained"


def lines(findings: list[Finding]) -> int:
    return len({(f.path, n) for f in findings for n in range(f.start_line, f.end_line + 1)})


@pytest.fixture(scope="module")
def result(scan, copies, headers) -> ScanResult:
    return scan({
        COPY: copies.with_header(copies.full_model, *headers["removed"]),
        "acme/tool_parser.py": copies.parser,
        "acme/norm.py": copies.rmsnorm,
    })


def test_summary_matches_the_findings(result: ScanResult) -> None:
    s = result.summary.to_json()
    code = [f for f in result.findings if f.kind == "code-match"]
    per_family: dict[str, list[Finding]] = defaultdict(list)
    for f in code:
        per_family[f.matches[0].ref.family].append(f)
    assert set(s["by_family"]) == set(per_family)
    assert "cls:glm4_moe" in per_family
    for fam, items in per_family.items():
        row = s["by_family"][fam]
        assert row["findings"] == len(items), fam
        assert row["lines"] == lines(items), fam
        assert row["org"] == items[0].matches[0].ref.org
        # each matched line counted once, for the innermost unit holding it (a method, not its class)
        assert sum(row["lines_by_role"].values()) == row["lines"], fam
        innermost: dict[tuple[str, int], Finding] = {}
        for f in items:
            for n in range(f.start_line, f.end_line + 1):
                held = innermost.get((f.path, n))
                if held is None or f.end_line - f.start_line < held.end_line - held.start_line:
                    innermost[(f.path, n)] = f
        assert row["lines_by_role"] == dict(Counter(f.role or "unclassified" for f in innermost.values())), fam
        assert row["evidence_lines"] == lines([f for f in items if f.severity != "info"]), fam
    for path, verdict in s["files"].items():  # a file's lines per role never add up past the file
        assert sum(verdict["lines_by_role"].values()) == lines([f for f in code if f.path == path]), path
    assert s["by_family"]["cls:glm4_moe"]["country"] == "CN"
    assert sum(r["findings"] for r in s["by_family"].values()) == len(code)
    for role, row in s["by_role"].items():
        mine = [f for f in code if (f.role or "unclassified") == role]
        assert (row["findings"], row["lines"]) == (len(mine), lines(mine))
    assert s["by_severity"] == dict(Counter(f.severity for f in result.findings))
    assert s["findings"] == len(result.findings)
    core = s["core_architecture"]
    # both counts are over units whose own features say core architecture, like the denominator,
    # and units their match made core architecture (counted in the denominator too); a fragment
    # too small to judge matches nothing
    own_core = [f for f in code if isinstance(f.details, CodeMatchDetails) and f.unit != "<module>"
                and "core-architecture" in (f.details.unit_role, f.role)
                and f.matches[0].shared >= MIN_EVIDENCE]
    assert any(f.matches[0].shared < MIN_EVIDENCE for f in code  # (the case is exercised)
               if isinstance(f.details, CodeMatchDetails) and f.details.unit_role == "core-architecture")
    assert core["lines_matching_indexed_families"] == lines(own_core)
    assert core["lines_distinctive_copy"] == lines(
        [f for f in own_core if f.role == "core-architecture" and f.severity != "info"])
    assert core["lines_total"] > 0 and core["lines_distinctive_copy"] > 0


def test_text_report_has_family_totals_share_and_limits(result: ScanResult) -> None:
    text = format_text(result)
    s = result.summary.to_json()
    for fam, row in s["by_family"].items():
        pattern = (rf"^\s*{re.escape(fam)}\s+{re.escape(row['org'])}\s+{row['country']}\s+"
                   rf"{row['findings']} findings\s+{row['lines']} lines\s+{row['evidence_lines']} above info$")
        assert re.search(pattern, text, re.M), (fam, text[-1500:])
    core = s["core_architecture"]
    assert (f"core architecture: {core['lines_matching_indexed_families']} of {core['lines_total']} lines "
            f"({core['share']:.0%}) match indexed families") in text
    assert f"{COPY}: {s['files'][COPY]['verdict']}" in text
    assert WEIGHTS_LIMIT in text


def test_json_report_has_family_totals_share_and_limits(result: ScanResult) -> None:
    data = json.loads(format_json(result))
    assert data == json.loads(json.dumps(report_dict(result)))
    summary = data["summary"]
    assert summary == json.loads(json.dumps(result.summary.to_json()))
    assert summary["by_family"]["cls:glm4_moe"]["findings"] == sum(
        1 for f in data["findings"] if f["kind"] == "code-match" and f["matches"][0]["family"] == "cls:glm4_moe")
    assert set(summary["core_architecture"]) >= {"lines_total", "lines_matching_indexed_families", "share"}
    assert WEIGHTS_LIMIT in summary["limits"]
    assert summary["files"][COPY]["verdict"] == "core-architecture copy of glm4_moe (Zhipu AI, CN), notice removed"


def test_core_share_is_a_share(result: ScanResult) -> None:
    core = result.summary.to_json()["core_architecture"]
    assert core["lines_matching_indexed_families"] <= core["lines_total"], core
    assert 0.0 <= core["share"] <= 1.0 and 0.0 <= core["share_distinctive"] <= 1.0, core


def test_fragments_too_small_to_judge_make_no_core_architecture_and_no_infrastructure() -> None:
    """An honest package whose big classes share a few fingerprints with model or framework code
    (requests' cookie jar, attrs' class builder): those fragments neither match the core
    architecture nor say the package uses a framework's infrastructure."""
    from lineage.classify.summary import summarise
    from lineage.details import Earliest
    from lineage.models import Match, RefUnit

    def found(unit: str, role: str, shared: int, start: int, end: int) -> Finding:
        ref = RefUnit("t:kit", "Acme Labs", "US", "Apache-2.0", "dir:t", "kit.py", "Ref", 1, 5, role=role)
        m = Match(ref, 1.0, 1.0, 1.0, 0.0, 0.6, (), shared)
        details = CodeMatchDetails("class", None, "", "", (), role, ("t:kit",), 1, 1, 1, Earliest("t:kit", None))
        return Finding(unit, "code-match", "pkg/m.py", start, end, unit, role, None, "info", (m,), "", details)

    fragments = [found("Jar", "core-architecture", MIN_EVIDENCE - 1, 1, 300),
                 found("Auth.__init__", "infrastructure", MIN_EVIDENCE - 1, 310, 313)]
    s = summarise(fragments, 1, 2)
    assert s.core_architecture.lines_total == 0 and s.core_architecture.lines_matching_indexed_families == 0
    assert s.infrastructure.findings == 0 and not s.infrastructure.by_family
    evidence = [found("Jar", "core-architecture", MIN_EVIDENCE, 1, 300),
                found("Auth.__init__", "infrastructure", MIN_EVIDENCE, 310, 313)]
    s = summarise(evidence, 1, 2)
    assert s.core_architecture.lines_matching_indexed_families == 300 == s.core_architecture.lines_total
    assert s.infrastructure.findings == 1 and set(s.infrastructure.by_family) == {"t:kit"}
