"""The source verdicts of one file: the file as a whole and each of its top-level classes.

Code of its own added to a copy does not hide the copy.  A stranger's review appended a few
hundred lines of helper functions (never called, matching nothing) to copies of transformers'
qwen3 and mistral files: every share of the file shrank with each line added, and with them the
copy's lead over its declared ancestor and its own additions (the share that keeps a family
from counting half as a mere carrier of its parents' code), until the ancestor was named, or
no family led by enough to call the file a copy of its file, and the copy read as a weak
resemblance (exit 0).  So a file most of whose code no family holds as a copy is first weighed
over the code families hold so: when that reading finds a copy of one source's whole file
(wholecopy.whole_file, on those shares), the copy stands, its shares reported as shares of the
whole file (``SourceVerdict.weighed``).  Otherwise the source is chosen over all of the file, as `make
eval` measured the rules: weighing every file over its held code (its own code counted up to as
much as that) moved knife-edge ties both ways, plain files 90.2% -> 89.3%.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from lineage.classify.carrier import carriers
from lineage.classify.codematch import WHOLE_FILE
from lineage.classify.cover import STRONG, Cover, cover_of
from lineage.classify.wholecopy import whole_file
from lineage.classify.lookthrough import look_through
from lineage.classify.source import prefer_of, ranks, verdict
from lineage.compact.files import CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import UnitEvidence
from lineage.verdicts import SourceVerdict

OWN_MOST = 0.5  # a file whose code no family holds as a copy is more than this share is read over the held code first
VERBATIM = 0.97  # a unit held so is the source's unit as it is (confirm_held: whole_of_held)


def scopes(units: Sequence[CompactUnit], adopted: Mapping[str, str] | None = None) -> dict[str, list[int]]:
    """Unit positions per scope: "<file>" (every unit but the module body) and each top-level
    class (its own unit, when it has code of its own, and everything defined inside it, with
    what it owns outside its body: ``adopted``, top-level name -> class, classify/adopt.py)."""
    adopted = adopted or {}
    heads = [u.qualname.split(".", 1)[0] for u in units]
    classes = {h for u, h in zip(units, heads) if u.kind == "method" or (u.kind == "class" and u.qualname == h)}
    out: dict[str, list[int]] = {"<file>": []}
    for i, (u, head) in enumerate(zip(units, heads)):
        if u.kind == "module":
            continue
        out["<file>"].append(i)
        if head in classes:
            out.setdefault(head, []).append(i)
        if adopted.get(head, head) != head:
            out.setdefault(adopted[head], []).append(i)
    return out


def attribute_file(index: EmbeddedIndex, units: Sequence[CompactUnit], evidence: Mapping[int, UnitEvidence],
                   adopted: Mapping[str, str] | None = None, read_with: SourceVerdict | None = None,
                   weigh_held: bool = True, confirm_held: bool = True) -> dict[str, SourceVerdict]:
    """Source verdicts of a file ("<file>") and of each of its top-level classes with evidence
    (with the code each owns outside its body, ``adopted``: classify/adopt.py).
    Conduits are found over the whole file: a class's shared code is credited in its context.
    ``read_with``: the verdict of the files of its directory read with it as one (classify/together.py),
    which stands for the file's, its classes read in its context.  ``weigh_held``: a copy beside more
    code of its own is weighed over its held code first (whole_of_held); not so for files read together.
    ``confirm_held``: a copy of one source's whole file beside less code of its own is confirmed so."""
    members = scopes(units, adopted)
    listed = members["<file>"]
    cov = cover_of(index, [(units[i], evidence.get(i)) for i in listed])
    if cov is None:
        return {"<file>": SourceVerdict("<file>", "none", None, None, 0.0, "", (), "", None)}
    rank = ranks(index, cov)
    total = float(sum(units[i].n_kgrams for i in listed))
    v, carrier = whole_of_held(index, cov, total, rank, weigh_held, confirm_held)
    if read_with is not None:  # (its source is no mere carrier here: the files read together hold its additions)
        v, carrier = read_with, carrier & (np.arange(carrier.size) != prefer_of(index, cov, read_with))
    elif v.source is not None:
        v = dataclasses.replace(v, look_through=look_through(index, cov, v.source, total, v.runner_up))
        if v.decided_by == "composed":  # (its classes weigh the composition whole too)
            carrier = carrier & (np.arange(carrier.size) != prefer_of(index, cov, v))
    out: dict[str, SourceVerdict] = {"<file>": v}
    row_of = {listed[int(p)]: r for r, p in enumerate(cov.positions.tolist())}
    prefer = prefer_of(index, cov, v)
    for scope, idxs in members.items():
        if scope == "<file>":
            continue
        rows = np.asarray([row_of[i] for i in idxs if i in row_of], dtype=np.int64)
        c = verdict(index, cov, rows, float(sum(units[i].n_kgrams for i in idxs)), rank, carrier, scope, prefer,
                    declarative=all(units[i].kind == "class" for i in idxs))
        if adopted:
            c = dataclasses.replace(c, read_with=tuple(sorted(
                {units[i].qualname.split(".", 1)[0] for i in idxs} & {k for k, s in adopted.items() if s == scope})))
        if c.status != "none":
            out[scope] = c
    return out


