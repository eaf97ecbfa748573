"""Where a file names its top-level definitions (classify/adopt.py `_uses`): each name looked for
by a literal search gives the lines reading every word of the file gave."""

from __future__ import annotations

import re
from bisect import bisect_right

from hypothesis import example, given, settings
from hypothesis import strategies as st

from lineage.classify.adopt import _SELF_CALL, _uses

NAMES = frozenset({"forward", "_fwd", "a", "x1", "modèle", "Block"})
PIECES = ["forward", "_fwd", "a", "x1", "1", "2a", "modèle", "mod", "è", "_", ".", " ", "(", "\n", "Block", "é", "self"]


def _every_word(text: str, names: frozenset[str]) -> dict[str, list[int]]:
    newlines = [m.start() for m in re.finditer("\n", text)]
    out: dict[str, list[int]] = {}
    for m in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)", text):
        if m.group(1) in names:
            out.setdefault(m.group(1), []).append(bisect_right(newlines, m.start() - 1) + 1)
    return out


@settings(max_examples=400, deadline=None)
@example(["1", "a"])  # (digits before a name start no word: `1a` is the word `a`)
@example(["modèle"])  # (a name outside ASCII is never one word)
@example(["x1", "a"])  # (`x1a` is one word)
@example(["a", "\n", "a", "a"])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_uses_are_the_lines_every_word_gives(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _uses(text, NAMES) == _every_word(text, NAMES)


CALL_PIECES = ["forward", "_fwd", "x1", "modèle", "self", "(", ")", ",", " ", "\n", ".", "def ", "é", "1", "=",
               "a", "selfish"]


@settings(max_examples=500, deadline=None)
@example(["_fwd", "(", "self", ")"])
@example(["_fwd", "(", "x1", ",", "self", ",", "_fwd", "(", "self", ")"])  # (two calls, one after the other)
@example(["def ", "_fwd", "(", "self", ")"])  # (a definition, not a call)
@example(["é", "_fwd", "(", "self", ")"])  # (a longer name outside ASCII)
@example([".", "_fwd", "(", "self", ")"])  # (an attribute's call)
@example(["_fwd", "x1", "(", "self", ")"])  # (a longer name that starts with one)
@given(st.lists(st.sampled_from(CALL_PIECES), max_size=40))
def test_calls_with_the_instance_are_where_the_pattern_finds_them(pieces: list[str]) -> None:
    text = "".join(pieces)
    newlines = [m.start() for m in re.finditer("\n", text)]
    expected: dict[str, list[int]] = {}
    for m in _SELF_CALL.finditer(text):
        if m.group(1) in NAMES:
            expected.setdefault(m.group(1), []).append(bisect_right(newlines, m.start() - 1) + 1)
    assert _uses(text, NAMES, _SELF_CALL) == expected
