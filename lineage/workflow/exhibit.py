"""The verify exhibit as typed records; ``Exhibit.to_json`` is the reproducible artefact.

What verify computes itself (each matched unit with both sides' lines, the file scores, the
summary) is typed here; the sections it copies from elsewhere (inputs, parameters, background,
scores baseline, notices, vestige findings, weights) are the JSON objects their own producers
already give.  The JSON has sorted keys, so a record's field order does not matter to it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lineage.vocab import any_at_or_above


@dataclass(frozen=True)
class SideLines:
    """One side of an aligned region, with its real source lines."""

    start_line: int
    end_line: int
    lines: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"start_line": self.start_line, "end_line": self.end_line, "lines": list(self.lines)}


@dataclass(frozen=True)
class AlignedRegion:
    suspect: SideLines
    reference: SideLines

    def to_dict(self) -> dict[str, Any]:
        return {"suspect": self.suspect.to_dict(), "reference": self.reference.to_dict()}


@dataclass(frozen=True)
class ReferenceSpan:
    """The reference unit a suspect unit matches."""

    path: str
    unit: str
    start_line: int
    end_line: int

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "unit": self.unit, "start_line": self.start_line, "end_line": self.end_line}


@dataclass(frozen=True)
class AlsoMatch:
    """Another reference unit the suspect unit matches less closely."""

    path: str
    unit: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "unit": self.unit, "similarity": self.similarity}


@dataclass(frozen=True)
class UnitScores:
    """A match's scores and where its similarity stands among the pair's unrelated units."""

    similarity: float
    containment: float
    ref_containment: float
    lexical: float
    rarity: float
    above_unrelated_p99: bool | None  # None: too few unrelated units to have a p99
    unrelated_percentile: float | None = None  # None: too few unrelated units to place it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"similarity": self.similarity, "containment": self.containment,
                               "ref_containment": self.ref_containment, "lexical": self.lexical,
                               "rarity": self.rarity, "above_unrelated_p99": self.above_unrelated_p99}
        if self.unrelated_percentile is not None:
            out["unrelated_percentile"] = self.unrelated_percentile
        return out


@dataclass(frozen=True)
class ExhibitMatch:
    """One matched suspect unit, with the corpus background's word on it."""

    id: str
    path: str
    unit: str
    unit_kind: str | None
    start_line: int
    end_line: int
    role: str | None
    role_features: tuple[str, ...]
    attribution: str | None
    severity: str
    severity_before_corpus: str | None  # set when the corpus background lowered the rating
    corpus: Mapping[str, Any] | None  # model lines holding the same code; None without a background
    verdict: str | None
    explanation: str
    reference: ReferenceSpan
    also_matches: tuple[AlsoMatch, ...]
    scores: UnitScores
    regions: tuple[AlignedRegion, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": self.path, "unit": self.unit, "unit_kind": self.unit_kind,
            "start_line": self.start_line, "end_line": self.end_line, "role": self.role,
            "role_features": list(self.role_features), "attribution": self.attribution,
            "severity": self.severity, "severity_before_corpus": self.severity_before_corpus,
            "corpus": dict(self.corpus) if self.corpus is not None else None, "verdict": self.verdict,
            "explanation": self.explanation, "reference": self.reference.to_dict(),
            "also_matches": [m.to_dict() for m in self.also_matches], "scores": self.scores.to_dict(),
            "regions": [g.to_dict() for g in self.regions],
        }


@dataclass(frozen=True)
class FileScore:
    """A suspect file's score and where it stands against the calibration."""

    path: str
    score: float
    above_unrelated_p99: bool | None  # None without a calibration
    vs_derived_median: float | None = None  # None without a calibration
    # a copy of a reference file as a whole: its own rating (each unit alone may be common code)
    severity: str | None = None
    verdict: str | None = None
    # with a corpus background: the score with the units whose code the corpus shows as shared (or as
    # earlier lines') counted as no match; the calibration places this one (shared code is no evidence)
    beyond_shared: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "score": self.score, "above_unrelated_p99": self.above_unrelated_p99}
        if self.vs_derived_median is not None:
            out["vs_derived_median"] = self.vs_derived_median
        if self.beyond_shared is not None:
            out["score_beyond_shared"] = self.beyond_shared
            # which of the two the calibration placed: the full score for a copy of a file as a whole
            out["placed"] = "score" if self.severity else "score_beyond_shared"
        if self.severity is not None:
            out["severity"], out["verdict"] = self.severity, self.verdict
        return out


