"""The scoring cut-offs: one record, and each cut-off decides at exactly its value (a
table per threshold: just below, at).  The values themselves are checked against what
the calibration was measured with."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from lineage.classify.codematch import describe, is_common, role_of, severity, strength, too_small, worth_reporting
from lineage.config import Config
from lineage.compact.files import CompactUnit
from lineage.index.evidence import same_code
from lineage.index.query import QueryOptions
from lineage.models import Match, RefUnit
from lineage.report.jsonfmt import report_dict
from tests.report.conftest import build_result
from lineage.scoring import SCORING

S = SCORING
BELOW = 1e-9
REF = RefUnit("vllm:glm4_moe", "Zhipu AI", "CN", "Apache-2.0", "vllm==0.33.0", "glm4_moe.py", "Glm4MoeMLP", 1, 9)


def match(similarity: float = 0.95, containment: float = 0.95, ref_containment: float = 0.85,
          lexical: float = 0.9, rarity: float = 0.9, shared: int = 100) -> Match:
    """(the reference held below codematch.HELD_WHOLE: the cut-offs of a copy, not of one extended,
    tests/classify/test_classify_extended.py)"""
    return Match(REF, similarity, containment, ref_containment, lexical, rarity, (), shared)


def test_the_values_the_calibration_was_measured_with() -> None:
    assert dataclasses.asdict(S) == {
        "top": 5, "min_similarity": 0.3, "min_containment": 0.6, "report_similarity": 0.5,
        "report_containment": 0.8, "report_ref_containment": 0.3, "containment_slack": 0.2, "strong": 0.8,
        "moderate": 0.6, "tie": 0.02, "hold": 0.5, "same": 0.1, "common_rarity": 0.25, "high_rarity": 0.4,
        "medium_rarity": 0.3, "min_evidence": 16, "min_strong_evidence": 24, "nameless_evidence": 60,
        "min_lexical": 0.1, "names_kept": 0.6, "names_partly_changed": 0.25, "shared_by": 5, "info_matches": 3}


def test_settings_and_query_defaults_are_the_record() -> None:
    c, q = Config(), QueryOptions()
    assert (c.min_similarity, c.min_containment, c.report_similarity, c.top) == (
        S.min_similarity, S.min_containment, S.report_similarity, S.top)
    assert (q.min_similarity, q.min_containment, q.top) == (S.min_similarity, S.min_containment, S.top)


@pytest.mark.parametrize(("kwargs", "expected"), [
    # strong copy of core code: every floor met
    ({}, "high"),
    # strength at / below `strong` (with moderate evidence left): medium / medium
    ({"similarity": S.strong, "containment": S.strong}, "high"),
    ({"similarity": S.strong - 0.01, "containment": S.strong - 0.01}, "medium"),
    # rarity for high
    ({"rarity": S.high_rarity}, "high"),
    ({"rarity": S.high_rarity - 0.01}, "medium"),
    # rarity for medium
    ({"rarity": S.medium_rarity}, "medium"),
    ({"rarity": S.medium_rarity - 0.01}, "low"),
    # moderate strength
    ({"similarity": S.moderate, "containment": S.moderate}, "medium"),
    ({"similarity": S.moderate - 0.01, "containment": S.moderate - 0.01}, "low"),
    # evidence floors: a copy of a routine of a few statements is a copy, but high needs more code
    ({"shared": S.min_strong_evidence * 3 // 2}, "high"),
    ({"shared": S.min_strong_evidence * 3 // 2 - 1}, "medium"),
    ({"shared": S.min_strong_evidence}, "medium"),
    ({"shared": S.min_strong_evidence - 1}, "low"),
    ({"shared": S.min_evidence - 1}, "info"),
    # shared names, or enough structure without them
    ({"lexical": S.min_lexical}, "high"),
    ({"lexical": S.min_lexical - 0.01, "shared": S.nameless_evidence - 1}, "low"),
    ({"lexical": 0.0, "shared": S.nameless_evidence}, "high"),
])
def test_severity_of_core_code_at_each_cut_off(kwargs: dict[str, float], expected: str) -> None:
    assert severity("core-architecture", match(**kwargs)) == expected


def test_a_short_routine_lifted_by_its_notice_is_said_as_a_copy() -> None:
    """Too few fingerprints to rate it above low on its own, but copied with its names (a file
    that removed the upstream notice lifts it to medium): the verdict sentence calls it a copy,
    never "too few to show a copy" beside a medium severity."""
    from lineage.classify.codematch import verdict

    short = match(shared=S.min_strong_evidence - 3, lexical=1.0)
    assert "too few to show a copy on their own" in verdict("core-architecture", short)
    lifted = verdict("core-architecture", short, lifted=True)
    assert lifted.startswith("core-architecture copy of ") and "too few" not in lifted
    assert f"{S.min_strong_evidence - 3} shared fingerprints, names kept" in lifted


def test_severity_by_role() -> None:
    assert severity(None, match()) == "medium"  # unclassified: never high
    assert severity("inference-glue", match()) == "low"
    assert severity("common-idiom", match()) == severity("boilerplate", match()) == "info"


def test_strength_caps_containment_at_the_slack() -> None:
    assert strength(match(similarity=0.1, containment=0.9, ref_containment=0.5)) == pytest.approx(0.5 + S.containment_slack)
    assert strength(match(similarity=0.1, containment=0.6, ref_containment=0.5)) == 0.6
    assert strength(match(similarity=0.7, containment=0.6, ref_containment=0.0)) == 0.7


def test_common_idiom_and_too_small() -> None:
    assert is_common(match(rarity=S.common_rarity * 0.95 - BELOW))
    assert not is_common(match(rarity=S.common_rarity * 0.95))
    assert too_small(match(shared=S.min_evidence - 1)) and not too_small(match(shared=S.min_evidence))


def test_reporting_threshold_and_the_containment_route() -> None:
    t = S.report_similarity
    assert worth_reporting(match(similarity=t, containment=0.0), t)
    assert not worth_reporting(match(similarity=t - 0.01, containment=0.0), t)
    low = t - 0.1
    assert worth_reporting(match(similarity=low, containment=S.report_containment,
                                 ref_containment=S.report_ref_containment), t)
    assert not worth_reporting(match(similarity=low, containment=S.report_containment - 0.01,
                                     ref_containment=S.report_ref_containment), t)
    assert not worth_reporting(match(similarity=low, containment=S.report_containment,
                                     ref_containment=S.report_ref_containment - 0.01), t)


@pytest.mark.parametrize(("lexical", "words"), [
    (S.names_kept, "names kept"), (S.names_kept - 0.01, "names partly changed"),
    (S.names_partly_changed, "names partly changed"), (S.names_partly_changed - 0.01, "names differ"),
])
def test_lexical_bands_in_the_explanation(lexical: float, words: str) -> None:
    assert f"({words})" in describe(match(lexical=lexical))


def test_same_code_strength() -> None:
    assert same_code(1.0) == S.strong
    assert same_code(0.6) == pytest.approx(0.6 - S.same)


def test_role_of_a_common_match_names_the_cut_off() -> None:
    empty = np.zeros(0, dtype=np.uint64)
    unit = CompactUnit("rotate", "function", 1, 9, "s1", 40, (), "core-architecture", ("attention",),
                       empty, empty, empty, empty, empty)
    role, why = role_of(unit, match(rarity=0.01))
    assert role == "common-idiom" and f"< {S.common_rarity} x" in why[0]
    assert role_of(unit, match())[0] == "core-architecture"


def test_json_report_echoes_the_record() -> None:
    doc = report_dict(build_result())  # a hand-built result, no scan
    assert doc["scoring"] == dataclasses.asdict(S)
    assert json.loads(json.dumps(doc))["scoring"]["strong"] == S.strong


@pytest.mark.parametrize(("kwargs", "word"), [
    ({}, "copy of"),
    ({"similarity": S.moderate, "containment": S.moderate}, "partial copy of"),
    # too few shared fingerprints to rate the match above low: a resemblance, whatever its strength
    ({"shared": S.min_strong_evidence - 1}, "resemblance to"),
    ({"shared": S.min_strong_evidence}, "copy of"),
    # names unlike: the nameless floor applies
    ({"lexical": S.min_lexical - 0.01, "shared": S.nameless_evidence - 1}, "resemblance to"),
    ({"lexical": S.min_lexical - 0.01, "shared": S.nameless_evidence}, "copy of"),
])
def test_a_match_too_small_to_rate_above_low_is_called_a_resemblance(kwargs: dict[str, float], word: str) -> None:
    """The verdict calls a match a copy only on the evidence that can rate it above low: two
    `nn.Linear` lines of one's own code that happen to match a reference are no "copy"."""
    from lineage.classify.codematch import verdict

    m = match(**kwargs)
    said = verdict("core-architecture", m)
    assert said.startswith(f"core-architecture {word} glm4_moe (Zhipu AI, CN)"), said
    if word == "resemblance to":
        assert severity("core-architecture", m) == "low" and "too few to show a copy on their own" in said
