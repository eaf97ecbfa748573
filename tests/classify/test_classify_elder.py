"""A unit that declares it was copied from an earlier indexed line than the one its code matches
(diffusers' LDMBert: "Copied from ... bart" above BART's old attention, which the index finds in
OFA, a later copy, since transformers rewrote BART's) is declared reuse, not a copy of the later
line with its notice removed."""

from __future__ import annotations

import dataclasses
import re

from lineage.classify.elder import declared_elder, line_dates, unit_marks

COPY = "acme/modeling_acme.py"
CLASSES = ("AcmeLMAttention", "AcmeLMRouter", "AcmeLMSparseBlock")


def marked(body: str, line: str) -> str:
    """Each class in CLASSES gets a `# Copied from` marker naming `line`'s module."""
    for cls in CLASSES:
        body = re.sub(rf"^class {cls}\b", f"# Copied from transformers.models.{line}.modeling_{line}.{cls}\nclass {cls}",
                      body, count=1, flags=re.M)
    return body


def code(result, units=CLASSES):  # type: ignore[no-untyped-def]
    return [f for f in result.findings if f.kind == "code-match" and f.unit.split(".")[0] in units]


def test_a_marker_naming_an_earlier_indexed_line_declares_the_units(scan, copies, headers) -> None:  # type: ignore[no-untyped-def]
    result = scan({COPY: copies.with_header(marked(copies.attention_moe, "other_02"), *headers["removed"])})
    found = code(result)
    assert found and all(f.matches[0].ref.family == "cls:glm4_moe" for f in found)
    assert {f.attribution for f in found} == {"declared"} and {f.severity for f in found} == {"info"}
    assert {f.details.declared_line for f in found} == {"other_02"}
    assert all("(from other_02, an earlier line)" in f.details.verdict for f in found)
    assert all("declares it was copied from other_02 (first seen 2024-03-01)" in f.details.attribution_explanation
               for f in found)
    # what the markers do not cover (the rotary helpers, the MLP) is still judged against glm4_moe
    rest = [f for f in result.findings if f.kind == "code-match" and f not in found and f.attribution]
    assert rest and {f.attribution for f in rest} == {"removed"}


def test_a_marker_naming_a_line_the_index_does_not_hold_declares_nothing(scan, copies, headers) -> None:  # type: ignore[no-untyped-def]
    result = scan({COPY: copies.with_header(marked(copies.attention_moe, "not_indexed"), *headers["removed"])})
    found = code(result)
    assert found and {f.attribution for f in found} == {"removed"}
    assert all(f.severity in ("medium", "high") for f in found)
    assert "notice removed" in result.summary.files[COPY].verdict


def test_a_file_whose_every_unit_declares_an_earlier_line_is_declared_reuse(scan, copies, headers) -> None:  # type: ignore[no-untyped-def]
    body = re.sub(r"^(class|def) (\w+)", r"# Copied from transformers.models.other_02.modeling_other_02.\2\n\1 \2",
                  copies.attention_moe, flags=re.M)
    result = scan({COPY: copies.with_header(body, *headers["removed"])})
    assert not [f for f in result.findings if f.path == COPY and f.severity in ("medium", "high")]
    verdict = result.summary.files[COPY].verdict
    assert verdict.startswith("declared reuse of other_02 (an earlier line; the code is also held by glm4_moe")


def test_a_line_first_seen_after_the_match_cannot_be_its_declared_origin(scan, copies, headers, index) -> None:  # type: ignore[no-untyped-def]
    text = copies.with_header(marked(copies.attention_moe, "other_02"), *headers["removed"])
    result = scan({COPY: text})
    marks, dates = unit_marks(COPY, text), line_dates(index)
    assert marks["AcmeLMAttention"] == frozenset({"other_02"}) and dates["other_02"] == "2024-03-01"
    f = code(result)[0]
    assert declared_elder(f, marks, dates) == "other_02"
    ref = dataclasses.replace(f.matches[0].ref, first_seen="2024-02-15")  # matched line older than other_02
    older = dataclasses.replace(f, matches=(dataclasses.replace(f.matches[0], ref=ref), *f.matches[1:]))
    assert declared_elder(older, marks, dates) == ""
    assert declared_elder(f, {}, dates) == ""
