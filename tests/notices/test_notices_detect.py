"""detect_notices(): holders, SPDX tags, declarations, the CJK fallback and failures as data."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage.notices import FileNotices, engine
from lineage.notices import header as header_module

Scan = Callable[..., FileNotices]


def orgs(result: FileNotices) -> list[tuple[int, str, str]]:
    return [(n.line, n.org, n.org_kind) for n in result.notices]


def test_vllm_style_header(scan: Scan, toy: type) -> None:
    result = scan(toy.REF, toy.REF_PATH)
    assert result.licences == ("Apache-2.0",)
    assert orgs(result) == [(2, "vLLM project", "framework"), (3, "Zhipu AI", "vendor")]
    assert result.notices[1].holder == "The ZhipuAI Inc. team"
    assert result.errors == ()


@pytest.mark.parametrize(
    ("line", "holder", "org"),
    [
        ("# 版权所有 (c) 2024 智谱AI", "智谱AI", "Zhipu AI"),
        ("# Copyright 2024 北京智谱华章科技有限公司", "北京智谱华章科技有限公司", "Zhipu AI"),
        ("# 深度求索 版权所有", "深度求索", "DeepSeek"),
        ("# Copyright © 2024 阿里巴巴集团。保留所有权利。", "阿里巴巴集团", "Alibaba"),  # the company, no team
        ("# 版权归 月之暗面 所有", "月之暗面", "Moonshot AI"),
    ],
)
@pytest.mark.parametrize("use_scancode", [True, False])
def test_chinese_notices_keep_their_script(
    scan: Scan, line: str, holder: str, org: str, use_scancode: bool
) -> None:
    result = scan(f"{line}\nimport os\n", use_scancode=use_scancode)
    assert [(n.line, n.holder, n.org) for n in result.notices] == [(1, holder, org)]


def test_code_lines_are_not_notices(scan: Scan) -> None:
    text = "x = f(c) if y else z\ncopyright_text = load()\n# see the copyright notice above\n"
    assert scan(text).notices == ()


def test_declarations_take_the_url_from_the_next_line(scan: Scan) -> None:
    text = (
        "# Adapted from\n# https://example.org/models/toy_glm.py\n"
        "class A:\n    pass\n\n\n# Copied from transformers.models.toy_glm.modeling_toy_glm.Norm\n"
        "def f():\n    return 1  # the value from the config\n"
    )
    # the marker over `f`, after the first definition, declares that unit, not the file
    assert scan(text).adapted_from == ("Adapted from https://example.org/models/toy_glm.py",)


def test_a_marker_over_one_unit_further_down_does_not_declare_the_file(scan: Scan) -> None:
    """transformers' mask2former says "Adapted from .../Mask2Former/..." over its matcher class: a
    verbatim copy of the file with the notice dropped read as a declared file, notice low."""
    text = ("import torch\n\n\nclass Matcher:\n    pass\n\n\n"
            "# Adapted from https://github.com/acme/Mask2Former/blob/main/matcher.py\nclass Loss:\n    pass\n")
    assert scan(text).adapted_from == ()
    header = "# Adapted from https://github.com/acme/Mask2Former/blob/main/model.py\nimport torch\n"
    assert scan(header + text).adapted_from == ("Adapted from https://github.com/acme/Mask2Former/blob/main/model.py",)


def test_standard_grant_needs_no_licence_index(scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> list[str]:
        raise AssertionError("licence index used for a standard Apache grant")

    monkeypatch.setattr(engine, "detect_licence_expressions", refuse)
    text = (
        "# Copyright 2024 The Toy Authors.\n#\n# Licensed under the Apache License, "
        'Version 2.0 (the "License");\n# you may not use this file except in compliance.\n'
    )
    assert scan(text).licences == ("Apache-2.0",)


def test_licences_false_skips_the_index(scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "warm_up", _refuse_licences(engine.warm_up))
    text = "# Copyright 2024 Toy Ltd\n# Redistribution and use in source form is permitted.\n"
    assert scan(text, licences=False).licences == ()


def _refuse_licences(real: Callable[..., dict[str, float]]) -> Callable[..., dict[str, float]]:
    def guarded(*, licences: bool = True) -> dict[str, float]:
        assert not licences, "licence index requested"
        return real(licences=False)

    return guarded


def test_unfamiliar_licence_text_goes_to_scancode_index(scan: Scan) -> None:
    text = """# Copyright (c) 2024 Toy Ltd. All rights reserved.
