"""A copyright line names its holders up to the first word that disclaims: "Copyright 2025 Acme AI,
independent of Alibaba Cloud" is Acme's line, not a kept Alibaba notice (it read as "retained")."""

from __future__ import annotations

import pytest

from lineage.notices.detect import detect_notices


def orgs(line: str) -> set[str]:
    return {n.org for n in detect_notices("model.py", f"# {line}\nimport torch\n").notices if n.org}


@pytest.mark.parametrize("line", [
    "Copyright 2025 Acme AI, independent of Alibaba Cloud",
    "Copyright 2025 Acme AI (compatible with Alibaba Cloud Qwen checkpoints)",
    "Copyright 2025 Acme AI, thanks to Alibaba Cloud",
    "Copyright 2025 Acme AI, not affiliated with or endorsed by Alibaba Cloud",
    "Copyright 2025 Acme AI, Alibaba-Cloud-compatible",
    # the words after the holders say anything at all: only a list of names names holders
    "Copyright 2025 Acme AI Inc., for use with Alibaba Cloud Qwen3 models.",
    "Copyright 2025 Acme AI Inc.; Qwen is a registered mark of Alibaba Cloud.",
    "Copyright 2025 Acme AI Inc. (a team formerly of Alibaba Cloud)",
    "Copyright 2025 Acme AI Inc., which competes with Alibaba Cloud.",
    "Copyright 2025 Acme AI Inc., loads weights released by Alibaba Cloud.",
    "Copyright 2025 Acme AI Inc., separate from Alibaba Cloud.",
])
def test_a_disclaimed_name_is_no_holder(line: str) -> None:
    assert not {o for o in orgs(line) if o.startswith("Alibaba")}


@pytest.mark.parametrize("line, org", [
    ("Copyright 2024 The Qwen team, Alibaba Group and the HuggingFace Inc. team. All rights reserved.",
     "Alibaba Qwen"),
    ("Copyright (c) Meta Platforms, Inc. and affiliates.", "Meta"),
    ("Copyright (c) Facebook, Inc. and its affiliates.", "Meta"),
    ("Copyright 2023 DeepSeek-AI and The HuggingFace Inc. team.", "DeepSeek"),
    ("Copyright 2023 Meta Platforms, Inc. and affiliates, and the HuggingFace Inc. team.", "Hugging Face"),
    ("SPDX-FileCopyrightText: Copyright contributors to the vLLM project", "vLLM project"),
    # real reference holders with lower-case words a list of names holds
    ("Copyright 2024 THL A29 Limited, a Tencent company and the HuggingFace Inc. team.", "Tencent"),
    ("Copyright 2024 The Allen Institute for AI team and The HuggingFace Inc. team.", "AI2"),
    ("Copyright 2024 Technology Innovation Institute (TII) and PaddlePaddle Authors.", "Baidu"),
])
def test_holders_before_any_disclaimer_still_count(line: str, org: str) -> None:
    assert org in orgs(line)


@pytest.mark.parametrize("holder, others", [
    ("Acme Robotics Corp. and the Qwen team, Alibaba Group.", True),
    ("Shigeki Karita", True),
    ("Meta Platforms, Inc. and affiliates, and the HuggingFace Inc. team", False),
    ("Tencent. All rights reserved.", False),
    ("Facebook, Inc. and its affiliates.", False),
])
def test_names_the_table_does_not_know_are_seen(holder: str, others: bool) -> None:
    from lineage.notices.detect import names_others

    assert names_others(holder) is others
