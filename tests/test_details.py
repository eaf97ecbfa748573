"""Per-kind finding details: each record writes the JSON object the report has always carried,
same keys in the same order, optional keys left out exactly when they were."""

from __future__ import annotations

from dataclasses import replace

from lineage.details import (
    Appearance,
    ArchitectureDetails,
    CodeMatchDetails,
    Comparison,
    Earliest,
    LicenceDetails,
    NoticeDetails,
    NoticeHistoryDetails,
    PredatesDetails,
    Replacement,
    Vestige,
    VestigeDetails,
    look_through,
    look_through_root,
)

NOTICE_KEYS = ["holder", "org", "country", "org_kind", "statement", "licence", "obligations", "restrictions"]
COMPARED_KEYS = ["reference_line", "reference_path", "attribution", "notices", "reference_notices"]


def _code() -> CodeMatchDetails:
    return CodeMatchDetails("class", "core-architecture", "abc", "core-architecture copy of x", ("f1",), None,
                            ("a:x", "b:x"), 2, 1, 0, Earliest("a:x", None))


def _notice(comparison: Comparison | None = None, note: str = "") -> NoticeDetails:
    return NoticeDetails("Acme Inc", "Acme", "US", "vendor", "Copyright 2025 Acme Inc", "Apache-2.0",
                         ("keep the notice",), (), comparison, note)


def test_code_match_keys_and_the_explanation_added_by_attribution() -> None:
    d = _code()
    assert list(d.to_json()) == ["unit_kind", "unit_role", "structure", "verdict", "role_features",
                                 "reference_role", "equivalent_families", "equivalents", "model_lines",
                                 "holders", "makers", "template_lines", "earliest"]
    assert d.to_json()["earliest"] == {"family": "a:x", "first_seen": None, "public": None}
    assert d.to_json()["equivalent_families"] == ["a:x", "b:x"]  # lists, as json wrote them
    attributed = replace(d, verdict="core-architecture copy of x, notice removed", attribution_explanation="")
    assert list(attributed.to_json())[-1] == "attribution_explanation"  # kept even when empty
    assert list(attributed.to_json())[3] == "verdict"


def test_notice_keys_per_state() -> None:
    retained = _notice(Comparison(3, "ref.py", "retained", ("a",), ("a",)))
    assert list(retained.to_json()) == NOTICE_KEYS + COMPARED_KEYS
    missing = _notice(Comparison(3, "ref.py", "removed", (), ("a",), Replacement("", "")))
    assert list(missing.to_json()) == NOTICE_KEYS + COMPARED_KEYS + ["replaced_by", "replaced_by_org"]
    stale = _notice(note="stale or credit")
    assert list(stale.to_json()) == NOTICE_KEYS + ["note"]
    rooted = look_through(missing, "src:root")
    assert list(rooted.to_json() if rooted else {})[-1] == "look_through_root"
    assert look_through_root(rooted) == "src:root" and look_through_root(missing) is None


def test_licence_keys_keep_the_notice_layout() -> None:
    d = LicenceDetails("Meta", "US", "llama3.1-community", ("o",), ("r",), ("MIT",))
    assert d.to_json() == {"holder": "", "org": "Meta", "country": "US", "org_kind": "", "statement": "",
                           "licence": "llama3.1-community", "obligations": ["o"], "restrictions": ["r"],
                           "scanned_licences": ["MIT"]}
    assert list(d.to_json()) == NOTICE_KEYS + ["scanned_licences"]
    rooted = look_through(d, "src:root")
    assert isinstance(rooted, LicenceDetails) and list(rooted.to_json())[-1] == "look_through_root"
    assert look_through(_code(), "src:root") == _code()  # code matches are never judged by a root


def test_architecture_vestige_and_history_keys() -> None:
    arch = ArchitectureDetails("a:x", "Acme", "US", "MIT", 0.9, 0.75, "b:y", 0.5, "b:y", ("c:k",), 3, 4, ("X",), 0)
    assert list(arch.to_json()) == ["architecture", "org", "country", "licence", "score", "threshold", "runner_up",
                                    "runner_up_score", "compared_with", "distinguishing_keys", "shared_keys",
                                    "known_keys", "classes", "code_copied_lines"]
    vestige = VestigeDetails((Vestige(3, "name", "glm"),), "glm4_moe")
    assert vestige.to_json() == {"vestiges": [{"line": 3, "kind": "name", "token": "glm"}],
                                 "reference_line": "glm4_moe"}
    one, two = Appearance("c1", "2025-01-01T00:00:00Z", "A <a@b>"), Appearance("c2", "2025-02-01T00:00:00Z", "B")
    history = NoticeHistoryDetails("Acme Inc", "Acme", "replaced", ("Other",), one, two)
    assert history.to_json() == {"holder": "Acme Inc", "org": "Acme", "change": "replaced", "replaced_by": ["Other"],
                                 "present_in": {"commit": "c1", "date": "2025-01-01T00:00:00Z", "author": "A <a@b>"},
                                 "changed_in": {"commit": "c2", "date": "2025-02-01T00:00:00Z", "author": "B"}}
    assert PredatesDetails(one, "2025-07-28").to_json() == {
        "first": {"commit": "c1", "date": "2025-01-01T00:00:00Z", "author": "A <a@b>"}, "ref_first_seen": "2025-07-28"}
