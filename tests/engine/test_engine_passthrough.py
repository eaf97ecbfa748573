"""A keyword threaded through a module and never read (parse/passthrough.py) is read as absent
with the keyword arguments that hand it on: a copy with an extra keyword on every definition and
call fingerprints as the copy.  A keyword the module reads anywhere, or puts on fewer than three
definitions, stays."""

from __future__ import annotations

import numpy as np
import pytest

from lineage.compact.files import compact
from lineage.fingerprint.params import FingerprintParams
from lineage.models import SourceFile
from lineage.parse.units import parse_source

# our own module: a small gated block and the helpers it calls
PLAIN = '''
import torch


def _scale(x, factor=2.0):
    y = x * factor
    return torch.tanh(y) + x / factor


def _mix(a, b, weight):
    w = torch.sigmoid(weight)
    return a * w + b * (1 - w)


class Block:
    def __init__(self, width, depth=4, **kwargs):
        self.width = width
        self.depth = depth
        self.proj = torch.nn.Linear(width, width, bias=False)

    def forward(self, inputs, gate, **kwargs):
        hidden = self.proj(inputs)
        hidden = _scale(hidden, factor=self.depth)
        mixed = _mix(hidden, inputs, gate)
        return self.proj(mixed) + inputs
'''

# the same module with `tag` put on every definition and handed on in every call of its own
PADDED = '''
import torch


def _scale(x, factor=2.0, *, tag=None):
    y = x * factor
    return torch.tanh(y) + x / factor


def _mix(a, b, weight, tag=None):
    w = torch.sigmoid(weight)
    return a * w + b * (1 - w)


class Block:
    def __init__(self, width, depth=4, *, tag=None, **kwargs):
        self.width = width
        self.depth = depth
        self.proj = torch.nn.Linear(width, width, bias=False)

    def forward(self, inputs, gate, tag=None, **kwargs):
        hidden = self.proj(inputs)
        hidden = _scale(hidden, tag=tag, factor=self.depth)
        mixed = _mix(hidden, inputs, gate, tag=tag)
        return self.proj(mixed) + inputs
'''

UNITS = ("_scale", "_mix", "Block.__init__", "Block.forward")


def _prints(text: str) -> dict[str, np.ndarray]:
    cf = compact(SourceFile("m.py", text.encode()), FingerprintParams())
    return {u.qualname: u.s_hash for u in cf.units}


def _texts(text: str, unit: str) -> list[str]:
    (found,) = [u for u in parse_source("m.py", text.encode()).units if u.qualname == unit]
    return list(found.texts)


@pytest.mark.parametrize("unit", UNITS)
def test_a_keyword_handed_on_everywhere_fingerprints_as_the_plain_code(unit: str) -> None:
    assert np.array_equal(_prints(PADDED)[unit], _prints(PLAIN)[unit]), unit


def test_the_parameter_and_its_keyword_arguments_go_with_their_commas() -> None:
    assert _texts(PADDED, "Block.forward")[:12] == _texts(PLAIN, "Block.forward")[:12]
    assert "tag" not in _texts(PADDED, "Block.forward")
    assert _texts(PADDED, "_scale") == _texts(PLAIN, "_scale")  # the bare `*` goes with it


@pytest.mark.parametrize("use", [
    "if tag:\n        hidden = hidden * 2",      # read in a condition
    "hidden = _mix(hidden, inputs, tag)",      # handed on by position
    "self.last = tag",                          # stored
    "hook = lambda: tag",                       # read in a closure
])
def test_a_keyword_the_module_reads_is_kept_everywhere(use: str) -> None:
    text = PADDED.replace("        hidden = self.proj(inputs)\n",
                          f"        hidden = self.proj(inputs)\n        {use}\n")
    assert "tag" in _texts(text, "Block.forward"), use
    # (`_mix`'s own `tag=None`, which `_mix` never reads, goes whatever the module does: parse/unread.py)
    assert "tag" not in _texts(text, "_mix")


def test_a_keyword_on_fewer_than_three_definitions_is_kept() -> None:
    text = PADDED.replace("def _scale(x, factor=2.0, *, tag=None):", "def _scale(x, factor=2.0):") \
        .replace("def _mix(a, b, weight, tag=None):", "def _mix(a, b, weight):")
    assert "tag" in _texts(text, "Block.forward")


@pytest.mark.parametrize("call", ["_mix(hidden, inputs, gate, tag=tag)", "_scale(hidden, tag=tag, factor=self.depth)"])
def test_a_keyword_set_to_what_a_call_computes_is_kept(call: str) -> None:
    """Wherever the call stands among the keyword arguments handing the name on (they are read in
    no particular order)."""
    text = PADDED.replace(call, call.replace("tag=tag", "tag=self.label()"))
    assert "tag" in _texts(text, "Block.forward") and "label" in _texts(text, "Block.forward")


