"""A name spelt as a word of its own, not after a dot, found by a literal search: the offsets the
lookbehind pattern the parse passes used to run give, on the whole text or a slice of it."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from lineage.parse.words import words

NAMES = [b"use_cache", b"a", b"aa", b"\xc3\xa9\xc3\xa9", b"x_1"]
PIECES = [b"use_cache", b"a", b"aa", b"aaa", b".", b" ", b"_", b"1", b"\xc3\xa9", b"(", b"self.", b"=", b"\n"]


def _pattern(name: bytes, text: bytes) -> list[int]:
    return [m.start() for m in re.finditer(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)", text)]


@settings(max_examples=300, deadline=None)
@example(b"\xc3\xa9\xc3\xa9", [b".", b"\xc3\xa9", b"\xc3\xa9", b"\xc3\xa9"], 0, 7)  # (a miss, then a word inside it)
@example(b"a", [b"x", b"a", b" "], 1, 2)  # (the slice's edges are its text's edges)
@given(st.sampled_from(NAMES), st.lists(st.sampled_from(PIECES), max_size=40), st.integers(0, 30), st.integers(0, 80))
def test_words_are_where_the_pattern_finds_them(name: bytes, pieces: list[bytes], start: int, length: int) -> None:
    source = b"".join(pieces)
    start = min(start, len(source))
    end = min(len(source), start + length)
    assert words(name, source, start, end) == _pattern(name, source[start:end])
    assert words(name, source) == _pattern(name, source)
