"""Attributes of a method's object hoisted into locals, read as the attributes (`lex-v47`,
parse/selfalias.py): `_w, _eps = self.weight, self.eps` at the top of a method, the locals spelt
after it.  What may differ from the attribute (rebound, read in a closure, not the object's)
stays as written.  Fixture code is our own."""

from __future__ import annotations

import textwrap

import pytest

from lineage.parse.units import parse_source
from tests.engine.test_engine_wrapped import class_prints

PLAIN = """
class Mixer:
    def forward(self, hidden):
        query = self.query(hidden)
        key = self.key(hidden)
        scores = query @ key.transpose(-1, -2) / self.scale
        weights = self.dropout(scores.softmax(dim=-1))
        out = self.proj(weights @ self.value(hidden))
        return out + hidden * self.gain
"""


def _hoisted(binding: str, decorator: str = "", nested: str = "", before: str = "") -> str:
    """PLAIN with ``binding`` first in `forward` and the attributes it names spelt through locals."""
    names = ("query", "key", "scale", "dropout", "proj", "value", "gain")
    body = PLAIN.split("def forward(self, hidden):\n", 1)[1]
    for name in names:
        body = body.replace(f"self.{name}", f"_{name}")
    lines = [decorator] if decorator else []
    lines += ["def forward(self, hidden):", before, binding, nested, body]
    method = "\n".join(textwrap.indent(line, "    ") if i else line for i, line in enumerate(
        [x for x in lines if x]))
    return "class Mixer:\n" + textwrap.indent(method, "    ") + "\n"


ALL = ("_query, _key, _scale, _dropout, _proj, _value, _gain = (self.query, self.key, self.scale, self.dropout, "
       "self.proj, self.value, self.gain)")
ONE_BY_ONE = "\n".join(f"_{n} = self.{n}" for n in ("query", "key", "scale", "dropout", "proj", "value", "gain"))


@pytest.mark.parametrize("binding", [ALL, ONE_BY_ONE, ALL.replace(" = (", " = ").rstrip(")")])
def test_attributes_hoisted_into_locals_read_as_the_attributes(binding: str) -> None:
    assert class_prints(_hoisted(binding)) == class_prints(PLAIN)


def test_a_decorated_method_reads_alike() -> None:
    plain = PLAIN.replace("    def forward", "    @torch.no_grad()\n    def forward")
    assert class_prints(_hoisted(ALL, decorator="@torch.no_grad()")) == class_prints(plain)


def test_the_attributes_tokens_stand_on_the_lines_that_read_them() -> None:
    text = _hoisted(ALL)
    unit = next(u for u in parse_source("m.py", text.encode()).units if u.qualname == "Mixer.forward")
    lines = text.splitlines()
    for token, line in zip(unit.texts, unit.token_lines.tolist()):
        if token in ("scale", "gain"):
            assert f"_{token}" in lines[line - 1]  # (the line that reads the local, not the binding's)
    assert "self" in unit.texts and "_scale" not in unit.texts


@pytest.mark.parametrize("change", [
    dict(nested="self.scale = 2.0"),  # the method binds the attribute again
    dict(before="hidden = hidden.float()"),  # not first in the method: the code's own local
    dict(nested="helper = lambda: _gain"),  # a closure reads a local
    dict(binding=ALL.replace("self.gain)", "other.gain)")),  # not the object's
    dict(binding=ALL + "\n_gain = 3"),  # the local is bound again
])
def test_what_may_differ_from_the_attribute_stays(change: dict[str, str]) -> None:
    assert class_prints(_hoisted(**{"binding": ALL, **change})) != class_prints(PLAIN)


@pytest.mark.parametrize("first, alike", [
    ("self", True),  # a method defined outside its class (`forward = _mixer_forward` in its body)
    ("obj", False),  # a function's own parameter
])
def test_a_function_outside_a_class_reads_so_only_as_a_method(first: str, alike: bool) -> None:
    text = f"def forward({first}, hidden):\n    _scale = {first}.scale\n    return hidden / _scale\n"
    plain = f"def forward({first}, hidden):\n    return hidden / {first}.scale\n"
    kinds = [next(u.kinds for u in parse_source("m.py", t.encode()).units if u.qualname == "forward")
             for t in (text, plain)]
    assert (kinds[0] == kinds[1]) is alike


MODULE_PLAIN = """
import torch
from torch import nn


class Mixer(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.proj = nn.Linear(width, width)

    def forward(self, hidden):
        gated = torch.nn.functional.silu(self.proj(hidden))
        return torch.cat([gated, hidden], dim=-1)
"""


@pytest.mark.parametrize("aliases", [
    "_cat, _Linear, _silu = torch.cat, nn.Linear, torch.nn.functional.silu",
    "_cat = torch.cat\n_Linear = nn.Linear\n_silu = torch.nn.functional.silu",
])
def test_a_module_s_aliases_of_what_it_imports_read_as_spelt_out(aliases: str) -> None:
    """(`lex-v48`) `_cat = torch.cat` at the module's top level, `_cat(...)` in its methods."""
    text = MODULE_PLAIN.replace("from torch import nn\n", "from torch import nn\n" + aliases + "\n")
    for spelt, name in (("torch.cat", "_cat"), ("nn.Linear", "_Linear"), ("torch.nn.functional.silu", "_silu")):
        text = text.replace(spelt + "(", name + "(")
    assert class_prints(text) == class_prints(MODULE_PLAIN)


@pytest.mark.parametrize("aliases", [
    "_cat = torch.cat\n_cat = torch.stack",  # bound twice
    "_cat = other.cat",  # not what the module imports
    "_cat = torch.cat\ndef _shadow(_cat):\n    return _cat",  # bound again, as a parameter
])
def test_a_module_alias_that_may_stand_for_something_else_stays(aliases: str) -> None:
    text = MODULE_PLAIN.replace("from torch import nn\n", "from torch import nn\n" + aliases + "\n")
    assert class_prints(text.replace("torch.cat(", "_cat(")) != class_prints(MODULE_PLAIN)
