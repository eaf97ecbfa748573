"""Per-file verdicts (issue 5 case 3): original glue beside a copied model file gets its own
verdict; the index holds the vendor's own tool parser, so "no match" is not for lack of one."""

from __future__ import annotations

import pytest

from lineage.models import ScanResult

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
    files = side_by_side.summary["files"]
    assert files[COPY]["verdict"] == "core-architecture copy of glm4_moe (Zhipu AI, CN), notice retained"
    assert files[COPY]["families"] == {"cls:glm4_moe": files[COPY]["families"]["cls:glm4_moe"]}
    parser = files.get(PARSER)
    assert parser is None or parser["verdict"].startswith("no lineage evidence"), parser
    assert "copy" not in (parser or {}).get("verdict", "")


def test_a_copied_vendor_parser_would_be_found(scan, oracle) -> None:
    """Control for the case above: the vendor's parser, renamed and stripped, is inference glue."""
    vendor = (oracle.ref_dir / "tool_parser_glm4_moe.py").read_text(encoding="utf-8")
    text = oracle.rename(oracle.strip(vendor), names={"calls": "found", "block": "chunk", "args": "kw"})
    result = scan({PARSER: text})
    (f,) = [f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeToolParser.extract_tool_calls"]
    assert f.role == "inference-glue"
    assert f.matches[0].ref.path == "glm4_moe/tool_parser_glm4_moe.py"
    assert f.details["verdict"].startswith("inference-glue copy of glm4_moe (Zhipu AI, CN)")
