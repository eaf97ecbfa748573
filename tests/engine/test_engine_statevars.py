"""`if`s jumping between labels a local holds read as the code they jump to (parse/statevars.py,
`lex-v57`): obfupy's `rewriteIf` turns each `if` into such jumps, and a copy so rewritten
fingerprints nearly as its plain code again.  A local the code reads as a value stays."""

from __future__ import annotations

import textwrap

import numpy as np

from lineage.compact.files import compact
from lineage.fingerprint.params import FingerprintParams
from lineage.models import SourceFile
from lineage.parse.units import parse_source

# our own function: a gated residual block with one real branch
PLAIN = """
def mix(self, inputs, mask):
    hidden = self.norm(inputs)
    gate = torch.sigmoid(self.gate_proj(hidden))
    if mask is not None:
        gate = gate.masked_fill(mask, 0.0)
    value = self.value_proj(hidden) * gate
    return inputs + self.out_proj(value)
"""

# the same, its `if` turned into jumps between labels held in `s` and `t` (as obfupy writes them:
# the test padded with an always-true operand, the branch under `if t == 4:`)
JUMPS = """
def mix(self, inputs, mask):
    hidden = self.norm(inputs)
    gate = torch.sigmoid(self.gate_proj(hidden))
    t = {t0}
    s = 17
    if not 20:
        s = 6
    else:
        s = 20
    if s == 20:
        if not mask is not None:
            s = 6
        else:
            s = 12
    if s == 12:
        t = 4
    if s == 6:
        t = 9
    if t == 4:
        gate = gate.masked_fill(mask, 0.0)
    if t == 9:
        pass
    value = self.value_proj(hidden) * gate
    return inputs + self.out_proj(value)
"""


def _tokens(text: str) -> list[str]:
    parsed = parse_source("m.py", ("import torch\n\n" + textwrap.dedent(text)).encode())
    (unit,) = [u for u in parsed.units if u.qualname == "mix"]
    return list(unit.texts)


def _prints(text: str) -> np.ndarray:
    cf = compact(SourceFile("m.py", ("import torch\n\n" + textwrap.dedent(text)).encode()), FingerprintParams())
    (unit,) = [u for u in cf.units if u.qualname == "mix"]
    return unit.s_hash


def test_jumps_between_labels_read_as_the_code_they_reach() -> None:
    """The labels integers, or names the function does not bind (hoisted with the other literals):
    the function reads as its plain code but for the test the jumps stand for."""
    untested = _tokens(PLAIN.replace("    if mask is not None:\n        gate =", "    gate ="))
    named = JUMPS.format(t0="K").replace("t = 4", "t = L").replace("t == 4", "t == L")
    for text in (JUMPS.format(t0=2), named):
        assert _tokens(text) == untested, text
    assert np.array_equal(_prints(JUMPS.format(t0=2)), _prints(named))


def test_a_local_the_code_reads_as_a_value_is_no_label() -> None:
    """`t` also handed to a call, or assigned something computed, or tested otherwise, or a name the
    function binds: the jumps over it stay as written (they are the code's own logic)."""
    read = JUMPS.format(t0=2).replace("    value = self.value_proj", "    log(t)\n    value = self.value_proj")
    computed = JUMPS.format(t0="len(inputs)")
    compared = JUMPS.format(t0=2).replace("if t == 9:", "if t > 9:")
    bound = JUMPS.format(t0="mask")
    for text in (read, computed, compared, bound):
        tokens = _tokens(text)
        tests = [k for k in range(len(tokens) - 3) if tokens[k:k + 4] == ["if", "t", "==", "4"]]
        assert tests and "masked_fill" in tokens, (text, tokens)
