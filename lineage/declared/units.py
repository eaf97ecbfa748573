"""Where a declaration belongs: the class or function around it, or the one it introduces.

Qualified names follow ``lineage.parse`` (``Class``, ``Class.method``, ``function``,
``<module>``) and a unit starts at its first decorator, so declarations land on the same
units the scanner reports.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterator, Sequence
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


# where each kind of statement holds statements: its blocks, in the order the walks read them (an
# ``except`` handler or a ``case`` holds its own block); a simple statement holds none (most of a
# module: looked up by type, not asked of each node field by field)
BLOCKS: dict[type[ast.AST], tuple[str, ...]] = {
    kind: tuple(f for f in ("body", "orelse", "finalbody", "handlers", "cases") if f in kind._fields)
    for kind in ast.stmt.__subclasses__()}
_DEFS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def inner_block(node: ast.stmt, field: str) -> list[ast.stmt]:
    """The statements of one of ``node``'s BLOCKS (its handlers' or cases' bodies joined)."""
    value = getattr(node, field)
    if field in ("handlers", "cases"):
        return [s for h in value for s in h.body]
    block: list[ast.stmt] = value
    return block


def ast_units(tree: ast.Module) -> list[Span]:
    """Every class and function of a parsed module, outermost first."""
    spans: list[Span] = []

    def visit(body: Sequence[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, _DEFS):
                qualname = f"{prefix}.{node.name}" if prefix else node.name
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                spans.append(Span(start, node.lineno, node.end_lineno or node.lineno, qualname))
                visit(node.body, qualname)
                continue
            for field in BLOCKS.get(type(node), ()):
                inner = inner_block(node, field)
                if inner:
                    visit(inner, prefix)

    visit(tree.body, "")
    return spans


class Spans:
    """A module's units, ordered by first line (outer before inner at the same line), each with
    the unit around it: the unit around a line is found by bisection and a walk up the units
    that nest, not by reading every unit (a module of 20,000 functions read each for each took
    seconds)."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: (s.start, -s.end))
        self.starts = [s.start for s in self.spans]
        self.parent: list[int] = []
        stack: list[int] = []
        for i, span in enumerate(self.spans):
            while stack and self.spans[stack[-1]].end < span.start:
                stack.pop()
            self.parent.append(stack[-1] if stack else -1)
            stack.append(i)

    def up_from(self, line: int) -> Iterator[Span]:
        """The units starting on or before ``line`` that hold its last starting one, innermost first."""
        i = bisect.bisect_right(self.starts, line) - 1
        while i >= 0:
            yield self.spans[i]
            i = self.parent[i]

    def after(self, line: int) -> Span | None:
        """The first unit starting after ``line`` (the outermost of those starting on one line)."""
        i = bisect.bisect_right(self.starts, line)
        return self.spans[i] if i < len(self.spans) else None


def enclosing(spans: Spans, line: int) -> str:
    """The innermost unit containing ``line``, else ``<module>``."""
    return next((s.qualname for s in spans.up_from(line) if s.end >= line), MODULE)


def following(spans: Spans, line: int) -> Span | None:
    """The unit a comment on ``line`` introduces: the one whose decorators or ``def`` line it
    sits among, else the first unit that starts after it."""
    return next((s for s in spans.up_from(line) if line <= s.def_line), None) or spans.after(line)


def directly_following(spans: Spans, line: int, lines: Sequence[str]) -> Span | None:
    """The unit that starts on the next line holding code after ``line`` (comments skipped)."""
    nxt = line + 1
    while nxt <= len(lines) and (not lines[nxt - 1].strip() or lines[nxt - 1].lstrip().startswith("#")):
        nxt += 1
    span = following(spans, line)
    if span is not None and (span.start == nxt or span.start <= line <= span.def_line):
        return span
    return None
