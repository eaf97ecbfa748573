"""Literals a regex's matches must contain: a quick test that a text cannot match it.

Role rules search every unit's source text (lineage/compact/roles.py), and most texts match
few of them; a pattern of many alternatives, some starting with a group or a character class,
is tried at every position of the text.  Each top-level alternative spells out some plain
characters that any match of it holds; when a text contains none of those literals, no
alternative can match and the search is skipped (``str.__contains__`` scans at C speed).
Whatever this module cannot read for sure (a group, a class, a quantified character, inline
flags) only shortens the literals, or gives none: it can never skip a text that matches.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

_PLAIN_ESCAPE = frozenset(string.punctuation + " ")  # `\.` `\(` ...: the character itself
_COUNT = re.compile(r"\{\d*(?:,\d*)?\}")  # `{2}`, `{1,3}`: a quantifier
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")
_LITERAL, _QUANTIFIER, _OTHER, _BAR = range(4)


def _class_end(pattern: str, i: int) -> int:
    """Just past the character class opening at `i` (``[...]``, a leading ``]`` included)."""
    i += 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _group_end(pattern: str, i: int) -> int:
    """Just past the group opening at `i`, nested groups, classes and escapes skipped."""
    depth = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(pattern, i)
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        i += 1
        if depth == 0:
            break
    return i


def _atoms(pattern: str) -> Iterator[tuple[int, str]]:
    """The pattern's top-level atoms: (kind, character) for a literal, (kind, "") otherwise."""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            escaped = pattern[i + 1: i + 2]
            yield (_LITERAL, escaped) if escaped and escaped in _PLAIN_ESCAPE else (_OTHER, "")
            i += 2
        elif c == "[":
            yield _OTHER, ""
            i = _class_end(pattern, i)
        elif c == "(":
            yield _OTHER, ""
            i = _group_end(pattern, i)
        elif c == "{" and (count := _COUNT.match(pattern, i)):
            yield _QUANTIFIER, ""
            i = count.end()
        else:
            kind = _BAR if c == "|" else _QUANTIFIER if c in "*+?" else _OTHER if c in ".^${})" else _LITERAL
            yield kind, c
            i += 1


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """One literal per top-level alternative of `pattern` (compiled without flags) that every
    match of that alternative contains; None when some alternative has none to give."""
    if _INLINE_FLAGS.search(pattern):
        return None
    found: list[str] = []
    runs: list[str] = []
    run: list[str] = []
    for kind, char in [*_atoms(pattern), (_BAR, "|")]:
        if kind == _LITERAL:
            run.append(char)
            continue
        if kind == _QUANTIFIER and run:
            run.pop()  # `ab?`, `ab*`, `ab{0,2}`: only the `a` is sure to be there
        if run:
            runs.append("".join(run))
            run = []
        if kind == _BAR:
            if not runs:
                return None
            found.append(max(runs, key=len))
            runs = []
    return tuple(dict.fromkeys(found))
