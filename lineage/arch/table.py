"""Per-family architecture fingerprints: built beside the code index, stored as one optional array.

The index file keeps arrays by name and a reader ignores names it does not know, so the
section is additive: an index built before it (or without it) loads as before and simply
yields no architecture claim.  The array holds UTF-8 JSON (never pickle):
``{"version": 1, "vocab": [feature...], "families": {"source:name": [feature ids]}}``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from lineage.arch.extract import arch_print

ARRAY = "arch"
VERSION = 1


def family_prints(files: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """(family key, file text) pairs -> the union of each family's file fingerprints."""
    out: dict[str, set[str]] = {}
    for family, text in files:
        out.setdefault(family, set()).update(arch_print(text).features)
    return {k: frozenset(v) for k, v in out.items()}


def encode(prints: Mapping[str, frozenset[str]]) -> np.ndarray:
    """The stored form of the section: JSON bytes as a uint8 array."""
    vocab = sorted({f for feats in prints.values() for f in feats})
    ids = {f: i for i, f in enumerate(vocab)}
    doc = {"version": VERSION, "vocab": vocab,
           "families": {k: sorted(ids[f] for f in v) for k, v in sorted(prints.items())}}
    return np.frombuffer(json.dumps(doc, separators=(",", ":")).encode(), dtype=np.uint8)


def decode_ids(array: np.ndarray) -> tuple[list[str], dict[str, np.ndarray]] | None:
    """The section as stored: its vocabulary and each family's feature ids into it, or None when it
    is missing, of another version or malformed (an index stays usable for code lineage whatever
    this optional section holds)."""
    try:
        doc = json.loads(array.tobytes())
        vocab, families = doc["vocab"], doc["families"]
        if doc.get("version") != VERSION or not isinstance(vocab, list) or not isinstance(families, dict):
            return None
        ids: dict[str, np.ndarray] = {}
        for k, v in families.items():
            got = np.asarray(v, dtype=np.int64) if isinstance(v, list) and not v else np.asarray(v)
            if got.ndim != 1 or (got.size and (got.dtype.kind != "i" or got.min() < 0 or got.max() >= len(vocab))):
                return None
            ids[str(k)] = got.astype(np.int64, copy=False)
        return [str(f) for f in vocab], ids
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError):
        return None


class Prints(Mapping[str, frozenset[str]]):
    """Family fingerprints kept as stored (ids into one vocabulary), each made a set of feature names
    on first use: the scores read only the ids, and a lookup names a handful of families."""

    def __init__(self, vocab: list[str], ids: Mapping[str, np.ndarray]) -> None:
        self.vocab = vocab
        self.ids = ids
        self._sets: dict[str, frozenset[str]] = {}

    def __getitem__(self, family: str) -> frozenset[str]:
        got = self._sets.get(family)
        if got is None:
            vocab = self.vocab
            got = self._sets[family] = frozenset(vocab[i] for i in self.ids[family].tolist())
        return got

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, family: object) -> bool:
        return family in self.ids


