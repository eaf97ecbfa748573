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


SPELT = [b"use_cache", b"a", b"aa", b"aaa", b"x_1", b"\xc3\xa9\xc3\xa9", b"a.b", b"1a", b""]


@settings(max_examples=300, deadline=None)
@example({b"a", b"aa"}, [b"aa", b" ", b"a", b".", b"aaa"], 0, 40, True)  # (a name, a longer one, one inside a word)
@example({b"\xc3\xa9\xc3\xa9"}, [b"\xc3\xa9", b"\xc3\xa9"], 0, 4, True)  # (a name no ASCII word can be)
@given(st.sets(st.sampled_from(SPELT), max_size=6), st.lists(st.sampled_from(PIECES), max_size=40),
       st.integers(0, 30), st.integers(0, 80), st.booleans())
def test_names_spelt_are_the_words_read_one_by_one(names: set[bytes], pieces: list[bytes], start: int, length: int,
                                                   after_dot: bool) -> None:
    """`spelt_as` (each of a few names found by `bytes.find`) finds what reading every word and looking it up finds."""
    from lineage.parse.callsite import WORD, spelt_as

    source = b"".join(pieces)
    start = min(start, len(source))
    end = min(len(source), start + length)
    word = WORD if after_dot else re.compile(rb"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*")
    expected = [(m.start(), m.group()) for m in word.finditer(source, start, end) if m.group() in names]
    assert [(at, name) for at, _, name in spelt_as(names, source, start, end, after_dot)] == expected


def test_many_names_are_read_word_by_word_alike() -> None:
    """Past the few names found one by one, every word is read and looked up: the same hits."""
    from lineage.parse.callsite import WORD, spelt_as

    names = {f"n{k}".encode() for k in range(200)}
    source = b" ".join(f"n{k % 250}.n{k} x.n{k}(n{k}_)".encode() for k in range(300))
    assert [(at, end) for at, end, _ in spelt_as(names, source)] == \
        [m.span() for m in WORD.finditer(source) if m.group() in names]
