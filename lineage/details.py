"""What each kind of finding says beyond the common fields: one frozen record per kind.

``Finding.details`` holds one of these (or None); a reader narrows it with ``isinstance``, so
asking a notice for its verdict, or a code match for its holder, is a type error rather than
a silent ``None``.  ``to_json`` gives the dict the JSON report has always carried, key for
key and in the same order, so the report schema is unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, TypeAlias


@dataclass(frozen=True)
class Earliest:
    """The family among those holding the same code that was published first."""

    family: str
    first_seen: str | None  # its model's; None when no family's date is known
    public: str | None = None  # when its code was public where the corpus holds it (ordered by this)

    def to_json(self) -> dict[str, Any]:
        return {"family": self.family, "first_seen": self.first_seen, "public": self.public or self.first_seen}


@dataclass(frozen=True)
class CodeMatchDetails:
    """A code-match finding: the unit, the verdict, and every family holding the same code."""

    unit_kind: str
    unit_role: str | None  # the role the unit's own features give, before idiom or boilerplate
    structure: str
    verdict: str
    role_features: tuple[str, ...]
    reference_role: str | None
    equivalent_families: tuple[str, ...]
    equivalents: int
    model_lines: int
    holders: int  # model lines holding the code about as closely as the best match
    earliest: Earliest
    # companies whose models those lines are (0: not known as one company each); code many lines of
    # one maker hold is still that maker's code (classify/codematch.shared_by)
    makers: int = 0
    # other makers' model lines holding most of the code (MODERATE or more) where what the unit holds
    # beyond them is too little to convict: a template a framework writes alike for many models
    # (classify/crowd.Crowd); 0 when not so.  Such code is shared code too (codematch.shared_code)
    template_lines: int = 0
    attribution_explanation: str | None = None  # set once the file's notices are compared
    declared_line: str = ""  # an earlier line the unit declares as its origin (classify/elder.py)
    vendored: str = ""  # whom the reference file credits with the code it vendors (classify/vendored.py)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "unit_kind": self.unit_kind, "unit_role": self.unit_role, "structure": self.structure,
            "verdict": self.verdict, "role_features": list(self.role_features),
            "reference_role": self.reference_role, "equivalent_families": list(self.equivalent_families),
            "equivalents": self.equivalents, "model_lines": self.model_lines, "holders": self.holders,
            "makers": self.makers, "template_lines": self.template_lines, "earliest": self.earliest.to_json(),
        }
        if self.attribution_explanation is not None:
            out["attribution_explanation"] = self.attribution_explanation
        if self.declared_line:
            out["declared_line"] = self.declared_line
        if self.vendored:
            out["vendored"] = self.vendored
        return out


@dataclass(frozen=True)
class Replacement:
    """The holder a file names where the reference's upstream holder stood ("" when none)."""

    holder: str
    org: str


@dataclass(frozen=True)
class Comparison:
    """How a file's notices compare with those of the reference file its code matches."""

    reference_line: int
    reference_path: str
    attribution: str  # the attribution state, as on the finding
    notices: tuple[str, ...]  # the file's own holder statements
    reference_notices: tuple[str, ...]  # the reference file's holder statements
    replaced_by: Replacement | None = None  # set on findings for a missing upstream holder

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "reference_line": self.reference_line, "reference_path": self.reference_path,
            "attribution": self.attribution, "notices": list(self.notices),
            "reference_notices": list(self.reference_notices),
        }
        if self.replaced_by is not None:
            out["replaced_by"] = self.replaced_by.holder
            out["replaced_by_org"] = self.replaced_by.org
        return out


@dataclass(frozen=True)
class NoticeDetails:
    """A notice finding: one copyright holder, the licence terms, and what became of it."""

    holder: str
    org: str
    country: str
    org_kind: str
    statement: str
    licence: str
    obligations: tuple[str, ...]
    restrictions: tuple[str, ...]
    comparison: Comparison | None = None  # None for a stale notice (no reference compared)
    note: str = ""  # "stale or credit" for a foreign notice no matched code explains
    look_through_root: str | None = None  # the declared root judged against (look-through)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "holder": self.holder, "org": self.org, "country": self.country, "org_kind": self.org_kind,
            "statement": self.statement, "licence": self.licence, "obligations": list(self.obligations),
            "restrictions": list(self.restrictions),
        }
        if self.comparison is not None:
            out.update(self.comparison.to_json())
        if self.note:
            out["note"] = self.note
        if self.look_through_root is not None:
            out["look_through_root"] = self.look_through_root
        return out


