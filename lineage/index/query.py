"""Candidates -> exact rescoring -> aligned regions -> Match objects.

LSH proposes; this module decides.  Each candidate pair is rescored on the winnowed
fingerprints (structural Jaccard, containment both ways, lexical Jaccard, rarity-weighted
containment) and aligned into line regions on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

import numpy as np

from lineage.compact.files import CompactFile, CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import HOLD, UnitEvidence, unit_evidence
from lineage.index.overlap import hits_in, rounded_array, strengths, unique_inverse, whole_families
from lineage.index.windows import window_candidates
from lineage.models import Match, Region
from lineage.scoring import SCORING
from lineage.vocab import UNDATED

T = TypeVar("T")


@dataclass(frozen=True)
class QueryOptions:
    top: int = SCORING.top  # matches kept per scanned unit (ties with the last one are kept too)
    max_candidates: int = 48  # candidates rescored per unit, by LSH band collisions
    aligned: int = 3  # matches per unit given aligned regions (the evidence a reviewer reads)
    min_similarity: float = SCORING.min_similarity
    min_containment: float = SCORING.min_containment
    min_shared: int = 6  # fingerprints in common before containment alone can count
    rare_share: float = 0.05  # a fingerprint in more than this share of model lines is common
    gap: int = 6  # lines two aligned pairs may be apart and still form one region


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def align(q_lines: np.ndarray, r_lines: np.ndarray, gap: int) -> tuple[Region, ...]:
    """Chain (scanned line, reference line) pairs into regions running forward on both sides."""
    if q_lines.size == 0:
        return ()
    order = np.lexsort((r_lines, q_lines))
    regions: list[tuple[int, int, int, int, int]] = []  # (first, last scanned line, first, last reference line, pairs)
    q0 = q1 = r0 = r1 = n = 0
    for q, r in zip(q_lines[order].tolist(), r_lines[order].tolist()):
        if n and 0 <= q - q1 <= gap and -gap <= r - r1 <= gap + (q - q1):
            # (q >= q1 here: the pairs come sorted by scanned line; comparisons, not max/min calls, in this hot loop)
            q1 = q
            if r > r1:
                r1 = r
            elif r < r0:
                r0 = r
            n += 1
            continue
        if n:
            regions.append((q0, q1, r0, r1, n))
        q0 = q1 = q
        r0 = r1 = r
        n = 1
    regions.append((q0, q1, r0, r1, n))
    if len(regions) > 1:
        best = max(reg[4] for reg in regions)
        regions = [reg for reg in regions if reg[4] > 1 or best == 1]
    return tuple(Region(a, b, c, d) for a, b, c, d, _ in regions)


@dataclass(frozen=True)
class _Scored:
    """Exact scores of one candidate pair; regions and labels are added only if it is kept."""

    u: int
    similarity: float
    containment: float
    ref_containment: float
    lexical: float
    rarity: float
    shared: int
    first_seen: str
    qi: np.ndarray
    ri: np.ndarray


def rescore(index: EmbeddedIndex, unit: CompactUnit, u: int, opts: QueryOptions,
            weights: np.ndarray | None = None) -> _Scored | None:
    """Score one pair exactly; ``weights`` are the rarity weights of the unit's fingerprints."""
    r_hash, _ = index.stream("s", u)
    shared, qi, ri = np.intersect1d(unit.s_hash, r_hash, assume_unique=True, return_indices=True)
    n = shared.size
    nq, nr = unit.s_hash.size, r_hash.size
    similarity = _ratio(n, nq + nr - n)
    containment = _ratio(n, nq)
    ref_containment = _ratio(n, nr)
    enough = n >= opts.min_shared and max(containment, ref_containment) >= opts.min_containment
    if similarity < opts.min_similarity and not enough:
        return None
    if weights is None:
        weights = rarity_weights(index, unit, opts)
    rarity = float(weights[qi].sum()) / nq if nq else 0.0
    lr_hash, _ = index.stream("l", u)
    nl = np.intersect1d(unit.l_hash, lr_hash, assume_unique=True).size
    lexical = _ratio(nl, unit.l_hash.size + lr_hash.size - nl)
    return _Scored(u, round(similarity, 4), round(containment, 4), round(ref_containment, 4), round(lexical, 4),
                   round(rarity, 4), int(n), index.first_seen_of(u), qi, ri)


def rescore_many(index: EmbeddedIndex, unit: CompactUnit, cands: np.ndarray, opts: QueryOptions,
                 weights: np.ndarray | None = None, top: int = 0) -> list[_Scored]:
    """`rescore` of every candidate of one unit in a few array operations, same results, same order."""
    return score_unit(index, unit, cands, opts, weights, top)[0]


