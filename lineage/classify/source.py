"""The one reference source that best explains a scanned file (or class) as a whole.

Each unit of the file is credited to one family (classify/credit.py): the family whose
names it kept, else the earliest family holding its code as closely as the best, except
that a family the file demonstrably drew on (it holds code that family had first) is the
conduit for the shared code it also holds.  The source of a scope is the family credited
with most of its code; the runner-up is the next model line and the margin the difference.
Families first seen after the scanned code were removed from the index beforehand (time
travel, `--as-of`), so "earliest" never reaches into the future.

Common code never convicts, but it still says where a file comes from: when the source's
share rests on code that many families hold, the verdict names the lineage group (the
families holding it, the earliest of them, their organisations and countries) and the
scope is "built on shared code", not "copied from".  When the file is itself an indexed
family's code and that family declares parents, the verdict looks through to the root.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from lineage.classify.cover import Cover, cover_of
from lineage.classify.credit import credit, credited, demonstrated, first_holders
from lineage.classify.verdicts import Candidate, LineageGroup, LookThrough, SourceVerdict
from lineage.declared.family import resolve_root
from lineage.index.compact import CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import UnitEvidence

import os as _os
_MODE = _os.environ.get("L_MODE", "credit")
_ELIG = _os.environ.get("L_ELIG", "1") == "1"
_CONTEXT = _os.environ.get("L_CTX", "1") == "1"


def _own_shares(cov: Cover, rows: np.ndarray, total: float) -> np.ndarray:
    s, lx, w = cov.strength[rows], cov.lexical[rows], cov.weight[rows]
    out = np.zeros(cov.families.size)
    for d in range(cov.families.size):
        anc = cov.ancestors[d]
        sd = s[:, d]
        if anc.size == 0:
            own = sd >= 0.8
        else:
            sa = s[:, anc].max(axis=1)
            la = lx[:, anc].max(axis=1)
            own = (sd >= 0.8) & ((sd >= sa + 0.1) | ((sd >= sa - 0.02) & (lx[:, d] >= la + 0.2)))
        out[d] = w[own].sum() / total
    return out


AMBIGUOUS = float(_os.environ.get("L_AMB", "0.01"))  # credits this close (share of the scope) are a tie
NAMES_TIE = float(_os.environ.get("L_NT", "0.02"))  # names this close do not break a tie
COMMON_BASIS = 0.15  # a source whose distinctive share is below this rests on common code
GROUP = 0.8  # families covering this share of the source's cover form its lineage group
LOOK_THROUGH = 0.9  # a file this much covered by one family is that family's published code
LISTED = 8  # candidates built per scope (by credit, then cover): the rest cannot matter


def _ranks(index: EmbeddedIndex, cov: Cover) -> np.ndarray:
    """Column ranks by first-seen date (unknown dates last), then family name: lower is earlier."""
    rows = index.meta["families"]
    keys = [(str(rows[f].get("first_seen") or "9999"), rows[f]["source"], rows[f]["name"])
            for f in cov.families.tolist()]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def _candidate(index: EmbeddedIndex, cov: Cover, j: int, cover: np.ndarray, cred: np.ndarray,
               distinct: np.ndarray, names: np.ndarray) -> Candidate:
    row = index.meta["families"][int(cov.families[j])]
    path = index.meta["files"][int(index.arrays["u_file"][int(cov.best_ref[j])])]["path"]
    return Candidate(f"{row['source']}:{row['name']}", path, row["org"], row["country"],
                     str(row.get("first_seen", "")), float(cover[j]), float(cred[j]), float(distinct[j]),
                     float(names[j]))


def _group(candidates: Sequence[Candidate], source: Candidate) -> LineageGroup:
    members = sorted((c for c in candidates if c.cover >= GROUP * source.cover) if source.cover > 0 else [source],
                     key=lambda c: (c.first_seen or "9999", c.family))
    members = members or [source]
    return LineageGroup(tuple(c.family for c in members), members[0].family,
                        tuple(sorted({c.org for c in members if c.org})),
                        tuple(sorted({c.country for c in members if c.country})))


def verdict(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, rank: np.ndarray,
            conduits: np.ndarray, scope: str, prefer: int = -1) -> SourceVerdict:
    """The source verdict of one scope: the given rows of the file's cover, of `total` code.
    ``prefer`` is the file source's column: a class tied between families goes to it."""
    if rows.size == 0 or total <= 0:
        return SourceVerdict(scope, "none", None, None, 0.0, "", (), "", None)
    s, lx = cov.strength[rows], cov.lexical[rows]
    cover, distinct, names = cov.cover(rows, total), cov.distinctive(rows, total), cov.names(rows, total)
    if _MODE == "sharp":
        best = s.max(axis=1, keepdims=True)
        at_best = (s >= best - 0.02) & (s > 0)
        cred = np.asarray((cov.weight[rows][:, None] * best * at_best).sum(axis=0) / total)
        if _ELIG:
            own = _own_shares(cov, rows, total)
            bad = (own < 0.03) & np.asarray([a.size > 0 for a in cov.ancestors])
            if not bad.all():
                cred = np.where(bad, cred * 0.5, cred)
    else:
        first = first_holders(s, lx, rank)
        holder = credit(s, lx, rank, conduits)
        cred = credited(s, cov.weight[rows], holder, total)
    top_cred = float(cred.max())
    tied = [j for j in range(cov.families.size) if cred[j] >= top_cred - AMBIGUOUS]
    decided_by = "cover"
    if prefer >= 0 and prefer in tied:
        pick, decided_by = prefer, "context"
    else:
        if len(tied) > 1:
            best_names = max(float(names[j]) for j in tied)
            by_names = [j for j in tied if names[j] >= best_names - NAMES_TIE]
            if len(by_names) < len(tied):
                decided_by = "names"
            tied = by_names
        if len(tied) > 1:
            earliest = min(rank[j] for j in tied)
            if decided_by == "cover":
                decided_by = "first-seen"
        pick = min(tied, key=lambda j: rank[j])
    order = [pick] + sorted((j for j in range(cov.families.size) if j != pick),
                            key=lambda j: (-cred[j], -cover[j], rank[j]))
    candidates = [_candidate(index, cov, j, cover, cred, distinct, names) for j in order[:LISTED]]
    source = candidates[0]
    others = [c for c in candidates if c.line != source.line]
    runner_up = others[0] if others else None
    margin = source.credit - (runner_up.credit if runner_up else 0.0)
    status, contenders = "source", ()
    same_day = [c for c in candidates if c.line != source.line and c.credit >= source.credit - AMBIGUOUS
                and abs(c.lexical - source.lexical) < NAMES_TIE and c.first_seen == source.first_seen]
    if same_day and decided_by != "context":
        status, decided_by = "ambiguous", ""
        contenders = tuple(sorted({source.family, *(c.family for c in same_day)}))
    basis = "common" if source.distinctive < COMMON_BASIS else "distinctive"
    return SourceVerdict(scope, status, source, runner_up, margin, decided_by, contenders, basis,
                         _group(candidates, source))


