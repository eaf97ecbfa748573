"""Markdown for PR comments and CI step summaries: compact, severity-first, within 65,536."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lineage.models import Finding, ScanResult
from lineage.report.markdown import LIMIT, format_markdown
from lineage.summary import Summary

from tests.report.conftest import HOSTILE

Maker = Callable[..., ScanResult]


def test_summary_and_top_findings_most_severe_first(make_result: Maker) -> None:
    text = format_markdown(make_result())
    assert text.startswith("## lineage 0.1.0: /work/solar @ `abc123`")
    assert "**6 findings**" in text
    rows = [line for line in text.splitlines() if line.startswith("| high") or line.startswith("| medium")
            or line.startswith("| low") or line.startswith("| info")]
    assert [r.split("|")[1].strip() for r in rows] == ["high", "medium", "medium", "low"]
    assert "2 findings below low not shown." in text
    assert "`pkg:pypi/vllm@0.33.0#vllm/model_executor/models/glm4_moe.py`" in text


def test_min_severity_info_lists_everything(make_result: Maker) -> None:
    text = format_markdown(make_result(), min_severity="info")
    assert text.count("\n| info |") == 2 and "below" not in text


def test_hostile_text_cannot_break_the_table_or_inject_html(make_result: Maker, findings: tuple[Finding, ...]) -> None:
    odd = replace(findings[0], unit=f"A|B @everyone [x](https://evil)\n{HOSTILE}")
    text = format_markdown(make_result(findings=(odd,)))
    row = next(line for line in text.splitlines() if line.startswith("| high"))
    assert row.count(" | ") == 4  # five cells, the pipe in the name escaped
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\@everyone" in text and "\\[x\\]\\(https://evil\\)" in text


def test_github_comment_limit_respected_and_the_rest_counted(make_result: Maker, findings: tuple[Finding, ...]) -> None:
    many = tuple(replace(findings[0], id=f"f{i}", path=f"pkg/module_{i:05d}/" + "deep/" * 20 + "file.py")
                 for i in range(3000))
    text = format_markdown(make_result(findings=many))
    assert len(text) <= LIMIT
    listed = text.count("\n| high |")
    assert 50 < listed < 3000
    assert f"{3000 - listed} more findings not listed here" in text


def test_no_findings(make_result: Maker) -> None:
    text = format_markdown(make_result(findings=(), summary=Summary()))
    assert "**0 findings**" in text and "No findings at this level." in text