@dataclass(frozen=True)
class LicenceDetails:
    """A licence finding: the reference's licence terms against what the file declares."""

    org: str
    country: str
    licence: str
    obligations: tuple[str, ...]
    restrictions: tuple[str, ...]
    scanned_licences: tuple[str, ...]
    look_through_root: str | None = None

    def to_json(self) -> dict[str, Any]:
        # holder, org_kind and statement are empty: licence findings shared the notice layout
        out: dict[str, Any] = {
            "holder": "", "org": self.org, "country": self.country, "org_kind": "", "statement": "",
            "licence": self.licence, "obligations": list(self.obligations),
            "restrictions": list(self.restrictions), "scanned_licences": list(self.scanned_licences),
        }
        if self.look_through_root is not None:
            out["look_through_root"] = self.look_through_root
        return out


@dataclass(frozen=True)
class ArchitectureDetails:
    """An architecture finding: the checkpoint interface a file implements, and how surely."""

    architecture: str
    org: str
    country: str
    licence: str
    score: float
    threshold: float
    runner_up: str
    runner_up_score: float
    compared_with: str
    distinguishing_keys: tuple[str, ...]
    shared_keys: int
    known_keys: int
    classes: tuple[str, ...]
    code_copied_lines: int

    def to_json(self) -> dict[str, Any]:
        return {
            "architecture": self.architecture, "org": self.org, "country": self.country,
            "licence": self.licence, "score": self.score, "threshold": self.threshold,
            "runner_up": self.runner_up, "runner_up_score": self.runner_up_score,
            "compared_with": self.compared_with, "distinguishing_keys": list(self.distinguishing_keys),
            "shared_keys": self.shared_keys, "known_keys": self.known_keys, "classes": list(self.classes),
            "code_copied_lines": self.code_copied_lines,
        }


@dataclass(frozen=True)
class Vestige:
    """One trace of the reference model in a copied unit."""

    line: int
    kind: str  # name | feature | constant
    token: str


@dataclass(frozen=True)
class VestigeDetails:
    """A vestige finding: the traces, and the model line they belong to."""

    vestiges: tuple[Vestige, ...]
    reference_line: str

    def to_json(self) -> dict[str, Any]:
        return {"vestiges": [{"line": v.line, "kind": v.kind, "token": v.token} for v in self.vestiges],
                "reference_line": self.reference_line}


@dataclass(frozen=True)
class Appearance:
    """A commit in which a file's version was seen."""

    commit: str
    date: str  # committer date, UTC, ISO 8601
    author: str


@dataclass(frozen=True)
class NoticeHistoryDetails:
    """A notice-history finding: a holder dropped between two commits."""

    holder: str
    org: str
    change: str  # removed | replaced
    replaced_by: tuple[str, ...]
    present_in: Appearance
    changed_in: Appearance

    def to_json(self) -> dict[str, Any]:
        return {"holder": self.holder, "org": self.org, "change": self.change, "replaced_by": list(self.replaced_by),
                "present_in": asdict(self.present_in), "changed_in": asdict(self.changed_in)}


@dataclass(frozen=True)
class PredatesDetails:
    """A predates-reference finding: the file had the code before the reference was published."""

    first: Appearance
    ref_first_seen: str

    def to_json(self) -> dict[str, Any]:
        return {"first": asdict(self.first), "ref_first_seen": self.ref_first_seen}


FindingDetails: TypeAlias = (CodeMatchDetails | NoticeDetails | LicenceDetails | ArchitectureDetails
                             | VestigeDetails | NoticeHistoryDetails | PredatesDetails)


def look_through(details: FindingDetails | None, root: str) -> FindingDetails | None:
    """Notice or licence details marked as judged against the declared root ``root``."""
    if isinstance(details, NoticeDetails | LicenceDetails):
        return replace(details, look_through_root=root)
    return details


def look_through_root(details: FindingDetails | None) -> str | None:
    """The declared root a notice or licence finding was judged against, if any."""
    return details.look_through_root if isinstance(details, NoticeDetails | LicenceDetails) else None
