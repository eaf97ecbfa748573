"""benchmarks/obfuscate_heldout.py: every output parses and our own fixture model behaves the same.

The fixture is test_obfuscate's (data/tiny_model.py, written for lineage's tests), executed
original and obfuscated with a recording ``print``; the records must match.
"""

from __future__ import annotations

import ast
from typing import Any

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


def test_respell_keywords_stay_on_their_side_of_an_unpacking() -> None:
    src = "def f(g, m):\n    return g(1, a=1, b=2, **m, c=3, d=4)\n"
    call = ast.parse(obfuscate_heldout.TRANSFORMS["keywords"](src, 0)).body[0].body[0].value  # type: ignore[attr-defined]
    assert isinstance(call, ast.Call)
    names = [k.arg for k in call.keywords]
    assert names.index(None) == 2 and set(names[:2]) == {"a", "b"} and set(names[3:]) == {"c", "d"}
    assert names != ["a", "b", None, "c", "d"]


def test_respell_branches_and_imports() -> None:
    src = "import math\ndef f(x, c):\n    y = math.sqrt(x) if c else -x\n    return y if y else math.pi\n"
    out = obfuscate_heldout.TRANSFORMS["imports"](obfuscate_heldout.TRANSFORMS["branches"](src, 0), 0)
    assert "from math import pi, sqrt" in out and "math." not in out.replace("import math", "")
    assert "if c:\n        y = sqrt(x)\n    else:\n        y = -x" in out and "if y:\n        return y\n    else:" in out
    # a name the file already binds is not imported bare over it
    taken = "import math\ndef f(sqrt):\n    return math.sqrt(sqrt)\n"
    assert "math.sqrt(sqrt)" in obfuscate_heldout.TRANSFORMS["imports"](taken, 0)


def test_respell_midway_cuts_a_methods_middle_third_into_a_method() -> None:
    src = "class M:\n    def run(self, x):\n" + "".join(f"        x = x + {i}\n" for i in range(6)) \
        + "        y = x * 2\n        z = y - x\n        return z\n"
    out = obfuscate_heldout.TRANSFORMS["midway"](src, 0)
    assert "x = self._mid_run(x)" in out and "def _mid_run(self, x):" in out
    cut: dict[str, Any] = {}
    whole: dict[str, Any] = {}
    exec(compile(out, "cut", "exec"), cut)  # our own fixture code, above
    exec(compile(src, "whole", "exec"), whole)
    assert cut["M"]().run(1) == whole["M"]().run(1) == 2 * (1 + 15) - (1 + 15)


def test_paths_spells_each_imported_name_out_from_its_package() -> None:
    src = ("from os import path\nimport xml.dom.minidom as md\nfrom json import loads as read\n"
           "def f(p, s, j):\n    return path.join(p, 'x'), md.parseString(s).documentElement.tagName, read(j)\n")
    out = obfuscate_heldout.TRANSFORMS["paths"](src, 0)
    assert "os.path.join(p, 'x')" in out and "xml.dom.minidom.parseString(s)" in out and "json.loads(j)" in out
    assert "import json\nimport os\nimport xml\n" in out
    scope: dict[str, Any] = {}
    exec(compile(out, "paths", "exec"), scope)  # our own fixture code, above
    assert scope["f"]("a", "<r/>", "[2]") == ("a/x", "r", [2])


def test_nest_writes_a_name_bound_again_from_itself_as_one_statement() -> None:
    src = ("def f(a, b, c):\n    x = abs(a)\n    x = max(x, b)\n    x = round(x, 2)\n"
           "    y = a * 2\n    y = c if c else y\n    return x, y\n")
    out = obfuscate_heldout.TRANSFORMS["nest"](src, 0)
    assert "x = round(max(abs(a), b), 2)" in out
    assert "y = c if c else y" in out  # (read lazily: left as written)
    scope: dict[str, Any] = {}
    exec(compile(out, "nest", "exec"), scope)  # our own fixture code, above
    assert scope["f"](-1.234, 0.5, 0) == (1.23, -2.468)
