"""Exact reuse found by content before any name is looked at.

In order: whole tensors with the same bytes (any key, any shape: a reshape is still the
same bytes); whole tensors equal up to a dtype cast (candidates by their first elements,
then every element checked); matrices whose rows are found, by row hash, in reference
matrices (permuted rows, fused or split projections, appended vocabulary rows, other row
sharding); transposes and permuted columns, by sampled signatures.  Only tensors that are
evidence (float, not a buffer, enough distinct values) take part, and rows repeated inside
a tensor (padding, zeros) never count.  Every finding names the keys on both sides and the
re-layout undone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lineage.weights.compare import equal_after_cast, lockstep_equal_after_cast
from lineage.weights.components import component_of
from lineage.weights.content import TensorContent
from lineage.weights.dtypes import FLOATS
from lineage.weights.models import ContentMatch, Pair, PairResult

PERMUTED, CAST, IDENTICAL = "rows permuted", "identical up to cast", "identical"
TRANSPOSED_PERMUTED = "transposed, permuted"
MIN_COVER = 0.5  # share of a suspect's rows found for a row-level match


@dataclass(frozen=True)
class Reuse:
    """Content findings: results for the verdicts, matches for the report, bytes read."""

    results: tuple[PairResult, ...]
    matches: tuple[ContentMatch, ...]
    bytes_read: int

    @property
    def suspect_names(self) -> set[str]:
        return {r.pair.suspect.name for r in self.results}

    @property
    def reference_names(self) -> set[str]:
        return {r.pair.reference.name for r in self.results}


def _result(ours: TensorContent, theirs: TensorContent, how: str, **view: object) -> PairResult:
    relation = str(view.pop("relation"))
    pair = Pair(component_of(theirs.info.name), ours.info, theirs.info, how, **view)  # type: ignore[arg-type]
    return PairResult(
        pair=pair,
        suspect_sha256=ours.sha256,
        reference_sha256=theirs.sha256,
        identical=relation != CAST,
        identical_up_to_cast=relation == CAST,
        informative=True,
        vector=ours.matrix is None,
        stat=None,
        note=f"found by content: {relation}",
    )


def find_reuse(ours: dict[str, TensorContent], theirs: dict[str, TensorContent]) -> Reuse:
    """Every exact or cast-exact reuse of reference content in the suspect."""
    suspects = [c for c in ours.values() if c.evidence]
    references = [c for c in theirs.values() if c.evidence]
    results: list[PairResult] = []
    matches: list[ContentMatch] = []
    read = 0

    def found(suspect: TensorContent, refs: list[TensorContent], relation: str) -> None:
        matches.append(ContentMatch(
            suspect.info.name, tuple(r.info.name for r in refs), relation,
            component_of(suspect.info.name), component_of(refs[0].info.name),
        ))

    # 1. Same bytes.  Same name first, so an unchanged model maps onto itself.
    by_digest: dict[tuple[str, str], list[TensorContent]] = defaultdict(list)
    for ref in references:
        by_digest[(ref.info.dtype, ref.sha256)].append(ref)
    left: list[TensorContent] = []
    for suspect in sorted(suspects, key=lambda c: c.info.name not in theirs):
        queue = by_digest.get((suspect.info.dtype, suspect.sha256))
        if not queue:
            left.append(suspect)
            continue
        ref = next((r for r in queue if r.info.name == suspect.info.name), queue[0])
        queue.remove(ref)
        relation = IDENTICAL if ref.info.shape == suspect.info.shape else "reshaped"
        results.append(_result(suspect, ref, "content-hash", relation=relation, relayout=(
            "" if relation == IDENTICAL else relation)))
        found(suspect, [ref], relation)
    used = {r.pair.reference.name for r in results}

    # 2. Equal up to a dtype cast: same element count, first elements agree, then all do.
    remaining: list[TensorContent] = []
    by_numel: dict[int, list[TensorContent]] = defaultdict(list)
    for candidate in references:
        by_numel[candidate.info.numel].append(candidate)
    for suspect in left:
        chosen: TensorContent | None = None
        for candidate in by_numel.get(suspect.info.numel, []):
            if candidate.info.name in used or not _cast_candidate(suspect, candidate):
                continue
            same, extra = lockstep_equal_after_cast(suspect.info, candidate.info)
            read += extra
            if same:
                chosen = candidate
                break
        if chosen is None:
            remaining.append(suspect)
            continue
        used.add(chosen.info.name)
        results.append(_result(suspect, chosen, "content-cast", relation=CAST))
        found(suspect, [chosen], CAST)

    # 3. Rows found elsewhere; 4. transposes and permuted columns.
    rows = _RowIndex(references)
    for suspect in remaining:
        if suspect.matrix is None:
            continue
        hits = rows.lookup(suspect) or _columns(suspect, references)
        for ref, relation, view in hits:
            results.append(_result(suspect, ref, "content-rows", relation=relation, **view))
        if hits:
            found(suspect, [h[0] for h in hits], hits[0][1])
    return Reuse(tuple(results), tuple(matches), read)


def _cast_candidate(suspect: TensorContent, ref: TensorContent) -> bool:
    a, b = suspect.info, ref.info
    if a.dtype == b.dtype or a.dtype not in FLOATS or b.dtype not in FLOATS:
        return False
    if a.numel != b.numel or len(suspect.head) != len(ref.head):
        return False
    return equal_after_cast(suspect.head, a.dtype, ref.head, b.dtype)


View = dict[str, object]


class _RowIndex:
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
                unique = _unique_mask(h)
                hashes.append(h[unique])
                owner.append(np.full(int(unique.sum()), i, np.int64))
                row.append(np.flatnonzero(unique).astype(np.int64))
            all_h = np.concatenate(hashes)
            order = np.argsort(all_h, kind="stable")
            self.tables[key] = (all_h[order], np.concatenate(owner)[order],
                                np.concatenate(row)[order])

    def lookup(self, suspect: TensorContent) -> list[tuple[TensorContent, str, View]]:
        table = self.tables.get(_row_key(suspect))
        hashes = suspect.row_hashes
        if table is None or hashes is None:
            return []
        keys, owner, row = table
        at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        hit = (keys[at] == hashes) & _unique_mask(hashes)
        if hit.sum() < max(2, MIN_COVER * len(hashes)):
            return []
        owners, rows_of = np.where(hit, owner[at], -1), np.where(hit, row[at], -1)
        return _segments(suspect, self.refs, owners, rows_of)


def _row_key(content: TensorContent) -> tuple[str, int]:
    matrix = content.matrix
    assert matrix is not None
    return content.info.dtype, matrix[1]


def _unique_mask(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
    mask: npt.NDArray[np.bool_] = counts[inverse] == 1
    return mask


def _segments(
    suspect: TensorContent, refs: list[TensorContent], owners: npt.NDArray[np.int64],
    rows_of: npt.NDArray[np.int64],
) -> list[tuple[TensorContent, str, View]]:
    """Name the re-layout that maps the suspect's rows onto reference rows."""
    total = len(owners)
    found = sorted({int(o) for o in owners if o >= 0})
    if len(found) == 1:
        ref = refs[found[0]]
        ref_rows = len(ref.row_hashes) if ref.row_hashes is not None else 0
        matched = np.flatnonzero(owners >= 0)
        in_order = bool(np.all(np.diff(rows_of[matched]) == 1))
        start, stop = int(matched[0]), int(matched[-1]) + 1
        if in_order and len(matched) == stop - start:
            r0, r1 = int(rows_of[start]), int(rows_of[stop - 1]) + 1
            if start == 0 and r0 == 0 and r1 == ref_rows and stop < total:
                return [(ref, "appended rows", {"relayout": f"{total - stop} rows appended",
                                                "rows": ref_rows})]
            if (r0, r1) != (0, ref_rows):
                extra = f", {total - stop + start} rows added" if stop - start < total else ""
                return [(ref, "split", {"relayout": f"rows {r0}:{r1} of a larger tensor{extra}",
                                        "suspect_rows": (start, stop),
                                        "reference_rows": (r0, r1)})]
        if total == ref_rows and len(matched) >= 0.9 * total:
            return [(ref, PERMUTED, {"relayout": PERMUTED})]
        return [(ref, "rows copied", {"relayout": f"{len(matched)} of {total} rows copied"})]
    # Several reference tensors: a fusion when whole tensors follow each other in order.
    hits: list[tuple[TensorContent, str, View]] = []
    start = 0
    while start < total:
        owner = int(owners[start])
        stop = start + 1
        while stop < total and owners[stop] == owner and rows_of[stop] == rows_of[stop - 1] + 1:
            stop += 1
        if owner >= 0:
            ref = refs[owner]
            r0, r1 = int(rows_of[start]), int(rows_of[stop - 1]) + 1
            hits.append((ref, "fused", {
                "relayout": f"fused: rows {start}:{stop} are {ref.info.name} rows {r0}:{r1}",
                "suspect_rows": (start, stop), "reference_rows": (r0, r1),
            }))
        start = stop
    return hits if len(hits) <= 16 else []


