"""Temporaries bound once and read once are read where they are read (fingerprint/temporaries.py),
and code whose meaning or shape would change stays as written.  Fixture code is our own."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import fingerprint_file
from lineage.parse.units import parse_source

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import obfuscate_heldout  # noqa: E402

# statements that rebind their names (no temporaries), for units of a realistic size
PREAMBLE = "".join(f"        hidden = self.step_{i}(hidden, shape[{i}])\n" for i in range(6))

NESTED = '''
class Gate:
    def forward(self, hidden, shape):
''' + PREAMBLE + '''        query = self.query(self.norm(hidden)).view(shape).transpose(1, 2)
        mixed = self.out(self.act(self.inner(hidden)), scale=self.scale(query))
        return self.final(query, mixed)
'''

SPLIT = '''
class Gate:
    def forward(self, hidden, shape):
''' + PREAMBLE + '''        a1 = self.norm(hidden)
        a2 = self.query(a1)
        a3 = a2.view(shape)
        query = a3.transpose(1, 2)
        b1 = self.inner(hidden)
        b2 = self.act(b1)
        b3 = self.scale(query)
        mixed = self.out(b2, scale=b3)
        return self.final(query, mixed)
'''


def streams(text: str, qualname: str = "Gate.forward") -> set[int]:
    """The unit's structural fingerprints (the lexical stream keeps the names as written)."""
    fp = fingerprint_file(parse_source("m.py", textwrap.dedent(text).encode()), FingerprintParams())
    unit = next(u for u in fp.units if u.unit.qualname == qualname)
    return set(unit.s_hash.tolist())


def names(text: str, qualname: str = "Gate.forward") -> set[int]:
    fp = fingerprint_file(parse_source("m.py", textwrap.dedent(text).encode()), FingerprintParams())
    return set(next(u for u in fp.units if u.unit.qualname == qualname).l_hash.tolist())


def test_nested_calls_split_into_temporaries_fingerprint_as_written_nested() -> None:
    """`a1 = f(x)`, `a2 = g(a1)`, `y = h(a2)` is `y = h(g(f(x)))` to the structure, whichever
    order the temporaries feeding one call come in; the names stream keeps the names as written
    (a local's name is evidence of whose code it is: code written anew names its locals its own way)."""
    assert streams(SPLIT) == streams(NESTED)
    assert names(SPLIT) != names(NESTED) and names(SPLIT) != names(SPLIT.replace("a1", "zz1"))
    swapped = SPLIT.replace("        b1 = self.inner(hidden)\n        b2 = self.act(b1)\n        b3 = self.scale(query)\n",
                            "        b3 = self.scale(query)\n        b1 = self.inner(hidden)\n        b2 = self.act(b1)\n")
    assert swapped != SPLIT and streams(swapped) == streams(NESTED)


@pytest.mark.parametrize("padding", ["pass", "_unused = 7", "logger.debug('x')", "assert hidden is not None",
                                     "hidden", "self.scale"])
def test_padding_between_a_temporary_and_its_read_keeps_nothing_apart(padding: str) -> None:
    padded = SPLIT.replace("        b2 = self.act(b1)\n", f"        b2 = self.act(b1)\n        {padding}\n")
    assert padded != SPLIT and streams(padded) == streams(NESTED)


@pytest.mark.parametrize(("split", "kept_as_written"), [
    # a value with an operator, read inside another expression (the precedence would change) or
    # whole (a local of arithmetic is where small differences between relatives lie)
    ("t = a + b\n        return t * c", "return a + b * c"),
    ("t = a + b\n        y = self.f(t, c)\n        self.g(y)", "y = self.f(a + b, c)\n        self.g(y)"),
    ("t = a * self.s\n        return t, b", "return a * self.s, b"),
    # the read opens a block: a loop's header runs again
    ("t = self.f(a)\n        while t:\n            a = a - 1", "while self.f(a):\n            a = a - 1"),
    # the read is in a lambda or a comprehension: code run later or repeatedly
    ("t = self.f(a)\n        return lambda: t", "return lambda: self.f(a)"),
    ("t = self.f(a)\n        return [t + i for i in a]", "return [self.f(a) + i for i in a]"),
    # a statement between computes something else
    ("t = self.f(a)\n        self.g(b)\n        return self.h(t)", "self.g(b)\n        return self.h(self.f(a))"),
    # a tuple's value
    ("t = a, b\n        return self.h(t)", "return self.h(a, b)"),
    # read twice: a name of its own
    ("t = self.f(a)\n        return self.h(t, t)", "return self.h(self.f(a), self.f(a))"),
])
def test_what_would_read_otherwise_stays_as_written(split: str, kept_as_written: str) -> None:
    def unit(body: str) -> str:
        return (f"class Gate:\n    def forward(self, a, b, c):\n{PREAMBLE.replace('hidden', 'a')}        {body}\n"
                "        return self.tail(a, b, c)\n")

    assert streams(unit(split)) != streams(unit(kept_as_written))
    # (control: the same split, written whole where it may be, is read through)
    assert streams(unit("t = self.f(a)\n        return self.h(t)")) == streams(unit("return self.h(self.f(a))"))


def test_each_token_keeps_its_own_line_for_the_evidence() -> None:
    fp = fingerprint_file(parse_source("m.py", textwrap.dedent(SPLIT).encode()), FingerprintParams())
    unit = next(u for u in fp.units if u.unit.qualname == "Gate.forward")
    lines = set(unit.s_line.tolist())
    assert min(lines) >= unit.unit.start_line and max(lines) <= unit.unit.end_line
    assert len(lines) > 2  # the values stand on their own lines, not all on the reading statement's


def test_a_copy_split_by_the_temporaries_obfuscator_fingerprints_as_its_source() -> None:
    """benchmarks/obfuscate_temps.py over our own fixture model: nine units in ten fingerprint
    exactly as the source's (operands of `+`/`*` split apart may order otherwise), and the copy as
    a whole keeps nine tenths of the source's structural prints (12 of 18 units and 78% before;
    17 and 92% now)."""
    source = (Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "tiny_model.py").read_text()
    split = obfuscate_heldout.temps(source)
    assert split != source
    a = fingerprint_file(parse_source("m.py", source.encode()), FingerprintParams())
    b = fingerprint_file(parse_source("m.py", split.encode()), FingerprintParams())
    ours = {u.unit.qualname: set(u.s_hash.tolist()) for u in a.units}
    theirs = {u.unit.qualname: set(u.s_hash.tolist()) for u in b.units}
    same = [q for q in ours if theirs.get(q) == ours[q]]
    assert len(same) >= 0.9 * len(ours)
    whole_a = set(np.concatenate([u.s_hash for u in a.units]).tolist())
    whole_b = set(np.concatenate([u.s_hash for u in b.units]).tolist())
    assert len(whole_a & whole_b) >= 0.9 * len(whole_a)
