"""Vectorised rescoring gives exactly what one-pair-at-a-time rescoring gives."""

from __future__ import annotations

import numpy as np
import pytest

from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import compact
from lineage.index.query import QueryOptions, _keep_top, rarity_weights, rescore, rescore_many, score_unit
from lineage.models import SourceFile


def _key(s):  # every score, and the shared fingerprints as (scanned, reference) position pairs
    return (s.u, s.similarity, s.containment, s.ref_containment, s.lexical, s.rarity, s.shared, s.first_seen,
            sorted(zip(s.qi.tolist(), s.ri.tolist())))


@pytest.mark.parametrize("opts", [QueryOptions(), QueryOptions(min_similarity=0.0, min_containment=0.0, min_shared=0)])
def test_rescore_many_equals_rescore_on_every_reference_unit(cases, index, opts):
    every = np.arange(index.n_units)
    compared = kept = 0
    for name in ("model", "renamed", "rewrapped", "embedded", "ledger"):
        cf = compact(SourceFile(f"{name}.py", getattr(cases, name).encode()), FingerprintParams())
        for unit in cf.units:
            weights = rarity_weights(index, unit, opts)
            one = [s for u in every if (s := rescore(index, unit, int(u), opts, weights)) is not None]
            many = rescore_many(index, unit, every, opts, weights)
            assert [_key(s) for s in many] == [_key(s) for s in one], unit.qualname
            for top in (opts.top, 1, 0) if many else ():
                pruned = rescore_many(index, unit, every, opts, weights, top=top)
                assert [_key(s) for s in _keep_top(pruned, top)] == [_key(s) for s in _keep_top(one, top)]
                # ranked before any pair is made: the same pairs, and the count of those tied with the first
                ranked, _, ties, _ = score_unit(index, unit, every, opts, weights, top=top, kept=top)
                best = _keep_top(list(one), top)
                assert [_key(s) for s in ranked] == [_key(s) for s in best]
                assert ties == sum(s.similarity == best[0].similarity for s in one)
                kept += len(pruned) if top == 1 else 0
            compared += len(one)
    assert compared > 50  # the comparison covered real matches, not just empty lists
    if opts.min_similarity == 0.0:
        assert kept < compared  # and the pruning really left candidates out


def test_rescore_many_of_no_candidates_is_empty(cases, index):
    cf = compact(SourceFile("m.py", cases.model.encode()), FingerprintParams())
    assert rescore_many(index, cf.units[0], np.array([], dtype=np.int64), QueryOptions()) == []


def test_scores_are_rounded_as_python_rounds_them() -> None:
    """Scores rank and tie on their rounding to 4 places: the array rounding gives Python's
    floats, ratios of small counts and values on half a step included."""
    from lineage.index.overlap import rounded

    rng = np.random.default_rng(11)
    ratios = np.asarray([a / b for b in range(1, 300) for a in range(b + 1)])
    halves = np.asarray([k / 1e4 + 5e-5 for k in range(10_000)] + [k / 20_000 for k in range(20_001)])
    for values in (ratios, halves, rng.random(50_000), rng.random(50_000) * 7, np.zeros(0)):
        assert rounded(values) == [round(v, 4) for v in values.tolist()]


def test_rarity_weights_of_many_units_are_each_units(cases, index):
    from lineage.index.query import rarity_weights_of

    cf = compact(SourceFile("m.py", cases.model.encode()), FingerprintParams())
    opts = QueryOptions()
    many = rarity_weights_of(index, cf.units, opts)
    assert len(many) == len(cf.units) > 1 and rarity_weights_of(index, [], opts) == []
    for unit, weights in zip(cf.units, many):
        assert weights.tolist() == rarity_weights(index, unit, opts).tolist()
