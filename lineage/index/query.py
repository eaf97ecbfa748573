"""Candidates -> exact rescoring -> aligned regions -> Match objects.

LSH proposes; this module decides.  Each candidate pair is rescored on the winnowed
fingerprints (structural Jaccard, containment both ways, lexical Jaccard, rarity-weighted
containment) and aligned into line regions on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lineage.index.compact import CompactFile, CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Match, Region


@dataclass(frozen=True)
class QueryOptions:
    top: int = 5  # matches kept per scanned unit (ties with the last one are kept too)
    max_candidates: int = 64  # candidates rescored per unit, by LSH band collisions
    min_similarity: float = 0.3
    min_containment: float = 0.6
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
    pairs = list(zip(q_lines[order].tolist(), r_lines[order].tolist()))
    regions: list[list[int]] = []
    for q, r in pairs:
        if regions:
            cur = regions[-1]
            if 0 <= q - cur[1] <= gap and -gap <= r - cur[3] <= gap + (q - cur[1]):
                cur[1] = max(cur[1], q)
                cur[3] = max(cur[3], r)
                cur[2] = min(cur[2], r)
                cur[4] += 1
                continue
        regions.append([q, q, r, r, 1])
    if len(regions) > 1:
        best = max(reg[4] for reg in regions)
        regions = [reg for reg in regions if reg[4] > 1 or best == 1]
    return tuple(Region(a, b, c, d) for a, b, c, d, _ in regions)


def rescore(index: EmbeddedIndex, unit: CompactUnit, u: int, opts: QueryOptions) -> Match | None:
    r_hash, r_line = index.stream("s", u)
    shared, qi, ri = np.intersect1d(unit.s_hash, r_hash, assume_unique=True, return_indices=True)
    n = shared.size
    nq, nr = unit.s_hash.size, r_hash.size
    similarity = _ratio(n, nq + nr - n)
    containment = _ratio(n, nq)
    ref_containment = _ratio(n, nr)
    enough = n >= opts.min_shared and max(containment, ref_containment) >= opts.min_containment
    if similarity < opts.min_similarity and not enough:
        return None
    df = index.document_frequency(shared)
    limit = max(2.0, opts.rare_share * index.n_lines)
    weights = np.minimum(1.0, limit / np.maximum(df, 1))
    rarity = float(weights.sum()) / nq if nq else 0.0
    lr_hash, _ = index.stream("l", u)
    nl = np.intersect1d(unit.l_hash, lr_hash, assume_unique=True).size
    lexical = _ratio(nl, unit.l_hash.size + lr_hash.size - nl)
    regions = align(unit.s_line[qi], r_line[ri], opts.gap)
    return Match(index.ref_unit(u), round(similarity, 4), round(containment, 4), round(ref_containment, 4),
                 round(lexical, 4), round(rarity, 4), regions, int(n))


def _rank_key(m: Match) -> tuple[float, float, float, str, str, str, int]:
    # equal structure: prefer the closer names, then the earliest source ("who had it first")
    return (-m.similarity, -m.lexical, -m.rarity, m.ref.first_seen or "9999", m.ref.family, m.ref.path,
            m.ref.start_line)


def _keep_top(matches: list[Match], top: int) -> tuple[Match, ...]:
    matches.sort(key=_rank_key)
    if len(matches) <= top:
        return tuple(matches)
    cut = matches[top - 1].similarity
    return tuple(m for i, m in enumerate(matches) if i < top or m.similarity == cut)


def match_files(
    index: EmbeddedIndex, files: Sequence[CompactFile], opts: QueryOptions | None = None
) -> dict[tuple[int, int], tuple[Match, ...]]:
    """Matches per (file position, unit position), best first; units without any are absent."""
    opts = opts or QueryOptions()
    rows = [(fi, ui) for fi, f in enumerate(files) for ui in range(len(f.units))]
    if not rows:
        return {}
    sigs = np.vstack([files[fi].units[ui].signature for fi, ui in rows])
    q, u, hits = index.candidates(sigs)
    order = np.lexsort((u, -hits, q))
    q, u = q[order], u[order]
    out: dict[tuple[int, int], tuple[Match, ...]] = {}
    bounds = np.searchsorted(q, np.arange(len(rows) + 1))
    for row in np.flatnonzero(np.diff(bounds)):
        fi, ui = rows[row]
        unit = files[fi].units[ui]
        found = [
            m for cand in u[bounds[row]: bounds[row + 1]][: opts.max_candidates]
            if (m := rescore(index, unit, int(cand), opts)) is not None
        ]
        if found:
            out[(fi, ui)] = _keep_top(found, opts.top)
    return out