def whole_of_held(index: EmbeddedIndex, cov: Cover, total: float, rank: np.ndarray, weigh_held: bool = True,
                  confirm_held: bool = True) -> tuple[SourceVerdict, np.ndarray]:
    """The file's source verdict (of ``total`` code, every row of ``cov`` its), and the families
    its classes count half (carriers): weighed over the code some family holds as a copy (STRONG)
    when that is less than the file's own code (OWN_MOST of it) and so weighed the file is a copy
    of one source's whole file, else over all of the file.  (Read so whenever a file held code of
    its own, transformers' d_fine, a third of it its own, read as a whole copy of rt_detr_v2, and
    its classes, which declare rt_detr, went with it: `make eval`'s distinctive classes 78.4% ->
    78.0%.  Weighed over whatever any family holds at all, a copy padded with small modules of
    one's own, each faintly like some model's, was no copy: a fourth review's qwen3 padded with 40
    such classes, half the file held at any strength, 30% as a copy.)  A file holding its source's
    whole file (WHOLE_FILE of it) beside less code of its own, that reading not a copy, is read over
    its held code too (``confirm_held``); when that names the same source's file and finds it a copy,
    and the source's code in the file is there as it is (_verbatim), the file is one, its classes
    read as over all of the file.  (A fifth review: transformers'
    bitnet, ministral, arcee and smollm3 files, near-clones of llama's and mistral's, verbatim with
    3 to 20 helper functions of one's own added, 8-45% of the file, passed: their source led the
    clones by 0.14-0.17 of the whole file, short of WHOLE_MARGIN, while padded past half they were
    caught.)"""
    strong = np.flatnonzero(cov.strength.max(axis=1) >= STRONG)
    held = float(cov.weight[strong].sum())
    if weigh_held and 0 < held < OWN_MOST * total:
        held_carrier = carriers(index, cov, strong, held)
        on_held = verdict(index, cov, strong, total, rank, held_carrier, "<file>", held=held)
        if whole_file(on_held):
            return on_held, held_carrier
    rows = np.arange(cov.weight.size)
    carrier = carriers(index, cov, rows, total)
    v = verdict(index, cov, rows, total, rank, carrier, "<file>")
    if confirm_held and OWN_MOST * total <= held < total and v.source is not None \
            and v.source.contains >= WHOLE_FILE and not whole_file(v) and _verbatim(index, cov, v):
        # (a copy of the whole file, as it is, with a little code of its own: the same source, read
        # over the held code, decides only whether it is a copy; its classes are read over all of the file)
        on_held = verdict(index, cov, strong, total, rank, carriers(index, cov, strong, held), "<file>", held=held)
        if on_held.source is not None and whole_file(on_held) \
                and (on_held.source.family, on_held.source.path) == (v.source.family, v.source.path):
            return on_held, carrier
    return v, carrier


def _verbatim(index: EmbeddedIndex, cov: Cover, v: SourceVerdict) -> bool:
    """Of the file's code that ``v``'s source holds at all, WHOLE_FILE is held as it is (VERBATIM):
    the rest of the file is code of its own beside a copy, not the source's code changed.
    (transformers' granite, llama's file with scaling multipliers in its layers, read over the code
    arcee, llama's near-clone, holds at a copy's strength, was arcee's whole file, a false copy
    verdict the suite caught: arcee holds 55% of what it holds of granite as it is, the review's
    copies 100%.)"""
    col = prefer_of(index, cov, v)
    if col < 0:
        return False
    of_source = cov.strength[:, col]
    return float(cov.weight[of_source >= VERBATIM].sum()) >= WHOLE_FILE * float(cov.weight[of_source > 0].sum())
