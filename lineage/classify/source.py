"""The one reference source that best explains a scanned file (or class) as a whole.

A weighted cover, sharpened: every unit of the scope weighs its amount of code, and counts
for each family that holds its code as closely as the best does (an exact tie counts for
every family in it, so ties alone never decide).  A parent thus beats a grandparent as soon
as the file holds any of the parent's additions, and a sibling, which holds the same shared
code plus additions of its own that the file lacks, does not beat the parent it copied from.
A class that the file's own source explains nearly as well as its best holder does is that
source's (one source explains a file as a whole: a sibling that holds a class slightly more
closely shares its parent's generation of the code; measured by `make eval`), unless the
source holds the class's distinctive code exactly as its own declared ancestor does: the
source only carried it, and the elder had it first.
A family that declares parents but adds nothing the scope holds, only carrying its parents'
code, counts half: its parents explain the same code (unless the scope is a copy of its own
file: classify/carrier.py).  A unit held a little less closely than the best still counts,
for less (SOFT).  What is still tied is decided by
declared lineage (an ancestor had the code before the family declaring it), then by names,
then by who had it first (first-seen dates); families first seen after the scanned code were
removed from the index beforehand (time travel, `--as-of`).  A family explaining the file
about as well as the source does, whose own published file the scan holds much more of, is
the source: one file explains the scan as a whole; so is a carrier that, weighed whole, explains
it better than the source, composes parents none of which alone explains it, and whose file the
scan holds much more of (carrier.composed_source).
Same score, names and date: "ambiguous between ...".

Common code never convicts, but it still says where a file comes from: when the source's
share rests on code that many families hold, the verdict names the lineage group (the
families holding it, the earliest of them, their organisations and countries) and the
scope is "built on shared code", not "copied from".  When the file is itself an indexed
family's code and that family declares parents, the verdict looks through to the root
(classify/lookthrough.py).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from lineage.classify.alsowhole import Holding, also_whole, source_held_whole
from lineage.classify.carrier import CARRIER, OWN_NAMES, WHOLE_MORE, WHOLE_NEAR, at_best, composed_source
from lineage.classify.cover import Cover, contains
from lineage.verdicts import Candidate, LineageGroup, SourceVerdict
from lineage.index.embedded import EmbeddedIndex
from lineage.vocab import UNLABELLED, company, first_seen_key

TIE = 0.02  # a unit's code is held "as closely as the best" within this strength
SOFT = 0.15  # ... and held less closely by more, it counts for less, down to nothing this much further below
AMBIGUOUS = 0.01  # scores this close (share of the scope) are a tie
NAMES_TIE = 0.02  # name similarities this close (share of the scope) do not break a tie
COMMON_BASIS = 0.15  # a source whose distinctive share is below this rests on common code
GROUP = 0.8  # families covering this share of the source's cover form its lineage group
LISTED = 8  # candidates built per scope (by credit, then cover): the rest cannot matter
ANCESTOR_LEAD = 0.06  # a family leads its own declared ancestor by less than this: the ancestor ...
ANCESTOR_DISTINCT = 0.5  # ... unless the ancestor holds less than this share of its distinctive code
ANCESTOR_LEAD_COMMON = 0.1  # the lead it must have when its hold on the file rests on common code
ANCESTOR_HELD = 2  # ... and the ancestor holds the file's code (at any strength) within this many leads of it
CONTEXT = 0.2  # a class its file's source explains this nearly as well as the best holder goes to it


def ranks(index: EmbeddedIndex, cov: Cover) -> np.ndarray:
    """Column ranks by when each family's code was public (its model's first-seen date, or its
    source's later one: EmbeddedIndex.public; unknown dates last), then by its model's date, then
    family name: lower is earlier."""
    place = index.earliest_order  # (that order, ranked for the whole index once)
    keys = [place[f] for f in cov.families.tolist()]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def _dated(index: EmbeddedIndex, cov: Cover, j: int) -> tuple[str, str]:
    """The date keys `ranks` orders column `j` by: when its code was public, then its model's date."""
    f = int(cov.families[j])
    return first_seen_key(index.public[f]), first_seen_key(index.meta["families"][f].get("first_seen"))


