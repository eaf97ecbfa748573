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


HF_MODEL_TEAM = """# Copyright 2025 The HuggingFace Inc. team. All rights reserved.
# SPDX-License-Identifier: Apache-2.0
\"\"\"A toy vision-language model written by the framework's own model team.\"\"\"
"""


def test_dropped_framework_notice_is_recorded(scan: Scan, toy: type) -> None:
    ref = scan(toy.FRAMEWORK_ONLY, "vllm/model_executor/models/helper.py")
    attribution = compare_notices(scan("# Copyright 2025 Upstage\n"), ref)
    assert attribution.state == "none-needed"  # no vendor's notice is owed ...
    assert [n.org for n in attribution.frameworks_dropped] == ["vLLM project"]  # ... but the framework's is gone
    assert "framework notice (vllm/model_executor/models/helper.py line 2" in attribution.explanation
    kept = compare_notices(scan(toy.FRAMEWORK_ONLY.replace("helper", "my helper")), ref)
    assert kept.frameworks_dropped == () and "is not kept" not in kept.explanation


def test_framework_on_the_missing_vendor_line_is_not_reported_twice(scan: Scan) -> None:
    ref = scan("# Copyright 2025 The ZhipuAI Inc. team and the HuggingFace Inc. team.\n", "ref/glm.py")
    attribution = compare_notices(scan("# Copyright 2025 Upstage\n"), ref)
    assert attribution.state == "replaced"
    assert attribution.frameworks_dropped == ()  # the replaced finding already names that line


def test_declared_reuse_owes_no_framework_finding(scan: Scan, toy: type) -> None:
    ref = scan(toy.FRAMEWORK_ONLY, "vllm/model_executor/models/helper.py")
    attribution = compare_notices(scan("# Adapted from vllm/model_executor/models/helper.py\n"), ref)
    assert attribution.state == "declared" and attribution.frameworks_dropped == ()


def test_framework_that_made_the_model_is_its_upstream_holder(scan: Scan) -> None:
    ref = scan(HF_MODEL_TEAM, "transformers/models/toyvlm/modeling_toyvlm.py")
    copy = scan("# Copyright 2025 Upstage\n")
    assert compare_notices(copy, ref).state == "none-needed"  # a framework's notice alone owes no vendor
    own_model = compare_notices(copy, ref, maker="Hugging Face (model team)")
    assert own_model.state == "replaced"
    assert [n.org for n in own_model.missing] == ["Hugging Face"]
    assert compare_notices(scan(HF_MODEL_TEAM), ref, maker="Hugging Face (model team)").state == "retained"
    # an unlabelled maker is nobody's company
    assert compare_notices(copy, ref, maker="Unknown").state == "none-needed"


def test_a_renamed_copy_marker_declares_its_source_not_its_new_name(scan: Scan, toy: type,
                                                                    reference: FileNotices) -> None:
    """transformers' markers name the source, then the renaming: "with Llama->ToyGlm" makes a
    class of toy_glm from llama's; it does not declare toy_glm as where the file came from."""
    into = toy.copy_with("# Copied from transformers.models.llama.modeling_llama.LlamaMLP with Llama->Toy_Glm")
    assert compare_notices(scan(into), reference, reference_family="vllm:toy_glm").state == "removed"
    out_of = toy.copy_with("# Copied from vllm.model_executor.models.toy_glm.ToyMoE with ToyGlm->Solar")
    assert compare_notices(scan(out_of), reference, reference_family="vllm:toy_glm").state == "declared"


def test_a_framework_notice_replaced_under_a_declaration_is_still_said(scan: Scan, toy: type) -> None:
    ref = scan(toy.FRAMEWORK_ONLY, "vllm/model_executor/models/helper.py")
    declared = "# Adapted from vllm/model_executor/models/helper.py\n"
    replaced = compare_notices(scan("# Copyright 2025 Upstage\n" + declared), ref)
    assert replaced.state == "declared" and [n.org for n in replaced.frameworks_dropped] == ["vLLM project"]
    assert compare_notices(scan(declared), ref).frameworks_dropped == ()  # dropped, not replaced: declared away


@pytest.mark.parametrize("kept", ["# Copyright 2024 Ada Example, Bo Sample and Cy Third",
                                  "# Copyright (c) 2023-2026, Ada Example & Bo Sample & Cy Third"])
def test_the_same_people_joined_by_and_keep_the_notice(scan: Scan, kept: str) -> None:
    """People named with "and" where the reference lists them with commas are the same holders
    (a stranger's review: "Songlin Yang, Yu Zhang and Zhiyuan Li" read "replaced", high)."""
    code = "\n\ndef recurrent_step(state, key, value, decay):\n    return state * decay + key * value\n"
    reference = scan("# SPDX-FileCopyrightText: Ada Example, Bo Sample, Cy Third\n" + code, path="ref/kernel.py")
    copy = scan(kept + code, path="mine/kernel.py")
    assert compare_notices(copy, reference).state == "retained"
    other = scan("# Copyright 2024 Acme Robotics Ltd" + code, path="mine/kernel.py")
    assert compare_notices(other, reference).state == "replaced"
