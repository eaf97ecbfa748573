"""The cheap part of notice detection: which lines to read, SPDX tags, licence grants and
"Adapted from"/"Copied from"/"automatically generated from" declarations.  Regexes only.

Lines are numbered the way editors and the parser number them: split on "\n" alone.
"""

from __future__ import annotations

import re

from lineage.notices.fallback import MAX_LINE, comment_text
from lineage.parse.lines import occurrences
from lineage.vocab import ADAPTED_FROM

MAX_EXTRA_LINES = 200  # marker lines past the header; bounds work on hostile files
_CANDIDATE = re.compile(r"copyright|©|\(c\)|版权|著作权|spdx-", re.IGNORECASE)
# the same on lower-cased text, found by plain search (several times as fast as the pattern, which
# re tries at every offset): the letters of its words fold onto no other than these three, which
# lower-case to no ASCII letter (dotless i, long s) or to two characters (dotted capital I)
_CANDIDATE_LOWER = ("copyright", "©", "(c)", "版权", "著作权", "spdx-")
_FOLDED_APART = "\u0131\u017f\u0130"
_SPDX = re.compile(r"SPDX-License-Identifier\s*:\s*(?P<expr>[^\n]*?)\s*(?:\*/|-->|\"\"\"|'''|$)")
_LICENCE_WORDS = re.compile(
    r"licen[cs]ed under|licen[cs]e agreement|permission is hereby granted|"
    r"redistribution and use|terms of use|许可证|许可协议",
    re.IGNORECASE,
)
# Standard grants recognised without scancode's licence index (seconds to load).
_KNOWN_GRANTS = (
    (re.compile(r"licen[cs]ed under the apache licen[cs]e,? version 2\.0", re.I), "Apache-2.0"),
    (re.compile(r"permission is hereby granted, free of charge, to any person", re.I), "MIT"),
    (re.compile(r"licen[cs]ed under the mit licen[cs]e", re.I), "MIT"),
)
# Proprietary terms in a header's prose (no SPDX tag, no grant): the file is declared closed
# code, which no copy of Apache-2.0 or copyleft code may be (notices/licences.py).
PROPRIETARY = "LicenseRef-Proprietary"
_PROPRIETARY = re.compile(
    r"\bproprietary\b[\w\s,]{0,30}\bconfidential\b|\bconfidential\b[\w\s,]{0,30}\bproprietary\b|"
    r"\bproprietary (?:licen[cs]e|software|source code|code)\b|"
    r"unauthori[sz]ed (?:copying|use|distribution)\b.{0,60}\b(?:strictly )?prohibited|"
    r"专有|机密|保密",
    re.IGNORECASE,
)
_DECLARED = re.compile(
    rf"(?:{ADAPTED_FROM}|\bcopied\s+from\b|\bautomatically\s+generated\s+from\b)(?P<rest>.*)",
    re.IGNORECASE,
)
_CODE_START = re.compile(r"^\s*(?:import\s|from\s+\S+\s+import\s|def\s|class\s|async\s+def\s|@)")
_BASED_ON = re.compile(r"\bbased\s+on\b(?P<rest>.*)", re.IGNORECASE)


def candidate_lines(lines: list[str], header_lines: int) -> list[tuple[int, str]]:
    """(1-based number, text) for the header and for later lines with a copyright marker.

    Long lines are cut to MAX_LINE and at most MAX_EXTRA_LINES lines past the header are
    taken, which bounds the work a hostile file can cause.
    """
    picked = [(i + 1, line[:MAX_LINE]) for i, line in enumerate(lines[:header_lines])]
    rest = "\n".join(lines[header_lines:])  # (the lines past the header, searched as one: no marker spans lines)
    extra, i, at = 0, header_lines, 0
    for start in _candidate_starts(rest):
        if extra >= MAX_EXTRA_LINES:
            break
        if start < at:
            continue  # (the line of the last hit)
        i += rest.count("\n", at, start)
        at = rest.find("\n", start) + 1 or len(rest) + 1  # (the next line's first character)
        if _CANDIDATE.search(lines[i][:MAX_LINE]):  # (a marker in the first MAX_LINE characters)
            picked.append((i + 1, lines[i][:MAX_LINE]))
            extra += 1
        i += 1
    return picked


