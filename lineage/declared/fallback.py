"""Line-based reading of imports, classes and units for files that ``ast`` cannot parse.

Hostile or half-edited input is normal input: a syntax error anywhere must not hide the
declarations in the rest of the file. These regexes cover the shapes model code uses
(one-line and parenthesised ``from`` imports, class headers that fit on a few lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lineage.declared.units import Span, source_lines

_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.MULTILINE)
_CLASS = re.compile(r"^([ \t]*)class[ \t]+(\w+)[ \t]*\(([^)]*)\)[ \t]*:", re.MULTILINE)
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+(\w+)")
_DECORATOR = re.compile(r"^[ \t]*@")
_NAME = re.compile(r"(\w+|\*)(?:[ \t]+as[ \t]+(\w+))?[ \t]*(?=,|\)|$|#|\n)", re.MULTILINE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def imports(text: str) -> Iterator[tuple[int, str, list[tuple[str, str | None, int]]]]:
    """``(level, module, [(name, asname, line)])`` for each ``from`` import found."""
    for match in _FROM.finditer(text):
        names: list[tuple[str, str | None, int]] = []
        body = re.sub(r"#[^\n]*", lambda c: " " * len(c.group(0)), match.group(3))  # same offsets
        for part in _NAME.finditer(body):
            if part.group(1) in ("import", "as"):
                continue
            line = _line_of(text, match.start(3) + part.start())
            names.append((part.group(1), part.group(2), line))
        yield len(match.group(1)), match.group(2), names


def classes(text: str) -> Iterator[tuple[int, str, list[str]]]:
    """``(line, class name, base expressions)`` for class headers with a base list."""
    for match in _CLASS.finditer(text):
        bases = [b.strip() for b in match.group(3).replace("\n", " ").split(",")]
        kept = [b for b in bases if b and "=" not in b]
        yield _line_of(text, match.start()), match.group(2), kept


def units(text: str) -> list[Span]:
    """Classes and functions with qualified names, from indentation alone."""
    lines = source_lines(text)
    found: list[tuple[int, int, str, int]] = []  # (def line, indent, name, start incl. decorators)
    for number, line in enumerate(lines, start=1):
        match = _DEF.match(line)
        if not match:
            continue
        start = number
        while start > 1 and _DECORATOR.match(lines[start - 2]):
            start -= 1
        found.append((number, len(match.group(1).expandtabs()), match.group(3), start))
    spans: list[Span] = []
    stack: list[tuple[int, str]] = []  # (indent, qualname)
    for number, indent, name, start in found:
        while stack and stack[-1][0] >= indent:
            stack.pop()
        qualname = f"{stack[-1][1]}.{name}" if stack else name
        stack.append((indent, qualname))
        end = _block_end(lines, number, indent)
        spans.append(Span(start, number, end, qualname))
    return spans


def _block_end(lines: list[str], def_line: int, indent: int) -> int:
    last = def_line
    for number in range(def_line + 1, len(lines) + 1):
        line = lines[number - 1]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        last = number
    return last