def _candidate(index: EmbeddedIndex, cov: Cover, j: int, cover: np.ndarray, cred: np.ndarray,
               distinct: np.ndarray, names: np.ndarray) -> Candidate:
    row = index.meta["families"][int(cov.families[j])]
    path = index.meta["files"][int(index.arrays["u_file"][int(cov.best_ref[j])])]["path"]
    return Candidate(index.family_keys[int(cov.families[j])], path, row["org"], row["country"],
                     str(row.get("first_seen", "")), float(cover[j]), float(cred[j]), float(distinct[j]),
                     float(names[j]))


def _group(index: EmbeddedIndex, cov: Cover, cover: np.ndarray, pick: int) -> LineageGroup:
    """Every family holding about as much of the scope as the source does, earliest first."""
    rows, members = index.meta["families"], np.flatnonzero(cover >= GROUP * cover[pick]).tolist() or [pick]
    fams = sorted((rows[int(cov.families[j])] for j in members),
                  key=lambda f: (first_seen_key(f.get("first_seen")), f["source"], f["name"]))
    return LineageGroup(tuple(f"{f['source']}:{f['name']}" for f in fams), f"{fams[0]['source']}:{fams[0]['name']}",
                        tuple(sorted({f["org"] for f in fams if f["org"]})),
                        tuple(sorted({f["country"] for f in fams if f["country"]})))


def scores(cov: Cover, rows: np.ndarray, total: float, carrier: np.ndarray, soft: float = SOFT) -> np.ndarray:
    """Per family: the share of the scope it holds as closely as the best holder does, halved
    for a family that only carries its declared parents' code.  A unit held less closely than
    the best by more than TIE counts for less, down to nothing ``soft`` further below: one family
    holding a large unit a little more closely (a sibling's regeneration of it, another file's
    near-identical method) no longer takes the whole unit from every other holder (measured by
    `make eval`: plain file top-1 87.9% -> 88.6%, distinctive classes 76.8% -> 77.5%).
    ``soft=0`` is the strict score: whole units at best only, what the ancestor and whole-file
    rules weigh leads by."""
    if soft > 0:
        s, w = cov.strength[rows], cov.weight[rows]
        best = s.max(axis=1, keepdims=True)
        near = np.clip(1.0 - np.maximum(best - s - TIE, 0.0) / soft, 0.0, 1.0) * (s > 0)
        sharp = (w[:, None] * best * near).sum(axis=0) / total
    else:
        sharp = at_best(cov, rows, total)
    out: np.ndarray = np.where(carrier, sharp * CARRIER, sharp)
    return out


