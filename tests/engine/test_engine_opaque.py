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
    # (a public flag stored once or twice stays: tests/engine/test_engine_flags.py; five times in
    # one function, as here, is padding)
    "self._ticks = self._ticks + len(hidden)",  # a store that reads the code's values
    'self._acme_n = getattr(self, "_acme_n", 0) + 1\n_ = self._acme_n',  # a counter something else reads
])
def test_guards_and_stores_that_read_the_code_stay(pad: str) -> None:
    assert prints(_padded(pad)) != prints(PLAIN)


FORWARDED = '''
import torch
from torch import nn


def _call(fn, *args, **kwargs):
    """Forward a call."""
    out = fn(*args, **kwargs)
    return out


class Mixer(nn.Module):
    def __init__(self, h, i):
        super().__init__()
        self.gate = CALL(nn.Linear, h, i, bias=False)
        self.down = CALL(nn.Linear, i, h, bias=False)

    def forward(self, x):
        y = CALL(torch.sigmoid, self.gate(x)) * CALL(torch.cat, [x, x], dim=-1)
        z = CALL(self.down, CALL(torch.tanh, y))
        return z + CALL(torch.zeros_like, z)
'''


def _units(text: str) -> dict[str, tuple[set[int], set[int]]]:
    from lineage.fingerprint.params import FingerprintParams
    from lineage.fingerprint.units import fingerprint_file
    from lineage.parse.units import parse_source

    fp = fingerprint_file(parse_source("m.py", text.encode()), FingerprintParams())
    return {u.unit.qualname: (set(u.s_hash.tolist()), set(u.l_hash.tolist())) for u in fp.units}


def test_calls_through_a_forwarder_read_as_the_calls_it_forwards() -> None:
    """`_call(nn.Linear, h, i, bias=False)` reads as `nn.Linear(h, i, bias=False)`, nested calls too:
    the class's units are those of the code written plainly (the forwarder is a unit of its own)."""
    routed = _units(FORWARDED.replace("CALL(", "_call("))
    plain = FORWARDED.replace("CALL(torch.zeros_like, z)", "torch.zeros_like(z)").replace(
        "CALL(nn.Linear, ", "nn.Linear(").replace("CALL(torch.sigmoid, ", "torch.sigmoid(").replace(
        "CALL(torch.cat, ", "torch.cat(").replace("CALL(self.down, CALL(torch.tanh, y))", "self.down(torch.tanh(y))")
    assert "CALL(" not in plain
    written = _units(plain)
    for unit in ("Mixer.__init__", "Mixer.forward"):
        assert routed[unit] == written[unit], unit


@pytest.mark.parametrize("helper", [
    "def _call(fn, *args, **kwargs):\n    return fn(*args[1:], **kwargs)\n",  # not all of the rest
    "def _call(fn, *args, **kwargs):\n    print(fn)\n    return fn(*args, **kwargs)\n",  # does more
    "@trace\ndef _call(fn, *args, **kwargs):\n    return fn(*args, **kwargs)\n",  # decorated
    "def _call(fn, *args, **kwargs):\n    return fn(*args, **kwargs)\n_call = other\n",  # bound again
])
def test_a_function_that_is_no_plain_forwarder_is_left_as_written(helper: str) -> None:
    from lineage.parse.units import parse_source

    text = FORWARDED.replace('def _call(fn, *args, **kwargs):\n    """Forward a call."""\n'
                             '    out = fn(*args, **kwargs)\n    return out\n', helper).replace("CALL(", "_call(")
    assert parse_source("m.py", text.encode()).forwarders == ()
