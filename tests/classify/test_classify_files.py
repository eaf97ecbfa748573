"""Per-file verdicts (issue 5 case 3): original glue beside a copied model file gets its own
verdict; the index holds the vendor's own tool parser, so "no match" is not for lack of one."""

from __future__ import annotations

import pytest

from lineage.models import ScanResult
from tests.classify.conftest import rename, strip_comments, top_level
from tests.fixture_notices import with_notice

COPY = "acme/modeling_acme.py"
PARSER = "acme/tool_parser.py"
RANK = {"info": 0, "low": 1, "medium": 2, "high": 3}


@pytest.fixture(scope="module")
def side_by_side(scan, copies, headers) -> ScanResult:
    return scan({COPY: copies.with_header(copies.full_model, *headers["kept"]), PARSER: copies.parser})


def test_original_parser_has_no_finding_at_or_above_low(side_by_side: ScanResult) -> None:
    mine = [f for f in side_by_side.findings if f.path == PARSER]
    assert not [f for f in mine if RANK[f.severity] >= RANK["low"]], [(f.kind, f.unit, f.severity) for f in mine]
    assert not [f for f in mine if f.kind == "code-match" and f.role not in ("common-idiom", "boilerplate", None)
                and f.severity != "info"]


def test_per_file_verdicts_separate_copy_and_parser(side_by_side: ScanResult) -> None:
    files = {path: row.to_json() for path, row in side_by_side.summary.files.items()}
    assert files[COPY]["verdict"] == "core-architecture copy of glm4_moe (Zhipu AI, CN), notice retained"
    assert files[COPY]["families"] == {"cls:glm4_moe": files[COPY]["families"]["cls:glm4_moe"]}
    parser = files.get(PARSER)
    assert parser is None or parser["verdict"].startswith("no lineage evidence"), parser
    assert "copy" not in (parser or {}).get("verdict", "")


