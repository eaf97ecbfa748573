"""A call's keyword arguments are read in one order (fingerprint/keywords.py), and an `if` that only
picks one of two values is read as the conditional expression it spells (parse/ternary.py).  What
order or shape means something stays as written.  Fixture code is our own."""

from __future__ import annotations

import textwrap

import pytest

from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import fingerprint_file
from lineage.parse.units import parse_source

# statements around the site, for units of a realistic size
BEFORE = "".join(f"    hidden = layer_{i}(hidden, shape[{i}])\n" for i in range(4))
AFTER = "".join(f"    hidden = post_{i}(hidden, mask, {i})\n" for i in range(4)) + "    return hidden\n"


def unit(body: str, head: str = "def forward(self, hidden, shape, mask, cache):\n") -> str:
    return head + BEFORE + textwrap.indent(textwrap.dedent(body), "    ") + AFTER


def prints(text: str, qualname: str = "forward") -> tuple[set[int], set[int]]:
    """(structural, lexical) fingerprints of one unit."""
    fp = fingerprint_file(parse_source("m.py", text.encode()), FingerprintParams())
    u = next(u for u in fp.units if u.unit.qualname == qualname)
    return set(u.s_hash.tolist()), set(u.l_hash.tolist())


KEYWORDS = """\
mask = build_mask(config=self.config, inputs=hidden, attention_mask=mask, past=None,
                  cache=self.cache(shape, size=4, dim=hidden.shape[-1]), window=self.config.window)
"""
REORDERED = """\
mask = build_mask(window=self.config.window, past=None,
                  cache=self.cache(shape, dim=hidden.shape[-1], size=4), attention_mask=mask,
                  inputs=hidden, config=self.config)
"""
RENAMED = """\
mask = build_mask(past=None, cache=self.cache(shape, dim=hidden.shape[-1], size=4), window=self.cfg.win,
                  attention_mask=mask, config=self.cfg, inputs=hidden)
"""


def test_keyword_arguments_in_any_order_are_one_call() -> None:
    """Reordered at both levels (a nested call's keywords too): the same prints in both streams."""
    assert prints(unit(KEYWORDS)) == prints(unit(REORDERED))


def test_renamed_and_reordered_keyword_arguments_keep_the_structure() -> None:
    (s1, l1), (s2, l2) = prints(unit(KEYWORDS)), prints(unit(RENAMED))
    assert s1 == s2
    assert l1 != l2  # the names are the lexical stream's to compare


@pytest.mark.parametrize(("a", "b"), [
    # a definition's parameters are positional (each is read below: an unread one is padding)
    ("def forward(self, hidden, shape=x.y, mask=None, cache=2):\n",
     "def forward(self, hidden, cache=2, shape=x.y, mask=None):\n"),
    ("def forward(self, hidden, *, shape=x.y, mask=None, cache=2):\n",
     "def forward(self, hidden, *, cache=2, shape=x.y, mask=None):\n"),
])
def test_parameters_keep_their_order(a: str, b: str) -> None:
    body = "y = f(shape, mask, cache)\n"
    assert prints(unit(body, a))[0] != prints(unit(body, b))[0]
    # control: the same signature with its call's keywords reordered is read alike
    assert prints(unit("y = f(p=shape, q=g(mask), r=cache)\n", a)) \
        == prints(unit("y = f(q=g(mask), r=cache, p=shape)\n", a))


@pytest.mark.parametrize(("written", "moved"), [
    # keywords on either side of an unpacked mapping stay on their side (a later one overrides it)
    ("y = f(hidden, a=x.y, **extra, b=2)\n", "y = f(hidden, b=2, **extra, a=x.y)\n"),
    # ... and of an unpacked sequence
    ("y = f(hidden, a=x.y, *rest, b=2)\n", "y = f(hidden, b=2, *rest, a=x.y)\n"),
    # positional arguments are positional
    ("y = f(hidden, x.y, 2)\n", "y = f(hidden, 2, x.y)\n"),
])
def test_what_order_means_stays_as_written(written: str, moved: str) -> None:
    assert prints(unit(written))[0] != prints(unit(moved))[0]