def verdict(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, rank: np.ndarray,
            carrier: np.ndarray, scope: str, prefer: int = -1, declarative: bool = False,
            held: float = 0.0) -> SourceVerdict:
    """The source verdict of one scope: the given rows of the file's cover, of `total` code.
    ``carrier`` flags the families that only carry their parents' code in the whole file;
    ``prefer`` is the file source's column: a class it explains within CONTEXT goes to it, and a
    ``declarative`` class (no methods: fields and settings, which every family spells alike) goes
    to it whenever it explains any of the class (measured by `make eval`: distinctive classes
    78.1% -> 78.3% to the parent, all classes 63.8% -> 64.1%; files unchanged).  ``held``: weigh the
    choice over that much of the scope's code only (classify/filescope.py), shares still reported
    as shares of all of it."""
    if rows.size == 0 or total <= 0:
        return SourceVerdict(scope, "none", None, None, 0.0, "", (), "", None)
    scope_total, total = total, held if 0 < held < total else total
    score = scores(cov, rows, total, carrier)
    if float(score.max()) * total < AMBIGUOUS * scope_total:  # no family explains a share of the scope worth naming
        return SourceVerdict(scope, "none", None, None, 0.0, "", (), "", None)
    cover, distinct, names = cov.cover(rows, total), cov.distinctive(rows, total), cov.names(rows, total)
    tied = np.flatnonzero(score >= float(score.max()) - AMBIGUOUS).tolist()
    decided_by = "cover"
    if prefer >= 0 and (score[prefer] >= max(AMBIGUOUS, float(score.max()) - (1.0 if declarative else CONTEXT))
                        or _common_in_context(cov, tied, prefer, cover, distinct, names)) \
            and (len(tied) > 1 or prefer not in tied):  # (a class the file's source holds none of is not its)
        tied, decided_by = _in_context(index, cov, tied, prefer, distinct), "context"
    if len(tied) > 1:
        # a declared ancestor had the code before its descendants, whatever the dates say, unless the
        # file has a descendant's names as they are or far closer than the ancestor's (OWN_NAMES): the
        # file is that family's own code, or renamed alike
        elders = [j for j in tied if not any(int(a) in tied and not _own_names(names, cover, j, int(a))
                                             for a in cov.ancestors[j])] or tied  # (or a cycle)
        decided_by = "lineage" if len(elders) < len(tied) else decided_by
        tied = elders
    if len(tied) > 1:
        best_names = max(float(names[j]) for j in tied)
        by_names = [j for j in tied if names[j] >= best_names - NAMES_TIE]
        decided_by = "names" if len(by_names) < len(tied) else decided_by
        tied = by_names
    if len(tied) > 1:
        first = min(rank[j] for j in tied)
        decided_by = "first-seen"
        pick = next(j for j in tied if rank[j] == first)
    else:
        pick = tied[0]
    if scope == "<file>":
        strict = scores(cov, rows, total, carrier, soft=0.0)
        pick, decided_by = _ancestor_first(cov, rows, total, strict, distinct, pick, decided_by, carrier)
        pick, decided_by = _more_of_its_file(index, cov, rows, total, strict, pick, decided_by)
        whole = scores(cov, rows, total, np.zeros_like(carrier), soft=0.0) if carrier.any() else strict
        pick, decided_by = composed_source(index, cov, rows, total, strict, whole, carrier, pick, decided_by)
        pick, decided_by = _distinctive_over_common(score, distinct, names, pick, decided_by)
        if decided_by == "composed":  # (a composition weighed whole, as it was chosen: not halved)
            carrier = carrier & (np.arange(carrier.size) != pick)
            score = scores(cov, rows, total, carrier)
    listed = LISTED if scope == "<file>" else 3  # a class shows its source and runner-up only
    rest = np.lexsort((rank, -cover, -score))
    order = [pick] + [int(j) for j in rest[: listed + 1] if j != pick][: listed - 1]
    candidates = [_candidate(index, cov, j, cover, score, distinct, names) for j in order]
    if scope == "<file>":
        candidates[0] = dataclasses.replace(candidates[0], contains=contains(index, cov, rows, pick))
    source = candidates[0]
    others = [c for c in candidates if c.line != source.line]
    runner_up = others[0] if others else None
    margin = source.score - (runner_up.score if runner_up else 0.0)
    same = [c for c in others if c.score >= source.score - AMBIGUOUS and abs(c.lexical - source.lexical) < NAMES_TIE
            and c.first_seen == source.first_seen]
    status = "source"
    contenders: tuple[str, ...] = ()
    if same and decided_by != "context":
        status, decided_by = "ambiguous", ""
        contenders = tuple(sorted({source.family, *(c.family for c in same)}))
    basis = "common" if source.distinctive < COMMON_BASIS else "distinctive"
    group = _group(index, cov, cover, pick) if scope == "<file>" or basis == "common" else None
    lead = _lead_over_other_orgs(index, cov, score, pick) if scope == "<file>" else None
    also, held_whole = _held_whole(index, cov, rows, total, pick, cover, score, distinct, names) \
        if scope == "<file>" and status == "source" else (None, False)
    v = SourceVerdict(scope, status, source, runner_up, margin, decided_by, contenders, basis, group, lead=lead,
                      also_whole=also, held_whole=held_whole)
    return rescaled(v, total / scope_total) if total < scope_total else v


