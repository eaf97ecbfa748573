"""notice_findings(): kinds, severities, explanations, details and stable ids."""

from __future__ import annotations

from collections.abc import Callable

from lineage.details import LicenceDetails, NoticeDetails
from lineage.models import Finding
from lineage.notices import FileNotices, compare_notices, notice_findings

Scan = Callable[..., FileNotices]


def findings_for(
    scan: Scan,
    toy: type,
    reference: FileNotices,
    replacement: str,
    licence: str = "Apache-2.0",
    text: str | None = None,
) -> list[Finding]:
    scanned = scan(text if text is not None else toy.copy_with(replacement))
    attribution = compare_notices(scanned, reference)
    return notice_findings(
        scanned.path,
        scanned,
        attribution,
        [toy.make_match(licence)],
        has_code_match=True,
        own_orgs=["Upstage"],
    )


def summary(found: list[Finding]) -> list[tuple[str, str, str | None]]:
    return [(f.kind, f.severity, f.attribution) for f in found]


def test_leftover_notice_is_info(scan: Scan, toy: type, reference: FileNotices) -> None:
    found = findings_for(scan, toy, reference, toy.REF_LINE)
    assert summary(found) == [("notice", "info", "retained")]
    details = found[0].details
    assert isinstance(details, NoticeDetails)
    assert (details.org, details.country, details.licence) == (
        "Zhipu AI",
        "CN",
        "Apache-2.0",
    )
    assert any("NOTICE" in o for o in details.obligations)
    assert found[0].start_line == 3


def test_removed_notice_is_medium(scan: Scan, toy: type, reference: FileNotices) -> None:
    found = findings_for(scan, toy, reference, "")
    assert summary(found) == [("notice", "medium", "removed")]
    assert "removed" in found[0].explanation and toy.REF_PATH in found[0].explanation


def test_replaced_notice_is_high(scan: Scan, toy: type, reference: FileNotices) -> None:
    found = findings_for(scan, toy, reference, "# Copyright 2025 Upstage")
    assert summary(found) == [("notice", "high", "replaced")]
    details = found[0].details
    assert isinstance(details, NoticeDetails) and details.comparison and details.comparison.replaced_by
    assert details.comparison.replaced_by.org == "Upstage"
    assert details.holder == "The ZhipuAI Inc. team"
    assert details.to_json()["replaced_by_org"] == "Upstage"  # the JSON report keeps the flat keys
    assert "'Copyright 2025 Upstage'" in found[0].explanation


def test_foreign_notice_without_code_match_is_stale(scan: Scan) -> None:
    scanned = scan("# Copyright 2024 DeepSeek-AI\n# Copyright 2025 Upstage\nimport os\n")
    found = notice_findings(
        scanned.path, scanned, None, [], has_code_match=False, own_orgs=["Upstage"]
    )
    assert summary(found) == [("notice", "info", None)]
    assert isinstance(found[0].details, NoticeDetails) and found[0].details.org == "DeepSeek"
    assert found[0].details.note == "stale or credit" and found[0].details.comparison is None
    assert "stale or gives credit" in found[0].explanation


