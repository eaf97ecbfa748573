"""ScanResult -> Markdown for pull-request comments and CI step summaries.

A compact summary (severity counts, the largest families, file verdicts) and a table of the
top findings, most severe first.  The whole text stays within GitHub's 65,536-character
limit for a comment: rows are added while they fit and the rest are counted, never cut
mid-row.  Everything that comes from scanned or reference code is escaped, so a hostile
unit name cannot break the table or inject links and mentions.
"""

from __future__ import annotations

import re

from lineage.models import Finding, ScanResult, read_in_part
from lineage.report.labels import (
    SEVERITIES,
    evidence_elsewhere,
    families_by_size,
    finding_tags,
    infrastructure_line,
    plural,
    severity_counts,
    severity_rank,
)
from lineage.report.upstream import repositories, upstream

LIMIT = 65_536  # GitHub's maximum comment body, in characters
MAX_FAMILIES = 10
MAX_FILES = 20
DEFAULT_MIN_SEVERITY = "low"
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~@])")


def md(text: object, limit: int = 200) -> str:
    """Plain text safe inside a Markdown table cell: specials escaped, one line, bounded."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return _SPECIAL.sub(r"\\\1", flat)


def _reference(f: Finding, repos: dict[str, str]) -> str:
    if not f.matches:
        return ""
    m = f.matches[0]
    r = m.ref
    up = upstream(r, repos)
    where = f"{md(r.family, 60)} ({md(r.org, 40)}) {md(r.path, 120)}:{r.start_line}-{r.end_line}"
    link = f" [upstream](<{up.url}>)" if up.url else ""
    return f"{where} {m.similarity:.2f}{evidence_elsewhere(m)}; `{up.purl.replace('`', '')}`{link}"


def _row(f: Finding, repos: dict[str, str]) -> str:
    return (f"| {f.severity} | {md(f.path, 120)}:{f.start_line}-{f.end_line} | {md(f.unit, 80)} | "
            f"{md(finding_tags(f.kind, f.role, f.attribution), 120)} | {_reference(f, repos)} |")


def _head(result: ScanResult, min_severity: str) -> list[str]:
    counts = severity_counts(result.summary.by_severity or _count(result.findings))
    lines = [f"## lineage {md(result.tool_version)}: {md(result.target, 160)}"
             + (f" @ `{result.revision[:12]}`" if result.revision else ""), "",
             f"{plural(result.files_scanned, 'file')}, {plural(result.units_scanned, 'unit')} scanned against "
             f"index `{md(result.index.id, 40)}`: **{plural(len(result.findings), 'finding')}**"
             + (f" ({', '.join(f'{s} {n}' for s, n in counts)})" if counts else "") + ".", ""]
    missed, partly = read_in_part(result.errors)
    for errs, head in ((missed, f"**Not checked: {plural(len(missed), 'file')} could not be scanned**, so nothing is "
                                "known about them:"),
                       (partly, f"**Read in part: {plural(len(partly), 'file')} scanned, but part of what they run "
                                "could not be read**; the findings cover only what was read:")):
        if errs:  # up front: a quiet report must not read as a clean one
            lines += [head, ""]
            lines += [f"- {md(e.path, 160)}: {md(e.stage, 20)}: {md(e.reason, 200)}" for e in errs[:MAX_FILES]]
            if len(errs) > MAX_FILES:
                lines.append(f"- and {plural(len(errs) - MAX_FILES, 'more file')} (see the JSON report)")
            lines.append("")
    families = families_by_size(result.summary.by_family)
    if families:
        lines += ["| family | organisation | country | findings | lines | lines above info |",
                  "|---|---|---|---:|---:|---:|"]
        lines += [f"| {md(k, 60)} | {md(r.org, 40)} | {md(r.country, 8)} | "
                  f"{r.findings} | {r.lines} | {r.evidence_lines} |" for k, r in families[:MAX_FAMILIES]]
        if len(families) > MAX_FAMILIES:
            lines.append(f"\nand {plural(len(families) - MAX_FAMILIES, 'more family', 'more families')}.")
        lines.append("")
    if infrastructure_line(result.summary.infrastructure):
        lines += [md(infrastructure_line(result.summary.infrastructure), 600), ""]
    files = [(p, r) for p, r in result.summary.files.items() if not r.verdict.startswith("no lineage")]
    if files:
        lines += ["**Files**", ""]
        lines += [f"- {md(p, 160)}: {md(r.verdict, 300)}" for p, r in files[:MAX_FILES]]
        if len(files) > MAX_FILES:
            lines.append(f"- and {plural(len(files) - MAX_FILES, 'more file')}")
        lines.append("")
    lines.append(f"### Top findings ({min_severity} and above)")
    return lines


def _count(findings: tuple[Finding, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def format_markdown(result: ScanResult, *, min_severity: str = DEFAULT_MIN_SEVERITY,
                    limit: int = LIMIT) -> str:
    """The Markdown report, at most ``limit`` characters."""
    if min_severity not in SEVERITIES:
        raise ValueError(f"min_severity must be one of {', '.join(SEVERITIES)}")
    repos = repositories(result.index)
    shown = sorted((f for f in result.findings if severity_rank(f.severity) <= severity_rank(min_severity)),
                   key=lambda f: (severity_rank(f.severity), f.path, f.start_line, f.id))
    head = "\n".join(_head(result, min_severity)) + "\n\n"
    tail = f"\n{md(result.summary.limits, 1000)}\n"
    if not shown:
        return (head + "No findings at this level.\n" + tail)[:limit]
    table = "| severity | where | unit | kind; role; attribution | closest reference |\n|---|---|---|---|---|\n"
    reserve = 200  # room for the "N more" line and the closing note
    body = head + table
    written = 0
    for f in shown:
        row = _row(f, repos) + "\n"
        if len(body) + len(row) + len(tail) + reserve > limit:
            break
        body += row
        written += 1
    if written < len(shown):
        body += (f"\n{plural(len(shown) - written, 'more finding')} not listed here "
                 "(see the JSON, SARIF or HTML report).\n")
    hidden = len(result.findings) - len(shown)
    if hidden:
        body += f"\n{plural(hidden, 'finding')} below {min_severity} not shown.\n"
    return (body + tail)[:limit]