def _held_whole(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, pick: int, cover: np.ndarray,
                score: np.ndarray, distinct: np.ndarray, names: np.ndarray) -> tuple[Candidate | None, bool]:
    """Another maker's family whose whole file the file holds beside its source's, and whether it
    holds its source's own so beside another source's code (classify/alsowhole.py)."""
    h = Holding(index, cov, rows, total, pick)
    j = also_whole(h)
    also = None if j < 0 else dataclasses.replace(_candidate(index, cov, j, cover, score, distinct, names),
                                                   contains=h.held(j))
    return also, source_held_whole(h)


def rescaled(v: SourceVerdict, by: float) -> SourceVerdict:
    """The verdict's shares, weighed over part of its scope, as shares of all of it."""
    def part(c: Candidate | None) -> Candidate | None:
        return None if c is None else dataclasses.replace(
            c, cover=c.cover * by, score=c.score * by, distinctive=c.distinctive * by, lexical=c.lexical * by)
    return dataclasses.replace(v, source=part(v.source), runner_up=part(v.runner_up), also_whole=part(v.also_whole),
                               margin=v.margin * by,
                               lead=None if v.lead is None else v.lead * by, weighed=v.weighed * by)


def _own_names(names: np.ndarray, cover: np.ndarray, j: int, a: int) -> bool:
    """The scope has family `j`'s names rather than its ancestor `a`'s: OWN_NAMES closer over what
    `j` holds, or exactly `j`'s and closer than `a`'s (the file is `j`'s own code, or renamed alike)."""
    lead = float(names[j] - names[a])
    return lead >= OWN_NAMES * float(cover[j]) or (lead > NAMES_TIE and float(names[j]) >= float(cover[j]) - NAMES_TIE)


def _lead_over_other_orgs(index: EmbeddedIndex, cov: Cover, score: np.ndarray, pick: int) -> float:
    """The pick's score minus the best score of a family another organisation made (an unlabelled
    maker is everyone's rival): a copy of one maker's file, which a later line of the same maker
    mostly holds too, owes that maker's notice either way."""
    rows = index.meta["families"]
    orgs = [str(rows[f].get("org", "")) for f in cov.families.tolist()]
    makers = {org: company(org) for org in set(orgs)}  # (a few organisations make hundreds of families)
    own = makers[orgs[pick]]
    rivals = [s for j, (s, org) in enumerate(zip(score.tolist(), orgs)) if j != pick and (
        own in UNLABELLED or makers[org] != own)]
    return float(score[pick]) - max(rivals, default=0.0)


def _common_in_context(cov: Cover, tied: list[int], prefer: int, cover: np.ndarray, distinct: np.ndarray,
                       names: np.ndarray) -> bool:
    """Common code its file's source holds nearly as much of (within CONTEXT, at any strength) as its
    best holders, with names as close where each holds it: its origin is the lineage group, so it
    stays with the file's source, though other families hold it more closely (a variant many
    families share)."""
    if max(float(distinct[j]) for j in tied) >= COMMON_BASIS or prefer in tied \
            or float(cover[prefer]) < max(AMBIGUOUS, float(cover.max()) - CONTEXT):
        return False
    alike = [float(names[j] / cover[j]) for j in tied if cover[j] > 0]
    return float(names[prefer] / cover[prefer]) >= max(alike, default=0.0) - NAMES_TIE


