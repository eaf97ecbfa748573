"""Equivalent spellings are fingerprinted alike (fingerprint/idioms.py), and different code stays
different.  Fixture code is our own."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import fingerprint_file
from lineage.parse.units import parse_source

ORIGINAL = '''
import torch
from torch import nn


class Mixer(nn.Module):
    def forward(self, hidden, mask=None, scale=None, training=False):
        batch, length = hidden.size(0), hidden.size(1)
        query = self.query(hidden).view(batch, length, self.heads, -1).transpose(1, 2)
        key = self.key(hidden).view(batch, length, self.heads, -1).transpose(1, 2)
        scores = torch.matmul(query, key.transpose(-1, -2))
        scale = self.scale if scale is None else scale
        scores = scores * scale
        if mask is not None:
            scores = scores + mask
        else:
            scores = scores - scores.amax(dim=-1, keepdim=True)
        probs = scores.softmax(dim=-1)
        dropout = 0.0 if not training else self.dropout
        probs = nn.functional.dropout(probs, p=dropout, training=training)
        total = probs.sum(dim=-1, keepdim=True)
        total = total + 1e-6
        return probs / total, hidden.size()
'''

RESPELT = '''
import torch
from torch import nn


class Mixer(nn.Module):
    def forward(self, hidden, mask=None, scale=None, training=False):
        batch, length = hidden.shape[0], hidden.shape[1]
        query = self.query(hidden).reshape(batch, length, self.heads, -1).transpose(1, 2)
        key = self.key(hidden).reshape(batch, length, self.heads, -1).transpose(1, 2)
        scores = query @ key.transpose(-1, -2)
        scale = scale if not scale is None else self.scale
        scores *= scale
        if mask is not None:
            scores += mask
        else:
            scores -= scores.amax(dim=-1, keepdim=True)
        probs = scores.softmax(dim=-1)
        dropout = self.dropout if training else 0.0
        probs = nn.functional.dropout(probs, p=dropout, training=training)
        total = probs.sum(dim=-1, keepdim=True)
        total += 1e-6
        return probs / total, hidden.shape
'''


def prints(text: str) -> tuple[set[int], set[int]]:
    fp = fingerprint_file(parse_source("m.py", textwrap.dedent(text).encode()), FingerprintParams())
    return (set(np.concatenate([u.s_hash for u in fp.units]).tolist()),
            set(np.concatenate([u.l_hash for u in fp.units]).tolist()))


def jaccard(a: set[int], b: set[int]) -> float:  # of fingerprint sets
    return len(a & b) / len(a | b)


def test_a_copy_respelt_idiom_by_idiom_keeps_its_prints() -> None:
    """`.shape[i]` for `.size(i)`, `.reshape` for `.view`, `@` for `torch.matmul`, augmented
    assignments, an inverted condition and swapped conditional branches: the structure is the
    same; names differ only where the spelling did (`shape`, `reshape`)."""
    (s1, l1), (s2, l2) = prints(ORIGINAL), prints(RESPELT)
    assert s1 == s2
    assert jaccard(l1, l2) >= 0.9, jaccard(l1, l2)


@pytest.mark.parametrize(("a", "b"), [
    ("x = h.size(0) + h.size(1) * w", "x = h.shape[0] + h.shape[1] * w"),
    ("x = torch.matmul(q, k.transpose(1, 2)) * s", "x = q @ k.transpose(1, 2) * s"),
    ("x = x + y * z\nw = w - 1", "x += y * z\nw -= 1"),
    ("y = self.a(x) if flag else self.b(x) + 1", "y = self.b(x) + 1 if not flag else self.a(x)"),
    ("y = f(x, k=a.b if c > 0 else d[0])", "y = f(x, k=d[0] if not c > 0 else a.b)"),
])
def test_equivalent_spellings_fingerprint_alike(a: str, b: str) -> None:
    def unit(body: str) -> str:
        return "def f(self, x, y, z, w, h, q, k, s, flag, a, c, d):\n" + textwrap.indent(body, "    ") \
            + "\n    return x + y + z + w\n"
    assert prints(unit(a))[0] == prints(unit(b))[0]


@pytest.mark.parametrize(("a", "b"), [
    ("x = h.size(0) * h.size(1)", "x = h.size(1) * h.size(2)"),  # other indexes: other names' texts
    ("y = self.a(x) if flag else self.b(x)", "y = self.a(x) if flag else self.b(x) + 1"),
    ("x = x + y * z", "x = y + x * z"),  # not the same target first: no augmented form
    ("x = torch.matmul(q, k, out=s)", "x = q @ k"),  # keywords: not the operator
])
def test_different_code_stays_different(a: str, b: str) -> None:
    def unit(body: str) -> str:
        return "def f(self, x, y, z, h, q, k, s, flag):\n" + textwrap.indent(body, "    ") \
            + "\n    return x + y + z\n"
    sa, la = prints(unit(a))
    sb, lb = prints(unit(b))
    assert (sa, la) != (sb, lb)


@pytest.mark.parametrize("terms", [3, 2000])
def test_a_conditional_longer_than_the_scan_limit_is_left_as_written(terms: int) -> None:
    """The work per file is bounded: branches past _LIMIT tokens are not reordered (a short
    conditional is, both ways round), and the file still fingerprints."""
    long = "(" + " + ".join(["a"] * terms) + ")"
    one = f"def g(a, b, c):\n    y = {long} if c else b\n    return y + 1\n"
    other = f"def g(a, b, c):\n    y = b if not c else {long}\n    return y + 1\n"
    same = prints(one)[0] == prints(other)[0]
    assert same is (terms == 3)


_ORDER_PROBE = '''
import sys
from lineage.compact.files import compact
from lineage.fingerprint.params import FingerprintParams
from lineage.models import SourceFile
first, second = sys.argv[1:3]
compact(SourceFile("seen.py", f"def seen(a):\\n    return {first} + {second}\\n".encode()), FingerprintParams())
target = ("def pick(flag, zq_width, zq_height):\\n"
          "    size = zq_width * 2 if flag else zq_height * 2\\n"
          "    size = size + zq_width - zq_height\\n"
          "    return size * flag + zq_width * zq_height\\n")
(unit,) = [u for u in compact(SourceFile("t.py", target.encode()), FingerprintParams()).units if u.qualname == "pick"]
print(unit.l_hash.tobytes().hex())
'''


def test_branch_order_does_not_depend_on_which_names_a_process_met_first() -> None:
    """A conditional expression's two branches, alike in kinds, are put in one order by their names:
    by the names' stable hashes, not by per-process ids, so two processes that met the names in
    opposite orders (a parallel index build) give the same lexical fingerprints."""
    import subprocess
    import sys

    runs = [subprocess.run([sys.executable, "-c", _ORDER_PROBE, a, b], capture_output=True, text=True, check=True)
            for a, b in (("zq_width", "zq_height"), ("zq_height", "zq_width"))]
    assert runs[0].stdout and runs[0].stdout == runs[1].stdout


PLAIN = '''
class Mixer:
    def forward(self, hidden, mask):
        query = self.query(hidden)
        key = self.key(hidden)
        scores = query @ key.transpose(-1, -2)
        self.cache = scores
        total = total + 1
        if mask is not None:
            scores = scores + mask
        return scores.softmax(dim=-1), total
'''

ANNOTATED = '''
class Mixer:
    def forward(self, hidden, mask):
        query: "Tensor" = self.query(hidden)
        key: torch.Tensor = self.key(hidden)
        scores: Optional[Dict[str, Tuple[int, int]]] = query @ key.transpose(-1, -2)
        self.cache: object = scores
        total: int = total + 1
        kept: bool
        if mask is not None:
            scores: "Tensor" = scores + mask
        return scores.softmax(dim=-1), total
'''

PACKED = '''
class Mixer:
    def forward(self, hidden, mask):
        query, key = (self.query(hidden), self.key(hidden))
        [scores, self.cache] = query @ key.transpose(-1, -2), scores
        total, = total + 1,
        if mask is not None:
            scores = scores + mask
        return scores.softmax(dim=-1), total
'''


@pytest.mark.parametrize("variant", [ANNOTATED, PACKED.replace("        total, = total + 1,\n",
                                                                "        total = total + 1\n")],
                         ids=["locals-annotated", "statements-packed"])
def test_annotated_locals_and_packed_assignments_fingerprint_as_written_plainly(variant: str) -> None:
    """A variable's annotation in a function body (`x: T = v`, `self.x: T = v`, a bare `x: T`) is a
    style, and a tuple assignment of as many targets as values is its assignments one by one:
    both streams are those of the plain code (a one-line sed annotating every local, or packing
    independent statements, left whole copies of real model files reading as code of their own)."""
    assert prints(PLAIN) == prints(variant)


@pytest.mark.parametrize(("a", "b"), [
    ("x, y = f(z)", "x = f(z)\n    y = f(z)"),  # one value unpacked: no pieces
    ("x, *y = z, w, v", "x = z\n    y = w, v"),  # starred: as written
])
def test_other_tuple_assignments_stay_as_written(a: str, b: str) -> None:
    def unit(body: str) -> str:
        return "def f(self, x, y, z, w, v):\n    " + body + "\n    return x + y + z\n"
    assert prints(unit(a)) != prints(unit(b))


def test_a_class_bodys_annotated_fields_stay_its_structure() -> None:
    plain = "class Config:\n" + "".join(f"    field_{i} = {i} * scale + offset_{i}\n" for i in range(30))
    typed = plain.replace(" = ", ": int = ")
    assert prints(plain)[0] != prints(typed)[0]