@dataclass(frozen=True)
class ExhibitSummary:
    """The exhibit in numbers, and one statement a reader can quote."""

    suspect_files: int
    suspect_units: int
    reference_files: int
    reference_units: int
    matched_units: int  # matches rated above info (`by_severity` counts every match, info included)
    by_severity: Mapping[str, int]
    by_role: Mapping[str, int]
    units_above_unrelated_p99: int | None  # None: too few unmatched units to place any unit score
    files_above_unrelated_p99: int
    attribution_states: tuple[str, ...]
    statement: str

    def to_dict(self) -> dict[str, Any]:
        return {"suspect_files": self.suspect_files, "suspect_units": self.suspect_units,
                "reference_files": self.reference_files, "reference_units": self.reference_units,
                "matched_units": self.matched_units, "by_severity": dict(self.by_severity),
                "by_role": dict(self.by_role), "units_above_unrelated_p99": self.units_above_unrelated_p99,
                "files_above_unrelated_p99": self.files_above_unrelated_p99,
                "attribution_states": list(self.attribution_states), "statement": self.statement}


@dataclass(frozen=True)
class Exhibit:
    """Everything one verify run found and what it compared."""

    schema_version: int
    kind: str
    tool: Mapping[str, Any]
    parameters: Mapping[str, Any]
    inputs: Mapping[str, Mapping[str, Any]]  # "suspect" and "reference": what a third party needs
    background: Mapping[str, Any] | None  # the corpus index rarity came from; None without one
    warnings: tuple[str, ...]
    scores_baseline: Mapping[str, Any]
    matches: tuple[ExhibitMatch, ...]
    files: tuple[FileScore, ...]
    vestiges: tuple[Mapping[str, Any], ...]  # vestige findings as the JSON report writes them
    notices: Mapping[str, Any]
    summary: ExhibitSummary
    weights: Mapping[str, Any] | None = None  # the checkpoint comparison, when asked for
    # suspect files' imports (or inheritance, or generated-from banners) of the reference's model code
    declared: tuple[Mapping[str, Any], ...] = ()
    # the suspect's date against the reference lines' first-seen dates (chronology.py)
    chronology: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": self.schema_version, "kind": self.kind, "tool": self.tool,
            "parameters": self.parameters, "inputs": self.inputs, "background": self.background,
            "warnings": list(self.warnings), "scores_baseline": self.scores_baseline,
            "matches": [m.to_dict() for m in self.matches], "files": [f.to_dict() for f in self.files],
            "vestiges": list(self.vestiges), "notices": self.notices, "summary": self.summary.to_dict(),
            "declared": list(self.declared), "chronology": self.chronology,
        }
        if self.weights is not None:
            out["weights"] = self.weights
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def failing(self, fail_on: str) -> bool:
        """A match or file at or above ``fail_on``, or a suspect or reference file not compared at
        all, or a reference side with nothing to compare against, or a suspect side's Python files
        with nothing to compare: as for a scan, a clean exit must mean the pair was compared and
        every file of it read."""
        if self.inputs.get("suspect", {}).get("not_compared") or self.inputs.get("reference", {}).get("not_compared"):
            return True
        if self.summary.reference_units == 0:  # no Python, or no unit, on the reference side: nothing compared
            return True
        if self.summary.suspect_files and self.summary.suspect_units == 0:  # Python files without a unit: the same
            return True
        return any_at_or_above([*(m.severity for m in self.matches), *(f.severity for f in self.files if f.severity),
                                *(str(v.get("severity")) for v in self.vestiges if v.get("severity"))], fail_on)
