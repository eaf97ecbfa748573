"""A second source's whole file inside a file: two models' files joined into one.

A file is judged against one source, the family that explains most of it.  A copier who joins
two models' files into one (LG's exaone4 file followed by Tencent's hunyuan_v1_moe file) had
the second go unsaid: its units, each code that several lines hold, were rated low as shared
code, and the file's verdict named the first maker only (a stranger's review: exaone4's
attention, held whole and exactly, read low; LG's replaced notice went unreported).  Alone, the
same copy reads as exaone4's whole file.

So a file whose source is one family, and which holds another maker's family's file whole and
as closely as any family holds that code (`Holding.held`: a unit held only as a weaker relative
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


class Holding:
    """What a scope holds as closely as any family does, per column, read once for both tests
    below: the makers, the share of the scope each column holds at best (``part``), the share it
    holds at best where the source (column ``pick``) does not (``beyond``), and, as asked, the
    share of each column's file so held (``held``)."""

    def __init__(self, index: EmbeddedIndex, cov: Cover, rows: np.ndarray, total: float, pick: int) -> None:
        self.index, self.cov, self.rows, self.pick = index, cov, rows, pick
        self.makers = [company(str(index.meta["families"][int(f)]["org"])) for f in cov.families.tolist()]
        s, w = cov.strength[rows], cov.weight[rows]
        self.at_best = (s >= STRONG) & (s >= s.max(axis=1, keepdims=True) - TIE)
        self.part = (w @ self.at_best) / total
        self.beyond = (w @ (self.at_best & ~self.at_best[:, [pick]])) / total
        self.candidates = np.flatnonzero(self.part >= ALSO_PART).tolist()
        self._held: dict[int, float] = {}

    def held(self, j: int) -> float:
        """Share of column ``j``'s file that the scope holds at copy strength, through units that
        ``j`` holds as closely as any family does (within TIE)."""
        if j not in self._held:
            cov = self.cov
            self._held[j] = 0.0 if cov.refs is None else file_share(
                self.index, int(self.index.arrays["u_file"][int(cov.best_ref[j])]), cov.refs[self.rows, j][self.at_best[:, j]])
        return self._held[j]

    def rivalled(self, j: int, besides: set[str]) -> bool:
        """Whether another maker's file (not of ``besides``), holding code the source does not (a
        later clone of the source's file is no rival), is held within ALSO_GAP as wholly as ``j``'s."""
        return any(self.held(k) > self.held(j) - ALSO_GAP for k in self.candidates
                   if k != self.pick and self.makers[k] not in besides and self.beyond[k] >= ALSO_BEYOND)


def source_held_whole(h: Holding) -> bool:
    """Whether the scope holds its source's (column ``pick``) whole file the same way, beside code
    of another source: a vision tower joined to a copy of a language model's file leaves the
    language model explaining half the file, its units each code many lines hold, and its notice
    unjudged (a stranger's review: CLIP's vision classes before transformers' qwen2 file, Alibaba's
    removed notice unsaid, where the qwen2 copy alone read "notice removed").  No other maker's file
    may be held within ALSO_GAP as wholly, but for a later clone of the source's file (arcee's,
    which is llama's but for its MLP, holds nothing of the scope that llama does not)."""
    pick = h.pick
    if h.part[pick] < ALSO_PART or h.makers[pick] in UNLABELLED:
        return False
    return h.held(pick) >= ALSO_HELD and not h.rivalled(pick, {h.makers[pick]})


def also_whole(h: Holding) -> int:
    """The column of another maker's family whose whole file the scope holds beside its source's
    (column ``pick``), or -1."""
    pick, makers, descends = h.pick, h.makers, h.cov.descends
    held = {j: h.held(j) for j in h.candidates if j != pick and makers[j] != makers[pick]
            and makers[j] not in UNLABELLED and not (descends[pick, j] or descends[j, pick])
            and h.beyond[j] >= ALSO_BEYOND}
    if not held:
        return -1
    second = max(held, key=lambda j: (held[j], float(h.part[j]), -j))
    if held[second] < ALSO_HELD or h.rivalled(second, {makers[pick], makers[second]}):
        return -1
    return int(second)
