"""What a subclass declares by its base classes: what it inherits, and its own overrides of it.

A class built on a base class imported from the matched family (or one of its declared ancestors)
declares reuse of that base (classify/declaring.py).  Not code pasted into its body: a unit of such
a class is declared only when its base's own same-named member holds its code about as closely
as anything does (within SAME of its best match), below copy strength, and the unit holds no
other unit's code beyond what those members have (BEYOND of it).  A stranger's review laundered
whole files by building each copied class on another class imported from the family
(`class Qwen3MoeAttention(Qwen3MoeMLP)` over vLLM's attention, verbatim, notice stripped, read
"reuse declared", exit 0), or DeepSeek's MLA attention on llama's; a second padded each copied
method with its base's same-named method behind a flag, which put both matches under copy strength
and within SAME of each other.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np

from lineage.classify.codematch import STRONG, strength
from lineage.compact.files import CompactFile, CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.overlap import strengths
from lineage.models import Finding, RefUnit
from lineage.scoring import SCORING

SAME = SCORING.same  # a base's member this close to the unit's best match holds it as an override does
BEYOND = SCORING.hold  # ... unless the unit holds this share of another unit's code beyond the members'


class BaseMembers:
    """The index's units against a scan's units: how closely a unit holds the members of given
    names, and how much of another unit's code it holds beyond theirs."""

    def __init__(self, index: EmbeddedIndex, compacted: Sequence[CompactFile]) -> None:
        self.index, self.compacted = index, compacted

    @cached_property
    def units(self) -> dict[tuple[str, str, int], CompactUnit]:
        """The scan's units by path, qualified name and first line (read only when a subclass is judged)."""
        return {(c.path, u.qualname, u.start_line): u for c in self.compacted for u in c.units}

    def strength(self, f: Finding, names: frozenset[str]) -> float | None:
        """How strongly the finding's unit holds the index's units of those names at best (None:
        none of them, or no such unit)."""
        unit, ids = self.units.get((f.path, f.unit, f.start_line)), self._ids(names)
        if unit is None or ids.size == 0 or unit.s_hash.size == 0:
            return None
        r_hash, owner, _ = self.index.gather("s", ids)
        n = np.bincount(owner[np.isin(r_hash, unit.s_hash)], minlength=ids.size).astype(np.float64)
        off = self.index.arrays["s_off"]
        nr, nq = (off[ids + 1] - off[ids]).astype(np.float64), float(unit.s_hash.size)
        union = nq + nr - n
        best = float(strengths(np.divide(n, union, out=np.zeros_like(n), where=union > 0), n / nq,
                               np.divide(n, nr, out=np.zeros_like(n), where=nr > 0)).max())
        return best if best > 0 else None

    def beyond(self, f: Finding, names: frozenset[str]) -> float:
        """The largest share of a matched unit's code (one not of those names) that the finding's
        unit holds outside every indexed version of the named members: code it holds beside what
        it inherits."""
        unit = self.units.get((f.path, f.unit, f.start_line))
        if unit is None or unit.s_hash.size == 0:
            return 0.0
        theirs = self.index.gather("s", self._ids(names))[0]
        own = np.setdiff1d(unit.s_hash, theirs)
        best = 0.0
        for m in f.matches:
            if m.ref.unit in names:
                continue
            ids = self._ref_ids(m.ref)
            if ids.size:
                code = np.unique(self.index.gather("s", ids[:1])[0])
                if code.size:
                    best = max(best, float(np.isin(code, own).sum()) / code.size)
        return best

    def _ids(self, names: frozenset[str]) -> np.ndarray:
        found = _named_units(self.index)
        return np.asarray(sorted(u for name in names for u in found.get(name, ())), dtype=np.int64)

    def _ref_ids(self, ref: RefUnit) -> np.ndarray:
        rows = self.index.family_rows
        fam = rows.get(ref.family, -1)
        starts, family = self.index.arrays["u_start"], self.index.unit_family
        return np.asarray([u for u in _named_units(self.index).get(ref.unit, ())
                           if int(family[u]) == fam and int(starts[u]) == ref.start_line], dtype=np.int64)


def not_inherited(f: Finding, bases: Mapping[str, frozenset[str]], members: BaseMembers | None = None) -> bool:
    """A unit of a class declared by its base classes alone (``bases``: class -> base names) whose
    code is not what the class inherits: it holds its base's own same-named member at copy strength
    (the base's code pasted back), or its best match holds it SAME more closely than that member
    does, or no base has such a member, or it holds BEYOND of another unit's code besides.  The
    member is read among the unit's matches, else from the index by ``members`` (optimum-habana's
    T5 generation override is closest to LongT5's copy of T5's method, five versions of which fill
    the matches listed)."""
    cls, _, name = f.unit.partition(".")
    if cls not in bases or not f.matches:
        return False
    own = frozenset(f"{b}.{name}" if name else b for b in bases[cls])
    inherited = max((strength(m) for m in f.matches if m.ref.unit in own), default=None)
    if inherited is None and members is not None:
        inherited = members.strength(f, own)
    if inherited is None or inherited >= STRONG or inherited < max(strength(m) for m in f.matches) - SAME:
        return True
    return members is not None and members.beyond(f, own) >= BEYOND


@functools.lru_cache(maxsize=4)
def _named_units(index: EmbeddedIndex) -> dict[str, tuple[int, ...]]:
    """Qualified name -> the index's units of that name."""
    out: dict[str, list[int]] = {}
    for u, name in enumerate(index.meta["units"]):
        out.setdefault(str(name), []).append(u)
    return {name: tuple(us) for name, us in out.items()}
