"""Holder strings -> organisation, country and kind."""

from __future__ import annotations

import tomllib

import pytest

from lineage.data import shipped_dir
from lineage.notices import holder_org, holder_orgs

ISSUE_ALIASES = [
    ("The ZhipuAI Inc. team", "Zhipu AI", "CN", "vendor"),
    ("ZhipuAI Team", "Zhipu AI", "CN", "vendor"),
    ("THUDM", "Zhipu AI", "CN", "vendor"),
    ("Z.ai", "Zhipu AI", "CN", "vendor"),
    ("The GLM4 & ZhipuAI", "Zhipu AI", "CN", "vendor"),
    ("智谱", "Zhipu AI", "CN", "vendor"),
    ("北京智谱华章科技有限公司", "Zhipu AI", "CN", "vendor"),
    ("智谱AI", "Zhipu AI", "CN", "vendor"),
    ("阿里巴巴", "Alibaba", "CN", "vendor"),
    ("阿里巴巴集团", "Alibaba", "CN", "vendor"),
    ("深度求索", "DeepSeek", "CN", "vendor"),
    ("杭州深度求索人工智能基础技术研究有限公司", "DeepSeek", "CN", "vendor"),
    ("The Qwen team, Alibaba Group", "Alibaba Qwen", "CN", "vendor"),
    ("Alibaba Cloud", "Alibaba", "CN", "vendor"),
    ("DeepSeek-AI", "DeepSeek", "CN", "vendor"),
    ("Upstage", "Upstage", "KR", "vendor"),
    ("The HuggingFace Inc. team", "Hugging Face", "US", "framework"),
    ("contributors to the vLLM project", "vLLM project", "", "framework"),
    ("SGLang", "SGLang project", "", "framework"),
    ("SGLang Team", "SGLang project", "", "framework"),
    # the same organisations under their other names (a stranger's review read each as "replaced")
    ("Beijing Knowledge Atlas Technology Co., Ltd.", "Zhipu AI", "CN", "vendor"),
    ("Aliyun", "Alibaba", "CN", "vendor"),
    ("Tongyi Qianwen", "Alibaba Qwen", "CN", "vendor"),
    ("上海稀宇科技有限公司", "MiniMax", "CN", "vendor"),
]


@pytest.mark.parametrize(("holder", "org", "country", "kind"), ISSUE_ALIASES)
def test_issue_aliases_map(holder: str, org: str, country: str, kind: str) -> None:
    assert holder_org(holder) == (org, country, kind)


@pytest.mark.parametrize("holder", ["Acme Robotics Ltd", "版权所有", "", "the authors"])
def test_unknown_holder(holder: str) -> None:
    assert holder_org(holder) == ("", "", "unknown")


@pytest.mark.parametrize(
    ("holder", "wrong"),
    [
        ("LGPL contributors", "LG AI Research"),
        ("Algorithm Team", "LG AI Research"),
        ("Metadata Systems Inc", "Meta"),
        ("Googleplex Fans", "Google"),
    ],
)
def test_latin_aliases_need_word_edges(holder: str, wrong: str) -> None:
    assert holder_org(holder)[0] != wrong


def test_vendor_preferred_over_framework_in_joint_holders() -> None:
    holder = "The Qwen team, Alibaba Group and the HuggingFace Inc. team"
    assert holder_org(holder) == ("Alibaba Qwen", "CN", "vendor")
    assert [o for o, _, _ in holder_orgs(holder)] == ["Alibaba Qwen", "Hugging Face"]
    assert holder_org("Qwen2.5 team")[0] == "Alibaba Qwen"  # digits may follow an alias


def test_every_table_alias_maps_to_its_own_organisation() -> None:
    data = tomllib.loads((shipped_dir() / "organisations.toml").read_text(encoding="utf-8"))
    wrong = []
    for org, entry in data["org"].items():
        if org == "Unknown":
            continue
        for alias in entry.get("aliases", []):
            got = holder_org(alias)[0]
            if got != org:
                wrong.append((alias, org, got))
    assert wrong == []



@pytest.mark.parametrize(("line", "org"), [("Copyright © 2023 ml-explore", "Apple"), ("Copyright 2025 zai-org", "Zhipu AI")])
def test_a_holder_spelt_in_lower_case_that_the_table_knows_is_its_organisation(line: str, org: str) -> None:
    """A notice's holder is read up to its first lower-case word, prose rather than a name; a word the
    organisations table knows as an alias is a name however it is spelt (mlx-lm's "ml-explore", an
    alias of Apple, read as no one: a copy keeping it read "replaced", high)."""
    from lineage.notices import detect_notices

    found = detect_notices("m.py", f"# {line}\nimport os\n", use_scancode=False).notices
    assert [(n.org, n.counts) for n in found] == [(org, True)]
    prose = detect_notices("m.py", "# Copyright 2025 the authors of this file\nimport os\n", use_scancode=False)
    assert [n.org for n in prose.notices] == [""]