def test_keyword_runs_on_one_side_of_an_unpacking_are_each_sorted() -> None:
    assert prints(unit("y = f(a=x.y, b=2, **extra, c=[1], d=z)\n")) \
        == prints(unit("y = f(b=2, a=x.y, **extra, d=z, c=[1])\n"))


EXPRESSION = "scale = self.scale * 2 if scale is None else scale.float()\n"
STATEMENT = """\
if scale is None:
    scale = self.scale * 2
else:
    scale = scale.float()
"""
INVERTED = """\
if scale is not None:
    scale = scale.float()
else:
    scale = self.scale * 2
"""


def test_a_two_way_pick_reads_as_its_conditional_expression() -> None:
    assert prints(unit(EXPRESSION)) == prints(unit(STATEMENT))
    # with the condition inverted and the branches swapped: the same structure
    assert prints(unit(EXPRESSION))[0] == prints(unit(INVERTED.replace("is not None", "is None")
                                                      .replace("scale.float()", "@").replace("self.scale * 2", "scale.float()")
                                                      .replace("@", "self.scale * 2")))[0]


def test_a_two_way_return_reads_as_a_returned_conditional_expression() -> None:
    head = "def pick(self, hidden, mask):\n"
    expression = head + BEFORE + "    return self.out(hidden) if mask is None else hidden.masked_fill(mask, 0)\n"
    statement = head + BEFORE + ("    if mask is None:\n        return self.out(hidden)\n"
                                 "    else:\n        return hidden.masked_fill(mask, 0)\n")
    assert prints(expression, "pick") == prints(statement, "pick")


@pytest.mark.parametrize("statement", [
    # two targets: no single value is picked
    "if scale is None:\n    scale = self.scale * 2\nelse:\n    factor = scale.float()\n",
    # an `elif`: three ways
    "if scale is None:\n    scale = self.scale * 2\nelif hidden:\n    scale = scale.float()\nelse:\n    scale = 1\n",
    # a branch that does more than pick
    "if scale is None:\n    scale = self.scale * 2\n    hidden = hidden * 2\nelse:\n    scale = scale.float()\n",
    # a return against an assignment
    "if scale is None:\n    return self.scale * 2\nelse:\n    scale = scale.float()\n",
])
def test_an_if_that_does_more_than_pick_stays_a_statement(statement: str) -> None:
    """Read as the expression, each would hold the prints of `EXPRESSION`-shaped code it is not."""
    as_expression = {
        0: "scale = self.scale * 2 if scale is None else scale.float()\n",
        1: "scale = self.scale * 2 if scale is None else scale.float()\n",
        2: "scale = self.scale * 2 if scale is None else scale.float()\n",
        3: "return self.scale * 2 if scale is None else scale.float()\n",
    }
    s, _ = prints(unit(statement))
    for text in as_expression.values():
        assert s != prints(unit(text))[0]


def test_an_update_in_both_branches_reads_as_the_augmented_statement() -> None:
    """`x = x + a` reads as `x += a` (fingerprint/idioms.py): a pick of two updates stays a
    statement, so that it reads alike spelt either way."""
    plain = "if mask is not None:\n    hidden = hidden + mask\nelse:\n    hidden = hidden - 1\n"
    augmented = "if mask is not None:\n    hidden += mask\nelse:\n    hidden -= 1\n"
    assert prints(unit(plain))[0] == prints(unit(augmented))[0]


def test_a_pick_keeps_its_lines() -> None:
    """The statement's tokens stand on its first line: a finding's lines stay within the file."""
    fp = fingerprint_file(parse_source("m.py", unit(STATEMENT).encode()), FingerprintParams())
    u = next(u for u in fp.units if u.unit.qualname == "forward")
    lines = set(u.unit.token_lines.tolist())
    assert 6 in lines and not {7, 8, 9} & lines  # `if` on line 6: its branches read there
