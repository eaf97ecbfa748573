"""Declared lineage: what a file itself says it reuses, per unit.

Five kinds of declaration, all compliant reuse rather than concealment:

- ``modular-import``: an import of another model family's code (transformers
  ``modular_*.py`` imports such as ``from ..llama.modeling_llama import LlamaAttention``,
  absolute ``transformers.models.X`` imports, serving-engine model modules);
- ``base-class``: a class whose base is one of those imported names (the class unit);
- ``copied-from``: a ``# Copied from transformers.models.X...`` comment (the next unit);
- ``adapted-from``: ``Adapted from`` / ``Inspired by`` / ``Based on`` with a URL, path or
  module path, in a comment or docstring;
- ``generated-from``: the transformers banner naming the ``modular_X.py`` it came from.

The code is never imported or executed: ``ast`` reads it, with a line-based fallback when
it does not parse.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from lineage.declared import fallback
from lineage.declared.family import family_of, resolve_root, roots
from lineage.declared.imports import Imported, classify
from lineage.declared.text import (
    Marker,
    comment_in,
    comment_lines,
    docstring_lines,
    marker_lines,
    may_hold_marker,
    scan_lines,
)
from lineage.declared.units import (
    BLOCKS,
    MODULE,
    Span,
    Spans,
    ast_units,
    directly_following,
    enclosing,
    following,
    inner_block,
    source_lines,
)

__all__ = ["KINDS", "Declaration", "family_of", "find_declarations", "resolve_root", "roots"]

KINDS = ("modular-import", "base-class", "copied-from", "adapted-from", "generated-from")


@dataclass(frozen=True)
class Declaration:
    """One declared reuse: its kind, what it points at, and where it sits."""

    kind: str  # modular-import | copied-from | adapted-from | generated-from | base-class
    target: str  # "transformers.models.llama.modeling_llama.LlamaAttention", a URL, or "glm4_moe"
    family: str  # best-effort family name, e.g. "llama"; "" when the target names none
    line: int  # 1-based
    unit: str  # qualname of the unit it belongs to, or "<module>"


@lru_cache(maxsize=4096)
def find_declarations(path: str, text: str) -> tuple[Declaration, ...]:
    """Every declaration in one file, in line order. Never raises on bad input.  Cached: a
    matched file is read for its declarations, its units' markers and its imports in turn (the
    cache holds a whole share of a large scan; the texts it keys on are the scan's own)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        found = list(_from_lines(path, text))
    else:
        found = list(_from_ast(path, text, tree))
    order = {kind: i for i, kind in enumerate(KINDS)}
    found.sort(key=lambda d: (d.line, order[d.kind], d.target, d.unit))
    unique: dict[tuple[str, str, str], Declaration] = {}
    for item in found:  # a repeated declaration counts once, at its first line
        unique.setdefault((item.kind, item.target, item.unit), item)
    return tuple(unique.values())


def _statements(body: Sequence[ast.stmt]) -> list[ast.stmt]:
    """Every statement, nested ones included, without visiting expressions: each in turn, then
    the statements of its blocks (a simple statement has none)."""
    out: list[ast.stmt] = []
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        out.append(node)
        blocks = BLOCKS.get(type(node))
        if blocks:
            inner: list[ast.stmt] = []
            for field in blocks:
                inner += inner_block(node, field)
            stack.extend(reversed(inner))
    return out


_COMPOUND = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try, ast.Match)


def _multiline_strings(statements: Sequence[ast.stmt], lines: Sequence[int]) -> list[tuple[int, int, int, int]]:
    """Start/end line and column of the string literals that span lines, looked for only in
    the multi-line simple statements around ``lines`` (compound statements hold no strings
    of their own outside their headers, which the class/def bases and decorators cover)."""
    wanted = set(lines)
    out = []
    for statement in statements:
        if not any(n in wanted for n in range(statement.lineno, (statement.end_lineno or 0) + 1)):
            continue
        for node in ast.walk(statement):
            if isinstance(node, (ast.Constant, ast.JoinedStr)) and (node.end_lineno or 0) > node.lineno:
                if isinstance(node, ast.JoinedStr) or isinstance(node.value, str):
                    out.append((node.lineno, node.col_offset, node.end_lineno or 0, node.end_col_offset or 0))
    return out


