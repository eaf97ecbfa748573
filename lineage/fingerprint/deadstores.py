"""Junk statements out of units before fingerprinting: insertion of no-ops and dead stores defeated.

The cheapest way to hide a copy from k-gram fingerprints is to put a junk statement between
the copied ones (`_u3 = 42`): every k-gram spanning two statements changes.  A plain
`NAME = ...` statement at bracket depth 0 whose NAME appears nowhere else in its function
is a dead store: its value is never read, so it says nothing about what the code does.  Such
statements are dropped from function and method units, on both the reference side and the
scanned side (the same code fingerprints both).  Statements with no effect at all (`pass`, a
bare constant, a bare name or attribute chain) are dropped from class bodies as well.  Module
bodies are left alone, and so are assignments in class bodies: they are attributes and
constants read from elsewhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
_NAMES = frozenset({"ID", "_", "match", "case", "type"})  # soft keywords are names when assigned to
FUNCTION_KINDS = ("function", "method")


_CONSTANTS = frozenset({"NUM", "STR", "None", "True", "False", "...", "pass"})


def _no_effect(kinds: Sequence[str]) -> bool:
    """A statement that does nothing: `pass`, a constant, or a name or attribute chain alone."""
    if len(kinds) == 1:
        return kinds[0] in _CONSTANTS or kinds[0] in _NAMES
    return len(kinds) % 2 == 1 and all(k in _NAMES if i % 2 == 0 else k == "." for i, k in enumerate(kinds))


def _statement_starts(kinds: Sequence[str], lines: Sequence[int]) -> list[int]:
    """Positions of the tokens that start a statement: the first of a physical line at depth 0."""
    depth = 0
    starts = []
    for j, kind in enumerate(kinds):
        if (j == 0 or lines[j] != lines[j - 1]) and depth == 0:
            starts.append(j)
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth = max(0, depth - 1)
    return starts


def dead_store_mask(kinds: Sequence[str], texts: Sequence[str], lines: Sequence[int],
                    stores: bool = True) -> list[bool]:
    """True for each token to keep: statements with no effect go, and with ``stores`` dead stores too."""
    n = len(kinds)
    keep = [True] * n
    if n < 2:
        return keep
    statement_starts = _statement_starts(kinds, lines)
    bounds = list(zip(statement_starts, statement_starts[1:] + [n]))
    for begin, end in bounds[1:]:  # the first statement is the unit's own header (def/class line)
        if _no_effect(kinds[begin:end]):
            for i in range(begin, end):
                keep[i] = False
    if not stores or "=" not in kinds:
        return keep
    uses = Counter(t for k, t, kept in zip(kinds, texts, keep) if k in _NAMES and kept)
    for pos, j in enumerate(statement_starts):
        if kinds[j] in _NAMES and j + 1 < n and kinds[j + 1] == "=" and uses[texts[j]] == 1:
            end = statement_starts[pos + 1] if pos + 1 < len(statement_starts) else n
            for i in range(j, end):
                keep[i] = False
    return keep


def without_dead_stores(kind: str, kinds: Sequence[str], texts: Sequence[str],
                        lines: Sequence[int]) -> tuple[Sequence[str], Sequence[str], Sequence[int]]:
    """The unit's (kinds, texts, lines) without statements that do nothing (class, function and
    method units) and without dead stores (function and method units)."""
    if kind == "module":
        return kinds, texts, lines
    keep = dead_store_mask(kinds, texts, lines, stores=kind in FUNCTION_KINDS)
    if all(keep):
        return kinds, texts, lines
    picked = [i for i, k in enumerate(keep) if k]
    return [kinds[i] for i in picked], [texts[i] for i in picked], [lines[i] for i in picked]