def _in_context(index: EmbeddedIndex, cov: Cover, tied: list[int], prefer: int, distinct: np.ndarray) -> list[int]:
    """A class goes to its file's source, which explains it nearly as well as its best holder does;
    but when the source holds the class's distinctive code exactly as a declared ancestor of the
    source does, that ancestor, if public before the source, stays in the running (released the
    same day, nothing says it had the code first), and the tie-breaks below (the elder unless
    the class has the source's own names, then names) decide: the source only carried code its
    ancestor had (measured by `make eval`:
    distinctive classes +0.5 points to the parent, +1.7 to the chain; all classes unchanged; an
    elder released the same day no longer kept: distinctive classes 78.4% -> 78.8% to the parent).
    Common code stays with the file's source: its origin is the lineage group, not one elder."""
    if prefer not in tied or distinct[prefer] < COMMON_BASIS:
        return [prefer]
    elders = {int(a) for a in cov.ancestors[prefer] if _dated(index, cov, int(a)) < _dated(index, cov, prefer)}
    return [j for j in tied if j == prefer or j in elders]


def _ancestor_first(cov: Cover, rows: np.ndarray, total: float, score: np.ndarray, distinct: np.ndarray, pick: int,
                    decided_by: str, carrier: np.ndarray | None = None) -> tuple[int, str]:
    """The declared ancestor of a pick that leads it by little in code, not in names and not in
    distinctive code: what a family adds over its ancestor, held by a file the ancestor explains
    nearly as well, is often what the ancestor's other children add alike (siblings share their
    generation's changes), so the ancestor, the origin of both, is the better-founded source.
    Names closer to the pick's (the file is that family's own code, renamed alike), or code few
    families hold that the pick holds and the ancestor does not, keep the pick.  When the pick's
    hold rests on common code (its distinctive share is below COMMON_BASIS), its lead says even
    less, since what it holds is mostly its ancestor's generation of that code: it must lead by
    more to keep the source.  A descendant that holds much more of the file's code than its
    ancestor does (though less closely: its lead in score is small) keeps it too: the file
    is built on what the descendant holds, and the ancestor lacks it.  The ancestor is credited
    with the earlier generation of its code that its other children kept (_kept_generation;
    measured by `make eval`: plain files 88.6% -> 88.9%, x_clip's source clip, not clipseg).
    ``carrier``: the families halved in `score`, weighed alike in that credit."""
    if decided_by != "cover" or pick >= len(cov.ancestors):
        return pick, decided_by
    lead = ANCESTOR_LEAD_COMMON if distinct[pick] < COMMON_BASIS else ANCESTOR_LEAD
    held = cov.cover(rows, total)
    carrier = np.zeros(score.size, dtype=bool) if carrier is None else carrier
    kept = {int(a): _kept_generation(cov, rows, total, pick, int(a), carrier) for a in cov.ancestors[pick]}
    near = [int(a) for a in cov.ancestors[pick]
            if score[int(a)] + kept[int(a)][0] >= score[pick] - lead
            and held[int(a)] + kept[int(a)][1] >= held[pick] - ANCESTOR_HELD * lead
            and _names_where_both(cov, rows, total, pick, int(a))
            and distinct[int(a)] >= ANCESTOR_DISTINCT * distinct[pick]]
    if not near:
        return pick, decided_by
    return max(near, key=lambda a: (score[a] + kept[a][0], -a)), "ancestor"


def _distinctive_over_common(score: np.ndarray, distinct: np.ndarray, names: np.ndarray, pick: int,
                             decided_by: str) -> tuple[int, str]:
    """A pick whose hold rests on common code, leading by little (ANCESTOR_LEAD_COMMON) a family that
    holds twice its distinctive code and the file's names more closely: common code says little of
    where the file comes from, the code few families hold does."""
    if decided_by != "cover" or distinct[pick] >= COMMON_BASIS:
        return pick, decided_by
    near = [j for j in range(score.size) if j != pick and score[j] >= score[pick] - ANCESTOR_LEAD_COMMON
            and distinct[j] >= 2 * distinct[pick] and distinct[j] >= COMMON_BASIS / 2
            and names[j] >= names[pick] + NAMES_TIE]
    if not near:
        return pick, decided_by
    return max(near, key=lambda j: (float(distinct[j]), float(score[j]), -j)), "distinctive"


