"""The HTML report's view model: findings most severe first, code panes for the top ones only,
charts by lines without info findings, one label for every missing value.

The page stays bounded whatever the scan's size: full evidence (both code panes of the best
match) for the first ``MAX_EVIDENCE`` findings, a table row for the first ``MAX_ROWS``, and
counts for the rest, which the JSON report lists in full.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lineage.details import CodeMatchDetails, NoticeDetails
from lineage.models import Finding, Match
from lineage.report.labels import NO_ATTRIBUTION, role_label, severity_rank
from lineage.report.upstream import Upstream, upstream

NONE_VALUE = "-"  # filter value for a missing role/attribution/country
NONE_LABELS = {"role": role_label(None), "attribution": NO_ATTRIBUTION, "country": "unknown country"}
MAX_PANE_LINES = 200
MAX_EVIDENCE = 100  # findings shown with both sides' code
MAX_ROWS = 5000  # findings listed in the table
MAX_BARS = 12


@dataclass(frozen=True)
class Bar:
    """One bar of a chart; ``share`` is its length relative to the longest (0..1)."""

    label: str
    lines: int
    findings: int
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
    """A match, its package URL and upstream link, and both code panes (best match only)."""

    match: Match
    upstream: Upstream
    scanned: CodePane | None
    reference: CodePane | None


@dataclass(frozen=True)
class FindingView:
    """A finding with what the table filters and sorts on and what its detail section shows."""

    number: int
    finding: Finding
    countries: tuple[str, ...]
    matches: tuple[MatchView, ...]
    pane: CodePane | None
    notices: tuple[str, ...]
    reference_notices: tuple[str, ...]
    evidence: bool  # has a detail section with code
    same_code: tuple[str, ...] = ()  # every family holding a code match's code
    earliest: str = "?"  # the earliest of them

    def filter_value(self, key: str) -> str:
        """The ``|``-joined values the page's filter script compares against."""
        if key == "country":
            return "|".join(self.countries)
        value = getattr(self.finding, key)
        return str(value) if value else NONE_VALUE


def label(key: str, value: str) -> str:
    """How the page names a filter value: one label for every way of saying 'none'."""
    if key == "role":
        return role_label(None if value == NONE_VALUE else value)
    return NONE_LABELS.get(key, "none") if value in (NONE_VALUE, "") else value


def _lines_of(text: str) -> list[str]:
    # Split on newlines only: str.splitlines() also breaks on \f and \u2028, which would
    # shift line numbers away from the parser's.
    return text.replace("\r\n", "\n").split("\n")


def _region_of(number: int, spans: Sequence[tuple[int, int]]) -> int | None:
    for index, (start, end) in enumerate(spans):
        if start <= number <= end:
            return index
    return None


def pane(side: str, title: str, text: str | None, start: int, end: int,
         spans: Sequence[tuple[int, int]]) -> CodePane:
    """The lines [start, end] widened to every aligned region, so a caption's lines are shown."""
    start = max(1, min([start, *(s for s, _ in spans)]))
    end = max([start, end, *(e for _, e in spans)])
    if text is None:
        note = f"The file's text is not available to this report: only lines {start}-{end} are known."
        return CodePane(side, title, start, end, (), note)
    all_lines = _lines_of(text)
    stop = min(end, len(all_lines), start + MAX_PANE_LINES - 1)
    lines = tuple(CodeLine(n, all_lines[n - 1], _region_of(n, spans)) for n in range(start, stop + 1))
    note = ""
    if stop < end:
        note = f"Showing lines {start}-{stop} of {start}-{end}."
        if stop == len(all_lines):
            note += " The file ends there."
    return CodePane(side, title, start, end, lines, note)


def finding_view(number: int, finding: Finding, sources: Mapping[str, str],
                 references: Mapping[tuple[str, str], str], repos: dict[str, str], evidence: bool) -> FindingView:
    matches = []
    for i, match in enumerate(finding.matches):
        ref = match.ref
        scanned = reference = None
        if evidence and i == 0:
            scanned = pane("scanned", finding.path, sources.get(finding.path), finding.start_line,
                           finding.end_line, [(r.start_line, r.end_line) for r in match.regions])
            reference = pane("reference", f"{ref.path} ({ref.source})", references.get((ref.source, ref.path)),
                             ref.start_line, ref.end_line, [(r.ref_start_line, r.ref_end_line) for r in match.regions])
        matches.append(MatchView(match, upstream(ref, repos), scanned, reference))
    alone = None
    if evidence and not matches:
        alone = pane("scanned", finding.path, sources.get(finding.path), finding.start_line, finding.end_line, ())
    countries = tuple(dict.fromkeys(m.ref.country or NONE_VALUE for m in finding.matches))
    details = finding.details
    compared = details.comparison if isinstance(details, NoticeDetails) else None
    code = details if isinstance(details, CodeMatchDetails) else None
    return FindingView(number, finding, countries or (NONE_VALUE,), tuple(matches), alone,
                       compared.notices if compared else (), compared.reference_notices if compared else (),
                       evidence, code.equivalent_families if code else (), code.earliest.family if code else "?")


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first, then by place."""
    return sorted(findings, key=lambda f: (severity_rank(f.severity), f.path, f.start_line, f.id))


def chart(findings: Sequence[Finding], key: str) -> tuple[Bar, ...]:
    """Distinct scanned lines per family, role or country, info findings left out."""
    lines: dict[str, set[tuple[str, int]]] = {}
    counts: dict[str, int] = {}
    for f in findings:
        if f.severity == "info":
            continue
        best = f.matches[0].ref if f.matches else None
        if key == "by_role":
            name = role_label(f.role)
        elif best is None:
            continue
        else:
            name = best.family if key == "by_family" else best.country or "unknown country"
        lines.setdefault(name, set()).update((f.path, n) for n in range(f.start_line, f.end_line + 1))
        counts[name] = counts.get(name, 0) + 1
    rows = sorted(((name, len(held), counts[name]) for name, held in lines.items()),
                  key=lambda row: (-row[1], -row[2], row[0]))
    if len(rows) > MAX_BARS:
        rest = rows[MAX_BARS - 1:]
        rows = rows[: MAX_BARS - 1] + [(f"{len(rest)} others", sum(r[1] for r in rest), sum(r[2] for r in rest))]
    top = max((r[1] for r in rows), default=0) or 1
    return tuple(Bar(name, n, c, n / top) for name, n, c in rows)


def options(views: Sequence[FindingView], key: str) -> list[str]:
    from lineage.report.labels import SEVERITIES

    values = {v for view in views for v in view.filter_value(key).split("|")}
    if key == "severity":
        return [s for s in SEVERITIES if s in values] + sorted(values - set(SEVERITIES))
    return sorted(values - {NONE_VALUE}) + ([NONE_VALUE] if NONE_VALUE in values else [])
