"""Self-contained HTML evidence report: one file that opens offline, for reviewers.

Python builds a small view model (counts, chart bars, code panes with aligned regions);
the Jinja2 template shipped as package data lays it out.  Autoescape is on because every
string that comes from a finding is other people's code.  The page loads nothing: its
style and script are inline and pinned by hash in a Content-Security-Policy, so even a
string that slipped past escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, FunctionLoader, StrictUndefined, Template

from lineage import PROJECT_URL
from lineage.models import Finding, Match, ScanResult

TEMPLATE = "report.html.j2"
SEVERITIES = ("high", "medium", "low", "info")
NONE_VALUE = "-"  # filter value for a missing role/attribution/country
MAX_PANE_LINES = 400
MAX_BARS = 12
WEIGHTS_CAVEAT = (
    "Code evidence says nothing about model weights or training: matching code shows where "
    "source code came from, not whether a model's weights were trained independently. "
    "A separate weight check answers that question."
)
CHARTS = (("by_family", "By model family"), ("by_country", "By country"), ("by_role", "By role"))


@dataclass(frozen=True)
class Bar:
    """One bar of a chart; ``share`` is its length relative to the longest (0..1)."""

    label: str
    findings: int
    lines: int
    share: float


@dataclass(frozen=True)
class CodeLine:
    """One numbered line; ``region`` is the index of its aligned region, if any."""

    number: int
    text: str
    region: int | None


@dataclass(frozen=True)
class CodePane:
    """One side of a side-by-side view, or the scanned code alone."""

    side: str  # scanned | reference
    title: str
    start: int
    end: int
    lines: tuple[CodeLine, ...]
    note: str


@dataclass(frozen=True)
class MatchView:
    """A match with both code panes."""

    match: Match
    scanned: CodePane
    reference: CodePane


@dataclass(frozen=True)
class FindingView:
    """A finding with what the table filters on and what its detail section shows."""

    number: int
    finding: Finding
    countries: tuple[str, ...]
    matches: tuple[MatchView, ...]
    pane: CodePane | None
    notices: tuple[str, ...]
    reference_notices: tuple[str, ...]

    def filter_value(self, key: str) -> str:
        """The ``|``-joined values the page's filter script compares against."""
        if key == "country":
            return "|".join(self.countries)
        value = getattr(self.finding, key)
        return str(value) if value else NONE_VALUE


def _lines_of(text: str) -> list[str]:
    # Split on newlines only: str.splitlines() also breaks on \f and \u2028, which would
    # shift line numbers away from the parser's.
    return text.replace("\r\n", "\n").split("\n")


def _region_of(number: int, spans: Sequence[tuple[int, int]]) -> int | None:
    for index, (start, end) in enumerate(spans):
        if start <= number <= end:
            return index
    return None


def _pane(
    side: str, title: str, text: str | None, start: int, end: int, spans: Sequence[tuple[int, int]]
) -> CodePane:
    start = max(1, start)
    end = max(start, end)
    if text is None:
        note = f"The file's text was not supplied to this report: only lines {start}-{end} are known."
        return CodePane(side, title, start, end, (), note)
    all_lines = _lines_of(text)
    stop = min(end, len(all_lines), start + MAX_PANE_LINES - 1)
    lines = tuple(
        CodeLine(n, all_lines[n - 1], _region_of(n, spans)) for n in range(start, stop + 1)
    )
    note = ""
    if stop < end:
        note = f"Showing lines {start}-{stop} of {start}-{end}."
        if stop == len(all_lines):
            note += " The supplied text ends there."
    return CodePane(side, title, start, end, lines, note)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(item) for item in value)
    return (str(value),)


def _finding_view(
    number: int,
    finding: Finding,
    sources: Mapping[str, str],
    references: Mapping[tuple[str, str], str],
) -> FindingView:
    matches = []
    for match in finding.matches:
        ref = match.ref
        scanned = _pane(
            "scanned", finding.path, sources.get(finding.path), finding.start_line,
            finding.end_line, [(r.start_line, r.end_line) for r in match.regions],
        )
        reference = _pane(
            "reference", f"{ref.path} ({ref.source})", references.get((ref.source, ref.path)),
            ref.start_line, ref.end_line, [(r.ref_start_line, r.ref_end_line) for r in match.regions],
        )
        matches.append(MatchView(match, scanned, reference))
    pane = None
    if not matches:
        pane = _pane("scanned", finding.path, sources.get(finding.path),
                     finding.start_line, finding.end_line, ())
    countries = tuple(dict.fromkeys(m.ref.country or NONE_VALUE for m in finding.matches))
    return FindingView(
        number=number,
        finding=finding,
        countries=countries or (NONE_VALUE,),
        matches=tuple(matches),
        pane=pane,
        notices=_strings(finding.details.get("notices")),
        reference_notices=_strings(finding.details.get("reference_notices")),
    )


