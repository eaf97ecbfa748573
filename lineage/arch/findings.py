"""Architecture claims -> findings of their own kind, apart from code lineage.

"Implements the architecture of glm4_moe (Zhipu AI, CN); code not copied" is a different
finding from "copy of glm4_moe": the first says which published checkpoint interface a file
serves (config keys, parameter names, module tree), the second where its code came from.
Both can appear for one file; the explanation says whether the code matches the same line.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from lineage.arch.extract import EMPTY, ArchPrint, arch_print, entered, read_print
from lineage.arch.imports import Interfaces
from lineage.arch.lookup import THRESHOLD, ArchClaim, best_architecture
from lineage.arch.table import ArchTable, table_of
from lineage.arch.walk import collector_paused
from lineage.classify.codematch import finding_id
from lineage.details import ArchitectureDetails
from lineage.compact.files import CompactFile
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding
from lineage.summary import ArchitectureClaim, Summary

KIND = "architecture"
_TABLES: "weakref.WeakKeyDictionary[EmbeddedIndex, ArchTable | None]" = weakref.WeakKeyDictionary()


def table_for(index: EmbeddedIndex) -> ArchTable | None:
    """The index's architecture table (None for an index built without one), loaded once per index."""
    if index not in _TABLES:
        table = _TABLES[index] = table_of(index.arrays, index.meta, index.lineage_of)
        if table is not None:
            table.prepare()
    return _TABLES[index]


def _family_rows(index: EmbeddedIndex) -> dict[str, dict[str, Any]]:
    """The index's family records by key ("source:name"), the first of each key."""
    rows: dict[str, dict[str, Any]] = {}
    for f in index.meta["families"]:
        rows.setdefault(f"{f['source']}:{f['name']}", dict(f))
    return rows


def _copied_lines(findings: Sequence[Finding], path: str, line: str, attribution: str | None = None,
                  every: bool = False) -> int:
    """Lines of the file that code-match findings attribute to the same model line: rated above
    info (not idioms), or, given an attribution ("declared", "own"), the findings so attributed,
    or ``every`` one of them."""
    covered: set[int] = set()
    for f in findings:
        if (f.path == path and f.kind == "code-match" and f.matches
                and (every or (f.attribution == attribution if attribution else f.severity != "info"))
                and ArchTable.line(f.matches[0].ref.family) == line):
            covered.update(range(f.start_line, f.end_line + 1))
    return len(covered)


def _code_sentence(findings: Sequence[Finding], path: str, line: str) -> str:
    """What the file's code says beside its architecture: copied, declared reuse, own code or none."""
    copied = _copied_lines(findings, path, line)
    if copied:
        return f"code also matches {line} on {copied} lines (see the code-match findings)"
    if any(f.path == path and f.kind == "notice" and f.severity in ("medium", "high") and f.matches
           and ArchTable.line(f.matches[0].ref.family) == line for f in findings):
        # a copy of the file as a whole whose units are each code other lines share (rated info):
        # its notice is owed all the same (classify/wholecopy.whole_file)
        return (f"code matches {line} on {_copied_lines(findings, path, line, every=True)} lines, "
                "its notice owed (see the notice findings)")
    declared = _copied_lines(findings, path, line, "declared")
    if declared:
        return f"code reuse of {line} declared on {declared} lines"
    own = _copied_lines(findings, path, line, "own")
    if own:
        return f"code matching {line} on {own} lines is the owner's own"
    matched = _copied_lines(findings, path, line, every=True)
    if matched and any(f.path == path and f.kind == "notice" and f.attribution == "retained" and f.matches
                       and ArchTable.line(f.matches[0].ref.family) == line for f in findings):
        # (an unmodified copy of the line's file, its notice kept: rated info, and no "code not copied")
        return f"code matches {line} on {matched} lines, its notice kept (see the notice findings)"
    other = _other_line(findings, path, line)
    if other:  # (a copy of glm4 whose code glm, its parent, holds as closely: never "code not copied")
        return (f"its code matches {other} on {_copied_lines(findings, path, other)} lines, not {line}'s own "
                "(see the code-match findings)")
    return "code not copied"


def _other_line(findings: Sequence[Finding], path: str, line: str) -> str:
    """The model line other than ``line`` that the file's code-match findings rated above info
    attribute most lines to, or ""."""
    lines: dict[str, int] = {}
    for f in findings:
        if f.path == path and f.kind == "code-match" and f.matches and f.severity != "info":
            other = ArchTable.line(f.matches[0].ref.family)
            if other != line:
                lines[other] = lines.get(other, 0) + f.end_line - f.start_line + 1
    return max(sorted(lines), key=lambda k: lines[k]) if lines else ""


def describe_key(feature: str) -> str:
    kind, _, name = feature.partition(":")
    return {"c": "config key", "p": "parameter", "k": "layer", "t": "module edge", "b": "bias",
            "a": "architecture name"}.get(kind, kind) + f" {name}"


