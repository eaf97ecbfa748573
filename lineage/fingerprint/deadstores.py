"""Dead stores out of function bodies before fingerprinting: junk-statement insertion defeated.

The cheapest way to hide a copy from k-gram fingerprints is to put a junk statement between
the copied ones (`_u3 = 42`): every k-gram spanning two statements changes.  A plain
`NAME = ...` statement at bracket depth 0 whose NAME appears nowhere else in its function
is a dead store: its value is never read, so it says nothing about what the code does.  Such
statements are dropped from function and method units, on both the reference side and the
scanned side (the same code fingerprints both).  Class and module bodies are left alone:
their assignments are attributes and constants read from elsewhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
_NAMES = frozenset({"ID", "_", "match", "case", "type"})  # soft keywords are names when assigned to
FUNCTION_KINDS = ("function", "method")


def dead_store_mask(kinds: Sequence[str], texts: Sequence[str], lines: Sequence[int]) -> list[bool]:
    """True for each token to keep."""
    n = len(kinds)
    keep = [True] * n
    if n < 3 or "=" not in kinds:
        return keep
    uses = Counter(t for k, t in zip(kinds, texts) if k in _NAMES)
    depth = 0
    starts = []  # (position, depth) of the first token of each physical line
    for j, kind in enumerate(kinds):
        if j == 0 or lines[j] != lines[j - 1]:
            starts.append((j, depth))
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth = max(0, depth - 1)
    statement_starts = [j for j, d in starts if d == 0]
    for pos, j in enumerate(statement_starts):
        if kinds[j] in _NAMES and j + 1 < n and kinds[j + 1] == "=" and uses[texts[j]] == 1:
            end = statement_starts[pos + 1] if pos + 1 < len(statement_starts) else n
            for i in range(j, end):
                keep[i] = False
    return keep


def without_dead_stores(kind: str, kinds: Sequence[str], texts: Sequence[str],
                        lines: Sequence[int]) -> tuple[Sequence[str], Sequence[str], Sequence[int]]:
    """The unit's (kinds, texts, lines) with dead stores dropped (function and method units only)."""
    if kind not in FUNCTION_KINDS:
        return kinds, texts, lines
    keep = dead_store_mask(kinds, texts, lines)
    if all(keep):
        return kinds, texts, lines
    picked = [i for i, k in enumerate(keep) if k]
    return [kinds[i] for i in picked], [texts[i] for i in picked], [lines[i] for i in picked]
