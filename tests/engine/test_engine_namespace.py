"""A class used only as a namespace is read as the module-level code it wraps (parse/namespace.py).
Fixture code is our own."""

from __future__ import annotations

from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import fingerprint_file
from lineage.parse.units import parse_source

PLAIN = '''import torch


def rotate(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class Norm:
    def __init__(self, dim, eps=1e-6):
        self.weight = torch.ones(dim)
        self.eps = eps

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * x * torch.rsqrt(var + self.eps)


class Block:
    def forward(self, x, cos, sin):
        h = self.norm(x)
        q = h * cos + rotate(h) * sin
        return x + self.proj(q)
'''

WRAPPED = '''import torch


class _Impl:
    """Everything."""

    @staticmethod
    def rotate(x):
        a, b = x.chunk(2, dim=-1)
        return torch.cat((-b, a), dim=-1)

    class Norm:
        def __init__(self, dim, eps=1e-6):
            self.weight = torch.ones(dim)
            self.eps = eps

        def forward(self, x):
            var = x.pow(2).mean(-1, keepdim=True)
            return self.weight * x * torch.rsqrt(var + self.eps)

    class Block:
        def forward(self, x, cos, sin):
            h = self.norm(x)
            q = h * cos + _Impl.rotate(h) * sin
            return x + self.proj(q)
Norm = _Impl.Norm
Block = _Impl.Block
'''


def _units(text: str) -> dict[str, tuple[frozenset[int], int]]:
    fp = fingerprint_file(parse_source("m.py", text.encode()), FingerprintParams())
    return {u.unit.qualname: (frozenset(u.s_hash.tolist()), u.unit.start_line) for u in fp.units}


def test_a_namespace_class_reads_as_the_code_it_wraps_and_keeps_its_lines() -> None:
    plain, wrapped = _units(PLAIN), _units(WRAPPED)
    assert set(plain) == set(wrapped) == {"rotate", "Norm.__init__", "Norm.forward", "Block.forward"}
    assert all(plain[q][0] == wrapped[q][0] for q in plain)
    lines = WRAPPED.splitlines()
    for qualname, (_, line) in wrapped.items():  # each unit starts on its own `def` line of the file
        assert lines[line - 1].strip().startswith("def " + qualname.split(".")[-1] + "(")


def test_a_class_that_is_no_namespace_stays_a_class() -> None:
    """A class of methods, one never read through its name, or one called, keeps its place."""
    methods = WRAPPED.replace("    @staticmethod\n    def rotate(x):", "    def rotate(self, x):")
    never = WRAPPED.replace("_Impl.rotate(h)", "h").replace("Norm = _Impl.Norm\nBlock = _Impl.Block\n", "")
    called = WRAPPED + "impl = _Impl()\n"
    for text in (methods, never, called):
        assert "_Impl.Norm.forward" in {u.qualname for u in parse_source("m.py", text.encode()).units}
