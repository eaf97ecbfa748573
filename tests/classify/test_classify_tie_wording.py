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


def _finding(best_family: str):
    unit = next(u for u in compact(SourceFile("m.py", TEXT.encode()), FingerprintParams()).units
                if u.qualname == "mix")
    ref = RefUnit(best_family, "Acme Labs", "US", "MIT", "dir:t", "ref.py", "blend", 1, 7)
    ties = Ties(("t:alpha", "t:beta"), 2, "t:alpha", "2023-05-05")
    return code_finding("m.py", unit, [Match(ref, 0.9, 0.9, 0.9, 0.0, 0.5, (), 40)], ties=ties)


def test_the_tie_families_are_the_same_code_only_when_the_best_match_is_among_them() -> None:
    among = _finding("t:alpha").explanation
    assert "The same code stands in 2 families (2 model lines); earliest: t:alpha (2023-05-05)." in among
    apart = _finding("t:gamma").explanation
    assert "The same code stands in" not in apart
    assert "Holding more of the unit than gamma's closest unit: 2 families (2 model lines)" in apart
