"""A copy of one maker's whole file is told apart from other organisations' families: a later
line of the same maker that holds most of the file too (transformers' voxtral_realtime holds 88%
of mistral's file) owes the same maker's notice and is no rival origin."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from lineage.classify.fileverdict import whole_file
from lineage.classify.source import _lead_over_other_orgs
from lineage.verdicts import Candidate, SourceVerdict


def _verdict(margin: float, lead: float | None, score: float = 1.0, contains: float = 0.8) -> SourceVerdict:
    source = Candidate("t:mistral", "t/modeling_mistral.py", "Mistral AI", "FR", "2023-09-27", score, score, 0.0, 1.0,
                       contains)
    later = Candidate("t:voxtral_realtime", "t/modeling_vr.py", "Mistral AI", "FR", "2026-02-01", 0.88, 0.88, 0.0, 0.8)
    return SourceVerdict("<file>", "source", source, later, margin, "cover", (), "common", None, lead=lead)


def test_the_lead_over_other_organisations_decides_a_whole_file_copy() -> None:
    assert not whole_file(_verdict(0.12, None))  # the runner-up alone: too close
    assert whole_file(_verdict(0.12, 0.38))  # the best other organisation's family is far behind
    assert not whole_file(_verdict(0.12, 0.1))


def test_the_lead_skips_the_makers_own_lines_but_not_unlabelled_ones() -> None:
    rows = [{"org": "Mistral AI"}, {"org": "Mistral AI (research)"}, {"org": "Meta"}, {"org": "Unknown"}]
    index = SimpleNamespace(meta={"families": rows})
    score = np.asarray([1.0, 0.88, 0.62, 0.5])
    cov = SimpleNamespace(families=np.arange(4))
    assert abs(_lead_over_other_orgs(index, cov, score, 0) - 0.38) < 1e-9  # mistral over meta
    assert abs(_lead_over_other_orgs(index, cov, score, 3) - (0.5 - 1.0)) < 1e-9  # unlabelled: all rivals
    one = SimpleNamespace(families=np.arange(1))
    assert _lead_over_other_orgs(index, one, score[:1], 0) == 1.0  # no rival at all


def test_a_file_that_is_the_sources_file_both_ways_is_its_copy_whatever_holds_most_of_it_too() -> None:
    """transformers' arcee is llama's file but for its MLP: a verbatim copy of arcee's file is
    explained 100% by arcee and 97% by llama (another organisation), yet it holds all of arcee's
    file: a copy of that file, whose notice it owes."""
    assert whole_file(_verdict(0.03, 0.03, score=1.0, contains=1.0))
    assert not whole_file(_verdict(0.03, 0.03, score=1.0, contains=0.85))  # holds only part of it
    assert not whole_file(_verdict(0.03, 0.03, score=0.85, contains=1.0))  # explains only part of the file
