"""Placing a match among the unrelated units of the same pair: only with enough of them."""

from __future__ import annotations

from lineage.workflow.scores import UNRELATED_MIN, place_unit


def test_few_unrelated_units_give_no_percentile_or_p99():
    few = sorted([0.1, 0.2, 0.3])
    assert place_unit(0.9, few) == {"above_unrelated_p99": None}


def test_enough_unrelated_units_place_the_score():
    null = sorted(i / (UNRELATED_MIN * 2) for i in range(UNRELATED_MIN * 2))
    placed = place_unit(0.99, null)
    assert placed["unrelated_percentile"] == 100.0 and placed["above_unrelated_p99"] is True
    low = place_unit(0.25, null)
    assert 20.0 <= low["unrelated_percentile"] <= 30.0 and low["above_unrelated_p99"] is False
