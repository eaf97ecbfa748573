"""Per file, the reference file that explains most of it; tied matches are ordered by it.

A copied file matches, unit by unit, many references at the same score (transformers'
modular system copies a parent's code into every child).  Taken one unit at a time, the
best match would scatter across families; taken per file, one reference file usually
explains nearly every unit.  Among matches tied with a unit's best, that reference comes
first, so per-unit findings, notices and the file verdict all name the same source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from lineage.index.compact import CompactFile
from lineage.models import Match

TIE = 0.02  # matches this close to the best count as ties


def _tied(matches: Sequence[Match]) -> list[Match]:
    best = matches[0].similarity
    return [m for m in matches if m.similarity >= best - TIE]


def explaining_reference(
    cf: CompactFile, found: dict[int, tuple[Match, ...]]
) -> tuple[str, str] | None:
    """(family, path) of the reference file that ties for best on the most lines."""
    lines: Counter[tuple[str, str]] = Counter()
    first_seen: dict[tuple[str, str], str] = {}
    for ui, matches in found.items():
        unit = cf.units[ui]
        if unit.kind == "module":
            continue
        span = unit.end_line - unit.start_line + 1
        for key in {(m.ref.family, m.ref.path) for m in _tied(matches)}:
            lines[key] += span
        for m in matches:
            first_seen.setdefault((m.ref.family, m.ref.path), m.ref.first_seen or "9999")
    if not lines:
        return None
    return min(lines, key=lambda k: (-lines[k], first_seen.get(k, "9999"), k))


def order_ties(
    compacted: Sequence[CompactFile], matches: dict[tuple[int, int], tuple[Match, ...]]
) -> dict[tuple[int, int], tuple[Match, ...]]:
    """Put each file's explaining reference first among every unit's tied best matches."""
    per_file: dict[int, dict[int, tuple[Match, ...]]] = {}
    for (fi, ui), found in matches.items():
        per_file.setdefault(fi, {})[ui] = found
    out = dict(matches)
    for fi, units in per_file.items():
        key = explaining_reference(compacted[fi], units)
        if key is None:
            continue
        for ui, ms in units.items():
            tied = _tied(ms)
            pick = [m for m in tied if (m.ref.family, m.ref.path) == key]
            if pick and pick[0] is not ms[0]:
                rest = [m for m in ms if m is not pick[0]]
                out[(fi, ui)] = (pick[0], *rest)
    return out
