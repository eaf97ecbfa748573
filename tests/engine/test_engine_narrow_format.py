"""Code a formatter wrapped at a narrow width fingerprints as the code written out (`lex-v50`).

black at 40 columns wraps a long value in parentheses (`x = (\\n    x * y\\n)`), splits a
statement over lines inside its brackets and puts a trailing comma after the last argument of
every call it explodes.  Each is layout, but the idioms read on the tokens (`x = x * y` as
`x *= y`, `torch.matmul(a, b)` as `a @ b`, a tuple assignment as its assignments, a temporary read
where it is read, keywords and a conditional's branches sorted) had read the wrapped code as
written, and transformers' llama file reformatted so kept 0.88 of its units' fingerprints (its
RMSNorm forward a third).  Our own module below, written out and as black writes it at 40
columns, fingerprints alike unit for unit."""

from __future__ import annotations

import numpy as np
import pytest

from lineage.compact.files import compact
from lineage.fingerprint.params import FingerprintParams
from lineage.models import SourceFile

WRITTEN = '''
import torch
from torch import nn
import torch.nn.functional as F


class Scaler(nn.Module):
    def __init__(self, width, eps, sparse, gate_every, layer):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps
        if layer % gate_every == 0 and sparse:
            self.mix = SparseMix(width)
        else:
            self.mix = DenseMix(width, hidden=width * 4)

    def forward(self, states, residual):
        kind = states.dtype
        states = states.to(torch.float32)
        spread = states.pow(2).mean(-1, keepdim=True)
        states = states * torch.rsqrt(spread + self.eps)
        states = residual + states
        return self.weight * states.to(kind)


def rotate_parts(q, k, cos, sin, rotary):
    q_rot, q_pass = q[..., :rotary], q[..., rotary:]
    k_rot, k_pass = k[..., :rotary], k[..., rotary:]
    q_out = torch.cat([q_rot * cos + q_pass * sin, q_pass], dim=-1)
    k_out = torch.cat([k_rot * cos + k_pass * sin, k_pass], dim=-1)
    return q_out, k_out


def attend(module, query, key, value, scaling, training, drop):
    weights = torch.matmul(query, key.transpose(2, 3)) * scaling
    weights = F.softmax(weights, dim=-1, dtype=torch.float32).to(query.dtype)
    weights = F.dropout(weights, training=training, p=0.0 if not training else drop)
    return torch.matmul(weights, value)
'''

# the same module as black writes it at a line length of 40
NARROW = '''
import torch
from torch import nn
import torch.nn.functional as F


class Scaler(nn.Module):
    def __init__(
        self,
        width,
        eps,
        sparse,
        gate_every,
        layer,
    ):
        super().__init__()
        self.weight = nn.Parameter(
            torch.ones(width)
        )
        self.eps = eps
        if (
            layer % gate_every == 0
            and sparse
        ):
            self.mix = (
                SparseMix(width)
            )
        else:
            self.mix = DenseMix(
                width,
                hidden=width * 4,
            )

    def forward(self, states, residual):
        kind = states.dtype
        states = states.to(
            torch.float32
        )
        spread = states.pow(2).mean(
            -1, keepdim=True
        )
        states = (
            states
            * torch.rsqrt(
                spread + self.eps
            )
        )
        states = (
            residual + states
        )
        return (
            self.weight
            * states.to(kind)
        )


def rotate_parts(
    q, k, cos, sin, rotary
):
    q_rot, q_pass = (
        q[..., :rotary],
        q[..., rotary:],
    )
    k_rot, k_pass = (
        k[..., :rotary],
        k[..., rotary:],
    )
    q_out = torch.cat(
        [
            q_rot * cos
            + q_pass * sin,
            q_pass,
        ],
        dim=-1,
    )
    k_out = torch.cat(
        [
            k_rot * cos
            + k_pass * sin,
            k_pass,
        ],
        dim=-1,
    )
    return q_out, k_out


def attend(
    module,
    query,
    key,
    value,
    scaling,
    training,
    drop,
):
    weights = (
        torch.matmul(
            query,
            key.transpose(2, 3),
        )
        * scaling
    )
    weights = F.softmax(
        weights,
        dim=-1,
        dtype=torch.float32,
    ).to(query.dtype)
    weights = F.dropout(
        weights,
        training=training,
        p=(
            0.0
            if not training
            else drop
        ),
    )
    return torch.matmul(
        weights, value
    )
'''


