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
from typing import TypedDict

import numpy as np
import numpy.typing as npt

from lineage.weights.compare import lockstep_equal_after_cast
from lineage.weights.components import component_of
from lineage.weights.content import TensorContent
from lineage.weights.lookup import CastIndex, RowIndex, SigIndex, distinct
from lineage.weights.models import ContentMatch, Pair, PairResult

PERMUTED, CAST, IDENTICAL = "rows permuted", "identical up to cast", "identical"
TRANSPOSED_PERMUTED = "transposed and permuted"


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


class View(TypedDict, total=False):
    """How a suspect tensor maps onto a reference tensor (the re-layout undone)."""

    relayout: str
    rows: int
    suspect_rows: tuple[int, int]
    reference_rows: tuple[int, int]
    transposed: bool


def _result(
    ours: TensorContent, theirs: TensorContent, how: str, relation: str, view: View
) -> PairResult:
    pair = Pair(component_of(theirs.info.name), ours.info, theirs.info, how, **view)
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
        view: View = {} if relation == IDENTICAL else {"relayout": relation}
        results.append(_result(suspect, ref, "content-hash", relation, view))
        found(suspect, [ref], relation)
    used = {r.pair.reference.name for r in results}

    # 2. Equal up to a dtype cast: same element count, first elements agree, then all do.
    remaining: list[TensorContent] = []
    casts = CastIndex(references)
    for suspect in left:
        chosen: TensorContent | None = None
        for candidate in casts.candidates(suspect):
            if candidate.info.name in used:
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
        results.append(_result(suspect, chosen, "content-cast", CAST, {}))
        found(suspect, [chosen], CAST)

    # 3. Rows found elsewhere; 4. transposes and permuted columns.
    rows, signatures = RowIndex(references), SigIndex(references)
    for suspect in remaining:
        if suspect.matrix is None:
            continue
        hits = _rows(suspect, rows) or _columns(suspect, signatures)
        for ref, relation, how in hits:
            results.append(_result(suspect, ref, "content-rows", relation, how))
        if hits:
            found(suspect, [h[0] for h in hits], hits[0][1])
    return Reuse(tuple(results), tuple(matches), read)



def _rows(suspect: TensorContent, index: RowIndex) -> list[tuple[TensorContent, str, View]]:
    found = index.lookup(suspect)
    return [] if found is None else _segments(suspect, index.refs, *found)


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
            if (start, stop, r0, r1) == (0, total, 0, ref_rows):
                return [(ref, IDENTICAL, {})]  # a second copy (tied weights saved twice)
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
    suspect: TensorContent, index: SigIndex
) -> list[tuple[TensorContent, str, View]]:
    """A transpose (its rows are the reference's columns) or permuted columns."""
    sigs, cols = suspect.row_sigs, suspect.col_sigs
    matrix, dtype = suspect.matrix, suspect.info.dtype
    if sigs is None or cols is None or matrix is None:
        return []
    flat = len(suspect.info.shape) == 2
    if flat and distinct(sigs):
        ref = index.get(dtype, "cols", sigs, matrix[::-1])
        if ref is not None:
            return [(ref, "transposed", {"relayout": "transposed", "transposed": True})]
        # Transposed and permuted: the suspect's rows are the reference's columns in
        # another order (or its columns the reference's rows).
        ref = index.get(dtype, "cols-sorted", np.sort(sigs), matrix[::-1])
        if ref is not None:
            return [(ref, TRANSPOSED_PERMUTED, {"relayout": TRANSPOSED_PERMUTED})]
    if distinct(cols):
        ordered = np.sort(cols)
        ref = index.get(dtype, "rows-sorted", ordered, matrix[::-1]) if flat else None
        if ref is not None:
            return [(ref, TRANSPOSED_PERMUTED, {"relayout": TRANSPOSED_PERMUTED})]
        ref = index.get(dtype, "cols-sorted", ordered, matrix)
        if ref is not None:
            return [(ref, "columns permuted", {"relayout": "columns permuted"})]
    return []
