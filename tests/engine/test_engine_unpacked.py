"""Arguments unpacked from a display written in place, read as the arguments (`lex-v48`,
parse/unpacked.py): `f(*[a, b], **{'k': v})` and `f(**dict(k=v))` as `f(a, b, k=v)`, line for line.
What may pass something else stays.  Fixture code is our own."""

from __future__ import annotations

import pytest

from lineage.parse.units import parse_source


def _read(body: str, head: str = "") -> tuple[list[str], list[int]]:
    """(kinds, lines) of function `f` holding ``body``."""
    text = head + "def f(a, b, c, x):\n" + "".join("    " + line + "\n" for line in body.splitlines())
    unit = next(u for u in parse_source("m.py", text.encode()).units if u.qualname == "f")
    return list(unit.kinds), unit.token_lines.tolist()


@pytest.mark.parametrize("spelt, plain", [
    ("return g(*[a, b], c=1)", "return g(a, b, c=1)"),
    ("return g(*(a,), **{'eps': b, \"k\": x})", "return g(a, eps=b, k=x)"),
    ("return g(x, **dict(eps=b, k=c))", "return g(x, eps=b, k=c)"),
    ("return g(*[a, b], *(c,))", "return g(a, b, c)"),
    ("return g(*[\n    a,\n    b,\n])", "return g(\n    a,\n    b\n)"),
])
def test_arguments_unpacked_in_place_read_as_written_out(spelt: str, plain: str) -> None:
    assert _read(spelt) == _read(plain)


@pytest.mark.parametrize("spelt, head", [
    ("return g(k=1, *[a])", ""),  # passes `a` first: `g(k=1, a)` cannot say so
    ("return g(**{'a b': 1})", ""),  # a key no name spells
    ("return g(**{'if': 1})", ""),  # a keyword
    ("return g(**{k: 1})", ""),  # a key the code computes
    ("return g(*[*a, b])", ""),  # a starred item
    ("return g(**dict(eps=b))", "dict = OrderedDict\n"),  # `dict` bound otherwise
])
def test_what_may_pass_something_else_stays_unpacked(spelt: str, head: str) -> None:
    kinds, _ = _read(spelt, head)
    assert "*" in kinds or "**" in kinds