def test_a_parameter_without_a_default_is_kept() -> None:
    text = PADDED.replace("def _mix(a, b, weight, tag=None):", "def _mix(a, b, weight, tag):")
    assert "tag" in _texts(text, "_mix")


# each definition with a keyword-only parameter of its own, "read" in a statement that changes nothing
OWN_KEYWORDS = PLAIN.replace("def _scale(x, factor=2.0):\n", "def _scale(x, factor=2.0, *, tag1=None):\n"
                             "    tag1 = tag1 if tag1 is not None else None\n") \
    .replace("def _mix(a, b, weight):\n", "def _mix(a, b, weight, *, tag2: str | None = None):\n"
             "    tag2 = None if tag2 is None else tag2\n") \
    .replace("def forward(self, inputs, gate, **kwargs):\n", "def forward(self, inputs, gate, *, tag3=None, **kwargs):\n")


@pytest.mark.parametrize("unit", UNITS)
def test_a_keyword_only_parameter_its_function_never_reads_is_read_as_absent(unit: str) -> None:
    assert np.array_equal(_prints(OWN_KEYWORDS)[unit], _prints(PLAIN)[unit]), unit
    signature = _texts(OWN_KEYWORDS, unit)[:_texts(OWN_KEYWORDS, unit).index(":")]
    assert signature == _texts(PLAIN, unit)[:len(signature)] and not {"tag1", "tag2", "tag3"} & set(signature)


@pytest.mark.parametrize("use", [
    "tag3 = tag3 or 'x'",             # a value of its own when unset
    "print(tag3)",                    # read by a call
    "hidden = hidden * (tag3 is None)",
])
def test_a_keyword_only_parameter_the_function_reads_is_kept(use: str) -> None:
    text = OWN_KEYWORDS.replace("        hidden = self.proj(inputs)\n", f"        hidden = self.proj(inputs)\n        {use}\n")
    assert "tag3" in _texts(text, "Block.forward")


# each definition with a positional parameter of its own, "read" only where nothing is computed
OWN_POSITIONAL = PLAIN.replace("def _scale(x, factor=2.0):\n", "def _scale(x, opt1=None, factor=2.0):\n"
                               "    if opt1 is not None:\n        pass\n") \
    .replace("def _mix(a, b, weight):\n", "def _mix(a, b, weight, opt2: int = 0):\n"
             "    opt2 = (opt2, None)[0]\n    assert opt2 is not None or True\n") \
    .replace("def forward(self, inputs, gate, **kwargs):\n", "def forward(self, inputs, gate, opt3=None, **kwargs):\n"
             "        del opt3\n")


@pytest.mark.parametrize("unit", UNITS)
def test_a_positional_parameter_its_function_never_reads_is_read_as_absent(unit: str) -> None:
    assert np.array_equal(_prints(OWN_POSITIONAL)[unit], _prints(PLAIN)[unit]), unit
    signature = _texts(OWN_POSITIONAL, unit)[:_texts(OWN_POSITIONAL, unit).index(":")]
    assert signature == _texts(PLAIN, unit)[:len(signature)] and not {"opt1", "opt2", "opt3"} & set(signature)


@pytest.mark.parametrize("guard", ["callable(opt3)", "isinstance(opt3, int) and len(inputs) > 0"])
def test_a_guard_calling_only_builtins_that_compute_is_no_reading(guard: str) -> None:
    text = OWN_POSITIONAL.replace("        del opt3\n", f"        if {guard}:\n            pass\n")
    assert np.array_equal(_prints(text)["Block.forward"], _prints(PLAIN)["Block.forward"])


@pytest.mark.parametrize("guard", ["opt3.ready()", "print(opt3)", "(opt3 := 1)"])
def test_a_guard_that_runs_code_is_kept(guard: str) -> None:
    text = OWN_POSITIONAL.replace("        del opt3\n", f"        if {guard}:\n            pass\n")
    assert "opt3" in _texts(text, "Block.forward")


@pytest.mark.parametrize("use", [
    "if opt3 is not None:\n            hidden = hidden + 1",  # a block that computes
    "hidden = hidden * (opt3 is None)",
    "print(opt3)",
])
def test_a_positional_parameter_the_function_reads_is_kept(use: str) -> None:
    text = OWN_POSITIONAL.replace("        del opt3\n", f"        {use}\n")
    assert "opt3" in _texts(text, "Block.forward")


def test_the_bare_star_goes_before_a_typed_double_star_too() -> None:
    typed = PLAIN.replace("def forward(self, inputs, gate, **kwargs):", "def forward(self, inputs, gate, **kwargs: dict):")
    padded = typed.replace("def forward(self, inputs, gate, **kwargs: dict):",
                           "def forward(self, inputs, gate, *, tag3=None, **kwargs: dict):")
    assert _texts(padded, "Block.forward") == _texts(typed, "Block.forward")
