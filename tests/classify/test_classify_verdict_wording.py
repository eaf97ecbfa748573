"""File verdict wording that says no more than the findings show: low inference glue beside
weak code matches is no copy, one maker is named once, and a class the file's source holds
none of is not attributed to it by context (classify/fileverdict.py, classify/source.py)."""

from __future__ import annotations

import dataclasses

import numpy as np

from lineage.classify.cover import Cover
from lineage.classify.fileverdict import file_verdict, reuse_sentence
from lineage.classify.source import verdict
from lineage.details import Comparison, NoticeDetails
from lineage.models import Finding, Match, RefUnit


def _ref(family: str, org: str = "Stability AI", path: str = "vllm/model_executor/models/fam.py") -> RefUnit:
    return RefUnit(family, org, "GB", "Apache-2.0", "vllm==0.33.0", path, "Unit", 1, 20, "2024-01-01")


def _code(unit: str, role: str, severity: str, family: str = "vllm:stablelm", start: int = 1,
          attribution: str | None = None) -> Finding:
    match = Match(_ref(family), 1.0, 1.0, 1.0, 0.9, 0.6, (), shared=40)
    return Finding(f"id-{unit}", "code-match", "m.py", start, start + 9, unit, role, attribution, severity,
                   (match,), "explained")


def test_low_glue_beside_low_code_is_a_weak_resemblance_not_a_copy() -> None:
    """A serving engine's generic weight loader, low, beside low attention code: no copy."""
    evidence = [_code("Attn.forward", "core-architecture", "low", start=1),
                _code("Model.load_weights", "inference-glue", "low", start=30)]
    assert reuse_sentence(evidence, None, 100).startswith("weak resemblance to stablelm")


def test_glue_alone_is_said_as_glue() -> None:
    evidence = [_code("Model.load_weights", "inference-glue", "low", start=30)]
    assert reuse_sentence(evidence, None, 100).startswith("inference-glue copy of stablelm")


def test_glue_too_small_to_show_a_copy_is_no_copy_on_the_file_either() -> None:
    """The file says no more than its units: glue whose own verdict is "too few to show a copy"
    (a stranger's review: a configuration's thirteen `self.x = x` lines, 22 shared fingerprints,
    read "inference-glue copy of olmo3_moe" on the file)."""
    from lineage.classify.codematch import verdict as unit_verdict

    few = dataclasses.replace(_code("Config.__init__", "inference-glue", "low", start=30),
                              matches=(Match(_ref("vllm:stablelm"), 1.0, 1.0, 1.0, 0.9, 0.6, (), shared=22),))
    assert "too few to show a copy" in unit_verdict("inference-glue", few.matches[0])
    said = reuse_sentence([few], None, 100)
    assert said.startswith("weak resemblance to stablelm") and "copy" not in said, said


def _notice(family: str, org: str) -> Finding:
    ref = _ref(family, org)
    comparison = Comparison(1, ref.path, "replaced", ("Copyright 2026 Some Lab",), (f"Copyright {org}",))
    details = NoticeDetails(f"{org}", org, "US", "vendor", f"Copyright {org}", "Apache-2.0", (), (), comparison)
    return Finding(f"n-{family}", "notice", "m.py", 1, 1, "<module>", None, "replaced", "high",
                   (Match(ref, 1.0, 1.0, 1.0, 1.0, 1.0, ()),), "replaced", details)


def test_a_maker_named_as_copied_gets_no_second_clause() -> None:
    """Two sources' files of one model line (one engine's, one framework's) whose notices were
    both replaced: the verdict names that line's maker once."""
    code = _code("alibi_slopes", "core-architecture", "high", family="paddlenlp:gemma", attribution="replaced")
    owed = [_notice("transformers:gemma", "Google"), _notice("paddlenlp:gemma", "Google")]
    said = file_verdict([code], {}, n_lines=100, owed=owed).verdict
    assert said.count("copy of gemma") == 1, said


def test_a_class_the_file_source_holds_none_of_is_not_given_to_it() -> None:
    """A class only a little of which another family holds: the file's source (held at zero) does
    not take it by context."""
    cov = Cover(families=np.asarray([0, 1]), positions=np.asarray([0]), weight=np.asarray([100.0]),
                strength=np.asarray([[0.0, 0.5]]), lexical=np.asarray([[0.0, 0.2]]),
                common=np.asarray([False]), best_ref=np.asarray([0, 1]), ancestors=(np.asarray([], dtype=np.int64),) * 2,
                refs=np.asarray([[-1, 1]]))

    class _Index:  # what `verdict` reads of an index: family rows, file rows, unit files
        family_keys = ["t:source", "t:other"]
        meta = {"families": [{"source": "t", "name": "source", "org": "A", "country": "US", "first_seen": "2024"},
                             {"source": "t", "name": "other", "org": "B", "country": "US", "first_seen": "2024"}],
                "files": [{"path": "source.py"}, {"path": "other.py"}]}
        arrays = {"u_file": np.asarray([0, 1])}

    rank = np.asarray([0, 1])
    carrier = np.zeros(2, dtype=bool)
    v = verdict(_Index(), cov, np.asarray([0]), 1000.0, rank, carrier, "AcmeRunSettings", prefer=0)  # type: ignore[arg-type]
    assert v.decided_by != "context"
    assert v.source is None or v.source.family != "t:source"


