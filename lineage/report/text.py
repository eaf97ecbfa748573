"""ScanResult -> a short terminal report: one block per finding, then the summary."""

from __future__ import annotations

from lineage.models import ScanResult
from lineage.report.escape import terminal_text

_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


def format_text(result: ScanResult, *, show_info: bool = False) -> str:
    lines = [f"lineage {result.tool_version}: {result.target}"
             + (f" @ {result.revision[:12]}" if result.revision else ""),
             f"index {result.index.id}: {result.index.families} families, {result.index.files} files, "
             f"{result.index.units} units" + (f" ({result.index.restriction})" if result.index.restriction else ""),
             ""]
    shown = [f for f in result.findings if show_info or f.severity != "info"]
    for f in sorted(shown, key=lambda f: (_ORDER.get(f.severity, 9), f.path, f.start_line)):
        tags = ", ".join(t for t in (f.kind, f.role, f.attribution) if t)
        lines.append(f"[{f.severity.upper()}] {f.path}:{f.start_line}-{f.end_line} {f.unit} ({tags})")
        for m in f.matches[:3]:
            r = m.ref
            lines.append(f"    {m.similarity:.2f}  {r.family} ({r.org}, {r.country or '?'})  "
                         f"{r.path}:{r.start_line}-{r.end_line} {r.unit}  [{r.source}]")
        same = f.details.get("equivalent_families") or []
        if len(same) > 1:
            lines.append(f"    same code in {len(same)} families: {', '.join(same[:6])}"
                         + (f" and {len(same) - 6} more" if len(same) > 6 else ""))
        lines.append(f"    {f.explanation}")
        lines.append("")
    hidden = len(result.findings) - len(shown)
    s = result.summary
    lines.append(f"{result.files_scanned} files, {result.units_scanned} units scanned; "
                 f"{len(result.findings)} findings ({', '.join(f'{k} {v}' for k, v in s.get('by_severity', {}).items()) or 'none'})"
                 + (f"; {hidden} info findings hidden (--show-info)" if hidden else ""))
    for fam, row in list(s.get("by_family", {}).items())[:15]:
        lines.append(f"  {fam:40s} {row.get('org', ''):22s} {row.get('country', ''):3s} "
                     f"{row['findings']:4d} findings {row['lines']:6d} lines")
    core = s.get("core_architecture", {})
    if core.get("lines_total"):
        lines.append(f"core architecture: {core['lines_matching_indexed_families']} of {core['lines_total']} lines "
                     f"({core['share']:.0%}) match indexed families; {core['lines_distinctive_copy']} "
                     f"({core['share_distinctive']:.0%}) beyond common idioms")
    with_evidence = [(p, r) for p, r in s.get("files", {}).items() if not r["verdict"].startswith("no lineage")]
    quiet = len(s.get("files", {})) - len(with_evidence)
    for path, row in with_evidence[:30]:
        lines.append(f"  {path}: {row['verdict']}" + (f"; {row['origin']}" if row.get("origin") else ""))
    if quiet:
        lines.append(f"  {quiet} more files match only common idioms, boilerplate or fragments too small to judge")
    if result.errors:
        lines.append(f"{len(result.errors)} files with problems:")
        lines.extend(f"  {e.path}: {e.stage}: {e.reason}" for e in result.errors[:20])
    lines.append(s.get("limits", ""))
    return terminal_text(lines)  # names, notices and units come from the scanned tree