def _derived(findings: Sequence[Finding], key: str) -> dict[str, dict[str, int]]:
    """Totals from the findings, for a summary that lacks ``key``."""
    totals: dict[str, dict[str, int]] = {}
    for finding in findings:
        best = finding.matches[0].ref if finding.matches else None
        if key == "by_role":
            name = finding.role or "unclassified"
        elif best is None:
            continue
        else:
            name = best.family if key == "by_family" else best.country or "unknown"
        entry = totals.setdefault(name, {"findings": 0, "lines": 0})
        entry["findings"] += 1
        entry["lines"] += max(0, finding.end_line - finding.start_line + 1)
    return totals


def _count(entry: Any, field: str) -> int:
    if isinstance(entry, Mapping):
        entry = entry.get(field, 0)
    try:
        return int(entry)
    except (TypeError, ValueError):
        return 0


def _bars(totals: Any) -> tuple[Bar, ...]:
    if not isinstance(totals, Mapping):
        return ()
    rows = sorted(
        ((str(name), _count(e, "findings"), _count(e, "lines")) for name, e in totals.items()),
        key=lambda row: (-row[1], -row[2], row[0]),
    )
    if len(rows) > MAX_BARS:
        rest = rows[MAX_BARS - 1 :]
        rows = rows[: MAX_BARS - 1]
        rows.append((f"{len(rest)} others", sum(r[1] for r in rest), sum(r[2] for r in rest)))
    top = max((r[1] for r in rows), default=0) or 1
    return tuple(Bar(label, n, lines, n / top) for label, n, lines in rows)


def _options(views: Sequence[FindingView], key: str) -> list[str]:
    values = {v for view in views for v in view.filter_value(key).split("|")}
    if key == "severity":
        return [s for s in SEVERITIES if s in values] + sorted(values - set(SEVERITIES))
    return sorted(values - {NONE_VALUE}) + ([NONE_VALUE] if NONE_VALUE in values else [])


def csp_hash(text: str) -> str:
    """A CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(str(text).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _load(name: str) -> str:
    return resources.files("lineage.report").joinpath("templates", name).read_text("utf-8")


@lru_cache(maxsize=1)
def _template() -> Template:
    env = Environment(
        loader=FunctionLoader(_load),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["csp_hash"] = csp_hash
    return env.get_template(TEMPLATE)


def format_html(
    result: ScanResult,
    *,
    sources: Mapping[str, str] | None = None,
    references: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """Render the evidence report as one self-contained HTML page.

    ``sources`` maps scanned paths to their text and ``references`` maps
    ``(ref.source, ref.path)`` to reference text; missing texts show line ranges only.
    """
    views = [
        _finding_view(n, f, sources or {}, references or {})
        for n, f in enumerate(result.findings, start=1)
    ]
    summary = result.summary if isinstance(result.summary, Mapping) else {}
    charts = [
        (title, _bars(summary[key] if key in summary else _derived(result.findings, key)))
        for key, title in CHARTS
    ]
    filters = [
        (key, label, _options(views, key))
        for key, label in (("severity", "Severity"), ("role", "Role"),
                           ("country", "Country"), ("attribution", "Attribution"))
    ]
    files = summary.get("files")
    file_rows = [(path, row) for path, row in sorted(files.items() if isinstance(files, Mapping) else [])
                 if isinstance(row, Mapping) and not str(row.get("verdict", "")).startswith("no lineage")]
    return _template().render(
        result=result,
        views=views,
        file_rows=file_rows,
        charts=[(title, bars) for title, bars in charts if bars],
        filters=filters,
        severities=Counter(f.severity for f in result.findings),
        severity_order=SEVERITIES,
        kinds=Counter(f.kind for f in result.findings),
        none_value=NONE_VALUE,
        caveat=WEIGHTS_CAVEAT,
        project_url=PROJECT_URL,  # as text, not a link: the page makes no outbound references
    )
