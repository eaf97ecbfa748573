"""Lines numbered as units are: on '\\n' only, as tree-sitter counts rows.

``str.splitlines`` also breaks at form feeds, \\x1c-\\x1e, \\x85 and \\u2028, so a line
number taken from it drifts past any such character and no longer names the unit's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_AST_NEWLINE = re.compile(r"\r\n|\r|\n")


def numbered_lines(text: str, limit: int | None = None) -> list[str]:
    """The lines of ``text`` split on '\\n' (a trailing '\\r' dropped); line N is item N-1.
    With ``limit``, only the first ``limit`` lines (a file's header, without splitting it all)."""
    lines = text.split("\n") if limit is None else text.split("\n", limit)
    if limit is not None and len(lines) > limit:
        del lines[limit:]  # the rest of the text, unsplit
    elif lines and lines[-1] == "" and text:
        lines.pop()  # a final newline ends the last line, it does not open another
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def line_count(text: str) -> int:
    """How many lines ``numbered_lines`` gives: the last line number of a unit in ``text``."""
    return text.count("\n") + (bool(text) and not text.endswith("\n"))


def ast_lines(text: str) -> list[str]:
    """Lines as Python's own parser (``ast``) numbers them: a lone '\\r' also ends a line.

    Declared-lineage markers read ``ast`` line numbers, so they split this way; units and
    everything numbered against them use ``numbered_lines``.
    """
    if "\r" not in text:  # (most text: '\n' alone ends its lines, and a plain split is several times faster)
        return text.split("\n")
    return _AST_NEWLINE.split(text)


def occurrences(text: str, words: Iterable[str]) -> list[int]:
    """Where each of ``words`` stands in ``text`` (each word's occurrences apart, not overlapping
    themselves), word by word: a plain search in place of a pattern of alternatives."""
    found = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + len(word))
    return found
