"""benchmarks/obfuscate_heldout.py: every output parses and our own fixture model behaves the same.

The fixture is test_obfuscate's (data/tiny_model.py, written for lineage's tests), executed
original and obfuscated with a recording ``print``; the records must match.
"""

from __future__ import annotations

import ast

import obfuscate_heldout
import pytest

from tests.benchmarks.test_obfuscate import EXPECTED, SOURCE, run


@pytest.mark.parametrize("name", sorted(obfuscate_heldout.TRANSFORMS))
@pytest.mark.parametrize("seed", range(3))
def test_same_behaviour(name: str, seed: int) -> None:
    out = obfuscate_heldout.apply(SOURCE, [name], seed)
    ast.parse(out)
    assert run(out) == EXPECTED


@pytest.mark.parametrize("name", sorted(obfuscate_heldout.TRANSFORMS))
def test_changes_the_code(name: str) -> None:
    assert ast.dump(ast.parse(obfuscate_heldout.apply(SOURCE, [name], 0))) != ast.dump(ast.parse(SOURCE))


def test_idioms_spellings() -> None:
    src = "import torch\ndef f(a, b):\n    a += b\n    c = torch.matmul(a, b).view(2, -1)\n" \
          "    if not c:\n        d = 1\n    else:\n        d = 2\n    return a.size(0) if d else c\n"
    out = obfuscate_heldout.idioms(src, 0)
    assert "a = a + b" in out and ".reshape(2, -1)" in out and "a.shape[0]" in out
    assert "if c:\n        d = 2" in out


def test_temps_binds_every_nested_call_first_and_leaves_lazy_code_alone() -> None:
    src = "def f(self, x, ys):\n    y = self.c(self.b(self.a(x)).view(2), k=len(ys))\n" \
          "    z = [self.g(self.h(v)) for v in ys] if ys else self.e(self.d(x))\n    return self.o(y, z)\n"
    out = obfuscate_heldout.temps(src, 0)
    assert "tmp1 = self.a(x)\n    tmp2 = self.b(tmp1)\n    tmp3 = tmp2.view(2)\n    tmp4 = len(ys)\n" \
           "    y = self.c(tmp3, k=tmp4)" in out
    # the comprehension and the conditional expression run their calls lazily: they stay nested
    assert "[self.g(self.h(v)) for v in ys] if ys else self.e(self.d(x))" in out


def test_synonyms_are_plausible_and_never_keywords() -> None:
    src = "class LlamaAttention:\n    def __init__(self, hidden_states, inv_freq, input_shape):\n" \
          "        self.q_proj = hidden_states + inv_freq + input_shape\n"
    out = obfuscate_heldout.synonyms(src, 0)
    ast.parse(out)
    assert "class NetAttention" in out and "self.query" in out
