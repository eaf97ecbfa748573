"""Swapped operands of commutative operators (parse/commuted.py) and a tensor library's functions
spelt as methods (fingerprint/methods.py) are fingerprinted alike; what differs stays different.
Fixture code is our own."""

from __future__ import annotations

import textwrap

from lineage.parse.units import parse_source
from tests.engine.test_engine_idioms import jaccard, prints

WRITTEN = '''
import torch
import torch.nn.functional as F


class Block:
    def forward(self, hidden, residual, mask=None):
        gate = self.scale * self.gate(hidden) + self.bias
        hidden = residual + gate * torch.rsqrt(hidden.pow(2).mean(-1, keepdim=True) + self.eps)
        scores = (self.query(hidden) @ self.key(hidden).transpose(-2, -1)) * self.temperature
        if mask is not None and mask.dim() == 4:
            scores = scores + mask
        hits = (scores == scores.amax(-1, keepdim=True)) & (mask != 0)
        total = self.offset + self.width * self.depth + len(self.layers)
        return hidden * scores.softmax(-1), hits, total
'''

SWAPPED = '''
import torch
import torch.nn.functional as F


class Block:
    def forward(self, hidden, residual, mask=None):
        gate = self.bias + self.gate(hidden) * self.scale
        hidden = torch.rsqrt(self.eps + hidden.pow(2).mean(-1, keepdim=True)) * gate + residual
        scores = self.temperature * (self.query(hidden) @ self.key(hidden).transpose(-2, -1))
        if mask is not None and 4 == mask.dim():
            scores = mask + scores
        hits = (0 != mask) & (scores.amax(-1, keepdim=True) == scores)
        total = len(self.layers) + (self.depth * self.width + self.offset)
        return scores.softmax(-1) * hidden, hits, total
'''


def test_swapped_operands_are_fingerprinted_as_written() -> None:
    assert prints(SWAPPED)[0] == prints(WRITTEN)[0]


def test_the_assigned_name_goes_first_so_the_augmented_form_still_matches() -> None:
    """`x = y + x` reads as `x = x + y`, which reads as `x += y`."""
    body = "def f(x, y, z):\n    x = {}\n    z = z * (x - y)\n    return x + z\n"
    assert prints(body.format("y * 2 + x"))[0] == prints(body.format("x + y * 2"))[0]
    assert prints(body.format("y * 2 + x").replace("x = y * 2 + x", "x += y * 2"))[0] == \
        prints(body.format("x + y * 2"))[0]


def test_operators_that_do_not_commute_keep_their_order() -> None:
    body = "def f(a, b, c):\n    d = a.scale({}) ** 2\n    return d / c.norm() - len(d)\n"
    assert prints(body.format("a - b.mean()"))[0] != prints(body.format("b.mean() - a"))[0]
    assert prints(body.format("a < b.mean()"))[0] != prints(body.format("b.mean() < a"))[0]


def test_a_chain_across_lines_is_reordered_and_its_lines_stay_in_order() -> None:
    """Operands moved forward from a later line do not start a statement of their own: the chain
    stands on its first line."""
    one = "def f(self, x):\n    y = self.proj(\n        x, 2) + x.mean()\n    return self.out(y) * 3\n"
    other = "def f(self, x):\n    y = x.mean() + self.proj(\n        x, 2)\n    return self.out(y) * 3\n"
    assert prints(one)[0] == prints(other)[0]
    unit = next(u for u in parse_source("m.py", one.encode()).units if u.qualname == "f")
    assert list(unit.lines) == sorted(unit.lines) and set(unit.lines) == {1, 2, 4}



def test_a_sum_of_twenty_thousand_terms_is_read_within_a_small_budget() -> None:
    """Chains are found top-down from one query: climbing from each operator (a node's parent is
    a walk from the root in tree-sitter) took seconds on one long sum, and the file went unchecked."""
    from lineage.parse.budget import Budget

    terms = " + ".join(f"w{i}" for i in range(20000))
    source = f"def f(a, b):\n    total = {terms}\n    return b.mean() + a * total\n"
    parsed = parse_source("long.py", source.encode(), Budget(seconds=2.0))
    assert "f" in [u.qualname for u in parsed.units] and not parsed.errors
    swapped = source.replace("b.mean() + a * total", "total * a + b.mean()")
    assert prints(swapped)[0] == prints(source)[0]

def test_a_sum_nested_past_tree_sitters_depth_limit_is_read_within_a_small_budget() -> None:
    """Past 65,535 levels tree-sitter's query cursor takes quadratic time (a 200,000-term sum, 800 KB
    and under the size cap: two minutes, a stalled hook); operators are looked for down to MAX_DEPTH."""
    from lineage.parse.budget import Budget

    terms = " + ".join(["w"] * 200_000)
    source = f"def f(a, b):\n    total = {terms}\n    return b.mean() + a * total\n"
    parsed = parse_source("deep.py", source.encode(), Budget(seconds=5.0))
    assert "f" in [u.qualname for u in parsed.units] and not parsed.errors
    swapped = source.replace("b.mean() + a * total", "total * a + b.mean()")
    assert prints(swapped)[0] == prints(source)[0]  # (chains near the top are still read)


