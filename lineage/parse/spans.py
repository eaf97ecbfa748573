"""Byte spans already read as absent, searched by position (shared by parse/inline.py and
parse/unread.py)."""

from __future__ import annotations

import bisect


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, overlapping spans joined: disjoint and ascending, for a binary search."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def covers(gone: list[tuple[int, int]], end: int) -> bool:
    """The byte before ``end`` lies in one of the disjoint, ascending spans ``gone``."""
    k = bisect.bisect_left(gone, (end, -1)) - 1
    return k >= 0 and gone[k][0] < end <= gone[k][1]