def score_unit(index: EmbeddedIndex, unit: CompactUnit, cands: np.ndarray, opts: QueryOptions,
               weights: np.ndarray | None = None, top: int = 0,
               hold: float | None = None, pool: np.ndarray | None = None,
               kept: int | None = None) -> tuple[list[_Scored], UnitEvidence | None, int, np.ndarray]:
    """Exact scores of one unit's candidates: the best as `_Scored` pairs, and with ``hold`` the
    evidence of every family holding the unit's code at strength ``hold`` or more; then how many
    of the best tie with the first; then the families that hold the code of the reference unit it
    holds most wholly (whole_families): a copy extended's strength is the extension's, below what
    evidence counts, so the lines that hold the same code are found apart.  With ``kept``, only
    the `_keep_top(best, kept)` pairs are made, ranked (a unit of code that hundreds of families
    hold gives hundreds of best).

    Both sides are sorted unique hashes, so one binary search of all candidates' hashes in
    the unit's tells every shared fingerprint; counts and rarity sums are per-candidate bincounts.
    With ``top``, candidates that cannot be among the `top` best or tie with them are left
    out: scores are rounded to 4 places, so anything more than 1e-4 below the top-th
    unrounded similarity rounds strictly below it.
    """
    if cands.size == 0:
        return [], None, 0, np.zeros(0, dtype=np.int64)
    k = cands.size
    # each twin's stream is read once (a unit's candidates with their clones are mostly twins); `owner` is
    # the position of a gathered fingerprint's twin in `twins`, `at` that of each candidate's
    twins, at = unique_inverse(index.twins[cands])
    r_hash, owner, within = index.gather("s", twins)
    hit, pos = hits_in(unit.s_hash, r_hash)
    hit_at = hit.nonzero()[0]
    owner_hit, pos_hit = owner[hit_at], pos[hit_at]
    n = np.bincount(owner_hit, minlength=twins.size)[at]
    off = index.arrays["s_off"]
    nq, nr = unit.s_hash.size, (off[cands + 1] - off[cands]).astype(np.int64, copy=False)
    union = nq + nr - n
    similarity = np.divide(n, union, out=np.zeros(k), where=union > 0)
    containment = n / nq if nq else np.zeros(k)
    ref_containment = np.divide(n, nr, out=np.zeros(k), where=nr > 0)
    enough = (n >= opts.min_shared) & (np.maximum(containment, ref_containment) >= opts.min_containment)
    keep = ((similarity >= opts.min_similarity) | enough).nonzero()[0]
    if keep.size == 0:
        return [], None, 0, np.zeros(0, dtype=np.int64)
    best_at: np.ndarray | None = None  # (None: all of keep)
    best = keep
    if 0 < top < keep.size:
        part = similarity[keep]
        part.partition(keep.size - top)
        best_at = similarity[keep] >= part[keep.size - top] - 1e-4
        best = keep[best_at]
    # how much of the reference the whole file holds, for the strength of evidence: a function the copy
    # split in two, or moved out of its class, is still all there, only in more than one unit
    whole = ref_containment
    if pool is not None and pool.size:
        in_file, _ = hits_in(pool, r_hash)
        whole = np.maximum(ref_containment, np.divide(np.bincount(owner[in_file], minlength=twins.size)[at], nr,
                                                      out=np.zeros(k), where=nr > 0))
    strength = strengths(similarity, containment, whole)
    # (names are read where a pair or the evidence needs them)
    held = keep[:0]
    lex_of = best
    if hold is not None:
        held_at = strength[keep] >= hold
        held = keep[held_at]
        lex_of = keep if best_at is None else keep[best_at | held_at]
    if weights is None:
        weights = rarity_weights(index, unit, opts)
    rare = np.bincount(owner_hit, weights=weights[pos_hit], minlength=twins.size)[at]
    lexed = cands[lex_of]
    l_twins, l_at = unique_inverse(index.lexical_twins[lexed])
    l_hash, l_owner, _ = index.gather("l", l_twins)
    l_hit, _ = hits_in(unit.l_hash, l_hash)
    nl = np.bincount(l_owner[l_hit], minlength=l_twins.size)[l_at]
    l_off = index.arrays["l_off"]
    l_union = unit.l_hash.size + (l_off[lexed + 1] - l_off[lexed]).astype(np.int64, copy=False) - nl
    lexical = np.zeros(k)
    lexical[lex_of] = np.divide(nl, l_union, out=np.zeros(lex_of.size), where=l_union > 0)
    # the rank of `_keep_top` read from the rounded scores first, each pair made only if kept: one
    # lexsort of its keys (hundreds of families can tie on common code, each a tuple to sort)
    # (rounding is value by value: the scores ranked are rounded in one call, side by side)
    m = best.size
    if kept is None:
        similar_at = rounded_array(similarity[best])
    else:
        scores = rounded_array(np.concatenate((similarity[best], lexical[best], rare[best] / nq) if nq else
                                              (similarity[best], lexical[best])))
        similar_at = scores[:m]
    similar = similar_at.tolist()
    picked = list(range(m))
    if kept is not None:
        rarity = scores[2 * m:] if nq else np.zeros(m)
        units = cands[best]
        order = np.lexsort((np.arange(m), units, index.first_seen_rank[units], -rarity,
                            -scores[m:2 * m], -similar_at))
        picked = _within_top(order.tolist(), kept, similar.__getitem__)
    out = []
    if picked:
        bounds = owner_hit.searchsorted(np.arange(twins.size + 1)).tolist()
        chosen = best[picked]
        where = at[chosen].tolist()
        for i, u, contained, ref_contained, lex, rare_c, shared, w in zip(
                picked, cands[chosen].tolist(), containment[chosen].tolist(),
                ref_containment[chosen].tolist(), lexical[chosen].tolist(), rare[chosen].tolist(),
                n[chosen].tolist(), where):
            mine = hit_at[bounds[w]:bounds[w + 1]]
            out.append(_Scored(u, similar[i], round(contained, 4), round(ref_contained, 4), round(lex, 4),
                               round(rare_c / nq, 4) if nq else 0.0, shared,
                               index.first_seen_of(u), pos[mine], within[mine]))
    evidence = None
    if held.size:
        evidence = unit_evidence(index, cands[held], strength[held], similarity[held], lexical[held],
                                 rare[held] / nq if nq else np.zeros(held.size), n[held])
    return out, evidence, similar.count(out[0].similarity) if out else 0, \
        whole_families(index, cands, at, owner_hit, pos_hit, nq, n, nr, ref_containment)


