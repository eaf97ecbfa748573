"""The scoring cut-offs, as one frozen record: every threshold that turns scores into
matches, severities and verdicts.

They belong with the calibration (corpora/calibration.toml and the README's accuracy
tables), which were measured with exactly these values: change one, then re-run
`make eval` and benchmarks/calibrate.py.  JSON reports echo the record as "scoring", so a
reader can tell which cut-offs rated each finding.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scoring:
    # query: candidates kept per scanned unit (defaults of the settings of the same names)
    top: int
    min_similarity: float
    min_containment: float
    report_similarity: float  # below this a match is not worth a finding ...
    report_containment: float  # ... unless this much of the unit is found in the reference
    report_ref_containment: float  # ... and it is this much of the reference
    # strength: Jaccard, or containment capped at the reference's own containment plus this slack
    containment_slack: float
    strong: float  # a copy, not a partial copy; a family holding code this closely holds the same code
    moderate: float  # a partial copy that can be rated medium
    tie: float  # similarities or strengths this close to the best count as the same
    hold: float  # a family holds a unit's code at this strength or more ...
    same: float  # ... or within this much of the match's own strength, when that is below strong
    # rarity: the share of a match made of rare (few model lines) evidence
    common_rarity: float  # below this share of the match strength: a common idiom
    high_rarity: float  # needed for a high (core) or medium (unclassified) copy verdict
    medium_rarity: float  # needed for a medium partial copy
    # evidence floors, in shared winnowed fingerprints (about 2.5 tokens each)
    min_evidence: int  # below this a match proves nothing (a two-line super().__init__ call)
    min_strong_evidence: int  # needed for medium or high
    nameless_evidence: int  # enough shared structure to convict without any shared names
    min_lexical: float  # shared names needed below nameless_evidence
    # explanation wording: lexical similarity bands
    names_kept: float
    names_partly_changed: float
    shared_by: int  # code this many model lines hold cannot convict, nor say which one it came from
    info_matches: int  # matches listed in full for a finding that is no evidence

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


SCORING = Scoring(
    top=5, min_similarity=0.3, min_containment=0.6,
    report_similarity=0.5, report_containment=0.8, report_ref_containment=0.3,
    containment_slack=0.2, strong=0.8, moderate=0.6, tie=0.02, hold=0.5, same=0.1,
    common_rarity=0.25, high_rarity=0.4, medium_rarity=0.3,
    min_evidence=16, min_strong_evidence=24, nameless_evidence=60, min_lexical=0.1,
    names_kept=0.6, names_partly_changed=0.25,
    shared_by=5, info_matches=3,
)
