"""compare_notices(): each attribution state on a copied file."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lineage.notices import FileNotices, compare_notices, detect_repo_notices

Scan = Callable[..., FileNotices]


@pytest.mark.parametrize(
    ("replacement", "state"),
    [
        ("# Copyright 2025 The ZhipuAI Inc. team.", "retained"),
        ("# Copyright 2025 The ZhipuAI Inc. team.\n# Copyright 2026 Upstage", "retained"),
        ("", "removed"),
        ("# Copyright 2025 Upstage", "replaced"),
        ("# Copyright 2025 Acme Robotics Ltd", "replaced"),  # unknown holders count too
        (
            "# SPDX-FileCopyrightText: Copyright The HuggingFace Inc. team",
            "removed",
        ),  # framework is no substitute
        ("# 版权所有 (c) 2024 北京智谱华章科技有限公司", "retained"),  # same org, other script
        ("# 深度求索 版权所有", "replaced"),
        ("# Adapted from\n# https://example.org/vllm/model_executor/models/toy_glm.py", "declared"),
        ("# Copied from vllm.model_executor.models.toy_glm.ToyMoE", "declared"),
    ],
)
def test_attribution_states(
    scan: Scan, toy: type, reference: FileNotices, replacement: str, state: str
) -> None:
    attribution = compare_notices(scan(toy.copy_with(replacement)), reference)
    assert attribution.state == state
    assert [n.org for n in attribution.reference_holders] == ["Zhipu AI"]


def test_replaced_explanation_names_both_lines(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    attribution = compare_notices(scan(toy.copy_with("# Copyright 2025 Upstage")), reference)
    assert attribution.explanation == (
        "solar/modeling_solar.py line 3 holds 'Copyright 2025 Upstage' where the matched "
        f"reference {toy.REF_PATH} line 3 holds 'Copyright 2025 The ZhipuAI Inc. team.'; "
        "the upstream holder was replaced."
    )
    assert [n.org for n in attribution.replacements] == ["Upstage"]
    assert [n.org for n in attribution.missing] == ["Zhipu AI"]


def test_unrelated_adapted_from_line_does_not_declare(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    text = toy.copy_with("# Adapted from https://example.org/models/other_family.py")
    assert compare_notices(scan(text), reference).state == "removed"


def test_declared_flag_from_modular_imports(scan: Scan, toy: type, reference: FileNotices) -> None:
    assert compare_notices(scan(toy.copy_with("")), reference, declared=True).state == "declared"


def test_family_name_declares(scan: Scan, toy: type) -> None:
    ref = scan(toy.REF, "vendor/ref.py")
    text = toy.copy_with("# Ported from the toy_glm implementation in vLLM")
    assert compare_notices(scan(text), ref).state == "removed"
    assert compare_notices(scan(text), ref, reference_family="vllm:toy_glm").state == "declared"


def test_framework_only_reference_needs_nothing(scan: Scan, toy: type) -> None:
    ref = scan(toy.FRAMEWORK_ONLY, "vllm/model_executor/models/helper.py")
    attribution = compare_notices(scan("# Copyright 2025 Upstage\n"), ref)
    assert attribution.state == "none-needed"
    assert "vLLM project" in attribution.explanation


def test_repository_notice_file_retains(scan: Scan, toy: type, reference: FileNotices) -> None:
    notice = detect_repo_notices(
        "NOTICE", "Solar serving code\n\nThis product includes software from Zhipu AI (GLM-4).\n"
    )
    copy = scan(toy.copy_with("# Copyright 2025 Upstage"))
    assert compare_notices(copy, reference).state == "replaced"
    attribution = compare_notices(copy, reference, repo_notices=[notice])
    assert attribution.state == "retained"
    assert "NOTICE line 3" in attribution.explanation
    assert [n.org for n in attribution.via_repo_notice] == ["Zhipu AI"]


def test_repository_notice_with_copyright_line(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    notice = detect_repo_notices("NOTICE", "Copyright 2025 The ZhipuAI Inc. team.\n")
    attribution = compare_notices(scan(toy.copy_with("")), reference, repo_notices=[notice])
    assert attribution.state == "retained"