def test_a_copied_vendor_parser_would_be_found(scan, oracle) -> None:
    """Control for the case above: the vendor's parser, renamed and stripped, is inference glue."""
    vendor = with_notice(oracle.ref_dir / "tool_parser_glm4_moe.py")
    text = oracle.rename(oracle.strip(vendor), names={"calls": "found", "block": "chunk", "args": "kw"})
    result = scan({PARSER: text})
    (f,) = [f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeToolParser.extract_tool_calls"]
    assert f.role == "inference-glue"
    assert f.matches[0].ref.path == "glm4_moe/tool_parser_glm4_moe.py"
    assert f.details.verdict.startswith("inference-glue copy of glm4_moe (Zhipu AI, CN)")


def _finding(path: str, unit: str, role: str | None, severity: str, start: int, end: int):
    from lineage.models import Finding, Match, RefUnit

    ref = RefUnit("t:afam", "Acme Labs", "US", "MIT", "dir:t", "ref/model.py", unit, 1, end - start + 1)
    m = Match(ref, 0.77, 0.81, 0.7, 0.4, 0.26, (), 40)
    return Finding(f"{path}:{unit}", "code-match", path, start, end, unit, role, "none-needed", severity, (m,), "")


@pytest.mark.parametrize(("findings", "verdict"), [
    # one short architecture match of low severity: weak evidence, never a copy verdict
    ([("m.py", "Model.__init__", "core-architecture", "low", 10, 16)],
     "weak resemblance to afam (Acme Labs, US): 7 lines of low-severity code matches only"),
    # one medium architecture match beside it makes the file a copy
    ([("m.py", "Model.__init__", "core-architecture", "low", 10, 16),
      ("m.py", "Attention.forward", "core-architecture", "medium", 20, 60)],
     "core-architecture copy of afam (Acme Labs, US), notice none-needed"),
    # copied glue is low because its reuse is permitted, not because the evidence is weak
    ([("g.py", "Model.load_weights", "inference-glue", "low", 5, 40)],
     "inference-glue copy of afam (Acme Labs, US), notice none-needed"),
    # an info-only architecture match (common idiom, too small) is no evidence at all
    ([("m.py", "RMSNorm.forward", "core-architecture", "info", 1, 8)],
     "no lineage evidence (only common idioms, boilerplate or fragments too small to judge)"),
])
def test_file_verdict_follows_the_strength_of_its_evidence(findings, verdict) -> None:
    from lineage.classify.summary import file_verdicts

    made = [_finding(*f) for f in findings]
    assert file_verdicts(made)[made[0].path].verdict == verdict


def test_a_weak_resemblance_names_the_medium_traces_it_carries() -> None:
    """Low code matches only, but the code still carries a reference model's feature names (a
    medium vestige finding): the verdict names those traces instead of reading as if nothing in
    the file were above low; weak (constant-only) traces and a copy verdict add nothing."""
    from dataclasses import replace

    from lineage.classify.summary import file_verdicts
    from lineage.details import Vestige, VestigeDetails

    low = _finding("m.py", "Model.__init__", "core-architecture", "low", 10, 16)
    traces = VestigeDetails((Vestige(11, "feature", "qk_rope_head_dim"), Vestige(12, "name", "AfamConfig"),
                             Vestige(13, "constant", "151936")), "afam")
    vestige = replace(low, id="v", kind="vestige", severity="medium", details=traces)
    said = file_verdicts([low, vestige])["m.py"].verdict
    assert said.startswith("weak resemblance to afam (Acme Labs, US): 7 lines of low-severity code matches only; "
                           "carries traces of afam (qk_rope_head_dim, AfamConfig)"), said
    assert "151936" not in said
    # lines matching other families too: the verdict says how many are the named family's
    other = replace(_finding("m.py", "Model.forward", "core-architecture", "low", 20, 29), id="o")
    other = replace(other, matches=(replace(other.matches[0], ref=replace(other.matches[0].ref, family="t:bfam")),))
    mixed = file_verdicts([low, other])["m.py"].verdict
    assert mixed.startswith("weak resemblance to bfam (Acme Labs, US): 17 lines of low-severity code matches only "
                            "(10 of them to bfam, the rest to 1 other family)"), mixed  # (the most lines, no source)
    weak = replace(vestige, severity="low")
    assert "traces" not in file_verdicts([low, weak])["m.py"].verdict
    copy = replace(low, severity="medium")
    assert "traces" not in file_verdicts([copy, vestige])["m.py"].verdict


def test_a_copy_of_a_small_part_of_a_file_is_called_a_partial_copy(scan, copies) -> None:
    """One copied class among much original code: the file verdict says how much was copied
    and what, not that the file is a copy; the whole copied file keeps the plain verdict."""
    router = rename(strip_comments(top_level(copies.reference, ("ZetaMoeRouter",))))
    original = "\n\n".join([copies.parser] + [copies.parser.replace("def ", f"def v{k}_") for k in range(3)])
    text = "import torch\nfrom torch import nn\n\n\n" + router + "\n\n" + original
    result = scan({"acme/agent.py": text, COPY: copies.full_model})
    part = result.summary.files["acme/agent.py"].verdict
    n_lines = len(text.splitlines())
    assert part.startswith("core-architecture copy of glm4_moe (Zhipu AI, CN), in part: "), part
    assert f" of the file's {n_lines} lines (" in part and "Router.forward" in part
    copied = int(part.split("in part: ", 1)[1].split(" ", 1)[0])
    assert 0 < copied < 0.25 * n_lines
    assert "in part" not in result.summary.files[COPY].verdict


def test_the_copy_verdict_names_the_family_of_its_decisive_findings() -> None:
    """The file's source (the family that best explains the whole file) holds only shared code
    here, rated low; one unit is a high copy of another family.  The verdict names the family of
    that copy, with its own units and lines, never the source of the shared code."""
    from dataclasses import replace

    from lineage.classify.fileverdict import reuse_sentence
    from lineage.models import RefUnit
    from lineage.verdicts import Candidate, SourceVerdict

    def of(family: str, org: str, f):
        m = f.matches[0]
        ref = RefUnit(family, org, "US", "MIT", "dir:t", f"{family}.py", f.unit, 1, 9)
        return replace(f, matches=(replace(m, ref=ref),))

    shared = [of("t:common", "Shared Labs", _finding("m.py", unit, "core-architecture", "low", a, b))
              for unit, a, b in (("rotate_half", 1, 5), ("repeat_kv", 10, 19), ("apply_rope", 20, 49))]
    copied = of("t:speech", "Speech Corp", _finding("m.py", "Model.get_mask", "core-architecture", "high", 60, 82))
    source = Candidate("t:common", "common.py", "Shared Labs", "US", "2024-01-01", 0.37, 0.23, 0.0, 0.2)
    v = SourceVerdict("<file>", "source", source, None, 0.01, "names", (), "common", None)
    sentence = reuse_sentence([*shared, copied], v, 500)
    # (the shared code held at copy strength is counted too: a review read "8 of the file's 443 lines"
    # of a file that held 137 lines of another's code verbatim)
    assert sentence == ("core-architecture copy of speech (Speech Corp, US), in part: 23 of the file's 500 lines "
                        "(Model.get_mask), and 45 more lines held at copy strength, code other model lines share, "
                        "notice none-needed")
    weaker = [replace(f, matches=(replace(f.matches[0], similarity=0.5, containment=0.6),)) for f in shared]
    assert ", and " not in reuse_sentence([*weaker, copied], v, 500)  # (a resemblance is not a copy's lines)
    # with no decisive finding at all, the source's shared code is a weak resemblance, not a copy
    assert reuse_sentence(shared, v, 500).startswith("weak resemblance to common (Shared Labs, US)")


def test_the_file_verdict_names_a_framework_notice_not_kept() -> None:
    """A copy owing no vendor's notice ("none-needed") that did not keep the framework's notice:
    the file's verdict says so beside the state, from the low notice finding."""
    from dataclasses import replace

    from lineage.classify.summary import file_verdicts
    from lineage.details import NoticeDetails
    from lineage.notices.records import FRAMEWORK_NOT_KEPT

    copy = _finding("m.py", "Attention.forward", "core-architecture", "medium", 20, 60)
    details = NoticeDetails(holder="contributors to the vLLM project", org="vLLM project", country="",
                            org_kind="framework", statement="Copyright contributors to the vLLM project",
                            licence="Apache-2.0", obligations=(), restrictions=(), note=FRAMEWORK_NOT_KEPT)
    notice = replace(copy, id="n", kind="notice", start_line=1, end_line=1, unit="<module>", role=None,
                     attribution=None, severity="low", details=details)
    verdicts = file_verdicts([copy, notice])
    assert verdicts["m.py"].verdict == ("core-architecture copy of afam (Acme Labs, US), notice none-needed; "
                                        "framework notice not kept (vLLM project)")
    assert file_verdicts([copy])["m.py"].verdict.endswith("notice none-needed")


def test_only_a_copy_owes_a_frameworks_notice() -> None:
    """A weak resemblance (low findings only, not the source's whole file) owes no framework's
    notice: a JAX MoE block of gemma's resembling 20 lines of transformers' TextNet is no copy."""
    from lineage.classify.judged import a_copy

    low = _finding("m.py", "Block._forward_moe", "core-architecture", "low", 669, 688)
    medium = _finding("m.py", "Attention.forward", "core-architecture", "medium", 20, 60)
    assert not a_copy([low], {})
    assert a_copy([low, medium], {})
