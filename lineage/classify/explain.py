"""Per scanned unit: its listed matches ordered by the source of its file (or class), and
every family that ties for its code.

A copied file matches, unit by unit, many references at the same score (transformers'
modular system copies a parent's code into every child).  Taken one unit at a time, the
best match would scatter across families; the source verdict (classify/source.py) names
the one family that explains the file or class as a whole.  Where that family ties for a
unit's best, its match comes first, so per-unit findings, notices and the file verdict all
name the same source.  The tie list itself is complete: every family holding the unit's
code as closely as the best, however many.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lineage.verdicts import SourceVerdict
from lineage.compact.files import CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import UnitEvidence
from lineage.index.query import QueryOptions, rescore, to_match
from lineage.models import Match
from lineage.scoring import SCORING


@dataclass(frozen=True)
class Ties:
    """Every family holding a unit's code as closely as its best match, earliest first."""

    families: tuple[str, ...]
    lines: int  # distinct model lines among them (a family name across sources counts once)
    earliest: str
    earliest_public: str  # when its code was public where the index holds it (EmbeddedIndex.public)
    earliest_seen: str = ""  # its model's first-seen date


def ties_of(index: EmbeddedIndex, ev: UnitEvidence | None) -> Ties | None:
    if ev is None or ev.family.size == 0:
        return None
    # (earliest by when each family's code was public: an engine's port of an old model is not its
    # origin; then by its model's date: LMDeploy shipped its Llama and DeepSeek ports together)
    rows = index.meta["families"]
    fams = sorted(ev.family[ev.tied()].tolist(), key=index.earliest_order.__getitem__)
    keys = index.family_keys
    names = tuple(keys[f] for f in fams)
    return Ties(names, len({rows[f]["name"] for f in fams}), names[0], index.public[fams[0]],
                str(rows[fams[0]].get("first_seen") or ""))


def scope_source(unit: CompactUnit, verdicts: Mapping[str, SourceVerdict]) -> SourceVerdict | None:
    """The verdict that speaks for a unit: its top-level class's when decided (the class whose
    code it is, for a function or mixin read with a class), else the file's."""
    head = unit.qualname.split(".", 1)[0]
    owner = next((v for v in verdicts.values() if head in v.read_with), None)
    own = owner or (verdicts.get(head) if head != "<file>" else None)
    if own is not None and own.status == "source":
        return own
    return verdicts.get("<file>")


def source_first(index: EmbeddedIndex, unit: CompactUnit, matches: Sequence[Match], ev: UnitEvidence | None,
                 verdict: SourceVerdict | None, opts: QueryOptions) -> tuple[Match, ...]:
    """The unit's matches with the source's own match first when the source ties for the best."""
    if verdict is None or verdict.source is None or ev is None or not matches:
        return tuple(matches)
    family = verdict.source.family
    listed = next((m for m in matches if m.ref.family == family), None)
    tied, keys = ev.tied(), index.family_keys
    rows = [r for r, f in zip(tied.tolist(), ev.family[tied].tolist()) if keys[f] == family]
    if listed is None and not rows:
        return tuple(matches)
    if listed is not None and listed.similarity < matches[0].similarity - SCORING.tie and not rows:
        return tuple(matches)
    if listed is None:
        scored = rescore(index, unit, int(ev.unit[rows[0]]), QueryOptions(min_similarity=0.0, min_containment=0.0))
        if scored is None:
            return tuple(matches)
        listed = to_match(index, unit, scored, opts, rank=0, ties=matches[0].ties)
    return (listed, *(m for m in matches if m is not listed))