#
# Redistribution and use in source and binary forms, with or without modification, are
# permitted provided that the following conditions are met:
# 1. Redistributions of source code must retain the above copyright notice, this list of
#    conditions and the following disclaimer.
# 2. Redistributions in binary form must reproduce the above copyright notice, this list of
#    conditions and the following disclaimer in the documentation and/or other materials
#    provided with the distribution.
# 3. Neither the name of the copyright holder nor the names of its contributors may be used
#    to endorse or promote products derived from this software without specific prior
#    written permission.
"""
    result = scan(text)
    assert result.licences == ("BSD-3-Clause",)
    assert engine.licence_index_loaded()


def test_deadline_overrun_is_a_file_error(scan: Scan, toy: type) -> None:
    result = scan(toy.REF, deadline_s=0.0, use_scancode=True)
    assert [e.stage for e in result.errors] == ["notice"]
    assert "deadline" in result.errors[0].reason


def test_scancode_failure_is_a_file_error_and_fallback_still_reads(
    scan: Scan, toy: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: object) -> list[object]:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(engine, "detect_copyrights", boom)
    result = scan(toy.REF, use_scancode=True)  # "auto" would not ask scancode on a standard header
    assert [(e.stage, "parser exploded" in e.reason) for e in result.errors] == [("notice", True)]
    assert [n.org for n in result.notices] == ["vLLM project", "Zhipu AI"]


def test_hostile_file_is_bounded(scan: Scan) -> None:
    text = "x = 1\n" * 100 + "# Copyright 2024 Toy Ltd " + "a" * 200_000 + "\n"
    text += "# Copyright 2024 Toy Ltd\n" * 5000
    start = time.perf_counter()
    result = scan(text, deadline_s=30.0)
    assert time.perf_counter() - start < 10.0
    assert len({n.line for n in result.notices}) <= header_module.MAX_EXTRA_LINES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a holder continued on the next line: scancode's reading names more organisations
        (
            "# Copyright 2024 DeepSeek-AI and\n# Moonshot AI.\nimport os\n",
            [(1, "DeepSeek"), (1, "Moonshot AI")],
        ),
        # notices the anchored fallback cannot read
        ("# Portions copyright 2023 Google LLC\nimport os\n", [(1, "Google")]),
        ('"""Toy module.\n\nThis file is Copyright 2024 Mistral AI.\n"""\n', [(3, "Mistral AI")]),
    ],
)
def test_scancode_reads_what_the_fallback_cannot(
    scan: Scan, text: str, expected: list[tuple[int, str]]
) -> None:
    assert [(n.line, n.org) for n in scan(text).notices] == expected
    assert [(n.line, n.org) for n in scan(text, use_scancode=False).notices] != expected


def test_auto_asks_scancode_only_where_the_fallback_is_unsure(
    scan: Scan, toy: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = engine.detect_copyrights

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "detect_copyrights", counting)
    assert [n.org for n in scan(toy.REF).notices] == ["vLLM project", "Zhipu AI"]
    assert calls == []  # a standard header: the fallback reads it, no scancode start-up
    scan("# Portions copyright 2023 Google LLC\nimport os\n")
    assert calls == [1]  # a marker the fallback could not read: scancode decides


def _candidates_line_by_line(lines: list[str], header_lines: int) -> list[tuple[int, str]]:
    """What candidate_lines gives, read one line past the header at a time."""
    from lineage.notices.fallback import MAX_LINE
    from lineage.notices.header import _CANDIDATE

    picked = [(i + 1, line[:MAX_LINE]) for i, line in enumerate(lines[:header_lines])]
    for i in range(header_lines, len(lines)):
        if len(picked) - min(header_lines, len(lines)) >= header_module.MAX_EXTRA_LINES:
            break
        if _CANDIDATE.search(lines[i][:MAX_LINE]):
            picked.append((i + 1, lines[i][:MAX_LINE]))
    return picked


LINE_PIECES = ["x = 1", "copyright", "(C)", "©", "COPYRİGHT", "spdx-", "版权", "a" * 390, "", " ", "# ",
               # found by plain search of lower-cased text, or (letters re folds apart) by the pattern
               "(c)opyright", "著作权", "Copyr\u0131ght", "\u017fPDX-", "stra\u00dfe", "\u212a", "\u03a3"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(LINE_PIECES), max_size=4).map("".join), max_size=30), st.integers(0, 10))
def test_markers_past_the_header_are_the_lines_read_one_by_one(lines: list[str], header_lines: int) -> None:
    """Markers past the header found by one search of the rest of the text are those each line's
    own search finds (a marker past a line's first MAX_LINE characters not among them)."""
    assert header_module.candidate_lines(lines, header_lines) == _candidates_line_by_line(lines, header_lines)


def test_markers_past_the_header_stop_at_the_most_read() -> None:
    lines = ["# header"] * 3 + ["# Copyright 2026 X"] * (header_module.MAX_EXTRA_LINES + 50)
    assert header_module.candidate_lines(lines, 3) == _candidates_line_by_line(lines, 3)
    assert len(header_module.candidate_lines(lines, 3)) == 3 + header_module.MAX_EXTRA_LINES
