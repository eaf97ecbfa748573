"""A second source's whole file inside a file: two models' files joined into one.

A file is judged against one source, the family that explains most of it.  A copier who joins
two models' files into one (LG's exaone4 file followed by Tencent's hunyuan_v1_moe file) had
the second go unsaid: its units, each code that several lines hold, were rated low as shared
code, and the file's verdict named the first maker only (a stranger's review: exaone4's
attention, held whole and exactly, read low; LG's replaced notice went unreported).  Alone, the
same copy reads as exaone4's whole file.

So a file whose source is one family, and which holds another maker's family's file whole and
as closely as any family holds that code (`held_at_best`: a unit held only as a weaker relative
of another line's code holds none of it), holds that second file as a copy too: its units are
part of that copy (classify/codematch.py) and its notice is owed (classify/second_source.py).
The second file must be told apart from every other maker's file the same way: a file of the
common template (llama's, which most decoder files hold most of) is held as closely by several
makers' files, and names none of them; a later clone of the source's own file (a family whose
code the source holds as closely throughout) adds nothing beside it.  A declared ancestor or descendant of the source is no
second source: a file holds its parent's code by descent.
"""

from __future__ import annotations

import numpy as np

from lineage.classify.cover import STRONG, Cover, file_share
from lineage.index.evidence import TIE
from lineage.index.embedded import EmbeddedIndex
from lineage.vocab import UNLABELLED, company

ALSO_HELD = 0.9  # the file holds this share of the second family's file, at best ...
ALSO_GAP = 0.1  # ... this much more than any other maker's file (but the source's and the second's)
ALSO_PART = 0.25  # ... and that code is this share of the scanned file or more ...
ALSO_BEYOND = 0.1  # ... this share of it code the source does not hold as closely (not a later clone of the source)


def held_at_best(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, j: int) -> float:
    """Share of family ``j``'s file that the scope holds at copy strength, through units that
    ``j`` holds as closely as any family does (within TIE)."""
    if cov.refs is None:
        return 0.0
    s = cov.strength[rows]
    best = s.max(axis=1)
    mine = (s[:, j] >= STRONG) & (s[:, j] >= best - TIE)
    return file_share(index, int(index.arrays["u_file"][int(cov.best_ref[j])]), cov.refs[rows, j][mine])


def source_held_whole(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, pick: int) -> bool:
    """Whether the scope holds its source's (column ``pick``) whole file the same way, beside code
    of another source: a vision tower joined to a copy of a language model's file leaves the
    language model explaining half the file, its units each code many lines hold, and its notice
    unjudged (a stranger's review: CLIP's vision classes before transformers' qwen2 file, Alibaba's
    removed notice unsaid, where the qwen2 copy alone read "notice removed").  No other maker's file
    may be held within ALSO_GAP as wholly, but for a later clone of the source's file (arcee's,
    which is llama's but for its MLP, holds nothing of the scope that llama does not)."""
    makers = [company(str(index.meta["families"][int(f)]["org"])) for f in cov.families.tolist()]
    s, w = cov.strength[rows], cov.weight[rows]
    at_best = (s >= STRONG) & (s >= s.max(axis=1, keepdims=True) - TIE)
    part = (w @ at_best) / total
    beyond = (w @ (at_best & ~at_best[:, [pick]])) / total
    if part[pick] < ALSO_PART or makers[pick] in UNLABELLED:
        return False
    held = held_at_best(index, cov, rows, pick)
    return held >= ALSO_HELD and not any(
        held_at_best(index, cov, rows, k) > held - ALSO_GAP for k in np.flatnonzero(part >= ALSO_PART).tolist()
        if k != pick and makers[k] != makers[pick] and beyond[k] >= ALSO_BEYOND)


def also_whole(index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, pick: int) -> int:
    """The column of another maker's family whose whole file the scope holds beside its source's
    (column ``pick``), or -1."""
    makers = [company(str(index.meta["families"][int(f)]["org"])) for f in cov.families.tolist()]
    own = makers[pick]
    related = set(cov.ancestors[pick].tolist()) if pick < len(cov.ancestors) else set()
    related |= {j for j in range(cov.families.size) if j < len(cov.ancestors) and pick in cov.ancestors[j].tolist()}
    s, w = cov.strength[rows], cov.weight[rows]
    at_best = (s >= STRONG) & (s >= s.max(axis=1, keepdims=True) - TIE)
    part = (w @ at_best) / total
    beyond = (w @ (at_best & ~at_best[:, [pick]])) / total
    candidates = np.flatnonzero(part >= ALSO_PART).tolist()
    held = {j: held_at_best(index, cov, rows, j) for j in candidates if j != pick and makers[j] != own
            and makers[j] not in UNLABELLED and j not in related and beyond[j] >= ALSO_BEYOND}
    if not held:
        return -1
    second = max(held, key=lambda j: (held[j], float(part[j]), -j))
    rivals = [held_at_best(index, cov, rows, k) for k in candidates  # (a clone of the source's file is no rival)
              if k != pick and makers[k] not in (own, makers[second]) and beyond[k] >= ALSO_BEYOND]
    if held[second] < ALSO_HELD or any(h > held[second] - ALSO_GAP for h in rivals):
        return -1
    return int(second)
