"""Families that only carry their declared parents' code, in one scope.

A family that declares parents and adds (almost) nothing the scope holds, neither code nor
names, counts half in the source verdict (classify/source.py): its parents explain the same
code.  One exception: the scope is a copy of that family's own published file, held whole both
ways (the family holds WHOLE_COPY of the scope, the scope holds WHOLE_COPY of the family's
file) and clearly more so than of any other family's file (by WHOLE_GAP).  A file composed from
several parents (transformers' exaone_moe: DeepSeek's MoE, EXAONE 4's attention) and copied
with its names changed is a copy of that composition, which no single parent explains (a
stranger's review: a renamed copy of it read as "built on shared code, closest to dots1").
Files of the llama line hold each other nearly whole (bitnet, llama, arcee within 0.1): no
exception there, the parents still explain the code.  A copy of most of a composition is its
copy too, when weighed whole the composition explains it better than the source chosen and the
scan holds clearly more of its file, and at least half of it (composed_source).
"""

from __future__ import annotations

import numpy as np

from lineage.classify.cover import STRONG, Cover, contains
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import TIE

CARRIER = 0.5  # weight of a family that only carries its declared parents' code
OWN_MIN = 0.03  # ... i.e. adds less than this share of the scope itself
OWN_MARGIN = 0.1  # a family's own addition: held this much more strongly than by any of its parents
OWN_NAMES = 0.2  # ... or held as closely, with names this much closer than its parents' names
WHOLE_COPY = 0.9  # a scope and a family's file holding this much of each other: a copy of that file ...
WHOLE_GAP = 0.1  # ... when no other family's file and the scope hold each other within this of it
WHOLE_EXACT = 0.95  # ... or, among files held about as whole, the one the scope and this much of it hold exactly
MUTUAL_MIN = 0.5  # (families holding less of the scope are not weighed as whole copies)
WHOLE_NEAR = 0.05  # a family explaining a file (and holding it) within this of the source's share ...
WHOLE_MORE = 0.1  # ... whose own file the scan holds this much more of as a copy is its source
COMPOSED_HELD = 0.5  # a composition is copied only where the scan holds at least this share of its file


def carriers(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float) -> np.ndarray:
    """Per family: it declares parents and adds (almost) nothing of the scope itself, neither
    code nor names: it only carries its parents' code (unless the scope copies its file whole)."""
    out = np.zeros(len(cov.ancestors), dtype=bool)
    with_parents = np.asarray([j for j, anc in enumerate(cov.ancestors) if anc.size], dtype=np.int64)
    if with_parents.size:
        out[with_parents] = _own(cov.strength[rows], cov.lexical[rows], cov.weight[rows],
                                 [cov.ancestors[j] for j in with_parents.tolist()], with_parents) / total < OWN_MIN
    copied = whole_copy(index, cov, rows, total)
    if copied >= 0:
        out[copied] = False
    return out


def _own(s: np.ndarray, lx: np.ndarray, weight: np.ndarray, parents_of: list[np.ndarray], js: np.ndarray
         ) -> np.ndarray:
    """Per family of ``js``: the code (k-grams) it holds strongly and more closely than any declared
    parent of it (``parents_of``, in the same order), in code or (for the same code) in names: what
    it added itself.  ``s``, ``lx``: the scope's rows of strengths and name similarities (columns:
    families); ``weight``: their code.  All families at once: a scope has hundreds."""
    starts = np.cumsum([0] + [p.size for p in parents_of[:-1]])
    flat = np.concatenate(parents_of)
    parents = np.maximum.reduceat(s[:, flat], starts, axis=1)
    parent_names = np.maximum.reduceat(lx[:, flat], starts, axis=1)
    mine, my_names = s[:, js], lx[:, js]
    closer = (mine >= parents + OWN_MARGIN) | ((mine >= parents - TIE) & (my_names >= parent_names + OWN_NAMES))
    own = (mine >= STRONG) & closer
    return np.asarray(weight @ own)  # (k-gram counts: whole numbers, summed exactly in any order)