def _short(lexical: float) -> Finding:
    """A ten-line function held at a copy's strength on 17 fingerprints: too few for a copy on their own."""
    match = Match(_ref("paddlenlp:gemma", "Google"), 0.59, 0.81, 0.9, lexical, 0.78, (), shared=17)
    return Finding("id-short", "code-match", "m.py", 46, 55, "alibi_slopes", "core-architecture", None, "low",
                   (match,), "explained")


def test_a_short_formula_under_other_names_is_not_lifted_by_a_replaced_notice() -> None:
    """Without its upstream notice, copied code is never below medium; a formula's few fingerprints
    alike under other names (ALiBi slopes written afresh) are no copy, and stay low."""
    from lineage.classify.stated import with_attribution as _with_attribution

    assert _with_attribution(_short(0.12), "replaced", "replaced", "paddlenlp:gemma").severity == "low"
    assert _with_attribution(_short(0.9), "replaced", "replaced", "paddlenlp:gemma").severity == "medium"


def test_a_unit_rated_low_on_its_own_is_not_called_a_copy() -> None:
    """The verdict sentence of a finding is quoted alone: a unit whose code is common (low rare
    evidence) reads "code like that of ...: no evidence of a copy on its own", and the same match rated above low on
    its own, or lifted for a removed notice, reads as the copy it is."""
    from lineage.classify.codematch import severity
    from lineage.classify.codematch import verdict as unit_verdict

    common = Match(_ref("vllm:stablelm"), 1.0, 1.0, 1.0, 0.9, 0.05, (), shared=40)
    assert severity("core-architecture", common) == "low"
    said = unit_verdict("core-architecture", common)
    assert said.startswith("core-architecture code like that of stablelm") and "no evidence of a copy" in said
    assert "rare evidence 0.05" in said and "copy of" not in said
    assert unit_verdict("core-architecture", common, lifted=True) == "core-architecture copy of stablelm (Stability AI, GB)"
    rare = Match(_ref("vllm:stablelm"), 1.0, 1.0, 1.0, 0.9, 0.9, (), shared=40)
    assert severity("core-architecture", rare) == "high"
    assert unit_verdict("core-architecture", rare) == "core-architecture copy of stablelm (Stability AI, GB)"
    assert unit_verdict("inference-glue", common).startswith("inference-glue copy of stablelm")  # glue: its own word


def test_a_group_of_one_is_not_called_code_held_by_one_family() -> None:
    """Common code that one family holds more of than any other (a norm's `__init__` every family
    carries, beside a line of the family's own): "the only line holding this much of it", not
    "shared code ..., held by 1 family", which contradicts the findings' "same code in 269 families"."""
    from lineage.classify.fileverdict import common_sentence
    from lineage.verdicts import Candidate, LineageGroup, SourceVerdict

    source = Candidate("transformers:evolla", "modeling_evolla.py", "Academic", "CN", "2025-01-01",
                       0.35, 0.18, 0.0, 0.1)
    one = SourceVerdict("<file>", "source", source, None, 0.03, "cover", (), "common",
                        LineageGroup(("transformers:evolla",), "transformers:evolla", ("Academic",), ("CN",)))
    said = common_sentence(one)
    assert "code other model lines share, closest to evolla (the only line holding this much of it; CN)" in said
    assert "1 family" not in said and "shared code of the evolla line" not in said
    two = SourceVerdict("<file>", "source", source, None, 0.03, "cover", (), "common",
                        LineageGroup(("transformers:t5", "transformers:evolla"), "transformers:t5", ("A", "B"), ("CN",)))
    assert "held by 2 families (earliest t5; CN)" in common_sentence(two)


def test_a_source_the_findings_do_not_name_is_named_in_the_verdict_too() -> None:
    """The findings name stablelm (low: a weak resemblance) while the file's source verdict names
    orion: the verdict says both, not one answer in the verdict and another in the origin; a source
    the findings name, or fragments too small to judge, add nothing."""
    from lineage.verdicts import Candidate, SourceVerdict

    evidence = [_code("Attn.forward", "core-architecture", "low", start=1)]
    source = Candidate("vllm:orion", "orion.py", "OrionStar", "CN", "2024-01-01", 0.3, 0.3, 0.1, 0.3)
    v = SourceVerdict("<file>", "source", source, None, 0.1, "cover", (), "distinctive", None)
    said = file_verdict(evidence, {"<file>": v}, n_lines=100).verdict
    assert said.startswith("weak resemblance to stablelm") and said.endswith(
        "; the file as a whole is closest to orion (30% of its code)"), said  # (no "its origin": a share)
    named = dataclasses.replace(v, source=dataclasses.replace(source, family="vllm:stablelm"))
    assert "as a whole" not in file_verdict(evidence, {"<file>": named}, n_lines=100).verdict
    fragments = dataclasses.replace(v, basis="fragments")
    assert "as a whole" not in file_verdict(evidence, {"<file>": fragments}, n_lines=100).verdict