def test_licence_conflict_with_apache_reference(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    text = toy.REF.replace("Apache-2.0", "MIT")
    found = findings_for(scan, toy, reference, "", text=text)
    assert ("licence", "medium", None) in summary(found)
    licence = next(f for f in found if f.kind == "licence")
    assert "declares MIT" in licence.explanation and "Apache-2.0" in licence.explanation


def test_a_header_declaring_proprietary_terms_conflicts_with_copied_apache_code(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    """No SPDX tag and no grant, only "proprietary and confidential" prose: the file declares
    closed terms, which the Apache-2.0 code it copies does not allow without its licence and
    notices; MIT code (notice only) may sit under them."""
    header = ("# Copyright 2025 Acme Robotics Inc.\n# PROPRIETARY AND CONFIDENTIAL: unauthorised copying of this "
              "file, via any medium, is strictly prohibited.\n")
    body = toy.REF.split("\n", 3)[3]  # the SPDX tag and the upstream lines dropped
    found = findings_for(scan, toy, reference, "", text=header + body)
    licence = next(f for f in found if f.kind == "licence")
    assert licence.severity == "medium" and "declares LicenseRef-Proprietary" in licence.explanation
    assert "licence" not in [f.kind for f in findings_for(scan, toy, reference, "", licence="MIT", text=header + body)]
    honest = "# Copyright 2025 Acme Robotics Inc.\n# Confidential data is never logged by this module.\n"
    assert scan(honest + body).licences == ()


def test_no_conflict_when_licences_agree_or_reference_is_notice_only(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    assert "licence" not in [f.kind for f in findings_for(scan, toy, reference, toy.REF_LINE)]
    mit_ref = findings_for(scan, toy, reference, toy.REF_LINE, licence="MIT")
    assert "licence" not in [f.kind for f in mit_ref]


def test_model_licence_restrictions_reach_the_finding(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    found = findings_for(scan, toy, reference, toy.REF_LINE, licence="llama3.1-community")
    licence = next(f for f in found if f.kind == "licence")
    assert licence.severity == "medium"
    assert isinstance(licence.details, LicenceDetails)
    assert any("700 million" in r for r in licence.details.restrictions)


def test_ids_ignore_lines_but_not_state(scan: Scan, toy: type, reference: FileNotices) -> None:
    kept = findings_for(scan, toy, reference, toy.REF_LINE)
    shifted = findings_for(scan, toy, reference, "#\n#\n" + toy.REF_LINE)
    assert shifted[0].start_line != kept[0].start_line
    assert shifted[0].id == kept[0].id
    removed = findings_for(scan, toy, reference, "")
    assert removed[0].id != kept[0].id
    assert len(kept[0].id) == 16 and int(kept[0].id, 16) >= 0


def test_details_carry_both_sides_for_the_report(
    scan: Scan, toy: type, reference: FileNotices
) -> None:
    found = findings_for(scan, toy, reference, "# Copyright 2025 Upstage")
    details = found[0].details
    assert isinstance(details, NoticeDetails) and details.comparison is not None
    assert details.comparison.notices == ("Copyright 2025 Upstage",)
    assert details.comparison.reference_notices == ("Copyright 2025 The ZhipuAI Inc. team.",)
    assert details.to_json()["notices"] == ["Copyright 2025 Upstage"]


def test_a_licence_named_only_by_reference_is_not_called_no_licence(scan: Scan, toy: type,
                                                                     reference: FileNotices) -> None:
    """A header that says the code is licensed under a licence found in a LICENSE file declares
    one, though not in SPDX terms: the finding must not say it declares none."""
    header = ("# Copyright (c) 2026 Upstage AI.\n#\n# This source code is licensed under the BSD-style license "
              "found in the\n# LICENSE file in the root directory of this source tree.\n")
    plain = "# Copyright (c) 2026 Upstage AI.\n"
    said = {}
    for name, head in (("reference", header), ("none", plain)):
        text = head + toy.copy_with("").split("\n", 1)[1]
        found = findings_for(scan, toy, reference, "", licence="llama3.1-community", text=text)
        said[name] = next(f.explanation for f in found if f.kind == "licence")
    assert "declares no licence that lineage can identify (its header refers to a licence" in said["reference"]
    assert "declares no licence but its code matches" in said["none"]


def test_dropped_framework_notice_is_a_low_licence_gap(scan: Scan, toy: type) -> None:
    ref = scan(toy.FRAMEWORK_ONLY, "vllm/model_executor/models/helper.py")
    copy = scan("# Copyright 2025 Upstage\nimport os\n")
    attribution = compare_notices(copy, ref)

    def found(licence: str, own: tuple[str, ...] = ()) -> list[Finding]:
        match = toy.make_match(licence, path=ref.path, org="vLLM project", family="vllm:helper")
        return notice_findings(copy.path, copy, attribution, [match], has_code_match=True, own_orgs=own)

    gap = [f for f in found("Apache-2.0") if f.details.note == "framework notice not kept"]  # type: ignore[union-attr]
    assert [(f.kind, f.severity, f.attribution) for f in gap] == [("notice", "low", None)]
    assert "helper.py line 2 holds 'SPDX-FileCopyrightText: Copyright contributors to the vLLM project'" in gap[0].explanation
    assert "Apache-2.0 obliges: keep the copyright" in gap[0].explanation
    assert "not concealed lineage" in gap[0].explanation
    assert not [f for f in found("Apache-2.0", ("vLLM project",)) if f.severity == "low"]  # its own notice
    assert not [f for f in found("") if f.severity == "low"]  # no known licence: no obligation to cite


def test_one_finding_per_missing_line_however_many_holders_it_names(scan: Scan) -> None:
    ref = scan("# Copyright 2024 DeepSeek-AI and Zhipu AI. All rights reserved.\n# Copyright 2023 Google LLC\n",
               "ref/model.py")
    copy = scan("# Copyright 2025 Upstage\nimport os\n")
    attribution = compare_notices(copy, ref)
    assert attribution.state == "replaced" and len(attribution.missing) == 3
    found = [f for f in notice_findings(copy.path, copy, attribution, [], has_code_match=True) if f.severity == "high"]
    assert len(found) == 2  # the line naming two holders once, Google's line once
    assert len({f.id for f in found}) == 2 and len({f.explanation for f in found}) == 2
    assert "reference line 1, 'Copyright 2024 DeepSeek-AI and Zhipu AI" in found[0].explanation


def test_a_file_name_opening_the_comparison_is_quoted_as_it_is(scan: Scan) -> None:
    """The comparison follows each finding's own lead as a sentence of its own; when it opens with
    the scanned file's name, that name keeps its case (a reviewer searches for it)."""
    ref = scan("# Copyright 2024 DeepSeek-AI and Zhipu AI. All rights reserved.\n# Copyright 2023 Google LLC\n",
               "ref/model.py")
    copy = scan("# Copyright 2025 Upstage\nimport os\n", "acme/modeling_acme.py")
    found = [f for f in notice_findings(copy.path, copy, compare_notices(copy, ref), [], has_code_match=True)
             if f.severity == "high"]
    assert found and all(", not kept. acme/modeling_acme.py line 1 holds 'Copyright 2025 Upstage'" in f.explanation
                         for f in found), [f.explanation for f in found]


def test_one_finding_per_missing_holder_however_many_lines_name_it(scan: Scan, toy: type) -> None:
    """A combined header names OpenAI on two lines (its own notice, then the licence it came
    under) and another holder on a third: two holders missing, two findings, each citing its lines."""
    header = ("# Copyright 2021 The OpenAI Team Authors.\n# Copyright 2022 Zhipu AI.\n#\n"
              "# The implementation here is modified based on CLIP,\n"
              "# originally MIT License, Copyright (c) 2021 OpenAI.\n\nimport torch\n")
    reference = scan(header, path="ref/modeling_ref.py")
    assert len({n.line for n in reference.notices}) == 3
    found = findings_for(scan, toy, reference, "", text="import torch\n")
    assert summary(found) == [("notice", "medium", "removed")] * 2
    # each opens with its own holder's lines (then the file's comparison, the same for both)
    assert all(f.explanation.startswith("This finding: reference line ") for f in found)
    # ... and the comparison goes on as a sentence of its own
    assert all(f.explanation.split(", not kept. ", 1)[1][:1].isupper() for f in found)
    leads = {f.explanation.split(", not kept. ", 1)[0] for f in found}
    assert len(leads) == 2
    openai = next(lead for lead in leads if "OpenAI" in lead)
    assert "line 1, 'Copyright 2021 The OpenAI Team Authors.'; line 5," in openai and "Zhipu" not in openai
    assert len({f.id for f in found}) == 2
