"""A file with a syntax error, its unreadable lines left out before its units are read.

tree-sitter recovers from an error by guessing where it ends, and after an unclosed bracket it
guesses late: a stranger's review put `def broken(:` and `    return ((` before a class of vLLM's
qwen2.py, and tree-sitter read the class header and its `__init__` as the body of `broken`, its
`forward` as a function of the module, and the next class without its decorator: units the file
does not have, on lines it does not have them, matched to other references.

CPython names the line it cannot read.  That line is blanked (each of its bytes a space, so every
other line and offset stands), and an indented block it leaves behind with it, until the file
parses; then tree-sitter reads the mended file, whose units are the file's own.  The lines left out
are named in the scan's error.  A file that does not parse once MAX_LINES lines are out, or whose
mended text tree-sitter still cannot read, is read with tree-sitter's recovery as before; so is one
whose definitions tree-sitter's recovery already read as the mended file has them (a stray bracket in
one statement: its line is kept, as read past).
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable
from dataclasses import dataclass

MAX_LINES = 20  # lines left out at most: past them the error is not a few broken lines
MAX_WIDTH = 1000  # bytes of a line left out at most: a longer one is no broken line of code (a hostile file's)


@dataclass(frozen=True)
class Mended:
    """The mended source (bytes of the same length, line for line) and the lines left out (1-based)."""

    source: bytes
    lines: tuple[int, ...]

    def said(self) -> str:
        """The lines left out, runs of them as ranges ("lines 238-239, 301")."""
        runs: list[list[int]] = []
        for n in self.lines:
            if runs and n == runs[-1][1] + 1:
                runs[-1][1] = n
            else:
                runs.append([n, n])
        shown = ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)
        return f"line {shown}" if len(self.lines) == 1 else f"lines {shown}"


def mended(text: str, check: Callable[[], None] = lambda: None) -> Mended | None:
    """``text`` (newlines as Python reads them) with the lines CPython cannot read blanked, or None
    when it parses as it is, or still fails after MAX_LINES lines, or a line to leave out is wider
    than MAX_WIDTH.  ``check`` is called before each parse (the file's CPU budget: it raises)."""
    lines = text.split("\n")
    out: list[int] = []
    while True:
        check()
        failed = _failure("\n".join(lines))
        if failed is None:
            return Mended("\n".join(lines).encode("utf-8", "surrogatepass"), tuple(sorted(out))) if out else None
        number, block = failed
        if not 1 <= number <= len(lines) or number in out:
            return None
        blank = _block(lines, number) if block else [number]
        if len(out) + len(blank) > MAX_LINES or any(len(lines[n - 1]) > MAX_WIDTH for n in blank):
            return None
        for n in blank:
            lines[n - 1] = " " * len(lines[n - 1].encode("utf-8", "surrogatepass"))
        out += blank


def _failure(text: str) -> tuple[int, bool] | None:
    """The line CPython stops at, and whether it is an indented block left without its header; None
    when the text parses."""
    exc = _refusal(text)
    if isinstance(exc, SyntaxError):
        return exc.lineno or 0, isinstance(exc, IndentationError) and "unexpected indent" in str(exc.msg)
    return None if exc is None else (0, False)


def _refusal(text: str) -> Exception | None:
    """Why CPython's parser refuses the text (its warnings silenced), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        return exc
    return None


def _block(lines: list[str], number: int) -> list[int]:
    """Line ``number`` and the lines after it indented as deeply or more (blank ones within)."""
    depth = _indent(lines[number - 1])
    out = [number]
    for n in range(number + 1, len(lines) + 1):
        line = lines[n - 1]
        if line.strip() and _indent(line) < depth:
            break
        out.append(n)
    while out and not lines[out[-1] - 1].strip():  # (blank lines after the block stay)
        out.pop()
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def syntax_problem(text: str) -> str | None:
    """Ask CPython's parser whether tree-sitter's error nodes are real syntax errors."""
    exc = _refusal(text)
    if isinstance(exc, SyntaxError):
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    return None if exc is None else f"not parseable by CPython: {type(exc).__name__}"
