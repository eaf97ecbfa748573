"""Lines a set of findings covers, counted once each: how much of a file a copy is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from lineage.models import Finding


def distinct_lines(findings: Sequence[Finding]) -> int:
    """Lines the findings cover, each (file, line) once."""
    covered: set[tuple[str, int]] = set()
    for f in findings:
        covered.update((f.path, n) for n in range(f.start_line, f.end_line + 1))
    return len(covered)


def lines_per(findings: Sequence[Finding], key: Callable[[Finding], str]) -> dict[str, int]:
    """Matched lines per key, each line counted once, for the innermost unit holding it: a method's
    lines are its own, not also its class's or the module body's (which spans the file), so the
    counts add up to the lines matched, never past the file."""
    owner: dict[tuple[str, int], str] = {}
    for f in sorted(findings, key=lambda f: f.start_line - f.end_line):  # widest first, inner ones paint over
        k = key(f)
        owner.update(((f.path, n), k) for n in range(f.start_line, f.end_line + 1))
    return dict(Counter(owner.values()))
