"""A call of `operator`'s function of a binary operator read as the operator (`lex-v47`,
parse/operators.py): `operator.mul(a, b)` as `a * b`, parenthesised where precedence needs it,
line for line; so is a tensor library's function of two tensors (`torch.mul(a, b)`, `lex-v55`).
A name that may be something else stays a call.  Fixture code is our own."""

from __future__ import annotations

import pytest

from lineage.parse.units import parse_source


def _read(body: str, head: str = "import operator\n") -> tuple[list[str], list[int]]:
    """(kinds, lines) of function `f` holding ``body``."""
    text = head + "def f(a, b, c, x):\n" + "".join("    " + line + "\n" for line in body.splitlines())
    unit = next(u for u in parse_source("m.py", text.encode()).units if u.qualname == "f")
    return list(unit.kinds), unit.token_lines.tolist()


@pytest.mark.parametrize("spelt, plain", [
    ("y = operator.mul(a, b)", "y = a * b"),
    ("y = operator.mul(a, operator.add(b, c))", "y = a * (b + c)"),
    ("y = operator.add(operator.mul(a, b), c)", "y = a * b + c"),
    ("y = operator.sub(a, operator.sub(b, c))", "y = a - (b - c)"),
    ("y = operator.truediv(1.0, operator.pow(b, operator.truediv(a, c)))", "y = 1.0 / b ** (a / c)"),
    ("y = operator.add(a, b).float()", "y = (a + b).float()"),
    ("y = operator.matmul(x.q(a), operator.neg(b) if c else b)", "y = x.q(a) @ (operator.neg(b) if c else b)"),
    ("y = -operator.add(a, b)", "y = -(a + b)"),
    ("y = a.__mul__(b).__add__(c)", "y = a * b + c"),
    ("return operator.eq(a, operator.lt(b, c))", "return a == (b < c)"),
    ("y = operator.mul(\n    a,\n    b,\n)", "y = (\n    a *\n    b\n)"),
])
def test_operator_calls_read_as_operators(spelt: str, plain: str) -> None:
    assert _read(spelt) == _read(plain)


def test_functions_imported_from_operator_read_alike() -> None:
    head = "from operator import mul, add as plus\n"
    assert _read("y = mul(a, plus(b, c))", head)[0] == _read("y = a * (b + c)", head)[0]


def test_lines_stay_those_of_the_file() -> None:
    kinds, lines = _read("y = 1\nreturn operator.mul(\n    a,\n    b) + y")
    assert lines[kinds.index("*")] == 5  # (the comma's line: `a,` is line 5 of the module)
    assert lines[kinds.index("+")] == 6 and lines[0] == 2


@pytest.mark.parametrize("spelt, head", [
    ("y = operator.mul(a, b)", "import operator\noperator = x\n"),  # bound again
    ("y = operator.mul(a, b)", "from acme import operator\n"),  # another module's
    ("y = mul(a, b)", "from acme import mul\n"),
    ("y = torch.mul(a, b)", "from acme import torch\n"),  # another module's torch
    ("y = torch.add(a, b, alpha=2)", "import torch\n"),  # a keyword: `a + 2 * b`, not `a + b`
    ("y = torch.div(a, b, rounding_mode='floor')", "import torch\n"),
    ("y = torch.mul(a, b)", "import torch\ntorch = x\n"),  # bound again
    ("y = operator.mul(a, b=b)", "import operator\n"),  # a keyword: not the operator's call
    ("y = operator.mul(*a)", "import operator\n"),
])
def test_what_may_be_another_function_stays_a_call(spelt: str, head: str) -> None:
    assert _read(spelt, head)[0] != _read("y = a * b", head)[0]


@pytest.mark.parametrize("head, spelt, plain", [
    ("import torch\n", "y = torch.add(torch.mul(a, b), c)", "y = a * b + c"),
    ("import torch as T\n", "y = T.sub(T.div(T.mul(a, b), c), x)", "y = a * b / c - x"),
    ("import torch\n", "y = torch.pow(torch.add(a, b), 2)", "y = (a + b) ** 2"),
    ("import torch\n", "y = torch.true_divide(a, torch.subtract(b, c))", "y = a / (b - c)"),
    ("from torch import mul, add\n", "y = add(a, mul(b, c))", "y = a + b * c"),
    ("import torch\n", "y = torch.floor_divide(a, b) + torch.remainder(a, c)", "y = a // b + a % c"),
])
def test_a_tensor_librarys_operator_functions_read_as_operators(head: str, spelt: str, plain: str) -> None:
    """A stranger's review spelt every `*`, `+`, `-`, `/` and `@` of olmo2's file as torch calls,
    and the copy read as info: the calls compute the operators on tensors, and read as them."""
    assert _read(spelt, head)[0] == _read(plain, head)[0]


def test_a_local_named_like_the_library_leaves_the_reading_elsewhere() -> None:
    """A parameter named `torch` in one function is that function's own name: its calls stay calls
    there, and the module's other functions still read `torch.mul(a, b)` as `a * b` (a stranger's
    review: one such parameter, or `except ImportError: torch = None`, switched the reading off for
    the whole module)."""
    for head in ("import torch\n\ndef g(torch):\n    return torch.mul(1, 2)\n\n",
                 "try:\n    import torch\nexcept ImportError:\n    torch = None\n\n"):
        assert _read("y = torch.mul(a, b)", head)[0] == _read("y = a * b", head)[0]
    shadowed = "import torch\n\n"
    text = shadowed + "def f(a, b, c, x, torch=None):\n    y = torch.mul(a, b)\n"
    unit = next(u for u in parse_source("m.py", text.encode()).units if u.qualname == "f")
    assert "*" not in list(unit.kinds)
    # bound again at the module's level: the name is not the library's anywhere
    assert _read("y = torch.mul(a, b)", "import torch\ntorch = x\n")[0] != _read("y = a * b", "import torch\n")[0]
