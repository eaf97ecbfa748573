"""A unit of a copied file whose code an elder line had first (the later line declares it and
carries its attention unchanged) is named as the elder's code, but the notice judged for it is
the later line's, whose file the copy came with: its verdict says whose notice that is ("copy of
wave, ripple's notice replaced"), never "copy of wave, notice replaced", which says the elder's
maker lost a notice the copied file never carried (a stranger's review: a renamed copy of
dots1's file said "copy of qwen3, notice replaced" of qwen3's attention)."""

from __future__ import annotations

import pytest

from lineage.classify.judged import without_notice
from lineage.details import CodeMatchDetails
from lineage.index.embedded import EmbeddedIndex
from tests.classify.test_classify_elder import HEAD, OLD, build, scan
from tests.classify.test_classify_second_source import ROUTER

ACME = "# Copyright 2024 Acme Inc.\n"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return build(tmp_path_factory, "nam", HEAD + OLD, HEAD + OLD.replace("Wave", "Ripple") + ROUTER, 'lineage = ["wave"]')


def verdicts(index: EmbeddedIndex) -> dict[str, tuple[str, str, str]]:
    text = ACME + HEAD + (OLD + ROUTER).replace("Wave", "Acme").replace("Ripple", "Acme")
    result = scan(index, text)
    source = result.summary.files["acme/modeling_acme.py"].source
    assert source is not None and source.source is not None and source.source.family == "nam:ripple", source
    return {f.unit: (f.matches[0].ref.family, str(f.attribution), f.details.verdict) for f in result.findings
            if f.kind == "code-match" and isinstance(f.details, CodeMatchDetails)}


def test_the_elder_s_unit_names_the_notice_of_the_file_it_came_with(index: EmbeddedIndex) -> None:
    found = verdicts(index)
    elder = {u: v for u, (fam, state, v) in found.items() if fam == "nam:wave" and state in ("removed", "replaced")}
    assert elder, found
    for unit, verdict in elder.items():
        assert verdict.endswith("ripple's notice replaced"), (unit, verdict)


def test_the_later_line_s_own_units_say_notice_plainly(index: EmbeddedIndex) -> None:
    found = verdicts(index)
    own = {u: v for u, (fam, state, v) in found.items() if fam == "nam:ripple" and state == "replaced"}
    assert own, found
    for unit, verdict in own.items():
        assert verdict.endswith(", notice replaced") and "'s notice" not in verdict, (unit, verdict)


@pytest.mark.parametrize("verdict", ["copy of wave (Meta, US), notice replaced",
                                     "copy of wave (Meta, US), ripple's notice replaced"])
def test_the_notice_state_comes_off_either_way(verdict: str) -> None:
    assert without_notice(verdict, "replaced") == "copy of wave (Meta, US)"
