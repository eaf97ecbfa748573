"""A holder naming only a company maps to the company, not to one of its product teams; a
notice naming the company still keeps a team's notice (and the reverse), two teams' do not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lineage.notices import FileNotices, compare_notices, detect_repo_notices, holder_orgs, notice_findings
from lineage.notices.records import same_holder, whole_company

Scan = Callable[..., FileNotices]

MT_REF = '# Copyright 2022-2023 The Alibaba MT Team Authors. All rights reserved.\n"""A toy translation model."""\n'
QWEN_REF = ("# Copyright 2025 The Qwen team, Alibaba Group and the HuggingFace Inc. team. All rights reserved.\n"
            '"""A toy decoder layer."""\n')


@pytest.mark.parametrize(
    ("holder", "orgs"),
    [
        ("The Alibaba MT Team Authors", ["Alibaba"]),
        ("Alibaba, Inc. and its affiliates", ["Alibaba"]),
        ("Alibaba Group", ["Alibaba"]),
        ("The Qwen team, Alibaba Group", ["Alibaba Qwen"]),
        ("Qwen Team, Alibaba Group", ["Alibaba Qwen"]),  # the most specific organisation named
        ("DAMO Academy, Alibaba Group", ["Alibaba DAMO Academy"]),
        ("Alibaba DAMO Academy", ["Alibaba DAMO Academy"]),
        ("Alibaba Group and DeepSeek-AI", ["Alibaba", "DeepSeek"]),
    ],
)
def test_a_company_holder_names_no_team(holder: str, orgs: list[str]) -> None:
    assert [org for org, _, _ in holder_orgs(holder)] == orgs


def test_which_organisations_hold_one_notice() -> None:
    assert whole_company("Alibaba") and not whole_company("Alibaba Qwen")
    assert same_holder("Alibaba", "Alibaba Qwen") and same_holder("Alibaba DAMO Academy", "Alibaba")
    assert not same_holder("Alibaba Qwen", "Alibaba DAMO Academy")  # two teams stay apart
    assert not same_holder("Academic (US)", "Academic (CN)")  # "Academic" is no company


def test_a_removed_company_notice_names_the_company(scan: Scan) -> None:
    ref = scan(MT_REF, "modelscope/models/nlp/toy_mt/convtransformer.py")
    attribution = compare_notices(scan("# Copyright 2025 Solaris AI\n", "solar/convtransformer.py"), ref)
    assert attribution.state == "replaced"
    assert [n.org for n in attribution.missing] == ["Alibaba"]
    assert "Qwen" not in attribution.explanation


@pytest.mark.parametrize(
    ("ref_text", "copy_line", "state"),
    [
        (MT_REF, "# Copyright 2022 Alibaba DAMO Academy.", "retained"),  # a team of the company keeps it
        (QWEN_REF, "# Copyright 2024 Alibaba Group. All rights reserved.", "retained"),
        (QWEN_REF, "# Copyright (c) Alibaba Cloud.", "retained"),
        (QWEN_REF, "# 版权所有 (c) 2024 阿里巴巴集团", "retained"),
        (QWEN_REF, "# Copyright 2022 Alibaba DAMO Academy.", "replaced"),  # another team's notice
    ],
)
def test_company_and_team_notices_keep_each_other(scan: Scan, ref_text: str, copy_line: str, state: str) -> None:
    ref = scan(ref_text, "ref/model.py")
    assert compare_notices(scan(copy_line + "\n"), ref).state == state


def test_a_notice_file_naming_the_company_keeps_a_team_notice(scan: Scan) -> None:
    ref = scan(QWEN_REF, "ref/model.py")
    notice = detect_repo_notices("NOTICE", "This product includes software developed by Alibaba Group.\n")
    attribution = compare_notices(scan("# Copyright 2025 Solaris AI\n"), ref, repo_notices=[notice])
    assert attribution.state == "retained"
    assert "NOTICE line 1 names Alibaba Qwen" in attribution.explanation


def test_a_kept_company_notice_is_one_info_finding_on_its_line(scan: Scan, toy: type) -> None:
    ref = scan("# Copyright 2025 The Qwen team, Alibaba Group.\n", "ref/model.py")
    scanned = scan("import os\n# Copyright 2024 Alibaba Group.\n")
    match = toy.make_match(path="ref/model.py", org="Alibaba Qwen", family="toy:qwen")
    found = notice_findings(scanned.path, scanned, compare_notices(scanned, ref), [match], has_code_match=True)
    notices = [(f.severity, f.attribution, f.start_line) for f in found if f.kind == "notice"]
    assert notices == [("info", "retained", 2)]  # no "stale" finding for the company's own line