def look_through(index: EmbeddedIndex, cov: Cover, source: Candidate) -> LookThrough | None:
    """When the file is the source family's own code and that family declares parents, its
    declared root (first parent at each step, within the family's source)."""
    if source.cover < LOOK_THROUGH:
        return None
    origin, _, name = source.family.partition(":")
    rows = {f["name"]: (i, f) for i, f in enumerate(index.meta["families"]) if f["source"] == origin}
    chain = resolve_root(name, {n: list(f.get("lineage", [])) for n, (_, f) in rows.items()})
    if len(chain) < 2 or chain[-1] not in rows:
        return None
    row, fam = rows[chain[-1]]
    cols = np.flatnonzero(cov.families == row)
    path = ""
    if cols.size:
        path = index.meta["files"][int(index.arrays["u_file"][int(cov.best_ref[cols[0]])])]["path"]
    return LookThrough(source.family, tuple(f"{origin}:{n}" for n in chain), f"{origin}:{chain[-1]}", path,
                       fam["org"], fam["country"])


def _family_row(index: EmbeddedIndex, key: str) -> int:
    source, _, name = key.partition(":")
    return next(i for i, f in enumerate(index.meta["families"]) if f["source"] == source and f["name"] == name)


def scopes(units: Sequence[CompactUnit]) -> dict[str, list[int]]:
    """Unit positions per scope: "<file>" (every unit but the module body) and each top-level
    class (its own unit, when it has code of its own, and everything defined inside it)."""
    heads = [u.qualname.split(".", 1)[0] for u in units]
    classes = {h for u, h in zip(units, heads) if u.kind == "method" or (u.kind == "class" and u.qualname == h)}
    out: dict[str, list[int]] = {"<file>": []}
    for i, (u, head) in enumerate(zip(units, heads)):
        if u.kind == "module":
            continue
        out["<file>"].append(i)
        if head in classes:
            out.setdefault(head, []).append(i)
    return out


def attribute_file(index: EmbeddedIndex, units: Sequence[CompactUnit],
                   evidence: Mapping[int, UnitEvidence]) -> dict[str, SourceVerdict]:
    """Source verdicts of a file ("<file>") and of each of its top-level classes with evidence.
    Conduits are found over the whole file: a class's shared code is credited in its context."""
    members = scopes(units)
    listed = members["<file>"]
    cov = cover_of(index, [(units[i], evidence.get(i)) for i in listed])
    if cov is None:
        return {"<file>": SourceVerdict("<file>", "none", None, None, 0.0, "", (), "", None)}
    rank = _ranks(index, cov)
    file_total = float(sum(units[i].n_kgrams for i in listed))
    conduits = demonstrated(cov.strength, cov.weight, first_holders(cov.strength, cov.lexical, rank), file_total)
    row_of = {listed[int(p)]: r for r, p in enumerate(cov.positions.tolist())}
    out = {}
    for scope, idxs in members.items():
        rows = np.asarray([row_of[i] for i in idxs if i in row_of], dtype=np.int64)
        total = float(sum(units[i].n_kgrams for i in idxs))
        prefer = -1
        if scope != "<file>" and "<file>" in out and out["<file>"].source is not None and _CONTEXT:
            prefer = int(np.flatnonzero(cov.families == _family_row(index, out["<file>"].source.family))[0])
        v = verdict(index, cov, rows, total, rank, conduits, scope, prefer)
        if scope == "<file>" and v.source is not None:
            v = SourceVerdict(v.scope, v.status, v.source, v.runner_up, v.margin, v.decided_by, v.contenders,
                              v.basis, v.group, look_through(index, cov, v.source))
        if v.status != "none" or scope == "<file>":
            out[scope] = v
    return out
