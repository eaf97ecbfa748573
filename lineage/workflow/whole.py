"""A suspect file that is a copy of a reference file as a whole: a rating of its own in an exhibit.

Each unit of a copied model file may be code that many model lines share, and so be rated low
at most on its own (background.py); a file whose every unit the reference explains (its file
score at least WHOLE_FILE) is still a copy of that file, as `scan` says too.  The exhibit rates
the file itself as a scan rates the notice of such a copy: high when the copy replaced the
reference's notice, medium when it removed it, low when it kept or declared it (a copy, but
attributed).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from lineage.classify.codematch import WHOLE_FILE, WHOLE_HELD, strength
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import STRONG
from lineage.models import Finding
from lineage.vocab import KIND_CODES
from lineage.workflow.background import Line
from lineage.workflow.exhibit import ExhibitMatch, FileScore

UNATTRIBUTED = ("removed", "replaced")
LICENCE_GAP = "which leaves out the reference's"  # (a whole copy's verdict: licence_gaps)


HELD = WHOLE_HELD  # ... and holding at least this share of the reference file (its functions and classes), as in a scan


def licence_gaps(notices: Mapping[str, Any], licence_of: Callable[[str], str]) -> dict[str, tuple[str, str]]:
    """Per suspect file: (the licences it declares, the reference's licence) when those leave the
    reference's out (notices/licences.licence_conflict), as a scan's licence finding says.  The
    reference's licence is its header's, else that of the indexed line the corpus dates its file
    to (``licence_of``: reference path -> licence, "" unknown): transformers' generated files
    carry none."""
    from lineage.notices.licences import licence_conflict

    out: dict[str, tuple[str, str]] = {}
    for entry in notices.get("attribution", ()):
        s, r = entry["suspect"], entry["reference"]
        mine = notices["suspect"].get(s, {}).get("licences", [])
        theirs = (notices["reference"].get(r, {}).get("licences") or [licence_of(r)])[0]
        if licence_conflict(mine, theirs):
            out.setdefault(s, (", ".join(mine), theirs))
    return out


def dated_licence(corpus: EmbeddedIndex | None, dated: Mapping[str, Line]) -> Callable[[str], str]:
    """Reference path -> the licence of the indexed line the corpus dates that file to ("" none)."""
    rows = {key: str(x.get("licence", "")) for key, x in zip(corpus.family_keys, corpus.meta["families"])} \
        if corpus else {}
    return lambda path: rows.get(dated[path].family, "") if path in dated else ""


def whole_reference(path: str, matches: Sequence[ExhibitMatch], notice_refs: Mapping[str, str]) -> str:
    """The reference file a whole-file copy is judged against: the one its notices were judged
    against, else the one most of its matched units come from."""
    return notice_refs.get(path) or Counter(m.reference.path for m in matches if m.path == path).most_common(1)[0][0]


def rated(files: Sequence[FileScore], matches: Sequence[ExhibitMatch], notice_refs: Mapping[str, str],
          frameworks: Mapping[str, Sequence[str]] | None = None,
          whole: set[str] | None = None, licences: Mapping[str, tuple[str, str]] | None = None,
          judged: Mapping[str, str] | None = None,
          published: Mapping[tuple[str, str], str] | None = None) -> tuple[FileScore, ...]:
    """The files, with a severity and a verdict for each whole-file copy (``whole``: their paths,
    ``is_whole``; None: every file of score WHOLE_FILE); ``frameworks``: per suspect file, the
    framework holders whose notices it did not keep (said, not rated: a framework's notice
    names the publisher, not a model's author); ``licences``: per suspect file, the licences it
    declares and the reference's, which they leave out (licence_gaps): medium at least, as a
    scan's licence finding (a review's verbatim deepseek_v3 under a proprietary notice read low);
    ``judged``: per whole-file copy, the notice state of the file against its reference file, for
    a copy none of whose units states one (every unit's code shared: a stranger's padded copy of
    llama with its header dropped read "its notice was not removed or replaced"); ``published``: per
    (suspect file, reference file), the note of a suspect that is the published file of the line whose
    code the reference holds under another notice (published.py): no notice is judged, and it is said."""
    out = []
    for f in files:
        mine = [m for m in matches if m.path == f.path]
        if f.score < WHOLE_FILE or not mine or (whole is not None and f.path not in whole):
            out.append(f)
            continue
        ref = whole_reference(f.path, mine, notice_refs)
        states = sorted({m.attribution for m in mine if m.attribution}) or [
            state for state in [(judged or {}).get(f.path)] if state]
        # as a scan rates the notice finding of such a copy: removed medium, replaced high
        severity = "high" if "replaced" in states else "medium" if "removed" in states else "low"
        kept = ": no vendor's notice is owed" if states == ["none-needed"] else ": its notice was not removed or replaced"
        dropped = (frameworks or {}).get(f.path, ())
        verdict = (f"copy of the whole reference file {ref} (file score {f.score:.2f})"
                   + (f", notice {'/'.join(states)}" if states else "")
                   + ("" if set(states) & set(UNATTRIBUTED) else kept)
                   + (f"; the framework notice of {', '.join(dropped)} is not kept, though its licence obliges "
                      "keeping notices" if dropped else ""))
        record = (published or {}).get((f.path, ref))
        if record:
            severity, verdict = "low", f"copy of the whole reference file {ref} (file score {f.score:.2f}): {record}"
        gap = (licences or {}).get(f.path)
        if gap is not None:
            severity = "medium" if severity == "low" else severity
            verdict += f"; it declares {gap[0]}, {LICENCE_GAP} {gap[1]}: that licence's terms and notices still bind it"
        out.append(dataclasses.replace(f, severity=severity, verdict=verdict))
    return tuple(out)


def whole_sentence(files: Sequence[FileScore]) -> str:
    """The summary's sentence on whole-file copies ("" when there are none)."""
    whole = [f for f in files if f.severity]
    if not whole:
        return ""
    high = sum(1 for f in whole if f.severity == "high")
    medium = sum(1 for f in whole if f.severity == "medium")
    low = len(whole) - high - medium
    relicensed = sum(1 for f in whole if f.verdict and LICENCE_GAP in f.verdict)  # (medium at least: rated)
    parts = [f"{high} high: notice replaced", f"{medium} medium: removed" + (" or relicensed" if relicensed else "")] \
        + ([f"{low} low: notice kept or none owed"] if low else [])
    return (f"{len(whole)} {'file is a copy' if len(whole) == 1 else 'files are copies'} of a reference file as "
            f"a whole ({'; '.join(parts)}), whatever each unit's rating alone. ")


def is_whole(score: float, held: float) -> bool:
    """A copy of a reference file as a whole: the reference explains WHOLE_FILE of the suspect file
    (its file score) and the suspect holds HELD of the reference file.  A file of one attention
    class that every llama-style reference holds is explained by each of them, and is no copy of
    any one's file.  Stricter than `scan` (codematch.whole_shares, which also takes a file 80%
    explained, padded in every function): a scan asks that the source lead every other
    organisation's family by a fifth, and an exhibit of two files cannot see whether the rest of
    the corpus explains the suspect as well (vLLM's exaone.py against its solar.py, LG's and
    Upstage's adaptations of its llama.py, scores 0.85 and would have read as a high copy)."""
    return score >= WHOLE_FILE and held >= HELD


def held_shares(index: EmbeddedIndex, findings: Sequence[Finding]) -> Callable[[str, str], float]:
    """``share(suspect path, reference path)``: the share of the reference file's functions and
    classes (by k-grams; its module body is not judged) that the suspect file's units hold at a
    copy's strength."""
    u_file, u_nk, u_kind = (index.arrays[k] for k in ("u_file", "u_nk", "u_kind"))
    file_row = {row["path"]: i for i, row in enumerate(index.meta["files"])}
    held: dict[tuple[str, str], set[int]] = {}
    for f in findings:
        for m in f.matches:
            row = index.unit_id(m.ref.family, m.ref.path, m.ref.start_line, m.ref.unit)
            if row is not None and strength(m) >= STRONG:
                held.setdefault((f.path, m.ref.path), set()).add(row)

    def share(suspect: str, reference: str) -> float:
        units = np.flatnonzero((u_file == file_row.get(reference, -1)) & (u_kind != KIND_CODES["module"]))
        total = float(u_nk[units].sum())
        mine = np.intersect1d(units, np.fromiter(held.get((suspect, reference), ()), dtype=np.int64))
        return float(u_nk[mine].sum()) / total if total > 0 else 0.0

    return share


def main_reference(path: str, findings: Sequence[Finding], notice_refs: Mapping[str, str]) -> str:
    """The reference file a suspect file is judged against: its notices' (when judged), else the one
    its matches name most."""
    named = Counter(f.matches[0].ref.path for f in findings if f.path == path and f.matches)
    return notice_refs.get(path) or (named.most_common(1)[0][0] if named else "")