def _from_ast(path: str, text: str, tree: ast.Module) -> Iterator[Declaration]:
    spans = Spans(ast_units(tree))
    imports: list[ast.ImportFrom] = []
    classes: list[ast.ClassDef] = []
    owners: list[tuple[ast.AST, str]] = [(tree, MODULE)]
    multiline: list[ast.stmt] = []  # simple statements over several lines: may hold long strings
    for node in _statements(tree.body):
        if not isinstance(node, _COMPOUND) and (node.end_lineno or 0) > node.lineno:
            multiline.append(node)
        if isinstance(node, ast.ImportFrom):
            imports.append(node)
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            owners.append((node, enclosing(spans, node.lineno)))
            if isinstance(node, ast.ClassDef):
                classes.append(node)
    bound: dict[str, Imported] = {}
    for node in imports:
        names = [(a.name, a.asname, getattr(a, "lineno", node.lineno)) for a in node.names]
        for item in classify(path, node.level, node.module or "", names):
            bound[item.alias] = item
            yield Declaration("modular-import", item.target, item.family, item.line, enclosing(spans, item.line))
    for cls in classes:
        qualname = enclosing(spans, cls.lineno)
        for base in cls.bases:
            hit = _resolve_base(_dotted(base), bound)
            if hit:
                yield Declaration("base-class", hit[0], hit[1], cls.lineno, qualname)
    candidates = marker_lines(text)
    if candidates:
        lines = source_lines(text)
        comments = _marker_comments(lines, candidates, _multiline_strings(multiline, candidates))
        yield from _place(scan_lines(comments), spans, lines)
        yield from _docstring_markers(owners)


def _from_lines(path: str, text: str) -> Iterator[Declaration]:
    spans = Spans(fallback.units(text))
    bound: dict[str, Imported] = {}
    for level, module, names in fallback.imports(text):
        for item in classify(path, level, module, names):
            bound[item.alias] = item
            yield Declaration("modular-import", item.target, item.family, item.line, enclosing(spans, item.line))
    for line, _name, bases in fallback.classes(text):
        qualname = enclosing(spans, line)
        for base in bases:
            hit = _resolve_base(base.split("[")[0].strip(), bound)
            if hit:
                yield Declaration("base-class", hit[0], hit[1], line, qualname)
    lines = source_lines(text)
    yield from _place(scan_lines(comment_lines(text)), spans, lines)
    for marker in scan_lines(docstring_lines(text)):
        yield _declare(marker, enclosing(spans, marker.line))


def _dotted(node: ast.expr) -> str:
    """``a.b.C`` for a name or attribute chain (generic ``Base[T]`` reads as ``Base``)."""
    if isinstance(node, ast.Subscript):
        return _dotted(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _resolve_base(expr: str, bound: dict[str, Imported]) -> tuple[str, str] | None:
    """(target, family) when a base expression goes through an imported name."""
    if not expr:
        return None
    head, _, rest = expr.partition(".")
    item = bound.get(head)
    if item is None:
        return None
    return (f"{item.target}.{rest}" if rest else item.target), item.family


def _marker_comments(
    lines: Sequence[str], candidates: Sequence[int], strings: Sequence[tuple[int, int, int, int]]
) -> list[tuple[int, str]]:
    """Comments on the lines that hold a marker phrase and on the line after each (where a
    target may continue). Multi-line strings, known from the syntax tree, are not comments."""
    wanted = sorted({n for i in candidates for n in (i, i + 1)})
    out: list[tuple[int, str]] = []
    for number in wanted:
        if number > len(lines):
            continue
        raw = lines[number - 1].encode("utf-8")
        begin, end = 0, len(raw)
        for first, first_col, last, last_col in strings:
            if first < number < last:
                begin, end = 0, -1
                break
            if number == last:
                begin = max(begin, last_col)
            if number == first:
                end = min(end, first_col)
        if end < begin:
            continue
        comment = comment_in(raw[begin:end].decode("utf-8", "replace"))
        if comment is not None:
            out.append((number, comment))
    return out


def _place(markers: Iterable[Marker], spans: Spans, lines: Sequence[str]) -> Iterator[Declaration]:
    """Attach comment markers: Copied-from to the next unit, the others to the unit they
    introduce when one follows at once, else to the unit around them."""
    for marker in markers:
        if marker.kind == "copied-from":
            span = following(spans, marker.line)
        elif marker.kind == "generated-from":
            span = None
        else:
            span = directly_following(spans, marker.line, lines)
        yield _declare(marker, span.qualname if span else enclosing(spans, marker.line))


def _docstring_markers(owners: Sequence[tuple[ast.AST, str]]) -> Iterator[Declaration]:
    for node, unit in owners:
        body = getattr(node, "body", [])
        if not (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            continue
        if not may_hold_marker(body[0].value.value):
            continue  # (most docstrings: read whole, not line by line)
        first = body[0].lineno
        numbered = [(first + i, line) for i, line in enumerate(body[0].value.value.split("\n"))]
        for marker in scan_lines(numbered):
            yield _declare(marker, unit)


def _declare(marker: Marker, unit: str) -> Declaration:
    return Declaration(marker.kind, marker.target, family_of(marker.target), marker.line, unit)
