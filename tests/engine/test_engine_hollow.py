"""Guards left guarding nothing read as absent (`lex-v43`, parse/hollow.py): padding put inside a
guard of its own (`if os.environ.get('X'): print('x')` after every statement) fingerprints as the
code without it, once the padding in it is read as absent.  A guard that runs the code's own
calls, guards what acts, or holds a definition stays."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from lineage.compact.files import compact
from lineage.fingerprint.params import FingerprintParams
from lineage.models import SourceFile

# our own code: a pooling head's two methods, long enough to fingerprint
FIRST = [
    "mask = attention_mask.unsqueeze(-1).to(hidden.dtype)",
    "summed = (hidden * mask).sum(dim=1)",
    "counts = mask.sum(dim=1).clamp(min=1e-6)",
    "pooled = self.proj(summed / counts)",
    "return torch.tanh(pooled)",
]
SECOND = [
    "logits = self.classifier(self.dropout(pooled))",
    "loss = torch.nn.functional.cross_entropy(logits, labels)",
    "accuracy = (logits.argmax(-1) == labels).float().mean()",
    "return loss, accuracy",
]


def _file(guard: str = "", header: str = "") -> str:
    def body(lines: list[str]) -> str:
        out: list[str] = []
        for i, line in enumerate(lines):
            if guard:
                out += guard.replace("{n}", str(i)).split("\n")
            out.append(line)
        return textwrap.indent("\n".join(out), " " * 8)

    return (f"import os\nimport torch\n{header}\n\nclass PoolingHead:\n"
            f"    def pool(self, hidden, attention_mask):\n{body(FIRST)}\n\n"
            f"    def score(self, pooled, labels):\n{body(SECOND)}\n")


def _prints(text: str) -> list[np.ndarray]:
    cf = compact(SourceFile("m.py", text.encode()), FingerprintParams())
    return [u.s_hash for u in cf.units if u.qualname in ("PoolingHead.pool", "PoolingHead.score")]


def _same(a: str, b: str) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(_prints(a), _prints(b), strict=True))


@pytest.mark.parametrize("guard", [
    "if os.environ.get('PAD_{n}'):\n    print('x')",
    "if __import__('os').getenv('PAD') == '1':\n    print('x')",
    "if 'PAD' in os.environ and len(os.environ['PAD']) > 3:\n    print('x')\nelse:\n    pass",
    "if hidden is None:\n    print('x')\nelif os.getenv('PAD'):\n    print('y')",
    # guards nested in guards: the inner one goes first, then the outer one guards nothing
    "if os.environ.get('A'):\n    if os.environ.get('B'):\n        print('x')",
])
def test_a_guard_around_padding_reads_as_absent(guard: str) -> None:
    assert not _same(_file(guard.replace("print('x')", "print(hidden)").replace("print('y')", "print(hidden)")),
                     _file())  # (what acts inside stays: the guard changes the plain reading)
    assert _same(_file(guard), _file()), guard


@pytest.mark.parametrize("guard", [
    "if self.verbose():\n    print('x')",  # the condition calls the code's own method
    "if os.environ.setdefault('PAD', '1'):\n    print('x')",  # a call that changes the environment
    "if (_flag := os.getenv('PAD')):\n    print('x')",  # a name bound in the condition
    "if os.environ.get('PAD'):\n    print('x')\n    self.seen.append(self)",  # a branch that acts
    "if os.environ.get('PAD'):\n    print('x')\nelse:\n    self.seen.append(self)",
    "if os.environ.get('PAD'):\n    def _hook():\n        return 1",  # a definition: a unit of its own
    # (a second review) a builtin handed the code's own function; calls on the function's own objects,
    # which the padding count reads as padding when repeated, though they change what it goes on to use
    "if max([hidden], key=self.verbose):\n    print('x')",
    "if os.environ.get('PAD'):\n    self.notes.append('x')",
    "if hidden is None:\n    attention_mask.fill_('x')",
])
def test_a_guard_that_runs_code_or_guards_what_acts_stays(guard: str) -> None:
    assert not _same(_file(guard), _file()), guard


def test_a_guard_around_a_call_that_is_no_padding_stays() -> None:
    # three guarded prints in the module: too few to read the call as padding (parse/padding.py)
    few = _file().replace("        return loss, accuracy",
                          "        if os.getenv('PAD'):\n            print('x')\n        return loss, accuracy")
    assert not _same(few, _file())
