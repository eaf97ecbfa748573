"""A tensor library's name imported bare reads as spelt through the library's usual name
(fingerprint/qualified.py): `from torch.nn import Linear` then `Linear(...)` is `nn.Linear(...)`.
Names the file binds otherwise stay as written.  Fixture code is our own."""

from __future__ import annotations

import pytest

from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.qualified import plan
from lineage.fingerprint.units import fingerprint_file
from lineage.parse.units import parse_source

QUALIFIED_HEAD = "import math\nimport torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n"
BODY = """\
class Gate(nn.Module):
    def __init__(self, width, depth, scale):
        super().__init__()
        self.up = nn.Linear(width, depth * 2, bias=False)
        self.down = nn.Linear(depth, width, bias=False)
        self.norm = nn.LayerNorm(width, eps=1e-6)
        self.drop = nn.Dropout(scale)
        self.scale = math.sqrt(depth)

    def forward(self, hidden, mask):
        hidden = self.norm(hidden)
        left, right = torch.chunk(self.up(hidden), 2, dim=-1)
        hidden = F.gelu(left) * torch.tanh(right) / self.scale
        hidden = torch.where(mask[..., None], hidden, torch.zeros_like(hidden))
        hidden = F.dropout(self.down(hidden), p=0.1, training=self.training)
        return torch.cat([hidden, F.softplus(hidden)], dim=-1)
"""
BARE_HEAD = ("from math import sqrt\nfrom torch import cat, chunk, tanh, where, zeros_like\n"
             "from torch.nn import Dropout, LayerNorm, Linear, Module\n"
             "from torch.nn.functional import dropout, gelu, softplus\n\n\n")


def bare(body: str) -> str:
    """The body with every `nn.`, `F.`, `torch.` and `math.` before an imported name taken off."""
    for prefix in ("nn.", "F.", "torch.", "math."):
        body = body.replace(prefix, "")
    return body


def prints(text: str) -> dict[str, tuple[set[int], set[int]]]:
    """Per unit: (structural, lexical) fingerprints."""
    fp = fingerprint_file(parse_source("m.py", text.encode()), FingerprintParams())
    return {u.unit.qualname: (set(u.s_hash.tolist()), set(u.l_hash.tolist())) for u in fp.units}


def test_bare_imports_read_as_the_library_spelt_through() -> None:
    """Every method reads the same in both streams, bare or spelt through the modules."""
    spelt, bared = prints(QUALIFIED_HEAD + BODY), prints(BARE_HEAD + bare(BODY))
    assert bare(BODY) != BODY
    methods = [q for q in spelt if q.startswith("Gate.")]
    assert methods == ["Gate.__init__", "Gate.forward"]
    for q in methods:
        assert bared[q] == spelt[q], q


def test_aliased_imports_read_under_their_own_names() -> None:
    """`from torch.nn import Linear as Dense` reads as `nn.Linear`, and a module imported under
    another name (`import torch.nn.functional as fn`) as its usual name."""
    head = ("import math\nimport torch as tt\nfrom torch import nn\nimport torch.nn.functional as fn\n"
            "from torch.nn import Linear as Dense\n\n\n")
    body = BODY.replace("nn.Linear", "Dense").replace("torch.", "tt.").replace("F.", "fn.")
    assert prints(head + body)["Gate.__init__"] == prints(QUALIFIED_HEAD + BODY)["Gate.__init__"]
    assert prints(head + body)["Gate.forward"] == prints(QUALIFIED_HEAD + BODY)["Gate.forward"]


def test_a_library_module_imported_by_name_reads_by_its_usual_name() -> None:
    """`from torch.nn import functional` (with or without `as F`) then `functional.gelu(x)` is `F.gelu(x)`,
    and `from numpy import zeros` then `zeros(n)` is `np.zeros(n)` (which parse/hoisted.py reads
    through its alias)."""
    spelt = prints(QUALIFIED_HEAD + BODY)["Gate.forward"]
    for head in ("from torch.nn import functional\n", "from torch.nn import functional as F\n"):
        name = "functional" if head.endswith("functional\n") else "F"
        text = QUALIFIED_HEAD.replace("import torch.nn.functional as F\n", head) + BODY.replace("F.", name + ".")
        assert prints(text)["Gate.forward"] == spelt, head
    body = "def fill(n, m):\n" + "".join(f"    a{i} = np.zeros((n, {i})) + np.ones(m)\n" for i in range(6)) + \
        "    return a0\n"
    assert prints("from numpy import ones, zeros\n\n\n" + body.replace("np.", ""))["fill"] == \
        prints("import numpy as np\n\n\n" + body)["fill"]


def test_a_submodule_imported_bare_reads_through_its_parent() -> None:
    """`from torch.nn import init` then `init.zeros_(w)` is `nn.init.zeros_(w)`."""
    body = "def reset(weights, bias, scale):\n" + "".join(
        f"    nn.init.normal_(weights[{i}], std=scale)\n    nn.init.zeros_(bias[{i}])\n" for i in range(4))
    spelt = prints(QUALIFIED_HEAD + body)["reset"]
    assert prints(QUALIFIED_HEAD + "from torch.nn import init\n\n\n" + body.replace("nn.init", "init"))["reset"] == spelt


