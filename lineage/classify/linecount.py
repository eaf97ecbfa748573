"""Lines a set of findings covers, counted once each: how much of a file a copy is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from lineage.models import Finding


def distinct_lines(findings: Sequence[Finding]) -> int:
    """Lines the findings cover, each (file, line) once: the spans of each file merged."""
    total, path, end = 0, None, 0
    spans = sorted((f.path, f.start_line, f.end_line) for f in findings if f.end_line >= f.start_line)
    for f_path, start, stop in spans:
        if f_path != path:
            path, end = f_path, start - 1
        if stop > end:
            total += stop - max(start, end + 1) + 1
            end = stop
    return total


def lines_per(findings: Sequence[Finding], key: Callable[[Finding], str]) -> dict[str, int]:
    """Matched lines per key, each line counted once, for the innermost unit holding it: a method's
    lines are its own, not also its class's or the module body's (which spans the file), so the
    counts add up to the lines matched, never past the file."""
    owner: dict[tuple[str, int], str] = {}
    for f in sorted(findings, key=lambda f: f.start_line - f.end_line):  # widest first, inner ones paint over
        k = key(f)
        owner.update(((f.path, n), k) for n in range(f.start_line, f.end_line + 1))
    return dict(Counter(owner.values()))
