"""The junk search (parse/junk.py) offers the per-file budget a stop while it walks: a stranger's
review found functions nested hundreds deep holding a scan for minutes (each spelling of a junk
name walked up through every enclosing function, the budget read only between rounds), where
the budget (parse/budget.py) should end the file at its limit with a per-file error."""

from __future__ import annotations

import pytest
import tree_sitter_python
from tree_sitter import Language, Parser

from lineage.parse.budget import Budget, OverBudget
from lineage.parse.junk import junk_spans


def _nested(depth: int) -> bytes:
    """Our own: functions nested ``depth`` deep, each binding two locals that feed nothing."""
    lines = []
    for d in range(depth):
        pad = "    " * d
        lines += [f"{pad}def f{d}(x):", f"{pad}    a{d} = 1", f"{pad}    b{d} = a{d} + 2", f"{pad}    y = x + {d}"]
    lines.append("    " * depth + "return x")
    return ("\n".join(lines) + "\n").encode()


def test_the_search_offers_a_stop_at_every_spelling_it_walks_from() -> None:
    source = _nested(40)
    root = Parser(Language(tree_sitter_python.language())).parse(source).root_node
    ticks: list[int] = []
    spans = junk_spans(root, source, lambda: ticks.append(1))
    assert spans  # (the locals that feed nothing are found: the search ran)
    # each function's body is searched with the spellings of every function inside it: 40 + 39 + ...
    assert len(ticks) >= 40 * 41 // 2


def test_a_spent_budget_stops_the_search_inside_its_walk() -> None:
    source = _nested(40)
    root = Parser(Language(tree_sitter_python.language())).parse(source).root_node
    budget = Budget(-1.0)
    with pytest.raises(OverBudget):
        junk_spans(root, source, lambda: budget.tick("junk"))