def _prints(text: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    cf = compact(SourceFile("m.py", text.encode()), FingerprintParams())
    return {u.qualname: (u.s_hash, u.l_hash) for u in cf.units}


@pytest.mark.parametrize("unit", ["Scaler.__init__", "Scaler.forward", "rotate_parts", "attend"])
def test_code_wrapped_at_a_narrow_width_fingerprints_as_written_out(unit: str) -> None:
    narrow, written = _prints(NARROW), _prints(WRITTEN)
    assert np.array_equal(narrow[unit][0], written[unit][0]), unit  # structure
    assert np.array_equal(narrow[unit][1], written[unit][1]), unit  # names


def _forward(body: str) -> np.ndarray:
    text = f"def f(x, a, b):\n{body}    return x\n"
    return _prints(text)["f"][0]


@pytest.mark.parametrize(("wrapped", "plain"), [
    ("    x = (\n        x + a\n    )\n", "    x = x + a\n"),
    ("    x = (\n        a + x\n    )\n", "    x = x + a\n"),        # the name assigned read first, then `+=`
    ("    x = (\n        x\n        * a\n    )\n", "    x = x * a\n"),
])
def test_a_value_wrapped_whole_reads_as_its_value(wrapped: str, plain: str) -> None:
    assert np.array_equal(_forward(wrapped * 3), _forward(plain * 3))


@pytest.mark.parametrize(("grouped", "augmented"), [
    ("    x = (x + a) * b\n", "    x += a * b\n"),       # a group closing before the value ends
    ("    x = (x + a, b)\n", "    x += a, b\n"),        # a tuple
])
def test_parentheses_that_are_part_of_the_value_keep_it_as_written(grouped: str, augmented: str) -> None:
    assert not np.array_equal(_forward(grouped * 3), _forward(augmented * 3))


def test_a_temporary_is_read_where_a_statement_over_several_lines_reads_it() -> None:
    """fingerprint/temporaries.py reads a temporary into the statement that reads it; that
    statement, wrapped over lines, had read as one statement a line, the temporary kept apart."""
    split = "".join(f"    t{i} = a.pow(\n        {i}\n    ).mean(-1)\n"
                    f"    x = (\n        x\n        * torch.rsqrt(\n            t{i}\n            + b\n        )\n    )\n"
                    for i in (2, 3))
    written = "".join(f"    t{i} = a.pow({i}).mean(-1)\n    x = x * torch.rsqrt(t{i} + b)\n" for i in (2, 3))
    assert np.array_equal(_forward(split), _forward(written))


# `lex-v51`, after a stranger's review ran black, ruff, yapf and autopep8 over 15 model files:
# each pair below is one statement as written out and as a formatter left it
PAIRS = {
    "a negated condition wrapped": (
        "def f(x, cfg):\n    y = x * 2\n    if not cfg.tied:\n        y = torch.tanh(y) * cfg.scale\n    return y + x\n",
        "def f(x, cfg):\n    y = x * 2\n    if (\n        not cfg.tied\n    ):\n        y = torch.tanh(y) * cfg.scale\n    return y + x\n"),
    "a literal bound in parentheses": (
        "def f(freqs):\n    factor = 8\n    length = 8192\n    low = length / factor\n"
        "    waves = 2 * torch.pi / freqs\n    return torch.where(waves > low, freqs / factor, freqs * length)\n",
        "def f(freqs):\n    factor = 8\n    length = (\n        8192\n    )\n    low = length / factor\n"
        "    waves = 2 * torch.pi / freqs\n    return torch.where(waves > low, freqs / factor, freqs * length)\n"),
    "a literal bound in parentheses with a comment": (
        "def f(freqs):\n    factor = 8\n    length = 8192\n    low = length / factor\n"
        "    waves = 2 * torch.pi / freqs\n    return torch.where(waves > low, freqs / factor, freqs * length)\n",
        "def f(freqs):\n    factor = 8\n    length = (\n        8192  # the context it was trained at\n    )\n"
        "    low = length / factor\n"
        "    waves = 2 * torch.pi / freqs\n    return torch.where(waves > low, freqs / factor, freqs * length)\n"),
    "a module's constant bound in parentheses": (
        "BASE = 10_000\n\n\ndef f(dim, pos):\n    inv = 1.0 / BASE ** (torch.arange(0, dim, 2) / dim)\n"
        "    angles = torch.outer(pos, inv)\n    return torch.cat([angles.sin(), angles.cos()], dim=-1)\n",
        "BASE = (10_000)\n\n\ndef f(dim, pos):\n    inv = 1.0 / BASE ** (torch.arange(0, dim, 2) / dim)\n"
        "    angles = torch.outer(pos, inv)\n    return torch.cat([angles.sin(), angles.cos()], dim=-1)\n"),
    "an update wrapped in a branch": (
        "def f(s, m, flag):\n    if flag:\n        s = torch.where(m, s, 0.0)\n    else:\n        s = s + m\n"
        "    out = torch.softmax(s, dim=-1)\n    return out.sum(-1) * out.mean(-1)\n",
        "def f(s, m, flag):\n    if flag:\n        s = torch.where(m, s, 0.0)\n    else:\n        s = (\n            s\n            + m\n        )\n"
        "    out = torch.softmax(s, dim=-1)\n    return out.sum(-1) * out.mean(-1)\n"),
    "a backslash continuation in a chain": (
        "def f(scale=1, m=1):\n    if scale <= 1:\n        return 1.0\n    return 0.1 * m * math.log(scale) + 1.0\n",
        "def f(scale=1, m=1):\n    if scale <= 1:\n        return 1.0\n    return 0.1 * m * \\\n        math.log(scale) + 1.0\n"),
    "a comment inside a chain": (
        "def f(scale=1, m=1):\n    if scale <= 1:\n        return 1.0\n    return 0.1 * m * math.log(scale) + 1.0\n",
        "def f(scale=1, m=1):\n    if scale <= 1:\n        return 1.0\n    return (0.1 * m *  # the slope\n            math.log(scale) + 1.0)\n"),
}


@pytest.mark.parametrize("case", sorted(PAIRS))
def test_a_formatter_s_spelling_of_one_statement_fingerprints_as_written_out(case: str) -> None:
    written, formatted = (f"import math\nimport torch\n\n\n{text}" for text in PAIRS[case])
    compile(formatted, case, "exec")
    assert np.array_equal(_prints(formatted)["f"][0], _prints(written)["f"][0]), case