def test_a_partial_whole_file_copy_sets_the_two_shares_of_the_scan_side_by_side() -> None:
    """"copy of 61% of the file of mistral ...; runner-up voxtral_realtime explains 73%" read as if the
    runner-up explained more than the source (a stranger's review): 61% is of mistral's file, 73% of
    the scan.  The sentence says what the source explains of the scan beside the runner-up's share."""
    from lineage.classify.fileverdict import _whole_sentence
    from lineage.verdicts import Candidate, SourceVerdict

    source = Candidate("t:mistral", "mistral.py", "Mistral AI", "FR", "2023-09-27", 0.9, 0.84, 0.1, 0.8, 0.61)
    runner = Candidate("t:voxtral", "voxtral.py", "Mistral AI", "FR", "2025-07-01", 0.8, 0.73, 0.1, 0.7)
    v = SourceVerdict("<file>", "source", source, runner, 0.11, "cover", (), "common", None)
    sentence = _whole_sentence(v, ("replaced",))
    assert sentence.startswith("copy of 61% of the file of mistral (Mistral AI, FR)"), sentence
    assert "it explains 84% of the code, runner-up voxtral 73%" in sentence, sentence


def test_an_unjudged_copy_beside_own_or_declared_code_is_said_as_a_copy() -> None:
    """Another maker's code copied (medium) but too small a part of the file for its notices to be
    judged has no attribution; the file's own (or declared) units beside it do not make it own or
    declared (a stranger's review: Qwen2-MoE's sparse block in an IBM package holding IBM's own
    file read "own model code: matches qwen2_moe ...; not a copy")."""
    for state, said in (("own", "own model code"), ("declared", "declared reuse")):
        mine = [_code(f"Own{i}.forward", "core-architecture", "info", family="vllm:granitemoe", start=1 + 10 * i,
                      attribution=state) for i in range(8)]
        alone = reuse_sentence(mine, None, 200)
        assert alone.startswith(said), alone  # (the control: the file's own or declared code alone)
        copied = _code("Block.forward", "core-architecture", "medium", family="vllm:qwen2_moe", start=100)
        with_copy = reuse_sentence([*mine, copied], None, 200)
        assert not with_copy.startswith(said) and "copy of qwen2_moe" in with_copy, with_copy


def test_low_matches_of_a_file_resting_on_common_code_name_its_lineage_group_not_a_maker() -> None:
    """A file whose source rests on code many lines share (basis "common"), its matches all low: the
    verdict names the lineage group that code belongs to, as a file with no finding at all does, not
    "weak resemblance to" one maker's model (a stranger's review: a decoder written from scratch read
    "weak resemblance to deepseek_v4 (DeepSeek, CN)" at a margin of 0.01); nor is that source named
    again as what the file "as a whole is closest to".  A source of distinctive code, or one leading
    clearly, is still named (a copy's units all read low by an obfuscator: its family, not its group's
    earliest line)."""
    from lineage.verdicts import Candidate, LineageGroup, SourceVerdict

    evidence = [_code("Mlp.__init__", "core-architecture", "low", start=1)]
    source = Candidate("vllm:stablelm", "stablelm.py", "Stability AI", "GB", "2024-01-01", 0.06, 0.06, 0.0, 0.06)
    group = LineageGroup(("t:llama", "vllm:stablelm", "t:qwen2"), "t:llama", ("Meta", "Stability AI", "Alibaba"),
                         ("CN", "GB", "US"))
    common = SourceVerdict("<file>", "source", source, None, 0.01, "cover", (), "common", group)
    said = file_verdict(evidence, {"<file>": common}, n_lines=160).verdict
    assert said == ("mostly code of its own; 6% is shared code of the llama line, held by 3 families (earliest llama; "
                    "CN, GB, US): no copy verdict from common code; 10 lines of low-severity code matches only"), said
    distinctive = dataclasses.replace(common, basis="distinctive")
    leading = dataclasses.replace(common, margin=0.2)  # (a clear lead: the family it points at)
    for v in (distinctive, leading):
        assert file_verdict(evidence, {"<file>": v}, n_lines=160).verdict.startswith(
            "weak resemblance to stablelm (Stability AI, GB)")
