"""The scan summary as typed records: totals per family, role, country, severity and attribution,
the core-architecture share, infrastructure, one verdict row per file, architecture claims.

Built by ``lineage.classify.summary.summarise``; ``Summary.to_json`` gives the report's
``summary`` object key for key and in the same order as it has always been written.
A summary built with no arguments is the summary of a scan that found nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lineage.verdicts import SourceVerdict


@dataclass(frozen=True)
class Totals:
    """Findings and distinct scanned lines of one group."""

    findings: int
    lines: int

    def to_json(self) -> dict[str, Any]:
        return {"findings": self.findings, "lines": self.lines}


@dataclass(frozen=True)
class FamilyTotals:
    """Totals of one reference family, with who made it and its lines per role."""

    findings: int
    lines: int
    org: str = ""
    country: str = ""
    licence: str = ""
    lines_by_role: Mapping[str, int] = field(default_factory=dict)
    evidence_lines: int = 0  # lines of its findings above info: what a reader weighs a family by

    def to_json(self) -> dict[str, Any]:
        return {"findings": self.findings, "lines": self.lines, "org": self.org, "country": self.country,
                "licence": self.licence, "lines_by_role": dict(self.lines_by_role),
                "evidence_lines": self.evidence_lines}


@dataclass(frozen=True)
class CoreArchitecture:
    """How much of the scanned core architecture matches indexed families, and how much beyond idioms."""

    lines_total: int = 0
    lines_matching_indexed_families: int = 0
    lines_distinctive_copy: int = 0
    share: float = 0.0
    share_distinctive: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"lines_total": self.lines_total,
                "lines_matching_indexed_families": self.lines_matching_indexed_families,
                "lines_distinctive_copy": self.lines_distinctive_copy, "share": self.share,
                "share_distinctive": self.share_distinctive}


@dataclass(frozen=True)
class Infrastructure:
    """Code matches whose unit is training or serving infrastructure, apart from the lineage totals."""

    findings: int = 0
    lines: int = 0
    note: str = ""
    by_family: Mapping[str, Totals] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"findings": self.findings, "lines": self.lines, "note": self.note,
                "by_family": {k: v.to_json() for k, v in self.by_family.items()}}


@dataclass(frozen=True)
class Use:
    """One import (or base class) of an indexed model line's code (declared/uses.py finds them)."""

    family: str  # the model line, e.g. "qwen2_5_vl"
    name: str  # what is imported or subclassed, e.g. "Qwen2_5_VisionTransformerPretrainedModel"
    line: int  # where, in the file that declares it
    kind: str  # modular-import | base-class
    via: str = ""  # the modular file a generated file's use is declared in, or ""

    def to_json(self) -> dict[str, object]:
        return {"family": self.family, "name": self.name, "line": self.line, "kind": self.kind, "via": self.via}


@dataclass(frozen=True)
class FileVerdict:
    """The verdict row of one scanned file."""

    verdict: str
    origin: str = ""
    root_notice: tuple[str, ...] = ()  # what became of the declared root's notice (look-through)
    source: SourceVerdict | None = None  # the verdict for the whole file
    classes: Mapping[str, SourceVerdict] = field(default_factory=dict)
    lines_by_role: Mapping[str, int] = field(default_factory=dict)
    families: Mapping[str, int] = field(default_factory=dict)
    attribution: tuple[str, ...] = ()
    uses: tuple[Use, ...] = ()  # indexed model lines' code the file imports (declared reuse, no copy)

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "origin": self.origin, "root_notice": list(self.root_notice),
                "source": self.source.to_dict() if self.source is not None else None,
                "classes": {k: c.to_dict() for k, c in self.classes.items()},
                "lines_by_role": dict(self.lines_by_role), "families": dict(self.families),
                "attribution": list(self.attribution), "uses": [u.to_json() for u in self.uses]}


@dataclass(frozen=True)
class ArchitectureClaim:
    """What a file implements, apart from where its code came from."""

    architecture: str
    score: float
    statement: str

    def to_json(self) -> dict[str, Any]:
        return {"architecture": self.architecture, "score": self.score, "statement": self.statement}


@dataclass(frozen=True)
class Summary:
    """Repository totals of one scan; formatters read it, never recompute it."""

    by_family: Mapping[str, FamilyTotals] = field(default_factory=dict)
    by_role: Mapping[str, Totals] = field(default_factory=dict)
    by_country: Mapping[str, Totals] = field(default_factory=dict)
    by_attribution: Mapping[str, Totals] = field(default_factory=dict)
    by_severity: Mapping[str, int] = field(default_factory=dict)
    core_architecture: CoreArchitecture = CoreArchitecture()
    infrastructure: Infrastructure = Infrastructure()
    files: Mapping[str, FileVerdict] = field(default_factory=dict)
    files_scanned: int = 0
    units_scanned: int = 0
    findings: int = 0
    limits: str = ""
    architectures: Mapping[str, ArchitectureClaim] | None = None  # None (left out) when no file has a claim

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "by_family": {k: v.to_json() for k, v in self.by_family.items()},
            "by_role": {k: v.to_json() for k, v in self.by_role.items()},
            "by_country": {k: v.to_json() for k, v in self.by_country.items()},
            "by_attribution": {k: v.to_json() for k, v in self.by_attribution.items()},
            "by_severity": dict(self.by_severity),
            "core_architecture": self.core_architecture.to_json(),
            "infrastructure": self.infrastructure.to_json(),
            "files": {k: v.to_json() for k, v in self.files.items()},
            "files_scanned": self.files_scanned,
            "units_scanned": self.units_scanned,
            "findings": self.findings,
            "limits": self.limits,
        }
        if self.architectures is not None:
            out["architectures"] = {k: v.to_json() for k, v in self.architectures.items()}
        return out
