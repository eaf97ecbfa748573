"""A finding lists its matches by similarity, but the families "holding the same code" tie on
strength of evidence: when the best-listed family is not among them, the explanation and the
text report do not call theirs "the same code" (an honest helper read "partial copy of
deepseek_v4 ... the same code stands in 3 families: mpt, esmfold2, lfm3_vl")."""

from __future__ import annotations

from lineage.classify.codematch import code_finding
from lineage.classify.explain import Ties
from lineage.compact.files import compact
from lineage.fingerprint.params import FingerprintParams
from lineage.models import Match, RefUnit, SourceFile

TEXT = '''
def mix(values, weights, width):
    total = 0.0
    for value, weight in zip(values, weights):
        total = total + value * weight / width
    scaled = [v * total for v in values]
    return sorted(scaled)[: width // 2]
'''


def _finding(best_family: str, context: str = ""):
    unit = next(u for u in compact(SourceFile("m.py", TEXT.encode()), FingerprintParams()).units
                if u.qualname == "mix")
    ref = RefUnit(best_family, "Acme Labs", "US", "MIT", "dir:t", "ref.py", "blend", 1, 7)
    ties = Ties(("t:alpha", "t:beta"), 2, "t:alpha", "2023-05-05", "2023-05-05")
    return code_finding("m.py", unit, [Match(ref, 0.9, 0.9, 0.9, 0.0, 0.5, (), 40)], ties=ties, context=context)


def test_the_tie_families_are_the_same_code_only_when_the_best_match_is_among_them() -> None:
    among = _finding("t:alpha").explanation
    assert "The same code stands in 2 families (2 model lines); earliest: t:alpha (2023-05-05)." in among
    apart = _finding("t:gamma").explanation
    assert "The same code stands in" not in apart
    assert "Holding more of the unit than gamma's closest unit: 2 families (2 model lines)" in apart


def test_a_named_holder_that_is_not_the_earliest_says_why() -> None:
    """Of families holding the same code, the finding names the one its file's source verdict
    names (or the closest in names): when that is not the earliest holder, it says which reason
    applied and who had the code first (a HIGH "copy of mixtral" beside "earliest: nllb_moe" read
    as a contradiction)."""
    by_file = _finding("t:beta", context="the file").explanation
    assert ("t:beta is named as the source of the file as a whole, which holds the same code; "
            "t:alpha had it first.") in by_file
    by_rank = _finding("t:beta").explanation
    assert "t:beta is named as the closest in names and rarity of those holding the same code; t:alpha had it first." \
        in by_rank
    assert "is named as" not in _finding("t:alpha", context="the file").explanation  # the earliest: nothing to say


def test_shared_code_says_how_many_lines_hold_the_same_code_and_what_the_whole_file_is() -> None:
    """"The same code stands in 2 families" and then "7 model lines hold this code about as
    closely" reads as a contradiction unless the second says how many of the 7 hold the same
    code; and a file that is mostly one source's code, holding a quarter of that source's file,
    is that source's code, not "a copy of its file"."""
    from lineage.classify.codematch import WholeFile

    unit = next(u for u in compact(SourceFile("m.py", TEXT.encode()), FingerprintParams()).units
                if u.qualname == "mix")
    ref = RefUnit("t:alpha", "Acme Labs", "US", "MIT", "dir:t", "ref.py", "blend", 1, 7)
    ties = Ties(("t:alpha", "t:beta"), 2, "t:alpha", "2023-05-05", "2023-05-05")
    strong = [Match(ref, 1.0, 1.0, 1.0, 0.9, 0.9, (), 100)]
    low = code_finding("m.py", unit, strong, ties=ties, holders=7)
    assert low.severity == "low"
    assert "7 model lines (2 of them the same code) hold this code about as closely" in low.explanation
    # a low finding's verdict sentence does not call it a copy of one of them (it would be quoted so)
    assert "Verdict: shared " in low.explanation and "not a copy of any one model line" in low.explanation
    assert "Verdict: unclassified copy of" not in low.explanation and low.details is not None
    assert low.details.verdict.startswith("shared ")  # type: ignore[union-attr]
    part = code_finding("m.py", unit, strong, ties=ties, holders=7,
                        whole=WholeFile("t:alpha", "ref.py", 0.95, 0.5, 0.25))
    assert part.severity == "medium"
    assert "the file as a whole is t:alpha's code (ref.py: it explains 95% of the file" in part.explanation
    full = code_finding("m.py", unit, strong, ties=ties, holders=7,
                        whole=WholeFile("t:alpha", "ref.py", 0.95, 0.5, 0.97))
    assert "the file as a whole is a copy of t:alpha's file (ref.py" in full.explanation


def test_code_many_lines_of_one_maker_hold_is_still_that_makers_copy() -> None:
    """Seven model lines holding the code, all of one maker's models: no shared code, the copy
    keeps its rating and says why; lines of two makers, or of makers not known, are shared code."""
    unit = next(u for u in compact(SourceFile("m.py", TEXT.encode()), FingerprintParams()).units
                if u.qualname == "mix")
    ref = RefUnit("t:alpha", "Acme Labs", "US", "MIT", "dir:t", "ref.py", "blend", 1, 7)
    ties = Ties(("t:alpha", "t:beta"), 2, "t:alpha", "2023-05-05", "2023-05-05")
    strong = [Match(ref, 1.0, 1.0, 1.0, 0.9, 0.9, (), 100)]
    one = code_finding("m.py", unit, strong, ties=ties, holders=7, makers=1)
    assert one.severity in ("medium", "high") and "copy of" in one.explanation
    assert ("7 model lines (2 of them the same code) hold this code about as closely, all of them models of one "
            "maker (Acme Labs): code its models share is still Acme Labs's code") in one.explanation
    assert one.details is not None and one.details.to_json()["makers"] == 1
    for makers in (2, 0):
        assert code_finding("m.py", unit, strong, ties=ties, holders=7, makers=makers).severity == "low"


def test_the_explanation_says_where_the_shared_code_is_when_it_lies_outside_the_reference_unit() -> None:
    """A reference unit read with the helper it hands its work to (parse/inline.py) is cited by its
    own lines; the JSON explanation says where the shared code is, as the text report does (a
    stranger's review read ibm-fms' SSM.forward "resembles BambaMixer.forward ... :888-902", a
    15-line dispatcher, the shared code being its torch_forward at 688-884)."""
    from lineage.models import Region

    unit = next(u for u in compact(SourceFile("m.py", TEXT.encode()), FingerprintParams()).units
                if u.qualname == "mix")
    ref = RefUnit("t:alpha", "Acme Labs", "US", "MIT", "dir:t", "ref.py", "blend", 90, 97)
    inside = Match(ref, 0.9, 0.9, 0.9, 0.0, 0.5, (Region(2, 4, 91, 93), Region(5, 7, 94, 96)), 40)
    outside = Match(ref, 0.9, 0.9, 0.9, 0.0, 0.5, (Region(2, 4, 12, 14), Region(5, 7, 30, 33)), 40)
    assert "The shared code stands at" not in code_finding("m.py", unit, [inside]).explanation
    said = code_finding("m.py", unit, [outside]).explanation
    assert "resembles blend in ref.py:90-97 (t:alpha" in said
    assert ". The shared code stands at lines 12-33 of ref.py, in a helper blend calls. Verdict:" in said
