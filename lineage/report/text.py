"""ScanResult -> a short terminal report: one block per finding, then the summary."""

from __future__ import annotations

from lineage.details import CodeMatchDetails
from lineage.models import Finding, ScanResult, read_in_part
from lineage.report.escape import terminal_text
from lineage.report.labels import (
    evidence_elsewhere,
    families_by_size,
    finding_tags,
    infrastructure_line,
    plural,
    severity_counts,
    severity_rank,
)

MAX_FAMILIES = 15


def finding_header(f: Finding) -> str:
    """`[HIGH] path:10-30 Unit  (code-match; role: core-architecture; attribution: removed)`."""
    return (f"[{f.severity.upper()}] {f.path}:{f.start_line}-{f.end_line} {f.unit}  "
            f"({finding_tags(f.kind, f.role, f.attribution)})")


def _summary_line(result: ScanResult, hidden: int) -> str:
    counts = severity_counts(result.summary.by_severity)
    by_severity = ", ".join(f"{s} {n}" for s, n in counts) or "none"
    return (f"{plural(result.files_scanned, 'file')}, {plural(result.units_scanned, 'unit')} scanned; "
            f"{plural(len(result.findings), 'finding')} ({by_severity})"
            + (f"; {plural(hidden, 'info finding')} hidden (--show-info)" if hidden else ""))


def _family_lines(result: ScanResult) -> list[str]:
    rows = families_by_size(result.summary.by_family)
    lines = ["families matched (most lines above info first; info: common idioms, boilerplate, declared reuse):"
             ] if rows else []
    shown = rows[:MAX_FAMILIES]
    # columns as wide as their longest entry (at least the usual width): a long organisation
    # name shifts no other row
    w_fam = max([40, *(len(fam) for fam, _ in shown)])
    w_org = max([22, *(len(row.org) for _, row in shown)])
    lines += [f"  {fam:{w_fam}s} {row.org:{w_org}s} {row.country:3s} "
              f"{plural(row.findings, 'finding'):>13s} {plural(row.lines, 'line'):>11s} "
              f"{row.evidence_lines:>6d} above info"
              for fam, row in shown]
    if len(rows) > MAX_FAMILIES:
        rest = rows[MAX_FAMILIES:]
        lines.append(f"  and {plural(len(rest), 'more family', 'more families')} "
                     f"({plural(sum(r.lines for _, r in rest), 'line')})")
    return lines


def unchecked_lines(result: ScanResult, limit: int = 20) -> list[str]:
    """Up front: the files that could not be scanned at all, so a quiet report is not read as
    a clean one."""
    missed, partly = read_in_part(result.errors)
    lines: list[str] = []
    if missed:
        lines += [f"NOT CHECKED: {plural(len(missed), 'file')} could not be scanned; nothing is known about "
                  f"{'its' if len(missed) == 1 else 'their'} content:"]
        lines += [f"  {e.path}: {e.stage}: {e.reason}" for e in missed[:limit]]
        if len(missed) > limit:
            lines.append(f"  and {len(missed) - limit} more (see --format json)")
    if partly:  # (scanned, but part of what it runs was not read: its findings stand for the rest)
        lines += [f"READ IN PART: {plural(len(partly), 'file')} scanned, but part of what "
                  f"{'it runs' if len(partly) == 1 else 'they run'} could not be read; the findings cover only "
                  "what was read:"]
        lines += [f"  {e.path}: {e.stage}: {e.reason}" for e in partly[:limit]]
        if len(partly) > limit:
            lines.append(f"  and {len(partly) - limit} more (see --format json)")
    return lines + [""] if lines else []


def format_text(result: ScanResult, *, show_info: bool = False) -> str:
    lines = [f"lineage {result.tool_version}: {result.target}"
             + (f" @ {result.revision[:12]}" if result.revision else ""),
             f"index {result.index.id}: {plural(result.index.families, 'family', 'families')}, "
             f"{plural(result.index.files, 'file')}, {plural(result.index.units, 'unit')}"
             + (f" ({result.index.restriction})" if result.index.restriction else ""),
             ""] + unchecked_lines(result)
    shown = [f for f in result.findings if show_info or f.severity != "info"]
    for f in sorted(shown, key=lambda f: (severity_rank(f.severity), f.path, f.start_line)):
        lines.append(finding_header(f))
        for m in f.matches[:3]:
            r = m.ref
            lines.append(f"    {m.similarity:.2f}  {r.family} ({r.org}, {r.country or '?'})  "
                         f"{r.path}:{r.start_line}-{r.end_line} {r.unit}  [{r.source}{evidence_elsewhere(m)}]")
        same = f.details.equivalent_families if isinstance(f.details, CodeMatchDetails) else ()
        if len(same) > 1:
            said = "same code in" if f.matches[0].ref.family in same else "held more completely by"
            lines.append(f"    {said} {len(same)} families: {', '.join(same[:6])}"
                         + (f" and {len(same) - 6} more" if len(same) > 6 else ""))
        lines.append(f"    {f.explanation}")
        lines.append("")
    s = result.summary
    lines.append(_summary_line(result, len(result.findings) - len(shown)))
    lines.extend(_family_lines(result))
    core = s.core_architecture
    if core.lines_total:
        lines.append(f"core architecture: {core.lines_matching_indexed_families} of "
                     f"{plural(core.lines_total, 'line')} ({core.share:.0%}) match indexed families; "
                     f"{core.lines_distinctive_copy} ({core.share_distinctive:.0%}) in findings above info "
                     "(common idioms, declared reuse and own code are info)")
    if infrastructure_line(s.infrastructure):
        lines.append(infrastructure_line(s.infrastructure))
    with_evidence = [(p, r) for p, r in s.files.items() if not r.verdict.startswith("no lineage")]
    quiet = len(s.files) - len(with_evidence)
    for path, row in with_evidence[:30]:
        lines.append(f"  {path}: {row.verdict}" + (f"; {row.origin}" if row.origin else ""))
    if len(with_evidence) > 30:
        lines.append(f"  and {plural(len(with_evidence) - 30, 'more file')} with lineage evidence (see --format json)")
    if quiet:
        more = "more file" if with_evidence else "file"  # "more" only after files listed above
        lines.append(f"  {plural(quiet, more)} {'matches' if quiet == 1 else 'match'} only common idioms, boilerplate "
                     "or fragments too small to judge")
    arch = s.architectures or {}
    if arch:  # apart from code lineage: which published architecture a file's interface implements
        lines.append(f"architecture (checkpoint interface, not code lineage): {plural(len(arch), 'file')}")
        lines.extend(f"  {path}: {row.statement}" for path, row in list(arch.items())[:30])
    problems = [e for e in result.errors if not e.unchecked]  # the unchecked files are listed up front
    if problems:
        lines.append(f"{plural(len(problems), 'file')} with problems:")
        lines.extend(f"  {e.path}: {e.stage}: {e.reason}" for e in problems[:20])
        if len(problems) > 20:
            lines.append(f"  and {len(problems) - 20} more (see --format json)")
    lines.append(s.limits)
    return terminal_text(lines)  # names, notices and units come from the scanned tree
