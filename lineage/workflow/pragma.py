"""Inline pragmas: ``# lineage: accept reason="..."`` accepts the findings of one unit.

The pragma goes on the unit's ``def``/``class`` line, on its first decorator line, or on a
comment line of its own just above.  It covers that unit only (not the methods of an accepted class: each
copied method is its own decision), and the file's removed-notice and licence findings once every
unit finding of the file they rest on is accepted (a replaced notice is never accepted inline).
A reason must be words a reviewer can read (two words at least): `reason="x"` counts as none.  A pragma without a non-empty reason does not count,
and is reported so the author can add one: the reason is what a reviewer reads later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lineage.models import FileError, Finding
from lineage.parse.lines import numbered_lines

_PRAGMA = re.compile(r"#\s*lineage:\s*accept\b(?P<rest>.*)$")
_REASON = re.compile(r"""reason\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
_DEF = re.compile(r"^\s*(?:async\s+def|def|class)\b")
# a reason a reviewer can read: two words of two letters or more ("x" or "ok" accepts nothing)
_REASONED = re.compile(r"[^\W\d_]{2,}\W+[^\W\d_]{2,}", re.UNICODE)


@dataclass(frozen=True)
class Pragma:
    line: int
    reason: str  # "" when missing: such a pragma does not count


@dataclass(frozen=True)
class Accepted:
    """A finding accepted inline, with the pragma's line and reason."""

    finding: Finding
    line: int
    reason: str


def find_pragmas(text: str) -> dict[int, Pragma]:
    """Every accept pragma in a file, by 1-based line."""
    found: dict[int, Pragma] = {}
    for number, line in enumerate(numbered_lines(text), start=1):
        if "lineage" not in line:
            continue
        match = _PRAGMA.search(line)
        if match is None:
            continue
        said = _REASON.search(match.group("rest"))
        reason = (said.group("dq") if said.group("dq") is not None else said.group("sq")) if said else ""
        reason = reason.strip()
        found[number] = Pragma(number, reason if _REASONED.search(reason) else "")
    return found


def unit_lines(lines: Sequence[str], start_line: int) -> tuple[int, ...]:
    """Lines whose pragma covers a unit starting at ``start_line`` (decorators included): that line,
    the unit's ``def``/``class`` line below its decorators, and the line just above when it is a
    comment of its own.  A line above that is code (the end of the unit before it, or the ``class``
    line of the class a method opens) holds that code's pragma, not this unit's; and a line inside
    a body (where a vestige finding stands) is no unit's first line."""
    covered = [start_line]
    if start_line >= 2 and lines[start_line - 2].lstrip().startswith("#"):
        covered.append(start_line - 1)
    if start_line <= len(lines) and lines[start_line - 1].lstrip().startswith("@"):
        for number in range(start_line + 1, min(len(lines), start_line + 20) + 1):
            if _DEF.match(lines[number - 1]):
                covered.append(number)
                break
    return tuple(covered)


def _resting_on_accepted(kept: list[Finding], accepted: list[Accepted]) -> tuple[list[Finding], list[Accepted]]:
    """A file's notice and licence findings rest on its copied units: when every unit finding of
    the file above info is accepted inline, they are accepted with the first of those pragmas
    (a removed notice is a medium finding; without this the accepted unit's file still failed).
    A unit's vestige findings (the reference model's feature names its code still carries, lines
    inside its body) rest on that unit's code match: accepted with it."""
    first: dict[str, Accepted] = {}
    units: dict[tuple[str, str], Accepted] = {}
    for a in accepted:
        if a.finding.kind == "code-match":
            first.setdefault(a.finding.path, a)
            units.setdefault((a.finding.path, a.finding.unit), a)
    open_units = {f.path for f in kept if f.kind == "code-match" and f.severity != "info"}
    still: list[Finding] = []
    for f in kept:
        by = first.get(f.path)
        unit = units.get((f.path, f.unit)) if f.kind == "vestige" else None
        if unit is not None:
            accepted.append(Accepted(f, unit.line, unit.reason))
        # a removed notice and a licence owed rest on the accepted units; a replaced notice (another
        # holder named in the upstream holder's place) is a decision of its own: baseline and audit it
        elif by is not None and f.path not in open_units and f.unit == "<module>" \
                and (f.kind == "licence" or (f.kind == "notice" and f.attribution != "replaced")):
            accepted.append(Accepted(f, by.line, by.reason))
        else:
            still.append(f)
    return still, accepted


def apply_pragmas(
    findings: Sequence[Finding], texts: Mapping[str, str]
) -> tuple[list[Finding], list[Accepted], list[FileError]]:
    """Split findings into (kept, accepted inline); reasonless pragmas come back as problems."""
    pragmas = {path: find_pragmas(text) for path, text in texts.items()}
    kept: list[Finding] = []
    accepted: list[Accepted] = []
    for f in findings:
        marks = pragmas.get(f.path, {})
        hit = None
        if marks and f.unit != "<module>":
            lines = numbered_lines(texts[f.path])
            hit = next((marks[n] for n in unit_lines(lines, f.start_line) if n in marks), None)
        if hit is not None and hit.reason:
            accepted.append(Accepted(f, hit.line, hit.reason))
        else:
            kept.append(f)
    kept, accepted = _resting_on_accepted(kept, accepted)
    problems = [
        FileError(path, "pragma", f"line {p.line}: `# lineage: accept` without reason=\"...\" does not count")
        for path, marks in sorted(pragmas.items()) for p in marks.values() if not p.reason
    ]
    return kept, accepted, problems
