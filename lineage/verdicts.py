"""What a source verdict says: the source, the runner-up, the lineage group, the look-through.

Plain frozen records, built complete by classify/source.py and read by the file verdict,
the reports and the evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lineage.vocab import model_line


@dataclass(frozen=True)
class Candidate:
    """One reference family as an explanation of the scope."""

    family: str  # "transformers:glm4_moe"
    path: str  # the family's reference file that covers most
    org: str
    country: str
    first_seen: str
    cover: float  # share of the scope's code the family holds (strength-weighted; ties count for all)
    score: float  # share it holds as closely as the best holder does (halved for a mere carrier)
    distinctive: float  # share held strongly by the family and by fewer than COMMON_LINES model lines
    lexical: float  # share weighted by name similarity
    contains: float = 0.0  # share of its reference file the scope holds as a copy (the file's source only)

    @property
    def line(self) -> str:
        return model_line(self.family)

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "path": self.path, "org": self.org, "country": self.country,
                "first_seen": self.first_seen or None, "cover": round(self.cover, 3), "score": round(self.score, 3),
                "distinctive": round(self.distinctive, 3), "lexical": round(self.lexical, 3),
                "contains": round(self.contains, 3)}


@dataclass(frozen=True)
class LineageGroup:
    """Families holding the same code as the source: where shared code comes from."""

    families: tuple[str, ...]  # earliest first
    earliest: str
    orgs: tuple[str, ...]
    countries: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"size": len(self.families), "earliest": self.earliest, "families": list(self.families),
                "orgs": list(self.orgs), "countries": list(self.countries)}


@dataclass(frozen=True)
class LookThrough:
    """The scope is (near-)identical to an indexed family that itself declares lineage."""

    family: str  # the indexed family the scanned code is
    chain: tuple[str, ...]  # declared parents followed from it to the root (first parent each step)
    root: str  # "source:name" of the declared root
    root_path: str  # the root's reference file that holds most of the scope ("" when none does)
    root_org: str
    root_country: str

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "chain": list(self.chain), "root": self.root,
                "root_path": self.root_path or None, "root_org": self.root_org, "root_country": self.root_country}


@dataclass(frozen=True)
class SourceVerdict:
    """Which one source explains the scope, how clearly, and on what kind of code."""

    scope: str  # "<file>" or a class name
    status: str  # source | ambiguous | none
    source: Candidate | None
    runner_up: Candidate | None
    margin: float  # score of the source minus that of the best other model line
    decided_by: str  # cover | names | lineage (a tie: the declared ancestor) | first-seen | ancestor (a
    # descendant leading by little) | context (a class: the file's source) | whole (a file: the
    # family, explaining about as much, whose own file it holds most of) | composed (a file: a
    # carrier's composition of its parents, weighed whole: classify/carrier.py) | distinctive (a file:
    # a family close behind holding twice the distinctive code: classify/source.py) | "" (ambiguous)
    contenders: tuple[str, ...]  # families that could not be told apart (ambiguous)
    basis: str  # distinctive | common | fragments (no unit held enough to be judged: pipeline/match.py) | ""
    group: LineageGroup | None
    look_through: LookThrough | None = None
    # the source's score minus the best of another organisation's families (the file scope only;
    # None elsewhere): a later line of the same maker holding most of the file is no rival origin
    lead: float | None = None
    # a class scope: top-level definitions read with the class, its code outside its body (a
    # function only it calls with its instance, a mixin only it uses: classify/adopt.py)
    read_with: tuple[str, ...] = ()
    # the share of the scope's code its source was weighed over: all of it (1.0), or for a file that is
    # a copy of one source's whole file beside code no family holds, that held code (classify/filescope.py)
    weighed: float = 1.0
    # the file scope: the files of its directory read with it as one file, together a copy of the source's
    # whole file, split one definition or more per file (classify/together.py); () when read alone
    together: tuple[str, ...] = ()
    # the file scope: another maker's family whose whole file the file holds beside its source's (two
    # models' files joined into one: classify/alsowhole.py), its `contains` that share; None when none
    also_whole: Candidate | None = None
    # the file scope: the source's whole file held the same way beside code of another source, though
    # the source explains too little of the file to be its whole-file copy (classify/alsowhole.py)
    held_whole: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "status": self.status, "read_with": list(self.read_with),
                "look_through": self.look_through.to_dict() if self.look_through else None,
                "source": self.source.to_dict() if self.source else None,
                "runner_up": self.runner_up.to_dict() if self.runner_up else None,
                "margin": round(self.margin, 3),
                "lead_over_other_orgs": None if self.lead is None else round(self.lead, 3),
                "weighed_over": round(self.weighed, 3), "read_together": list(self.together),
                "decided_by": self.decided_by or None,
                "contenders": list(self.contenders), "basis": self.basis or None,
                "group": self.group.to_dict() if self.group else None,
                **({"also_whole": self.also_whole.to_dict()} if self.also_whole else {}),
                **({"held_whole": True} if self.held_whole else {})}
