"""A reference may credit its origin in a sentence without a link: a repository named as
"owner/name" (torchtitan's flux: "imported from black-forest-labs/FLUX"), or the origin named
outright ("Adapted from FlashInfer's low-latency all-reduce"), and under a framework's notice alone
(vLLM's).  Scanned, the origin's own file, under its own notice, is that origin's code, not "a
core-architecture copy" of the reference at high; a third party's copy of the same reference is
judged as before.  The reference's own model's maker is credited this way only by a sentence,
where no notice line of the reference names the maker (a port under its publisher's line)."""

from __future__ import annotations

import pytest

from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, ScanResult
from tests.classify.test_classify_elder import COPY, HEAD, OLD, build, scan
from tests.classify.test_classify_origins import ACME, META, WAVE, origin_file

FRAMEWORK = "# SPDX-FileCopyrightText: Copyright contributors to the vLLM project\n"
MICROSOFT = "# Copyright (c) Microsoft Corporation.\n"
DAMO = "# Copyright 2022 Alibaba DAMO Academy.\n"
RIPPLE = HEAD + OLD.replace("Wave", "Ripple")


def above_low(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.severity in ("medium", "high")]


@pytest.fixture(scope="module", params=[
    "# Adapted from Microsoft's widget attention\n# (widget/attention, microsoft/widget@139af6f6).\n",
    "# imported from microsoft/widget\n",
    "# Adapted from Microsoft's widget attention.\n",
], ids=["name-and-slug", "slug", "name"])
def framework_credit(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple's file, under a framework's notice alone, says its attention came from Microsoft's code."""
    return build(tmp_path_factory, "fwcr", WAVE, RIPPLE, ripple_holder=FRAMEWORK + request.param)


def test_the_origin_a_sentence_credits_holds_its_own_code(framework_credit: EmbeddedIndex) -> None:
    result = scan(framework_credit, origin_file(MICROSOFT))
    assert not above_low(result), [(f.severity, f.unit, f.explanation[:120]) for f in above_low(result)]
    code = [f for f in result.findings if f.kind == "code-match" and f.unit.startswith("WidgetAttention")]
    assert code and {f.attribution for f in code} == {"own"}
    assert result.summary.files[COPY].verdict.startswith("code of Microsoft, whom the reference credits with it")


def test_a_third_partys_copy_of_a_reference_crediting_its_origin_is_a_copy(framework_credit: EmbeddedIndex) -> None:
    result = scan(framework_credit, origin_file(ACME))
    assert any(f.kind == "code-match" and f.severity in ("medium", "high") for f in result.findings)
    assert not result.summary.files[COPY].verdict.startswith("code of")


@pytest.fixture(scope="module")
def uncredited_framework(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The control: the same reference under the framework's notice, crediting no one."""
    return build(tmp_path_factory, "fwnc", WAVE, RIPPLE, ripple_holder=FRAMEWORK)


def test_without_the_sentence_the_origins_file_reads_as_a_copy(uncredited_framework: EmbeddedIndex) -> None:
    result = scan(uncredited_framework, origin_file(MICROSOFT))
    assert any(f.kind == "code-match" and f.severity in ("medium", "high") for f in result.findings)


@pytest.fixture(scope="module")
def maker_by_sentence(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple (Alibaba DAMO Academy's model) as a port under a framework's notice alone, saying it
    imported the code from the maker's repository."""
    return build(tmp_path_factory, "mkcr", WAVE, RIPPLE,
                 ripple_holder=FRAMEWORK + "#\n# imported from alibaba-damo-academy/ripple\n")


def test_the_maker_a_port_credits_in_a_sentence_holds_its_own_code(maker_by_sentence: EmbeddedIndex) -> None:
    result = scan(maker_by_sentence, origin_file(DAMO))
    assert not above_low(result), [(f.severity, f.unit, f.explanation[:120]) for f in above_low(result)]
    assert result.summary.files[COPY].verdict.startswith("code of Alibaba DAMO Academy")


def test_a_copier_of_the_port_under_its_own_name_is_still_a_copier(maker_by_sentence: EmbeddedIndex) -> None:
    result = scan(maker_by_sentence, origin_file(ACME))
    assert any(f.kind == "code-match" and f.severity in ("medium", "high") for f in result.findings)
    assert not result.summary.files[COPY].verdict.startswith("code of")


ELEUTHER = "# Copyright 2021 EleutherAI.\n"


@pytest.fixture(scope="module")
def lineage_sentence(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple under its maker's and EleutherAI's lines, saying its code is "based on EleutherAI's
    GPT-NeoX library", as transformers' llama-derived files do: lineage, not an origin."""
    return build(tmp_path_factory, "lnsn", WAVE, RIPPLE,
                 ripple_holder=DAMO + ELEUTHER + "# This code is based on EleutherAI's GPT-NeoX library.\n")


def test_a_sentence_beside_vendors_notice_lines_credits_no_one(lineage_sentence: EmbeddedIndex) -> None:
    # a copy under the name the sentence gives is still a copy (crediting such lines passed copies of
    # some 40 reference files under an EleutherAI line, an earlier review)
    result = scan(lineage_sentence, origin_file(ELEUTHER))
    assert not result.summary.files[COPY].verdict.startswith("code of")
    assert any(f.kind == "notice" and f.attribution in ("removed", "replaced") and f.severity in ("medium", "high")
               for f in result.findings)


@pytest.fixture(scope="module", params=[
    "# Based on the nanoGPT implementation: https://github.com/karpathy/nanoGPT and\n"
    "# https://github.com/EleutherAI/gpt-neox\n",
    "# Inspired by, and in parts from, https://github.com/EleutherAI/gpt-neox\n",
], ids=["based-on", "from"])
def linked_lineage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple under its maker's own line, saying what its code is based on with a link (litgpt's
    `model.py` under Lightning AI's line): lineage beside a vendor's notice, not an origin."""
    return build(tmp_path_factory, "lnlk", WAVE, RIPPLE, ripple_holder=DAMO + request.param)


def test_a_link_the_code_is_based_on_beside_a_vendor_s_line_credits_no_one(linked_lineage: EmbeddedIndex) -> None:
    """A copy of litgpt's file naming EleutherAI, alone or beside its own holder, read low or "not a
    copy" (a stranger's review); the link says what the code follows, not that it was taken."""
    for header in (ELEUTHER, ACME + ELEUTHER):
        result = scan(linked_lineage, origin_file(header))
        assert not result.summary.files[COPY].verdict.startswith("code of")
        assert any(f.kind == "notice" and f.attribution in ("removed", "replaced")
                   and f.severity in ("medium", "high") for f in result.findings)


@pytest.fixture(scope="module")
def maker_on_a_line(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The same port, whose notice names the maker beside the porter: the sentence credits no one."""
    return build(tmp_path_factory, "mkln", WAVE, RIPPLE,
                 ripple_holder=MICROSOFT + DAMO + "#\n# imported from alibaba-damo-academy/ripple\n")


def test_a_port_naming_the_maker_on_a_notice_line_credits_no_one(maker_on_a_line: EmbeddedIndex) -> None:
    # keeping the maker's line while dropping the porter's is what a copy does: no credit for it
    result = scan(maker_on_a_line, origin_file(DAMO))
    assert not result.summary.files[COPY].verdict.startswith("code of")
    assert any(f.kind == "notice" and f.attribution in ("removed", "replaced") for f in result.findings)


@pytest.fixture(scope="module", params=[
    "# Adapted from Meta's wave implementation.\n",  # (a maker of an indexed model, not ripple's: its model)
    "# Adapted from Microsoft widget attention.\n",  # (a name, not an owner's possessive)
    "# Adapted from transformers/models/microsoft/widget.py\n",  # (a path names a model, not who wrote it)
], ids=["model-maker", "not-possessive", "path"])
def model_named(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """ripple's file under a framework's notice alone, its sentence naming a model or a path, not an
    author: SGLang's "Adapted from DeepSeek and Mixtral implementation" let a verbatim copy of its
    MiniMax-M2 port under "Copyright DeepSeek-AI" read "code of DeepSeek: not a copy" (a stranger's
    review)."""
    return build(tmp_path_factory, "mdnm", WAVE, RIPPLE, ripple_holder=FRAMEWORK + request.param)


def test_a_sentence_naming_a_model_credits_no_one(model_named: EmbeddedIndex) -> None:
    for header in (META, MICROSOFT):
        result = scan(model_named, origin_file(header))
        assert not result.summary.files[COPY].verdict.startswith("code of"), (header, result.summary.files[COPY].verdict)
        assert any(f.kind == "code-match" and f.severity in ("medium", "high") for f in result.findings)
