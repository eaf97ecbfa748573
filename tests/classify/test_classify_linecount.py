"""Lines a set of findings covers, each counted once, against counting them line by line."""

from __future__ import annotations

import random

from lineage.classify.linecount import distinct_lines
from lineage.models import Finding


def _finding(path: str, start: int, end: int) -> Finding:
    return Finding(id=f"{path}:{start}:{end}", kind="code-match", path=path, start_line=start, end_line=end,
                   unit="f", role=None, attribution="unattributed", severity="low", matches=(), explanation="")


def _line_by_line(findings: list[Finding]) -> int:
    return len({(f.path, n) for f in findings for n in range(f.start_line, f.end_line + 1)})


def test_overlapping_nested_and_touching_spans_count_each_line_once() -> None:
    spans = [("a.py", 1, 10), ("a.py", 5, 7), ("a.py", 11, 12), ("a.py", 20, 20), ("b.py", 1, 10), ("a.py", 9, 15)]
    assert distinct_lines([_finding(*s) for s in spans]) == 15 + 1 + 10


def test_an_inverted_span_covers_nothing() -> None:
    assert distinct_lines([_finding("a.py", 9, 3)]) == 0
    assert distinct_lines([_finding("a.py", 9, 3), _finding("a.py", 1, 2)]) == 2


def test_random_spans_count_as_line_by_line() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        findings = [_finding(rng.choice("abc"), start, start + rng.randint(-3, 12))
                    for start in (rng.randint(1, 40) for _ in range(rng.randint(0, 9)))]
        assert distinct_lines(findings) == _line_by_line(findings)