def decode(array: np.ndarray) -> dict[str, frozenset[str]] | None:
    """The section's family fingerprints, or None when it is missing, of another version or malformed."""
    stored = decode_ids(array)
    return None if stored is None else dict(Prints(*stored))


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (a sort: numpy's hashing `unique` is slower on these arrays)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def restricted(array: np.ndarray, keep: set[str]) -> np.ndarray | None:
    """The section with only the families named in `keep` (time travel, leave-out)."""
    prints = decode(array)
    return None if prints is None else encode({k: v for k, v in prints.items() if k in keep})


@dataclass(frozen=True, eq=False)
class ArchTable:
    """Family fingerprints with feature weights: rare features weigh most (inverse document
    frequency over model lines, so one architecture indexed from several sources counts once)."""

    prints: Mapping[str, frozenset[str]]
    lineage: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # declared ancestors, nearest first

    @staticmethod
    def line(family: str) -> str:
        return family.partition(":")[2] or family

    @cached_property
    def families(self) -> list[str]:
        return sorted(self.prints)

    @cached_property
    def _stored(self) -> tuple[list[str], list[np.ndarray]]:
        """A vocabulary and, per family row, its feature ids into it (as stored, or made from the sets)."""
        if isinstance(self.prints, Prints):
            return self.prints.vocab, [self.prints.ids[f] for f in self.families]
        vocab = sorted({f for feats in self.prints.values() for f in feats})
        ids = {f: i for i, f in enumerate(vocab)}
        return vocab, [np.asarray([ids[f] for f in self.prints[fam]], dtype=np.int64) for fam in self.families]

    @cached_property
    def _holders(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """Feature -> column (features in name order), and per column the family rows holding it
        (CSR: offsets, rows, each column's rows ascending)."""
        vocab, per_row = self._stored
        if not per_row or not sum(p.size for p in per_row):
            return {}, np.zeros(1, np.int64), np.empty(0, np.int64)
        ids = np.concatenate(per_row)
        owner = np.repeat(np.arange(len(per_row), dtype=np.int64), [p.size for p in per_row])
        keep = _distinct(ids * len(per_row) + owner)  # a feature listed twice for a family counts once
        ids, owner = keep // len(per_row), keep % len(per_row)
        used = _distinct(ids)
        names = [vocab[i] for i in used.tolist()]
        order = sorted(range(len(names)), key=names.__getitem__)
        column = np.empty(len(vocab), dtype=np.int64)
        column[used[order]] = np.arange(len(order), dtype=np.int64)
        cols = column[ids]
        sort = np.argsort(cols, kind="stable")  # `keep` is ordered by feature id, then family row
        offsets = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=len(order)))]).astype(np.int64)
        return {names[i]: j for j, i in enumerate(order)}, offsets, owner[sort]

    @cached_property
    def _logs(self) -> np.ndarray:
        """Per column the feature's weight: log((model lines + 1) / model lines holding it)."""
        lines = [self.line(f) for f in self.families]
        code = {n: i for i, n in enumerate(sorted(set(lines)))}
        vocab, offsets, rows = self._holders
        line_of_row = np.asarray([code[n] for n in lines], dtype=np.int64)
        column = np.repeat(np.arange(len(vocab), dtype=np.int64), np.diff(offsets))
        pairs = _distinct(column * (len(code) + 1) + line_of_row[rows]) // (len(code) + 1)
        held = np.bincount(pairs, minlength=len(vocab))  # model lines holding each feature
        return np.log((len(code) + 1) / np.maximum(held, 1))

    @cached_property
    def weight(self) -> dict[str, float]:
        return dict(zip(self._holders[0], self._logs.tolist()))

    @cached_property
    def _squares(self) -> tuple[np.ndarray, np.ndarray]:
        """Per column its squared weight; per family row its squared norm."""
        _, offsets, rows = self._holders
        sq = self._logs ** 2
        owner = np.repeat(np.arange(sq.size), np.diff(offsets))
        norms = np.bincount(rows, weights=sq[owner], minlength=len(self.families))
        return sq, norms

    def prepare(self) -> None:
        """Work out the weights and norms now (before a fork, so that every worker shares them)."""
        self._squares  # noqa: B018

    def overlap(self, features: frozenset[str]) -> tuple[np.ndarray, float]:
        """Per family row the squared weight the file shares with it, and the file's own."""
        vocab, offsets, rows = self._holders
        sq, _ = self._squares
        cols = np.asarray(sorted(vocab[f] for f in features if f in vocab), dtype=np.int64)
        if cols.size == 0:
            return np.zeros(len(self.families)), 0.0
        lo, hi = offsets[cols], offsets[cols + 1]
        lengths = hi - lo
        pos = np.repeat(lo, lengths) + (np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths))
        dot = np.bincount(rows[pos], weights=np.repeat(sq[cols], lengths), minlength=len(self.families))
        return dot, float(sq[cols].sum())

    @cached_property
    def n_lines(self) -> int:
        """Model lines (family names, whatever the source)."""
        return len({self.line(f) for f in self.prints})

    @cached_property
    def unseen_weight(self) -> float:
        """The weight of a feature no indexed family holds: that of one held by a single line."""
        return math.log(self.n_lines + 1)

    def unseen_layers(self, features: frozenset[str]) -> int:
        """Weight-bearing layers of the file that no indexed family has: an interface beyond them.
        (Other unseen features, such as an engine's own config objects, say nothing of the checkpoint.)"""
        return sum(1 for f in features if f.startswith("k:") and f not in self.weight)

    def scores(self, features: frozenset[str]) -> list[tuple[float, str]]:
        """Cosine of idf-weighted feature sets, best first.  Features the index never saw are left
        out, except weight-bearing layers: a file with layers no family has implements something else."""
        dot, own = self.overlap(features)
        if own <= 0:
            return []
        own += self.unseen_layers(features) * self.unseen_weight ** 2
        _, norms = self._squares
        cos = dot / np.sqrt(own * np.maximum(norms, 1e-12))
        order = np.lexsort((np.arange(cos.size), -cos))
        order = order[dot[order] > 0]
        values, families = cos.tolist(), self.families
        return [(values[i], families[i]) for i in order.tolist()]


def table_of(arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any],
             lineage_of: Any = None) -> ArchTable | None:
    """The index's architecture table, or None if the index has no (usable) section."""
    if ARRAY not in arrays:
        return None
    stored = decode_ids(arrays[ARRAY])
    if not stored or not stored[1]:
        return None
    prints = Prints(*stored)
    lineage = {k: tuple(lineage_of(k)) for k in prints} if lineage_of is not None else {}
    return ArchTable(prints, lineage)