def claim_finding(row: dict[str, Any], cf: CompactFile, claim: ArchClaim, findings: Sequence[Finding]) -> Finding:
    """The finding of one claim; `row` is the claimed family's index record ({} if it has none)."""
    line = ArchTable.line(claim.family)
    who = ", ".join(x for x in (row.get("org", ""), row.get("country", "")) if x)
    code = _code_sentence(findings, cf.path, line)
    copied = _copied_lines(findings, cf.path, line)
    keys = ", ".join(describe_key(k) for k in claim.distinguishing[:5])
    against = f" and not with {ArchTable.line(claim.compared_with)}" if claim.compared_with else ""
    explanation = (f"Implements the architecture of {line}" + (f" ({who})" if who else "") + f"; {code}. "
                   f"Architecture score {claim.score:.2f} (claims from {THRESHOLD:.2f}); "
                   f"{claim.shared} of {claim.known} known interface keys shared; keys shared with {line}{against}: {keys}.")
    details = ArchitectureDetails(
        architecture=claim.family, org=row.get("org", ""), country=row.get("country", ""),
        licence=row.get("licence", ""), score=claim.score, threshold=THRESHOLD,
        runner_up=claim.runner_up, runner_up_score=claim.runner_up_score,
        compared_with=claim.compared_with, distinguishing_keys=claim.distinguishing,
        shared_keys=claim.shared, known_keys=claim.known, classes=claim.classes, code_copied_lines=copied)
    fid = finding_id(cf.path, KIND, claim.family)
    return Finding(fid, KIND, cf.path, 1, max(1, cf.n_lines), "<file>", None, None, "info", (), explanation, details)


def interface_only(text: str, spans: Sequence[tuple[str, int, int]]) -> str:
    """`text` with the functions the fingerprint never reads blanked out (each becomes ``pass``,
    line numbers kept): ``(name, first line, last line)`` spans come from the scan's own parse,
    and parsing what is left costs a fraction of the whole file."""
    lines = text.split("\n")
    for name, first, last in spans:
        if entered(name) or first < 1:
            continue
        head = lines[first - 1] if first - 1 < len(lines) else ""
        if not head.strip().startswith(("def ", "async def ", "@")):
            continue  # not where the span says: leave it (a decorated function goes with its decorators)
        indent = head[: len(head) - len(head.lstrip())]
        lines[first - 1: last] = [indent + "pass"] + [""] * (last - first)
    return "\n".join(lines)


def _file_print(cf: CompactFile) -> ArchPrint:
    """A scanned file's fingerprint, read from its text with the bodies it never reads blanked out."""
    if not cf.text or not cf.path.endswith((".py", ".pyi")):
        return EMPTY
    spans = [(u.qualname.rpartition(".")[2], u.start_line, u.end_line) for u in cf.units
             if u.kind in ("function", "method")]
    trimmed = interface_only(cf.text, spans)
    fp = read_print(trimmed)
    if fp is not None:  # what was blanked out is what the fingerprint never reads: nothing is lost
        return fp
    return arch_print(cf.text) if trimmed != cf.text else EMPTY  # the spans cut a statement: the whole file


def architecture_findings(index: EmbeddedIndex, compacted: Sequence[CompactFile],
                          findings: Sequence[Finding], scanned: Sequence[CompactFile] = ()) -> list[Finding]:
    """One finding per scanned file whose interface names an indexed architecture above the threshold;
    `scanned` (all files of the scan, `compacted` among them) supplies the modules a file builds on."""
    table = table_for(index)
    if table is None:
        return []
    every = {cf.path: cf for cf in (*scanned, *compacted)}
    interfaces = Interfaces(every, lambda path: _file_print(every[path]))
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.kind in ("code-match", "notice"):  # (a notice owed for a whole copy of shared code: _code_sentence)
            by_path.setdefault(f.path, []).append(f)
    out = []
    rows: dict[str, dict[str, Any]] | None = None
    with collector_paused():
        for cf in compacted:
            if not cf.text or not cf.path.endswith((".py", ".pyi")):
                continue
            claim = best_architecture(table, interfaces.resolved(cf.path))
            if claim is not None and claim.claimed:
                rows = rows if rows is not None else _family_rows(index)
                out.append(claim_finding(rows.get(claim.family, {}), cf, claim, by_path.get(cf.path, [])))
    return out


def with_architectures(summary: Summary, findings: Sequence[Finding]) -> Summary:
    """The summary plus, per file with an architecture claim, what it implements: kept apart from
    the code-lineage totals (``by_family`` and the file verdicts count code matches only)."""
    claims = {f.path: ArchitectureClaim(f.details.architecture, f.details.score, f.explanation.split(". ", 1)[0])
              for f in findings if f.kind == KIND and isinstance(f.details, ArchitectureDetails)}
    return replace(summary, architectures=dict(sorted(claims.items()))) if claims else summary
