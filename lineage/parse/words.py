"""Where a source spells a name as a word of its own, not after a dot: what the pattern
``(?<![\\w.])NAME(?!\\w)`` finds, found by ``bytes.find``.

Python's ``re`` tries a pattern that opens with a lookbehind at every byte of the text; the
parse passes that look a name up so (threaded keywords, unread parameters, uncalled helpers)
spent a tenth of a scan's parsing there.  A literal search skips to each spelling at once.
"""

from __future__ import annotations

_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")  # (bytes patterns' \w)
_WORD_OR_DOT = _WORD | {ord(".")}


def word_starts(name: bytes, source: bytes, start: int = 0, end: int | None = None) -> list[int]:
    """Every offset in ``source[start:end]`` (relative to ``start``) where ``name`` stands as a
    word not after a dot, overlapping ones included (``words`` takes them as ``finditer`` does).
    The bytes just outside the slice do not count, as they would not for a pattern run on it."""
    stop = len(source) if end is None else min(end, len(source))
    out: list[int] = []
    if not name:
        return out
    at = source.find(name, start, stop)
    while at >= 0:
        after = at + len(name)
        if (at == start or source[at - 1] not in _WORD_OR_DOT) and (after == stop or source[after] not in _WORD):
            out.append(at - start)
        at = source.find(name, at + 1, stop)
    return out


def words(name: bytes, source: bytes, start: int = 0, end: int | None = None) -> list[int]:
    """The offsets ``re.finditer(rb"(?<![\\w.])NAME(?!\\w)", source[start:end])`` yields: each
    spelling, the next looked for after its end."""
    out: list[int] = []
    for at in word_starts(name, source, start, end):
        if not out or at >= out[-1] + len(name):
            out.append(at)
    return out
