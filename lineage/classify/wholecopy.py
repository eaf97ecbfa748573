"""Whether a scanned file is one source's file as a whole, apart from how it is said
(classify/fileverdict.py): held at a copy's share and explained well ahead of other makers'
families, or mostly one source's distinctive code."""

from __future__ import annotations

from lineage.classify.codematch import WHOLE_FILE, WHOLE_HELD, WholeFile, whole_shares
from lineage.verdicts import SourceVerdict

EXPLAINED = 0.75  # a source explaining this share of the file explains it (the rest: shared code rated low)
WHOLE_MARGIN = 0.2  # WHOLE_FILE explained, this much more than any other family: the file is a copy of its file
WIDE_LEAD, WIDE_EXPLAINED, WIDE_HELD = 0.3, 0.6, 0.25  # lead over other makers, share explained, its file held


def whole_file(v: SourceVerdict) -> bool:
    """The file is one source's file as a whole, told apart from the families sharing its code by
    what the source holds (not by a tie broken on dates), though no single unit is distinctive:
    the file holds WHOLE_HELD of the source's file as a copy (codematch.whole_shares: a file of two
    helper functions that one source holds holds 2% of that source's file: its units are all the
    evidence there is, and they must convict on their own), and WHOLE_MARGIN of what the source
    explains is more than any other organisation's family explains (a later line of the same
    maker holding most of the file too owes the same maker's notice).  A file that is the
    source's file both ways (explained at WHOLE_FILE, holding WHOLE_FILE of it) is its copy
    whatever else holds most of it: transformers' arcee is llama's file but for its MLP, and a
    verbatim copy of arcee's file is still a copy of that file, owing its notice.  So is a file the
    source explains to WIDE_EXPLAINED, WIDE_LEAD ahead of other makers, holding WIDE_HELD of its file
    (a review's few core classes kept verbatim, and a copy with every nested call split into temporaries)."""
    if v.source is None or v.status != "source" or v.basis == "fragments" \
            or v.decided_by not in ("cover", "ancestor", "names", "whole", "composed"):
        return False
    # (shares of the code the source was weighed over: a copy beside code no family holds, classify/filescope.py)
    score, held = v.source.score / v.weighed, v.source.contains
    if score >= WHOLE_FILE and held >= WHOLE_FILE:
        return True  # the file is that file both ways: whoever else holds most of it too
    lead = (v.margin if v.lead is None else v.lead) / v.weighed  # over other organisations' families
    if whole_shares(score, held) and lead >= WHOLE_MARGIN * min(1.0, score / WHOLE_FILE):
        return True
    return held >= WIDE_HELD and score >= WIDE_EXPLAINED and lead >= WIDE_LEAD


def explained_copy(v: SourceVerdict | None) -> bool:
    """Most of the file is one source's distinctive code (EXPLAINED of it, WHOLE_MARGIN more than any other
    organisation's family), though under WHOLE_HELD of the source's file (a VLM's vision tower taken out)."""
    if v is None or v.source is None or v.status != "source" or v.basis != "distinctive":
        return False
    return v.source.score >= EXPLAINED and (v.margin if v.lead is None else v.lead) >= WHOLE_MARGIN


def whole_copy(v: SourceVerdict | None) -> WholeFile | None:
    """The source whose file the scanned file is a copy of as a whole, if it is one."""
    if v is None or v.source is None or not whole_file(v):
        return None
    return WholeFile(v.source.family, v.source.path, v.source.score, v.margin if v.lead is None else v.lead,
                     v.source.contains, v.together)


def also_copy(v: SourceVerdict | None) -> tuple[WholeFile, ...]:
    """Files the scanned file holds whole beside other code (classify/alsowhole.py): another maker's
    beside its source's, and its source's own when the source explains too little of the file to
    be its whole-file copy."""
    if v is None:
        return ()
    out = []
    if v.also_whole is not None:
        a = v.also_whole
        out.append(WholeFile(a.family, a.path, a.score, 0.0, a.contains, beside="joined"))
    if v.held_whole and v.source is not None and not whole_file(v):
        out.append(WholeFile(v.source.family, v.source.path, v.source.score, 0.0, v.source.contains, beside="other"))
    return tuple(out)
