"""Repository NOTICE files: a line keeps an upstream notice only when it credits the holder.

The NOTICE texts are our own, written in the styles real ones use (Apache's "This product
includes software developed by ...", "Portions ...", copyright lines, third-party lists) and
in the styles that name a vendor without crediting it (disclaimers, denials, trademark notes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lineage.notices import FileNotices, compare_notices, detect_repo_notices
from lineage.pipeline.scan import repository_notices

Scan = Callable[..., FileNotices]

DISCLAIMER = (
    "Solaris Models\nCopyright 2025 Solaris AI.\n\n"
    "Trademarks: Solaris AI is not affiliated with, endorsed by or derived from Zhipu AI,\n"
    "DeepSeek or Alibaba Qwen. All models were developed independently.\n"
)


def credited(text: str) -> list[tuple[int, str]]:
    return [(n.line, n.org) for n in detect_repo_notices("NOTICE", text).notices if n.org]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This product includes software developed by Zhipu AI (https://example.org/glm).\n", [(1, "Zhipu AI")]),
        ("Solar\n\nThis product includes software developed by\nthe ZhipuAI Inc. team.\n", [(4, "Zhipu AI")]),
        ("Portions of this software are adapted from code by DeepSeek-AI.\n", [(1, "DeepSeek")]),
        ("Portions Copyright 2024 DeepSeek-AI.\n", [(1, "DeepSeek")]),
        ("Copyright 2024 The ZhipuAI Inc. team.\n", [(1, "Zhipu AI")]),
        ("The router is based on the GLM-4 implementation of Zhipu AI.\n", [(1, "Zhipu AI")]),
        (
            "This product bundles the following third-party code:\n\n"
            "- MoE modeling code (Zhipu AI), Apache-2.0\n- MLA attention (DeepSeek), MIT\n",
            [(3, "Zhipu AI"), (4, "DeepSeek")],
        ),
        ("本产品包含智谱AI开发的软件。\n", [(1, "Zhipu AI")]),
    ],
)
def test_attributing_lines_credit_their_vendor(text: str, expected: list[tuple[int, str]]) -> None:
    assert credited(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        DISCLAIMER,
        "Our router is not derived from DeepSeek.\n",
        "This product contains no code from DeepSeek.\n",
        "It includes neither Zhipu AI nor DeepSeek code.\n",
        "Kestrel is an independent implementation of the DeepSeek-V3 architecture.\n",
        "We have never used code from Zhipu AI.\n",
        "This release doesn't include software developed by DeepSeek.\n",
        "GLM is a trademark of Zhipu AI.\n",  # who owns a name, not where code came from
        "Thanks to the DeepSeek team for discussions.\n",
        "This product does not include any of the following:\n- DeepSeek-V3 code\n- GLM-4 code by Zhipu AI\n",
        "本产品与深度求索无关。\n",
        # sentences about weights, data, templates or benchmarks credit no one with code
        "GLM-4 weights (Zhipu AI) are licensed under the GLM-4 licence.\n",
        "Benchmarks compare against models developed by Alibaba Cloud (Qwen).\n",
        "The model was trained on data produced by Alibaba Cloud models.\n",
        "Chat templates are derived from those of Alibaba Cloud.\n",
    ],
)
def test_naming_a_vendor_without_crediting_it_keeps_nothing(text: str) -> None:
    assert [org for _, org in credited(text)] == []


def test_only_the_affirmed_part_of_a_sentence_credits() -> None:
    assert credited("This product includes software developed by Zhipu AI, not by DeepSeek.\n") == [(1, "Zhipu AI")]
    text = "This product includes code from Zhipu AI. DeepSeek is a trademark of its owner.\n"
    assert credited(text) == [(1, "Zhipu AI")]


def test_a_heading_credits_its_list_until_the_next_paragraph() -> None:
    text = (
        "Third-party software included in this product:\n\n* DeepSeek-V3 attention (DeepSeek)\n\n"
        "Zhipu AI is mentioned here for no reason.\n"
    )
    assert credited(text) == [(3, "DeepSeek")]


def test_a_disclaimer_notice_does_not_keep_the_replaced_notice(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    copy = scan(toy.copy_with("# Copyright 2025 Solaris AI. Proprietary."))
    alone = compare_notices(copy, reference)
    with_notice = compare_notices(copy, reference, repo_notices=[detect_repo_notices("NOTICE", DISCLAIMER)])
    assert alone.state == with_notice.state == "replaced"
    assert [n.org for n in with_notice.missing] == ["Zhipu AI"] and with_notice.via_repo_notice == ()


def test_an_attributing_notice_still_keeps_it(scan: Scan, toy: type, reference: FileNotices) -> None:
    notice = detect_repo_notices("NOTICE", DISCLAIMER + "\nThis product includes software developed by Zhipu AI.\n")
    copy = scan(toy.copy_with("# Copyright 2025 Solaris AI. Proprietary."))
    attribution = compare_notices(copy, reference, repo_notices=[notice])
    assert attribution.state == "retained"
    assert "NOTICE line 7 names Zhipu AI" in attribution.explanation


@pytest.mark.parametrize(("notice", "state"), [(DISCLAIMER, "replaced"),
                                              ("Portions of this code were developed by Zhipu AI.\n", "retained")])
def test_the_notice_file_read_from_the_repository_root(
    tmp_path: Path, scan: Scan, toy: type, reference: FileNotices, notice: str, state: str
) -> None:
    (tmp_path / "NOTICE").write_text(notice, encoding="utf-8")
    copy = scan(toy.copy_with("# Copyright 2025 Solaris AI. Proprietary."))
    assert compare_notices(copy, reference, repo_notices=repository_notices(str(tmp_path))).state == state


@pytest.mark.parametrize("name", ["THIRD_PARTY_NOTICES.txt", "NOTICES.md", "THIRD-PARTY-NOTICES"])
def test_a_third_party_notices_file_at_the_root_keeps_the_notice(
    tmp_path: Path, scan: Scan, toy: type, reference: FileNotices, name: str
) -> None:
    """Where a project gathers the notices of the code it took in: a copy under its own header
    whose upstream holder is named there keeps that notice (a stranger's review read it "replaced");
    a file of another name there is no notice file."""
    text = "This product includes software developed by Zhipu AI.\nCopyright 2025 Zhipu AI. Apache-2.0\n"
    (tmp_path / name).write_text(text, encoding="utf-8")
    copy = scan(toy.copy_with("# Copyright 2025 Solaris AI. Proprietary."))
    assert compare_notices(copy, reference, repo_notices=repository_notices(str(tmp_path))).state == "retained"
    (tmp_path / name).rename(tmp_path / "CREDITS-DRAFT.txt")
    assert compare_notices(copy, reference, repo_notices=repository_notices(str(tmp_path))).state == "replaced"


@pytest.mark.parametrize("folder", ["licenses", "THIRD_PARTY_LICENSES"])
def test_a_notice_in_a_licenses_folder_at_the_root_keeps_it(
    tmp_path: Path, scan: Scan, toy: type, reference: FileNotices, folder: str
) -> None:
    """One file per piece of code a project took in, in a folder at its root: a copy whose upstream
    line moved to `licenses/LICENSE-glm4_moe` keeps that notice (a stranger's review read it
    "replaced"); the same file in a folder of another name is no notice file."""
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "LICENSE-zeta").write_text("Copyright 2025 Zhipu AI.\nApache-2.0\n", encoding="utf-8")
    copy = scan(toy.copy_with("# Copyright 2025 Solaris AI. Proprietary."))
    kept = compare_notices(copy, reference, repo_notices=repository_notices(str(tmp_path)))
    assert kept.state == "retained" and f"{folder}/LICENSE-zeta" in kept.explanation
    (tmp_path / folder).rename(tmp_path / "drafts")
    assert compare_notices(copy, reference, repo_notices=repository_notices(str(tmp_path))).state == "replaced"