def _kept_generation(cov: Cover, rows: np.ndarray, total: float, pick: int, a: int,
                     carrier: np.ndarray) -> tuple[float, float]:
    """(strict score, cover) that ancestor `a` gains when credited with its own earlier generation
    of code: rows of the scope, distinctive ones, that the pick holds more closely than `a` does
    while another child of `a` (not the pick's own descendant) holds them as closely as the pick
    and no other ancestor of the pick does.  Children kept that code as `a` had it when they were
    made; `a` has changed its own since (transformers' clip rewrote the weight initialisation that
    clipseg, owlvit and x_clip still share)."""
    s = cov.strength[rows]
    child = cov.descends[:, a] & ~cov.descends[:, pick]
    child[[pick, a]] = False
    children = np.flatnonzero(child).tolist()
    if not children:
        return 0.0, 0.0
    kept = (s[:, pick] > s[:, a] + TIE) & (s[:, children].max(axis=1) >= s[:, pick] - TIE) & ~cov.common[rows]
    others = [int(b) for b in cov.ancestors[pick] if int(b) != a]
    if others:
        kept &= s[:, others].max(axis=1) < s[:, pick] - TIE
    if not kept.any():
        return 0.0, 0.0
    credited = cov.strength.copy()
    credited[rows[kept], a] = cov.strength[rows[kept], pick]
    then = dataclasses.replace(cov, strength=credited)
    gain = scores(then, rows, total, carrier, soft=0.0)[a] - scores(cov, rows, total, carrier, soft=0.0)[a]
    return float(gain), float(then.cover(rows, total)[a] - cov.cover(rows, total)[a])


def _more_of_its_file(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, score: np.ndarray,
                      pick: int, decided_by: str) -> tuple[int, str]:
    """Of the families explaining the file about as well as the pick does (within WHOLE_NEAR of
    its score and of its share held at any strength), the one whose own published file the scan
    holds most of as a copy, WHOLE_MORE more than the pick's: that file explains the scan as a
    whole, where the pick holds its parts as closely (the parts are often in many families'
    files alike).  A declared descendant of the pick is no such rival: its file carries the
    pick's code, so the pick had first whatever the scan holds of it; nor is a tie that lineage,
    names or dates settled reopened (measured by `make eval`)."""
    if decided_by != "cover":
        return pick, decided_by
    held = cov.cover(rows, total)
    near = [j for j in range(score.size) if j != pick and score[j] >= score[pick] - WHOLE_NEAR
            and held[j] >= held[pick] - WHOLE_NEAR and not cov.descends[j, pick]]
    if not near:
        return pick, decided_by
    copied = {j: contains(index, cov, rows, j) for j in [pick, *near]}
    best = max(near, key=lambda j: (copied[j], score[j]))
    if copied[best] < copied[pick] + WHOLE_MORE:
        return pick, decided_by
    return best, "whole"


def _names_where_both(cov: Cover, rows: np.ndarray, total: float, pick: int, a: int) -> bool:
    """The ancestor's names are as close as the pick's on the code both hold as closely: the
    pick's lead in names over the whole scope is mostly its lead in code, which is judged apart."""
    s, lx, w = cov.strength[rows], cov.lexical[rows], cov.weight[rows]
    both = (s[:, a] > 0) & (s[:, a] >= s[:, pick] - TIE)
    return float(w[both] @ lx[both, a]) >= float(w[both] @ lx[both, pick]) - NAMES_TIE * total


def prefer_of(index: EmbeddedIndex, cov: Cover, v: SourceVerdict) -> int:
    """The column of a verdict's source family in the cover (a class prefers its file's), or -1."""
    return _column(index, cov, v.source.family) if v.source is not None else -1


def _column(index: EmbeddedIndex, cov: Cover, key: str) -> int:
    """The column of the family "source:name" in the cover, or -1."""
    keys = index.family_keys
    return next((j for j, f in enumerate(cov.families.tolist()) if keys[f] == key), -1)
