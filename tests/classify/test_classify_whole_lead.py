"""A copy of one maker's whole file is told apart from other organisations' families: a later
line of the same maker that holds most of the file too (transformers' voxtral_realtime holds 88%
of mistral's file) owes the same maker's notice and is no rival origin."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from lineage.classify.wholecopy import whole_file
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


def test_a_file_the_source_explains_far_beyond_other_makers_is_its_copy_holding_a_quarter_of_it() -> None:
    """Under half of the source's file held, a file is still its copy when the source explains most
    of it and no other maker's family comes within WIDE_LEAD: a few core classes kept verbatim
    (glm4_moe's attention, router, experts and MoE: 41% of its file, explained 100%, deepseek_v3
    58%), or a copy whose every nested call was split into temporaries (mixtral: 48% held,
    explained 69%, the next maker's family 29%).  A stranger's review: both read "built on shared
    code" or "weak resemblance", exit 0."""
    from lineage.classify.wholecopy import WIDE_EXPLAINED, WIDE_HELD, WIDE_LEAD

    assert whole_file(_verdict(0.42, 0.42, score=1.0, contains=0.41))
    assert whole_file(_verdict(0.39, 0.39, score=0.69, contains=0.48))
    assert not whole_file(_verdict(0.25, 0.25, score=1.0, contains=0.41))  # another maker's family close by
    assert not whole_file(_verdict(0.42, 0.42, score=1.0, contains=WIDE_HELD - 0.05))  # a few helpers of it
    assert not whole_file(_verdict(0.42, 0.42, score=WIDE_EXPLAINED - 0.05, contains=0.41))  # mostly its own code
    assert whole_file(_verdict(0.0, WIDE_LEAD, score=WIDE_EXPLAINED, contains=WIDE_HELD))  # (the bounds are in)
    import dataclasses

    tied = dataclasses.replace(_verdict(0.42, 0.42, score=1.0, contains=0.41), decided_by="first-seen")
    assert not whole_file(tied)  # a source told apart by a date alone is no file's copy
