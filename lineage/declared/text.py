"""Lineage markers written in prose: comment and docstring lines.

- ``# Copied from transformers.models.X.modeling_X.Y`` (optionally ``with A->B``),
- ``Adapted from`` / ``Inspired by`` / ``Based on`` (any case; also ``Ported``, ``Modified``,
  ``Derived`` and ``Borrowed from``, the verbs of ``lineage.vocab.ADAPTED_FROM``)
  followed by a URL, a file path or a dotted module path, on the same line or on the next
  comment line (vLLM writes ``# Adapted from`` then the URL below it),
- the transformers banner ``This file was automatically generated from
  src/transformers/models/X/modular_X.py``.

Prose without a checkable target ("based on EleutherAI's GPT-NeoX library") is not a
declaration: a reviewer could not follow it to code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lineage.parse.lines import ast_lines, occurrences
from lineage.vocab import ADAPTED_FROM

_COPIED = re.compile(r"\bCopied from\s+`?((?:transformers|vllm|sglang)\.[\w.]+)")
_GENERATED = re.compile(r"automatically generated from\s+`?([\w./-]+?\.py)\b")
_ADAPTED = re.compile(rf"{ADAPTED_FROM}|\binspired\s+by\b|\bbased\s+on\b", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>()\[\]`'\"]+")
_PATH = re.compile(r"(?<![\w.-])((?:[\w.-]+/)*[\w-]+\.py)\b")
_DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*){2,})")
_TRAILING = ".,;:)]}'\"`"
_ANY_PHRASE = re.compile(rf"copied from|generated from|{ADAPTED_FROM}|inspired by|based on", re.IGNORECASE)
# the same on lower-cased text, found by plain search: the phrases, and the verbs of ADAPTED_FROM
# each checked where it stands (four times as fast as one pattern of alternatives, which re tries
# at every offset)
_PHRASES_LOWER = ("copied from", "generated from", "inspired by", "based on")
_VERBS_LOWER = ("adapted", "ported", "modified", "derived", "borrowed", "taken")
_FROM_AFTER = re.compile(r"\s+from\b")
_FOLDED_APART = "\u0131\u017f\u0130"  # ı ſ İ: re ignoring case matches them to i, s, i


@dataclass(frozen=True)
class Marker:
    """A marker found on one line of prose: its kind, target and 1-based line."""

    kind: str  # copied-from | adapted-from | generated-from
    target: str
    line: int


def marker_lines(text: str) -> list[int]:
    """1-based numbers of the lines holding a marker phrase (a cheap pre-filter)."""
    out: list[int] = []
    line, last = 1, 0
    # (text lower-cased keeps every offset when no letter grows, and ignoring case is only that but
    # for three letters that match an ASCII one without lower-casing to it: re's dotless i, long s
    # and dotted capital I)
    lower = text.lower()
    plain = text.isascii() or (len(lower) == len(text) and not any(c in text for c in _FOLDED_APART))
    found = _phrases_lower(lower) if plain else [match.start() for match in _ANY_PHRASE.finditer(text)]
    for start in found:
        line += text.count("\n", last, start)
        last = start
        if not out or out[-1] != line:
            out.append(line)
    return out


def _phrases_lower(lower: str) -> list[int]:
    """Where `_ANY_PHRASE` matches in lower-cased text, ascending (each start once)."""
    found = occurrences(lower, _PHRASES_LOWER)
    for verb in _VERBS_LOWER:  # (`\b` before the verb, `\s+from\b` after it)
        found += [at for at in occurrences(lower, (verb,))
                  if not (at and (lower[at - 1].isalnum() or lower[at - 1] == "_"))
                  and _FROM_AFTER.match(lower, at + len(verb))]
    return sorted(found)


def targets_in(text: str) -> list[str]:
    """Every URL and ``.py`` path in ``text`` in order; failing those, the first dotted module path."""
    found: list[tuple[int, str]] = []
    masked = text
    for pattern in (_URL, _PATH):
        for match in pattern.finditer(masked):
            found.append((match.start(), match.group(match.lastindex or 0).rstrip(_TRAILING)))
            masked = masked[:match.start()] + " " * (match.end() - match.start()) + masked[match.end():]
    if not found:
        for match in _DOTTED.finditer(text):
            if _looks_like_module(match.group(1).rstrip(_TRAILING)):
                return [match.group(1).rstrip(_TRAILING)]
    return [t for _, t in sorted(found) if t]


def target_in(text: str) -> str:
    """The first target of :func:`targets_in`; ``""`` when there is none."""
    found = targets_in(text)
    return found[0] if found else ""


def _looks_like_module(dotted: str) -> bool:
    # "e.g. this.that" or version numbers are prose; module paths are lower-case packages
    first = dotted.split(".")[0]
    return first.islower() and not first.isdigit() and len(first) > 1


def _starts_with_target(text: str) -> str:
    stripped = text.strip().lstrip("`")
    found = target_in(stripped)
    return found if found and stripped.startswith(found[:8]) else ""


def scan_lines(lines: Iterable[tuple[int, str]]) -> Iterator[Marker]:
    """Markers in consecutive prose lines ``(line number, text without '#')``.

    A marker phrase with no target on its own line takes a target that opens the next line
    of the same block (lines must be consecutive for that).
    """
    pending: int | None = None  # line of an Adapted-from phrase still waiting for its target
    previous = -1
    for number, text in lines:
        if pending is not None and number == previous + 1:
            continued = _starts_with_target(text)
            if continued:
                yield Marker("adapted-from", continued, pending)
                pending, previous = None, number
                continue
        pending = None
        previous = number
        generated = _GENERATED.search(text)
        if generated:
            yield Marker("generated-from", generated.group(1), number)
            continue
        copied = _COPIED.search(text)
        if copied:
            yield Marker("copied-from", copied.group(1).rstrip("."), number)
            continue
        phrase = _ADAPTED.search(text)
        if phrase:
            found = targets_in(text[phrase.end():])
            for target in found:
                yield Marker("adapted-from", target, number)
            if not found and not text[phrase.end():].strip(" :-"):
                pending = number


def may_hold_marker(prose: str) -> bool:
    """Whether `scan_lines` could find a marker in the lines of ``prose`` (False only when it
    cannot): each of its patterns is tried on the whole text, where a line's match is a match
    too (a line ends where '\n' or the text does, and its `\b` reads both alike).  The copied-
    and generated-from patterns need their words as written; ignoring case, the adapted-from
    one needs "from", "inspired" or "based", which ASCII text holds lower-cased when it holds
    them at all (only other alphabets fold onto ASCII letters: ``ı``, ``ſ``, the Kelvin sign)."""
    if "Copied from" in prose or "automatically generated from" in prose:
        return True
    if prose.isascii():
        lower = prose.lower()
        if "from" not in lower and "inspired" not in lower and "based" not in lower:
            return False
    return _ADAPTED.search(prose) is not None


def comment_in(line: str) -> str | None:
    """The comment of one line of code (text after ``#``), ignoring ``#`` inside quotes."""
    quote: str | None = None
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif line.startswith(('"""', "'''"), i):
            quote = line[i:i + 3]
            i += 3
            continue
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[i + 1:]
        i += 1
    return None


def comment_lines(text: str) -> Iterator[tuple[int, str]]:
    """Comments found line by line without a tokenizer (for files that do not parse).

    Tracks triple-quoted strings across lines; a ``#`` inside a string is not a comment.
    """
    in_triple: str | None = None
    for number, line in enumerate(ast_lines(text), start=1):
        start = 0
        if in_triple:
            end = line.find(in_triple)
            if end < 0:
                continue
            start, in_triple = end + 3, None
        rest = line[start:]
        comment = comment_in(rest)
        code = rest if comment is None else rest[: len(rest) - len(comment) - 1]
        for quote in ('"""', "'''"):
            if code.count(quote) % 2 == 1:
                in_triple = quote
        if comment is not None:
            yield number, comment


def docstring_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines of docstrings (for files that do not parse): triple-quoted strings that open a
    line and come first in the file or right after a ``...:`` header line."""
    for match in re.finditer(r'(?m)^([ \t]*[rRuU]?)("""|\'\'\')(.*?)\2', text, re.DOTALL):
        before = [line.strip() for line in text[: match.start()].splitlines()]
        code = [line for line in before if line and not line.startswith("#")]
        if code and not code[-1].endswith(":"):
            continue
        first = text.count("\n", 0, match.start(3)) + 1
        for offset, line in enumerate(match.group(3).split("\n")):
            yield first + offset, line