TORCH = '''
import torch
import torch.nn.functional as F


def attend(query, key, value, heads, mask):
    batch, length, width = query.shape
    query = query.view(batch, length, heads, -1).transpose(1, 2)
    key = key.reshape(batch, length, heads, -1).permute(0, 2, 3, 1)
    scores = F.softmax(query @ key / width + mask, dim=-1)
    mixed = torch.cat([scores @ value, value], dim=-1).flatten(2)
    return mixed.reshape(batch, length, -1).sigmoid()
'''

RESPELT_TORCH = '''
import torch
import torch.nn.functional as F


def attend(query, key, value, heads, mask):
    batch, length, width = query.shape
    query = torch.transpose(torch.reshape(query, (batch, length, heads, -1)), 1, 2)
    key = torch.permute(torch.reshape(key, (batch, length, heads, -1)), (0, 2, 3, 1))
    scores = torch.nn.functional.softmax(torch.matmul(query, key) / width + mask, dim=-1)
    mixed = torch.flatten(torch.cat([torch.matmul(scores, value), value], dim=-1), 2)
    return torch.sigmoid(torch.reshape(mixed, (batch, length, -1)))
'''


def test_a_tensor_librarys_functions_read_as_the_tensors_methods() -> None:
    assert prints(RESPELT_TORCH) == prints(TORCH)


def test_what_is_no_function_of_its_first_argument_stays_as_written() -> None:
    """A class (`torch.nn.Linear`), a starred or keyword first argument, and another module's
    functions are left alone."""
    body = "import torch\n\n\ndef f(a, b, parts):\n    x = {}\n    return x.sum(-1) * a.mean() + b\n"
    assert prints(body.format("torch.nn.Linear(a, b)")) != prints(body.format("a.Linear(b)"))
    assert prints(body.format("torch.cat(*parts)")) != prints(body.format("parts.cat()"))
    assert prints(body.format("torch.zeros(size=a)")) != prints(body.format("a.zeros()"))
    assert prints(body.format("helpers.scale(a, b)")) != prints(body.format("a.scale(b)"))


def test_a_shape_passed_as_a_variable_keeps_its_meaning() -> None:
    """Only a tuple written out is read as its elements: `x.reshape(shape)` is not `x.reshape(*shape)`."""
    body = "def f(x, shape, n):\n    y = {}\n    return y.sum(-1) * n + shape[0]\n"
    assert prints(body.format("x.reshape((n, -1))")) == prints(body.format("x.reshape(n, -1)"))
    assert jaccard(prints(body.format("x.reshape(shape)"))[0], prints(body.format("x.reshape(*shape)"))[0]) < 1


def test_a_library_imported_under_another_name_is_read_alike() -> None:
    """`import torch as _t` then `_t.transpose(x, 1, 2)`, or `from torch import nn` then
    `nn.functional.softmax(x, dim=-1)`: the names an import binds to torch stand for it too."""
    body = "{}\n\n\ndef f(x, y):\n    z = {}\n    return z.sum(-1) * y.mean() + x\n"
    plain = prints(body.format("import torch", "x.transpose(1, 2).softmax(dim=-1)"))
    assert prints(body.format("import torch as _t", "_t.softmax(_t.transpose(x, 1, 2), dim=-1)"))[0] == plain[0]
    assert prints(body.format("from torch import nn",
                              "nn.functional.softmax(x.transpose(1, 2), dim=-1)"))[0] == plain[0]
    assert prints(body.format("import helpers as _t", "_t.softmax(_t.transpose(x, 1, 2), dim=-1)"))[0] != plain[0]


def test_a_copy_after_thousands_of_respelt_calls_is_read_as_its_source() -> None:
    """Every site of a file is read: a cap on rewrites per file left a copy placed after 4,000
    padding calls as written while its source was respelt (a stranger's review: HIGH read LOW)."""
    from lineage.fingerprint.params import FingerprintParams
    from lineage.fingerprint.units import fingerprint_file

    def attend_prints(text: str) -> tuple[set[int], set[int]]:
        fp = fingerprint_file(parse_source("m.py", text.encode()), FingerprintParams())
        unit = next(u for u in fp.units if u.unit.qualname == "attend")
        return set(unit.s_hash.tolist()), set(unit.l_hash.tolist())

    padding = "def pad(x, y):\n" + "".join(
        f"    y = torch.transpose(x, 1, {i % 3}).size(1) + torch.matmul(x, y)\n    x = x + {i}\n"
        for i in range(4500)) + "    return x\n\n\n"
    head, _, body = RESPELT_TORCH.partition("def attend")
    assert attend_prints(head + padding + "def attend" + body) == attend_prints(TORCH)
