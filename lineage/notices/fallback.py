"""A small line-anchored copyright detector for what scancode misses or mangles.

scancode-toolkit 32.5 transliterates CJK text to pinyin before parsing, and truncates:
"版权所有 (c) 2024 智谱AI" gives the holder "Zhi", "Copyright © 2024 阿里巴巴集团" gives
"Li", and "深度求索 版权所有" (holder before the marker, no "Copyright") gives nothing.  It
also skips "SPDX-FileCopyrightText: Copyright contributors to the vLLM project".  This
detector reads such lines in their own script.  It only accepts a line whose comment text
starts with a copyright marker, or that holds a Chinese one (版权所有, 著作权所有, 版权归…所有),
so code such as ``x = f(c) if y else z`` is never taken for a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE = 400  # longer lines are cut before any regex runs

_COMMENT = re.compile(r"""^\s*(?:#+|//+|/\*+|\*+|--|;+|"{3}|'{3}|<!--|\.\.)?\s*""")
_TRAILER = re.compile(r"""\s*(?:\*/|-->|"{3}|'{3})\s*$""")
_MARKER = r"(?:spdx-filecopyrighttext\s*:|copyright\b|\(c\)|©|&copy;)"
_YEARS = r"(?:\d{4}(?:\s*(?:-|–|~|,|to)\s*(?:\d{4}|present|now))*[\s,.]*)"
_LEADING = re.compile(rf"^(?:{_MARKER}\s*|{_YEARS}|by\s+)+", re.IGNORECASE)
_ALL_RIGHTS = re.compile(
    r"[\s,.;:]*(?:all\s+rights\s+reserved|保留所有权利|保留一切权利)[\s.。]*$", re.IGNORECASE
)
# A holder ends where the next sentence or a licence grant starts.
_SENTENCE_END = re.compile(
    r"\.\s+(?=[A-Z])|[\s,;]+(?i:licen[cs]ed|released|distributed)\s+(?i:under)\b|\s+-\s+"
)
_ZH_BELONGS = re.compile(r"版权归\s*(?P<holder>.+?)\s*所有")
_ZH_MARKER = re.compile(r"(?:版权所有|著作权所有)\s*[：:]?")
_NOT_HOLDER = frozenset(
    "notice notices holder holders owner owners statement statements law laws license "
    "licence licenses licences and or is are to of for in on info information file files "
    "text year years date".split()
)
_TRIM = " \t,.;:：，。、-–—|"


@dataclass(frozen=True)
class RawNotice:
    """A copyright statement and its holder, before organisation mapping."""

    line: int
    statement: str
    holder: str


def comment_text(line: str) -> str:
    """The text of a line without comment markers or docstring quotes."""
    text = _COMMENT.sub("", line[:MAX_LINE], count=1)
    return _TRAILER.sub("", text).strip()


def _clean_holder(text: str) -> str:
    text = _ALL_RIGHTS.sub("", text)
    text = _LEADING.sub("", text.strip())
    text = _SENTENCE_END.split(text, maxsplit=1)[0]
    text = _ALL_RIGHTS.sub("", text).strip(_TRIM)
    if not text or not re.search(r"\w", text) or re.fullmatch(r"[\d\W_]+", text):
        return ""
    first = re.split(r"[\s,]+", text, maxsplit=1)[0].casefold()
    return "" if first in _NOT_HOLDER else text


# what every notice line holds somewhere in its first MAX_LINE characters (`detect_line`'s three
# readings each need one of these): a line without is passed over unread
_ANY_MARKER = re.compile(rf"{_MARKER}|版权归|版权所有|著作权所有", re.IGNORECASE)


def detect_line(number: int, line: str) -> RawNotice | None:
    """The notice on one line, or None when the line is not a copyright statement."""
    if not _ANY_MARKER.search(line, 0, MAX_LINE):
        return None
    text = comment_text(line)
    if not text:
        return None
    zh = _ZH_BELONGS.search(text)
    if zh:
        holder = _clean_holder(zh.group("holder"))
        return RawNotice(number, text, holder) if holder else None
    zh_marker = _ZH_MARKER.search(text)
    if zh_marker:
        after = _clean_holder(text[zh_marker.end() :])
        before = _clean_holder(text[: zh_marker.start()])
        holder = after or before
        return RawNotice(number, text, holder) if holder else None
    if not re.match(_MARKER, text, re.IGNORECASE):
        return None
    holder = _clean_holder(text)
    return RawNotice(number, text, holder) if holder else None


def detect_lines(numbered_lines: list[tuple[int, str]]) -> list[RawNotice]:
    """Every notice the fallback finds in (line number, text) pairs."""
    found = (detect_line(number, text) for number, text in numbered_lines)
    return [notice for notice in found if notice is not None]
