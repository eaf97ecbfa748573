"""Lookups over the reference's content: cast-exact candidates and rows by hash."""

from __future__ import annotations

from collections import defaultdict
from typing import Final

import numpy as np
import numpy.typing as npt

from lineage.weights.compare import equal_after_cast
from lineage.weights.content import TensorContent
from lineage.weights.dtypes import FLOATS, cast_bits, common_dtype

MIN_COVER: Final[float] = 0.5  # share of a suspect's rows found for a row-level match
Indices = npt.NDArray[np.int64]


class CastIndex:
    """Reference tensors by element count and dtype, with their first elements cast.

    Casts are deterministic except between F16 and BF16 (one ulp of double rounding), so
    heads are looked up exactly through a dict; F16 against BF16 compares heads directly,
    within the few tensors of the same element count.
    """

    SCAN = 64  # F16/BF16 candidates compared head to head

    def __init__(self, references: list[TensorContent]) -> None:
        self.by_numel: dict[tuple[int, str], list[TensorContent]] = defaultdict(list)
        self.keys: dict[tuple[str, int, str, bytes], list[TensorContent]] = defaultdict(list)
        for ref in references:
            self.by_numel[(ref.info.numel, ref.info.dtype)].append(ref)

    def candidates(self, suspect: TensorContent) -> list[TensorContent]:
        out: list[TensorContent] = []
        a = suspect.info
        for dtype in sorted(FLOATS - {a.dtype}) if a.dtype in FLOATS else []:
            refs = self.by_numel.get((a.numel, dtype), [])
            if not refs:
                continue
            if {a.dtype, dtype} == {"F16", "BF16"}:
                out += [r for r in refs[: self.SCAN] if len(r.head) == len(suspect.head)
                        and equal_after_cast(suspect.head, a.dtype, r.head, dtype)]
                continue
            target = common_dtype(a.dtype, dtype)
            key = (dtype, a.numel, target, cast_bits(suspect.head, a.dtype, target).tobytes())
            if (dtype, a.numel, target, b"") not in self.keys:
                self.keys[(dtype, a.numel, target, b"")] = []
                for ref in refs:
                    code = cast_bits(ref.head, dtype, target).tobytes()
                    self.keys[(dtype, a.numel, target, code)].append(ref)
            out += self.keys.get(key, [])
        return out


class RowIndex:
    """Reference rows by (dtype, row bytes, hash); rows repeated in a tensor are left out."""

    def __init__(self, references: list[TensorContent]) -> None:
        self.tables: dict[tuple[str, int], tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64],
                                                 npt.NDArray[np.int64]]] = {}
        self.refs = [r for r in references if r.row_hashes is not None]
        groups: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, ref in enumerate(self.refs):
            groups[_row_key(ref)].append(i)
        for key, members in groups.items():
            hashes, owner, row = [], [], []
            for i in members:
                h = self.refs[i].row_hashes
                assert h is not None
                unique = unique_mask(h)
                hashes.append(h[unique])
                owner.append(np.full(int(unique.sum()), i, np.int64))
                row.append(np.flatnonzero(unique).astype(np.int64))
            all_h = np.concatenate(hashes)
            order = np.argsort(all_h, kind="stable")
            self.tables[key] = (all_h[order], np.concatenate(owner)[order],
                                np.concatenate(row)[order])

    def lookup(self, suspect: TensorContent) -> tuple[Indices, Indices] | None:
        """Per suspect row: index (in ``refs``) of the reference holding it and its row,
        -1 where none does; None when under MIN_COVER of the rows are found."""
        table = self.tables.get(_row_key(suspect))
        hashes = suspect.row_hashes
        if table is None or hashes is None:
            return None
        keys, owner, row = table
        at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        hit = (keys[at] == hashes) & unique_mask(hashes)
        if hit.sum() < max(2, MIN_COVER * len(hashes)):
            return None
        owners, rows_of = np.where(hit, owner[at], -1), np.where(hit, row[at], -1)
        return owners, rows_of


def _row_key(content: TensorContent) -> tuple[str, int]:
    matrix = content.matrix
    assert matrix is not None
    return content.info.dtype, matrix[1]


def unique_mask(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """True for hashes that occur once: repeated rows (zeros, padding) are no evidence."""
    _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
    mask: npt.NDArray[np.bool_] = counts[inverse] == 1
    return mask


def distinct(sigs: npt.NDArray[np.uint64]) -> bool:
    """Signatures distinct enough to identify a layout (not constant rows or columns)."""
    return len(np.unique(sigs)) >= 0.9 * len(sigs)


class SigIndex:
    """Reference matrices by their sampled row and column signatures, as stored and sorted
    (a permutation keeps the sorted signatures): one dict lookup per question."""

    def __init__(self, references: list[TensorContent]) -> None:
        self.table: dict[tuple[str, str, bytes], TensorContent] = {}
        for ref in references:
            if ref.matrix is None or ref.row_sigs is None or ref.col_sigs is None:
                continue
            for kind, sigs in (("rows", ref.row_sigs), ("cols", ref.col_sigs)):
                if distinct(sigs):
                    self.table.setdefault((ref.info.dtype, kind, sigs.tobytes()), ref)
                    key = (ref.info.dtype, f"{kind}-sorted", np.sort(sigs).tobytes())
                    self.table.setdefault(key, ref)

    def get(
        self, dtype: str, kind: str, sigs: npt.NDArray[np.uint64], matrix: tuple[int, int]
    ) -> TensorContent | None:
        """The reference whose ``kind`` signatures are ``sigs``, if its shape is ``matrix``."""
        ref = self.table.get((dtype, kind, sigs.tobytes()))
        return ref if ref is not None and ref.matrix == matrix else None