def rarity_weights(index: EmbeddedIndex, unit: CompactUnit, opts: QueryOptions) -> np.ndarray:
    """1 for a fingerprint found in few model lines, less the more lines share it."""
    return _weights(index, unit.s_hash, opts)


def rarity_weights_of(index: EmbeddedIndex, units: Sequence[CompactUnit], opts: QueryOptions) -> list[np.ndarray]:
    """`rarity_weights` of every unit, the fingerprints of all looked up at once."""
    if not units:
        return []
    weights = _weights(index, np.concatenate([unit.s_hash for unit in units]), opts)
    return np.split(weights, np.cumsum([unit.s_hash.size for unit in units])[:-1])


def _weights(index: EmbeddedIndex, hashes: np.ndarray, opts: QueryOptions) -> np.ndarray:
    limit = max(2.0, opts.rare_share * index.n_lines)
    df = index.document_frequency(hashes)
    weights: np.ndarray = np.minimum(1.0, limit / np.maximum(df, 1))
    return weights


def to_match(index: EmbeddedIndex, unit: CompactUnit, s: _Scored, opts: QueryOptions, rank: int = 0,
             ties: int = 1) -> Match:
    regions: tuple[Region, ...] = ()
    ref = index.ref_unit(s.u)
    if rank < opts.aligned:
        _, r_line = index.stream("s", s.u)
        q, r = unit.s_line[s.qi], r_line[s.ri]
        # evidence stands in both units' own lines where it can: a helper read in its caller keeps its
        # own lines (parse/midway.py, parse/inline.py), cited only when nothing else is shared
        inside = (q >= unit.start_line) & (q <= unit.end_line) & (r >= ref.start_line) & (r <= ref.end_line)
        regions = align(q[inside], r[inside], opts.gap) if inside.any() else align(q, r, opts.gap)
    return Match(ref, s.similarity, s.containment, s.ref_containment, s.lexical, s.rarity,
                 regions, s.shared, ties)


def with_regions(index: EmbeddedIndex, unit: CompactUnit, m: Match, opts: QueryOptions | None = None) -> Match:
    """A match moved to the front after ranking gets its aligned regions now."""
    if m.regions:
        return m
    u = index.unit_id(m.ref.family, m.ref.path, m.ref.start_line, m.ref.unit)
    if u is None:
        return m
    scored = rescore(index, unit, u, QueryOptions(min_similarity=0.0, min_containment=0.0))
    return to_match(index, unit, scored, opts or QueryOptions()) if scored is not None else m


def _rank(similarity: float, lexical: float, rarity: float, first_seen: str, u: int
          ) -> tuple[float, float, float, str, int]:
    # equal structure: prefer the closer names, then the earliest source ("who had it first")
    return (-similarity, -lexical, -rarity, first_seen or UNDATED, u)