def _columns(
    suspect: TensorContent, references: list[TensorContent]
) -> list[tuple[TensorContent, str, View]]:
    """A transpose (its rows are the reference's columns) or permuted columns."""
    sigs, rows = suspect.row_sigs, suspect.col_sigs
    matrix = suspect.matrix
    if sigs is None or rows is None or matrix is None:
        return []
    for ref in references:
        shape = ref.matrix
        if ref.col_sigs is None or shape is None or ref.info.dtype != suspect.info.dtype:
            continue
        if shape == matrix[::-1] and len(ref.info.shape) == len(suspect.info.shape) == 2:
            if np.array_equal(sigs, ref.col_sigs) and _distinct(sigs):
                return [(ref, "transposed", {"relayout": "transposed", "transposed": True})]
            # Transposed and permuted: the suspect's rows are the reference's columns (or
            # its columns the reference's rows) in another order.
            for ours, theirs in ((sigs, ref.col_sigs), (rows, ref.row_sigs)):
                if theirs is not None and _distinct(ours) and np.array_equal(
                    np.sort(ours), np.sort(theirs)
                ):
                    return [(ref, TRANSPOSED_PERMUTED, {"relayout": TRANSPOSED_PERMUTED})]
        if shape == matrix and _distinct(rows):
            if np.array_equal(np.sort(rows), np.sort(ref.col_sigs)):
                return [(ref, "columns permuted", {"relayout": "columns permuted"})]
    return []


def _distinct(sigs: npt.NDArray[np.uint64]) -> bool:
    return len(np.unique(sigs)) >= 0.9 * len(sigs)