def composed(cov: Cover, rows: np.ndarray, total: float, j: int) -> bool:
    """Family `j` holds, of the scope, OWN_MIN that each of its declared parents alone lacks (held
    strongly and OWN_MARGIN more closely than that parent does): its parents explain its code only
    together, as its composition of them (a carrier of one parent's code is no composition)."""
    s = cov.strength[rows]
    strong = s[:, j] >= STRONG
    weight = cov.weight[rows]
    return bool(cov.ancestors[j].size) and all(
        float(weight[strong & (s[:, j] >= s[:, int(a)] + OWN_MARGIN)].sum()) / total >= OWN_MIN
        for a in cov.ancestors[j])


def whole_copy(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float) -> int:
    """The column of the one family whose published file and the scope hold each other whole
    (WHOLE_COPY both ways), WHOLE_GAP more than any other family's file and the scope do, or, of
    files held about as wholly, the one whose file and the scope hold each other WHOLE_EXACT whole,
    holding it exactly as closely as any family does (at_best) WHOLE_GAP more than the others do;
    or -1.  A file built on another's nearly whole, with part of it written anew (transformers'
    axk1, SK Telecom's, on deepseek_v3's file: its attention rewritten), holds a renamed copy of
    itself whole and exactly, its parent's file 96% but only 74% exactly: the copy is of the file
    that holds it exactly (a stranger's review: such a copy read as deepseek_v3's, and SK Telecom's
    notice went unsaid)."""
    held = cov.cover(rows, total)
    mutual = {j: min(float(held[j]), contains(index, cov, rows, j)) for j in np.flatnonzero(held >= MUTUAL_MIN).tolist()}
    ranked = sorted(mutual, key=mutual.__getitem__, reverse=True)
    if not ranked or mutual[ranked[0]] < WHOLE_COPY:
        return -1
    near = [j for j in ranked if mutual[j] > mutual[ranked[0]] - WHOLE_GAP]
    if len(near) == 1:
        return int(ranked[0])
    exact = at_best(cov, rows, total)
    first = max(near, key=lambda j: (float(exact[j]), mutual[j], -j))
    if min(mutual[first], float(exact[first])) < WHOLE_EXACT \
            or any(float(exact[k]) > float(exact[first]) - WHOLE_GAP for k in near if k != first):
        return -1
    return int(first)


def at_best(cov: Cover, rows: np.ndarray, total: float) -> np.ndarray:
    """Per family: the share of the scope it holds as closely as the best holder does (within
    TIE), whole units only (source.scores with soft=0 and no family halved)."""
    s, w = cov.strength[rows], cov.weight[rows]
    best = s.max(axis=1, keepdims=True)
    out: np.ndarray = (w[:, None] * best * ((s >= best - TIE) & (s > 0))).sum(axis=0) / total
    return out


def composed_source(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, score: np.ndarray,
                    whole: np.ndarray, carrier: np.ndarray, pick: int, decided_by: str) -> tuple[int, str]:
    """A carrier (halved) that, weighed whole (``whole``: the scores with no family halved),
    explains the file better than the pick does, holding about as much of it, whose code no single
    parent of it explains (composed), and whose own file the scan holds WHOLE_MORE more of than the
    pick's: the scan copies that family's composition of its parents' code (transformers' mellum holds
    qwen3_moe's, qwen3's attention with qwen2_moe's experts, and read as qwen2_moe's; measured by
    `make eval`: plain files 88.9% -> 89.6%, 5 right, 2 wrong: gpt_oss and exaone4 compose the same
    parents as qwen2_moe and qwen2 do, which their code cannot tell from a copy).  The scan must
    hold most of that file (COMPOSED_HELD): a composition of which it holds a sixth or a fifth,
    however much more than of the pick's, is no more its copy than its parents' files are
    (transformers' minicpmv4_6 read as video_llama_3's composition, holding 16% of its file;
    measured by `make eval`: plain files 90.2% -> 90.6%, nothing lost; held out unchanged)."""
    if decided_by not in ("cover", "ancestor") or not carrier.any():
        return pick, decided_by
    held = cov.cover(rows, total)
    near = [j for j in np.flatnonzero(carrier).tolist() if j != pick and whole[j] > score[pick] + TIE
            and held[j] >= held[pick] - WHOLE_NEAR and composed(cov, rows, total, j)]
    if not near:
        return pick, decided_by
    mine = contains(index, cov, rows, pick)
    best = max(near, key=lambda j: (whole[j], -j))
    copied = contains(index, cov, rows, best)
    if copied < mine + WHOLE_MORE or copied < COMPOSED_HELD:
        return pick, decided_by
    return best, "composed"