def _rank_key(m: _Scored) -> tuple[float, float, float, str, int]:
    return _rank(m.similarity, m.lexical, m.rarity, m.first_seen, m.u)


MAX_TIES = 5  # tied matches listed in full per unit at most; every tied family is named in the finding's details


def _keep_top(scored: list[_Scored], top: int) -> list[_Scored]:
    scored.sort(key=_rank_key)
    return _within_top(scored, top, lambda m: m.similarity)


def _within_top(ranked: list[T], top: int, similarity: Callable[[T], float]) -> list[T]:
    """The first ``top`` of ``ranked`` and those tying with the last of them, max(top, MAX_TIES)
    in all: `_keep_top` on ranked pairs or on their rank keys."""
    if len(ranked) <= top:
        return ranked
    cut = similarity(ranked[top - 1])
    # (the first max(top, MAX_TIES) of them, read no further: hundreds of families can tie on common code)
    return list(islice((m for i, m in enumerate(ranked) if i < top or similarity(m) == cut), max(top, MAX_TIES)))


@dataclass(frozen=True)
class QueryResult:
    """Per (file position, unit position): the listed matches, best first, and the evidence of
    every family holding the unit's code.  Units without any match are absent."""

    matches: dict[tuple[int, int], tuple[Match, ...]]
    evidence: dict[tuple[int, int], UnitEvidence]
    # score_unit's whole_families, where any: the families holding the code of what the unit holds whole
    whole: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)


def match_files(
    index: EmbeddedIndex, files: Sequence[CompactFile], opts: QueryOptions | None = None
) -> dict[tuple[int, int], tuple[Match, ...]]:
    """Matches per (file position, unit position), best first; units without any are absent."""
    return query_files(index, files, opts, hold=None).matches


def query_files(
    index: EmbeddedIndex, files: Sequence[CompactFile], opts: QueryOptions | None = None,
    hold: float | None = HOLD,
) -> QueryResult:
    """Match every unit of the files; with ``hold``, also the evidence of every family holding
    each unit's code at that strength (clone classes expanded: an exact tie counts for all)."""
    opts = opts or QueryOptions()
    rows = [(fi, ui) for fi, f in enumerate(files) for ui in range(len(f.units))]
    if not rows:
        return QueryResult({}, {}, {})
    sigs = np.vstack([files[fi].units[ui].signature for fi, ui in rows])
    q, u, hits = index.candidates(sigs)
    # by query, most colliding bands first, then unit: one int64 key sorts 7x faster than a lexsort
    most = int(hits.max(initial=0)) + 1
    order = np.argsort((q * most + (most - 1 - hits)) * max(1, index.n_units) + u, kind="stable")
    q, u = q[order], u[order]
    out: dict[tuple[int, int], tuple[Match, ...]] = {}
    evidence: dict[tuple[int, int], UnitEvidence] = {}
    whole: dict[tuple[int, int], np.ndarray] = {}
    bounds = np.searchsorted(q, np.arange(len(rows) + 1))
    pools = [np.unique(np.concatenate([u.s_hash for u in f.units if u.kind != "module"] or [np.zeros(0, np.uint32)]))
             for f in files]
    # a reference held whole inside a much larger unit: found through windows of the unit (index/windows.py)
    inside = window_candidates([files[fi].units[ui] for fi, ui in rows], index.candidates,
                               np.diff(index.arrays["s_off"]), index.family_line[index.unit_family],
                               index.params.num_perm, index.params.seed)
    scored = sorted({*np.flatnonzero(np.diff(bounds)).tolist(), *inside})
    for row, weights in zip(scored, rarity_weights_of(index, [files[rows[r][0]].units[rows[r][1]] for r in scored], opts)):
        fi, ui = rows[row]
        unit = files[fi].units[ui]
        cands = u[bounds[row]: bounds[row + 1]][: opts.max_candidates]
        if row in inside:
            cands = np.concatenate([cands, inside[row][~np.isin(inside[row], cands)]])
        if hold is not None:
            cands = index.with_clones(cands)
        kept, held, ties, whole_of = score_unit(index, unit, cands, opts, weights, top=opts.top, hold=hold,
                                                pool=pools[fi], kept=opts.top)
        if held is not None:
            evidence[(fi, ui)] = held
        if whole_of.size:
            whole[(fi, ui)] = whole_of
        if kept:
            out[(fi, ui)] = tuple(to_match(index, unit, m, opts, rank, ties) for rank, m in enumerate(kept))
    return QueryResult(out, evidence, whole)