def _candidate_starts(rest: str) -> list[int]:
    """Where `_CANDIDATE` matches in ``rest``, ascending; found by plain search, a start inside an
    earlier match may come too (on that match's line: no word spans lines), and only the lines
    that hold a start are read."""
    lower = rest.lower()  # (keeps every offset when no character grows)
    if not (rest.isascii() or (len(lower) == len(rest) and not any(c in rest for c in _FOLDED_APART))):
        return [hit.start() for hit in _CANDIDATE.finditer(rest)]
    return sorted(occurrences(lower, _CANDIDATE_LOWER))


def spdx_expressions(numbered: list[tuple[int, str]]) -> list[str]:
    """SPDX-License-Identifier expressions, in order, without duplicates."""
    found: list[str] = []
    for _, line in numbered:
        m = _SPDX.search(line)
        if m and m.group("expr") and m.group("expr") not in found:
            found.append(m.group("expr"))
    return found


_FIRST_DEFINITION = re.compile(r"(?:async\s+)?def\s|class\s|@")


def declarations(lines: list[str], header_lines: int) -> list[str]:
    """ "Adapted from"/"Copied from"/"automatically generated from" lines, URL included, that
    speak for the whole file: those before its first definition.  A marker further down sits
    over one unit ("# Copied from ... BartAttention" above a class; transformers' mask2former
    says "Adapted from .../Mask2Former/..." above its matcher): it declares that unit, which
    the unit-level declarations read, not the file, whose notices it must not excuse.

    A declaration whose source sits on the next line (vLLM writes "# Adapted from" then
    the URL) takes that line along.  "Based on" counts only inside the header.
    """
    found: list[str] = []
    end = next((i for i, line in enumerate(lines) if _FIRST_DEFINITION.match(line)), len(lines))
    for i, line in enumerate(lines[:end]):
        low = line[:MAX_LINE].lower()
        if "from" not in low and "based on" not in low:
            continue
        text = comment_text(line)
        m = _DECLARED.search(text) or (_BASED_ON.search(text) if i < header_lines else None)
        if not m:
            continue
        if not m.group("rest").strip(" :.") and i + 1 < len(lines):
            following = comment_text(lines[i + 1])
            if "/" in following or "." in following:
                text = f"{text.rstrip(' :')} {following}"
        if text not in found:
            found.append(text)
    return found


def known_grant(numbered: list[tuple[int, str]]) -> str:
    """The SPDX id of a standard Apache-2.0 or MIT grant in the lines, or ""."""
    plain = " ".join(" ".join(comment_text(line) for _, line in numbered).split())
    return next((spdx for pattern, spdx in _KNOWN_GRANTS if pattern.search(plain)), "")


def proprietary_terms(header: str) -> str:
    """PROPRIETARY when the header's prose declares the file closed ("Proprietary and
    confidential", "Unauthorized copying of this file is strictly prohibited"), else ""."""
    plain = " ".join(" ".join(comment_text(line) for line in header.splitlines()).split())
    return PROPRIETARY if _PROPRIETARY.search(plain) else ""


def has_licence_words(text: str) -> bool:
    """True when text reads like a licence grant (worth scancode's licence index)."""
    return _LICENCE_WORDS.search(text) is not None


def prologue(numbered: list[tuple[int, str]]) -> str:
    """The header text before the first import, definition or decorator.

    Licence grants live there; keeping code out of scancode's query makes matching faster.
    """
    kept: list[str] = []
    for _, line in numbered:
        if _CODE_START.match(line):
            break
        kept.append(line)
    return "\n".join(kept)
