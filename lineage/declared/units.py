"""Where a declaration belongs: the class or function around it, or the one it introduces.

Qualified names follow ``lineage.parse`` (``Class``, ``Class.method``, ``function``,
``<module>``) and a unit starts at its first decorator, so declarations land on the same
units the scanner reports.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from lineage.parse.lines import ast_lines

MODULE = "<module>"
source_lines = ast_lines  # markers are numbered as ``ast`` numbers lines


@dataclass(frozen=True)
class Span:
    """A class or function: first line (decorators included), ``def`` line, last line, name."""

    start: int
    def_line: int
    end: int
    qualname: str


def ast_units(tree: ast.Module) -> list[Span]:
    """Every class and function of a parsed module, outermost first."""
    spans: list[Span] = []

    def visit(body: Sequence[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = f"{prefix}.{node.name}" if prefix else node.name
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                spans.append(Span(start, node.lineno, node.end_lineno or node.lineno, qualname))
                visit(node.body, qualname)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list):
                        visit([s for s in inner if isinstance(s, ast.stmt)] + [
                            s for h in inner if isinstance(h, ast.ExceptHandler) for s in h.body
                        ], prefix)
                if isinstance(node, ast.Match):
                    for case in node.cases:
                        visit(case.body, prefix)

    visit(tree.body, "")
    return spans


def enclosing(spans: Sequence[Span], line: int) -> str:
    """The innermost unit containing ``line``, else ``<module>``."""
    best: Span | None = None
    for span in spans:
        if span.start <= line <= span.end and (best is None or span.start >= best.start):
            best = span
    return best.qualname if best else MODULE


def following(spans: Sequence[Span], line: int) -> Span | None:
    """The unit a comment on ``line`` introduces: the one whose decorators or ``def`` line it
    sits among, else the first unit that starts after it."""
    around = [s for s in spans if s.start <= line <= s.def_line]
    if around:
        return max(around, key=lambda s: s.start)
    after = [s for s in spans if s.start > line]
    return min(after, key=lambda s: (s.start, -s.end)) if after else None


def directly_following(spans: Sequence[Span], line: int, lines: Sequence[str]) -> Span | None:
    """The unit that starts on the next line holding code after ``line`` (comments skipped)."""
    nxt = line + 1
    while nxt <= len(lines) and (not lines[nxt - 1].strip() or lines[nxt - 1].lstrip().startswith("#")):
        nxt += 1
    span = following(spans, line)
    if span is not None and (span.start == nxt or span.start <= line <= span.def_line):
        return span
    return None
