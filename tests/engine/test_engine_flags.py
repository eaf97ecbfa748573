"""Stores to `self` that nothing reads (parse/opaque.py, `lex-v41`): under a private name the module
spells nowhere else (`self._tick = 3`), of a value that calls nothing or calls that take nothing from
the function, they are padding and read as absent; under a public name, when one function stores it
three times or more.  A flag the module reads, a public one stored once or twice in a function (code
elsewhere may read it), and a store that computes something stay.  Fixture code is our own."""

from __future__ import annotations

import pytest

from tests.engine.test_engine_idioms import prints

BODY = [
    "query = self.query(hidden)",
    "key = self.key(hidden)",
    "scores = query @ key.transpose(-1, -2)",
    "scores = scores / self.scale",
    "weights = scores.softmax(dim=-1)",
    "mixed = weights @ self.value(hidden)",
    "mixed = self.dropout(mixed)",
    "out = self.proj(mixed)",
    "out = out + hidden",
]


def _module(pad: str = "", tail: str = "") -> str:
    """Our own attention forward, ``pad`` after every statement (``{n}``: the statement's number)."""
    lines = ["class Mixer:", "    def forward(self, hidden):"]
    for n, line in enumerate(BODY):
        lines.append("        " + line)
        if pad:
            lines.append("        " + pad.format(n=n))
    lines += ["        return out", ""]
    return "\n".join(lines) + tail


@pytest.mark.parametrize("pad", [
    "self._tick{n} = {n}",  # private names, each stored once
    "self._tick = {n}",  # one private name, stored nine times
    "self._seen = None",
    "self._pad{n} = len(str({n}))",  # a value of builtins on literals calls nothing the code does
    "self._stamp = __import__('time').time()",  # a call that takes nothing from the function
    "self.marker = 'x'",  # a public name, nine times in one function
])
def test_stores_nothing_reads_are_read_as_absent(pad: str) -> None:
    assert prints(_module(pad)) == prints(_module())


def test_the_padding_does_change_the_plain_reading() -> None:
    # (the assertions above could not fail if padding were never seen by the fingerprints)
    assert prints(_module("hidden.tick{n} = {n}")) != prints(_module())


@pytest.mark.parametrize("pad, tail", [
    # a private flag the module reads, as an attribute or by its name in a string
    ("self._tick = {n}", "\ndef seen(m):\n    return m._tick\n"),
    ("self._tick = {n}", "\ndef seen(m):\n    return getattr(m, '_tick')\n"),
])
def test_stores_the_module_reads_stay(pad: str, tail: str) -> None:
    assert prints(_module(pad, tail)) != prints(_module("", tail))


def test_public_flags_and_values_of_the_code_stay() -> None:
    one = _module().replace("        out = self.proj(mixed)\n",
                            "        out = self.proj(mixed)\n        self.is_causal = True\n")
    assert prints(one) != prints(_module())  # a public flag: code elsewhere may read it
    assert prints(_module("self.tick{n} = {n}")) != prints(_module())  # nine public names, each once
    twice = one.replace("        out = out + hidden\n", "        out = out + hidden\n        self.is_causal = True\n")
    assert prints(twice) != prints(_module())  # twice in a function (one per branch, say): it stays
    assert prints(_module("self._last = self.query(hidden)")) != prints(_module())  # it calls the code
    assert prints(_module("self.stamp{n} = __import__('time').time()")) != prints(_module())  # public, a call
