"""Padding that reads nothing of the code it pads is read as absent (parse/opaque.py): guards over
builtins alone, and counters of `self` that only they read.  Real guards and stores stay.
Fixture code is our own."""

from __future__ import annotations

import pytest

from tests.engine.test_engine_idioms import PLAIN, prints



def _padded(pad: str) -> str:
    """PLAIN with ``pad`` after every statement of its function body's top level."""
    out = []
    for line in PLAIN.splitlines():
        out.append(line)
        if line.startswith("        ") and not line.startswith("         ") and not line.strip().startswith(("if", "return")):
            out.append("        " + pad.replace("\n", "\n        "))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("pad", [
    "if len(str(id(object()))) < 0:\n    raise RuntimeError()",
    "if abs(hash(repr(len([])))) < -1:\n    pass",
    'self._acme_n = getattr(self, "_acme_n", 0) + 1',
    "self._ticks += 1",
    "self._ticks = self._ticks * 2 + 1",
], ids=["builtin-guard-raise", "builtin-guard-pass", "getattr-counter", "augmented-counter", "arithmetic-counter"])
def test_padding_that_reads_nothing_of_the_code_is_read_as_absent(pad: str) -> None:
    assert prints(_padded(pad)) == prints(PLAIN)


@pytest.mark.parametrize("pad", [
    "if format is None:\n    raise ValueError()",  # a parameter or local named like a builtin
    "if len(hidden) < 0:\n    raise RuntimeError()",  # a guard on what the code holds
    "if len(str(id(object()))) < 0:\n    raise RuntimeError()\nelse:\n    hidden = hidden * 2",  # another branch
    "self.is_causal = True",  # a flag from a constant: code elsewhere may read it
    "self._ticks = self._ticks + len(hidden)",  # a store that reads the code's values
    'self._acme_n = getattr(self, "_acme_n", 0) + 1\n_ = self._acme_n',  # a counter something else reads
])
def test_guards_and_stores_that_read_the_code_stay(pad: str) -> None:
    assert prints(_padded(pad)) != prints(PLAIN)
