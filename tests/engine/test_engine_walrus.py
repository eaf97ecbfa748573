"""Assignment expressions read as the assignments they fold in (`lex-v48`, parse/walrus.py):
`y = (q := self.q(h)).view(s)` as `q = self.q(h)` then `y = q.view(s)`; one whose name nothing
reads as its value.  What may not run, or runs more than once, stays.  Fixture code is our own."""

from __future__ import annotations

import pytest

from tests.engine.test_engine_wrapped import class_prints

PLAIN = """
class Mixer:
    def forward(self, hidden, shape):
        query = self.query(hidden)
        scores = query.view(shape) @ query.transpose(-1, -2)
        gate = self.gate(hidden)
        out = self.proj(scores.softmax(-1)) * gate
        return out + gate
"""

FOLDED = """
class Mixer:
    def forward(self, hidden, shape):
        scores = (query := self.query(hidden)).view(shape) @ query.transpose(-1, -2)
        out = self.proj(scores.softmax(-1)) * (gate := self.gate(hidden))
        return out + gate
"""

UNREAD = """
class Mixer:
    def forward(self, hidden, shape):
        scores = (query := self.query(hidden)).view(shape)
        return self.proj(scores.softmax(-1))
"""
UNREAD_PLAIN = UNREAD.replace("(query := self.query(hidden))", "self.query(hidden)")


def test_assignment_expressions_read_as_the_assignments_they_fold_in() -> None:
    assert class_prints(FOLDED) == class_prints(PLAIN)


def test_an_assignment_expression_nothing_reads_reads_as_its_value() -> None:
    assert class_prints(UNREAD) == class_prints(UNREAD_PLAIN)


def _method(*lines: str) -> str:
    return "class Mixer:\n    def forward(self, hidden):\n" + "".join(f"        {line}\n" for line in lines)


@pytest.mark.parametrize("folded, unfolded", [
    # under `and`: may not run
    (_method("out = hidden and (gate := self.gate(hidden))", "return out + gate"),
     _method("gate = self.gate(hidden)", "out = hidden and gate", "return out + gate")),
    # in a comprehension: runs per item
    (_method("outs = [(gate := g(hidden)) for g in self.gs]", "return outs, gate"),
     _method("gate = g(hidden)", "outs = [gate for g in self.gs]", "return outs, gate")),
])
def test_what_may_not_run_once_stays(folded: str, unfolded: str) -> None:
    assert class_prints(folded) != class_prints(unfolded)
