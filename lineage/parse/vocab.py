"""Distinct tokens numbered once per process, so that later stages pass integer arrays.

The lexer returns every token with the whitespace before it (one ``findall``).  Such a
*spaced* token is looked up in a dict (C speed); a new one is classified once, in Python,
into an entry: its structural kind and lexical text (each numbered in a small table of
distinct strings), its width with the whitespace, its own length and whether it is a
comment.  A large corpus has few distinct spaced tokens (183,000 in 48 MB of transformers
and vllm), so the table stays small; past a cap the process starts a new one.

Tables only ever grow: a unit holds ids into the vocabulary that numbered it, and those ids
keep their meaning however many tokens are added later (a unit keeps its vocabulary alive).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

import numpy as np

MAX_ENTRIES = 2_000_000  # spaced tokens and texts: past this a process starts a new vocabulary
CONTINUATION = "\\"  # the kind (and text) of every backslash continuation: dropped, but it joins lines


class _Grow:
    """A numpy array with room to grow at the end (amortised O(1) appends in bulk)."""

    def __init__(self, dtype: type) -> None:
        self.data: np.ndarray = np.empty(1024, dtype=dtype)
        self.size = 0

    def extend(self, values: Sequence[int]) -> None:
        end = self.size + len(values)
        if end > self.data.size:
            bigger = np.empty(max(end, 2 * self.data.size), dtype=self.data.dtype)
            bigger[: self.size] = self.data[: self.size]
            self.data = bigger
        self.data[self.size: end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self.data[: self.size]


class _Strings:
    """Distinct strings, numbered in order of first appearance, with their CRC-32."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.ids: dict[str, int] = {}
        self._crc = _Grow(np.uint64)

    def number(self, item: str) -> int:
        found = self.ids.get(item)
        if found is None:
            found = self.ids[item] = len(self.items)
            self.items.append(item)
        return found

    def crcs(self) -> np.ndarray:
        """The stable 32-bit id (CRC-32, as uint64) of every string: what shingles hash."""
        done = self._crc.size
        if done < len(self.items):
            self._crc.extend([zlib.crc32(s.encode("utf-8", "surrogatepass")) for s in self.items[done:]])
        return self._crc.view()


class _Numbering(dict[bytes, int]):
    """spaced token -> entry id; a missing token is classified by ``new`` (from C lookups)."""

    def __init__(self, new: Callable[[bytes], int]) -> None:
        super().__init__()
        self.new = new

    def __missing__(self, raw: bytes) -> int:
        found = self[raw] = self.new(raw)
        return found


class Vocab:
    """Entries (spaced tokens) and the kind and text tables they point into."""

    def __init__(self, classify: Callable[[bytes], tuple[str, str]]) -> None:
        self.classify = classify
        self.kinds = _Strings()
        self.texts = _Strings()
        self._entries = _Numbering(self._new)
        self._pending: list[tuple[int, int, int, int, bool]] = []
        self._cols = tuple(_Grow(t) for t in (np.int64, np.int64, np.int64, np.int64, np.bool_))

    def _new(self, raw: bytes) -> int:
        token = raw.lstrip()
        lead = token[:1]
        comment = lead == b"#" or (lead == b"\\" and len(token) > 1)
        # comments are dropped: one entry in the kind and text tables for all of them, and one for
        # all backslash continuations (dropped too, but the lines they join are one logical line)
        kind, text = (("#", "#") if lead == b"#" else (CONTINUATION, CONTINUATION)) if comment else self.classify(token)
        self._pending.append((self.kinds.number(kind), self.texts.number(text), len(raw), len(token), comment))
        return self._cols[0].size + len(self._pending) - 1

    def number(self, spaced: list[bytes]) -> np.ndarray:
        """Entry ids (int64) of spaced tokens; new ones are classified and added."""
        ids = np.fromiter(map(self._entries.__getitem__, spaced), dtype=np.int64, count=len(spaced))
        if self._pending:
            for col, values in zip(self._cols, zip(*self._pending)):
                col.extend(values)
            self._pending.clear()
        return ids

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per entry: kind id, text id, width with the whitespace before, token length, comment."""
        kind, text, width, size, comment = (c.view() for c in self._cols)
        return kind, text, width, size, comment

    def full(self) -> bool:
        return len(self._entries) + len(self.texts.items) > MAX_ENTRIES

    def kind_strings(self, ids: np.ndarray) -> tuple[str, ...]:
        return tuple(map(self.kinds.items.__getitem__, ids.tolist()))

    def text_strings(self, ids: np.ndarray) -> tuple[str, ...]:
        return tuple(map(self.texts.items.__getitem__, ids.tolist()))