def test_a_tensor_function_imported_bare_reads_as_the_method() -> None:
    """`from torch.nn.functional import softmax` then `softmax(x, dim=-1)` is `F.softmax(x, dim=-1)`,
    which fingerprint/methods.py reads as `x.softmax(dim=-1)`."""
    body = "def attend(scores, values, mask):\n" + "".join(
        f"    scores = (scores + mask[{i}]).softmax(dim=-1) @ values\n    values = values.sigmoid() * scores\n"
        for i in range(4)) + "    return values\n"
    bared = body.replace("(scores + mask", "softmax(scores + mask").replace(").softmax(dim", ", dim") \
        .replace("values.sigmoid()", "sigmoid(values)")
    assert bared != body
    head = "import torch\nfrom torch import sigmoid\nfrom torch.nn.functional import softmax\n\n\n"
    assert prints(head + bared)["attend"] == prints(QUALIFIED_HEAD + body)["attend"]


def test_without_the_reading_bare_imports_would_differ() -> None:
    """The control: a name the imports do not bind to a library stays bare, so the streams differ."""
    spelt = prints(QUALIFIED_HEAD + BODY)["Gate.forward"]
    unbound = prints(QUALIFIED_HEAD.replace("import torch\n", "import torch\nfrom mylib import chunk, tanh\n")
                     + BODY.replace("torch.chunk", "chunk").replace("torch.tanh", "tanh"))["Gate.forward"]
    assert unbound[0] != spelt[0]


@pytest.mark.parametrize(("extra", "name"), [
    ("\ndef gelu(x):\n    return x * 0.5\n", "gelu"),                      # the file defines it
    ("\ngelu = staticmethod(lambda x: x)\n", "gelu"),                     # bound at the top too
    ("\n\ndef act(x):\n    return build(gelu=x)\n", "gelu"),             # a keyword spelt alike
    ("\n\ndef act(x, gelu):\n    return gelu(x)\n", "gelu"),             # a parameter
    ("\n\ndef act(xs):\n    for gelu in xs:\n        yield gelu\n", "gelu"),  # a loop's target
    ("\n\ndef act(x):\n    with x as gelu:\n        return gelu\n", "gelu"),  # `with ... as`
    ("\n\ndef act(x):\n    from mylib import gelu\n    return gelu(x)\n", "gelu"),  # imported below the top
])
def test_a_name_bound_otherwise_stays_as_written(extra: str, name: str) -> None:
    """A use of a name the file binds otherwise too keeps its bare spelling: the bare file then
    differs from the spelt one in that method."""
    head = "import torch\nfrom torch.nn.functional import gelu\n\n\n"
    body = "def forward(hidden, mask):\n" + "".join(
        f"    hidden = gelu(hidden) * mask[{i}] + torch.tanh(hidden)\n" for i in range(6)) + "    return hidden\n"
    spelt = prints("import torch\nimport torch.nn.functional as F\n\n\n" + body.replace("gelu(", "F.gelu("))
    read = prints(head + body + extra)
    assert read["forward"] != spelt["forward"]
    assert prints(head + body)["forward"] == spelt["forward"]  # (bound by the import alone, read through)


def test_plan_reads_only_library_members() -> None:
    imports = [("Linear", "torch.nn.Linear"), ("nn", "torch.nn"), ("F", "torch.nn.functional"),
               ("fn", "torch.nn.functional"), ("functional", "torch.nn.functional"), ("init", "torch.nn.init"),
               ("Config", ".configuration.Config"), ("ACT2FN", "transformers.activations.ACT2FN"),
               ("sqrt", "math.sqrt"), ("cat", "torch.cat"), ("cat", "numpy.concatenate"), ("Own", "torch.Own"),
               ("numpy", "numpy"), ("math", "math"), ("Dense", "torch.nn.Linear")]
    assert plan(imports, ["Own"]) == {
        "Linear": ("nn", "Linear"), "fn": ("", "F"), "functional": ("", "F"), "init": ("nn", "init"),
        "sqrt": ("math", "sqrt"), "concatenate": ("numpy", "concatenate"), "Dense": ("nn", "Linear")}
    # an alias stands for the member's own name too (parse/hoisted.py reads it so): bound to two
    # things through it, the name is left as written
    assert "random" not in plan([("npr", "numpy.random"), ("random", "random")], [])
    assert plan([("npr", "numpy.random")], []) == {"npr": ("numpy", "random"), "random": ("numpy", "random")}


def test_a_module_importing_hundreds_of_library_names_is_read_as_written() -> None:
    """Past MAX_NAMES imported library names (a generated or hostile file), none is read through:
    checking each for rebinding would cost a regex alternation of thousands of words."""
    from lineage.parse.bound import MAX_NAMES

    body = "def forward(hidden, mask):\n" + "".join(
        f"    hidden = gelu(hidden) * mask[{i}] + torch.tanh(hidden)\n" for i in range(6)) + "    return hidden\n"
    spelt = prints("import torch\nimport torch.nn.functional as F\n\n\n" + body.replace("gelu(", "F.gelu("))
    few = "import torch\nfrom torch.nn.functional import gelu\n"
    many = few + "".join(f"from torch import name_{i}\n" for i in range(MAX_NAMES + 1))
    assert prints(few + "\n\n" + body)["forward"] == spelt["forward"]
    assert prints(many + "\n\n" + body)["forward"] != spelt["forward"]
