"""The shared vocabulary: severity order, family ids, the finding-id formula, and the one
"Adapted from" phrase that notice headers and declared-lineage markers both read."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lineage.declared.text import marker_lines, scan_lines
from lineage.notices.findings import notice_finding_id
from lineage.notices.header import declarations
from lineage.vocab import (
    INDEX_ROLES,
    KIND_CODES,
    NOT_EVIDENCE,
    ROLE_CODES,
    SEVERITIES,
    SEVERITIES_DESCENDING,
    UNDATED,
    FamilyId,
    Role,
    Severity,
    any_at_or_above,
    at_or_above,
    finding_id,
    first_seen_key,
    model_line,
)


@pytest.mark.parametrize(("severity", "floor", "fails"), [
    ("info", "info", True), ("info", "low", False), ("low", "low", True), ("low", "medium", False),
    ("medium", "low", True), ("medium", "high", False), ("high", "high", True), ("high", "info", True),
])
def test_at_or_above_follows_the_declared_order(severity: str, floor: str, fails: bool) -> None:
    assert at_or_above(severity, floor) is fails
    assert Severity(severity).at_or_above(floor) is fails


def test_severity_orders_and_json_strings() -> None:
    assert SEVERITIES == ("info", "low", "medium", "high")
    assert SEVERITIES_DESCENDING == ("high", "medium", "low", "info")
    assert json.dumps([Severity.HIGH, Role.CORE]) == '["high", "core-architecture"]'
    assert any_at_or_above(["info", "low", "medium"], "medium")
    assert not any_at_or_above(["info", "low"], "medium")
    assert not any_at_or_above([], "info")
    with pytest.raises(ValueError):
        at_or_above("critical", "low")


def test_family_ids_split_once() -> None:
    assert FamilyId.parse("vllm:glm4_moe") == FamilyId("vllm", "glm4_moe")
    assert FamilyId.parse("git:org:repo") == FamilyId("git", "org:repo")  # only the first colon splits
    assert FamilyId.parse("glm4_moe") == FamilyId("", "glm4_moe")
    assert str(FamilyId("vllm", "glm4_moe")) == "vllm:glm4_moe" and str(FamilyId("", "x")) == "x"
    assert [model_line(f) for f in ("vllm:glm4_moe", "glm4_moe", "a:b:c", "")] == ["glm4_moe", "glm4_moe", "b:c", ""]
    assert all(model_line(f) == FamilyId.parse(f).name for f in ("vllm:glm4_moe", "glm4_moe", "a:b:c", "", ":x", "x:"))


def test_undated_families_sort_last() -> None:
    keys = sorted([first_seen_key(None), first_seen_key("2024-05-01"), first_seen_key(""), first_seen_key("2019")])
    assert keys == ["2019", "2024-05-01", UNDATED, UNDATED]


def test_finding_ids_keep_the_values_baselines_hold() -> None:
    # Values written by the two formulas before they were shared (unit separator for code
    # findings, NUL for notice findings): a baseline recorded then must still match.
    assert finding_id("a.py", "Foo.bar", "abc", "vllm:glm4_moe", "m/glm.py", "Glm", "code-match") == "8760bbc4d399bc19"
    assert notice_finding_id("a.py", "notice:replaced", "m/glm.py", "Zhipu AI") == "8d11610278cb3913"
    assert finding_id("a", "b") != finding_id("a", "b", sep="\0")
    assert finding_id("\ud800") == finding_id("\ud800")  # a lone surrogate in a path does not raise


def test_index_codes_are_positions() -> None:
    assert KIND_CODES == {"module": 0, "class": 1, "function": 2, "method": 3}
    assert ROLE_CODES == {None: 0, "core-architecture": 1, "inference-glue": 2, "infrastructure": 3}
    assert all(INDEX_ROLES[code] == role for role, code in ROLE_CODES.items())
    assert set(NOT_EVIDENCE) == {"common-idiom", "boilerplate"}


# What each reader found before the phrase was shared: notice headers knew "copied" and
# "borrowed", declared markers knew "inspired by" and "based on" (anywhere).  Both now read
# the union of the "<verb> from" verbs.
HEADER_BEFORE = ("adapted", "copied", "ported", "modified", "derived", "borrowed")
MARKERS_BEFORE = ("adapted", "ported", "modified", "derived")


@pytest.mark.parametrize("verb", sorted(set(HEADER_BEFORE) | set(MARKERS_BEFORE)))
def test_header_declarations_find_every_verb(verb: str) -> None:
    lines = ["# Copyright 2025 Acme", f"# {verb.title()} from https://example.org/model.py", "import os"]
    assert declarations(lines, header_lines=3) == [f"{verb.title()} from https://example.org/model.py"]


@pytest.mark.parametrize("verb", ["adapted", "ported", "modified", "derived", "borrowed", "taken"])
def test_markers_find_every_adapted_verb(verb: str) -> None:
    line = f" {verb.upper()} FROM https://example.org/x/model.py"
    assert [(m.kind, m.target, m.line) for m in scan_lines([(7, line)])] == [
        ("adapted-from", "https://example.org/x/model.py", 7)]
    assert marker_lines(f"x = 1\n#{line}\n") == [2]


@pytest.mark.parametrize("phrase", ["Inspired by", "Based on"])
def test_markers_still_read_the_phrases_headers_do_not(phrase: str) -> None:
    found = list(scan_lines([(3, f" {phrase} vllm/model_executor/models/llama.py")]))
    assert [(m.kind, m.target) for m in found] == [("adapted-from", "vllm/model_executor/models/llama.py")]


def test_code_taken_from_its_source_declares_it() -> None:
    """kornia's "conv1x1, conv3x3, Bottleneck, ResNet are taken from: <torchvision's resnet.py>"
    credits torchvision as "Adapted from" would (a stranger's review: it read as a high copy of OFA's)."""
    lines = [" conv1x1, conv3x3, Bottleneck, ResNet are taken from:",
             " https://github.com/pytorch/vision/blob/master/torchvision/models/resnet.py"]
    found = list(scan_lines(list(enumerate(lines, start=10))))
    assert [(m.kind, m.target, m.line) for m in found] == [
        ("adapted-from", "https://github.com/pytorch/vision/blob/master/torchvision/models/resnet.py", 10)]
    assert list(scan_lines([(1, " mistaken from the start")])) == []


def test_phrase_needs_word_edges() -> None:
    assert list(scan_lines([(1, " unmodified from https://example.org/a.py")])) == []
    assert declarations(["# unported from https://example.org/a.py"], header_lines=1) == []


@settings(max_examples=400, deadline=None)
@example(["ba", "ſ", "ed on"])  # (re ignoring case reads the long s as s; lower-casing keeps it)
@example(["\u212a", "é"])  # (the Kelvin sign lower-cases to k)
@given(st.lists(st.sampled_from(["Copied from", "GENERATED FROM", "adapted\nFrom", "Ported  from", "xborrowed from",
                                 "inspired BY", "based on", "based\non", "x = 1", "\n", "# ", "é", "İ", "ſ", "from",
                                 "Derived from", "modified fromage", "ı", "\u212a", "\u00a0", "ẞ", "Σ", "ba", "ed on",
                                 "d from", "INSP", "IRED\u00a0BY", "é"]), max_size=30))
def test_marker_lines_read_any_case_as_the_one_pattern_does(pieces: list[str]) -> None:
    # text is read lower-cased where that keeps its offsets (faster); every text must give the lines
    # ignoring case gives
    import re

    from lineage.declared.text import _ANY_PHRASE

    text = "".join(pieces)
    want: list[int] = []
    for match in re.finditer(_ANY_PHRASE.pattern, text, re.IGNORECASE):
        line = text.count("\n", 0, match.start()) + 1
        if not want or want[-1] != line:
            want.append(line)
    assert marker_lines(text) == want
