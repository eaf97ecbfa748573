"""The architecture finding's word on the file's code: copied, declared reuse, the owner's own, or none."""

from __future__ import annotations

import dataclasses

from lineage.arch.findings import _code_sentence
from lineage.models import Finding, Match, RefUnit


def _found(attribution: str, severity: str, start: int = 10, end: int = 29) -> Finding:
    ref = RefUnit("transformers:deepseek_v2", "DeepSeek", "CN", "Apache-2.0", "transformers==5.23.0",
                  "transformers/models/deepseek_v2/modeling_deepseek_v2.py", "DeepseekV2MLP", 1, 20)
    return Finding(f"f{start}", "code-match", "mine.py", start, end, "MyMLP", "core-architecture", attribution,
                   severity, (Match(ref, 0.97, 0.95, 0.9, 0.93, 0.8, ()),), "")


def _notice(unit: Finding, attribution: str, severity: str) -> Finding:
    """The file's notice finding, matched to the same reference as ``unit``."""
    return dataclasses.replace(unit, id="n1", kind="notice", start_line=1, end_line=1, unit="<module>",
                               role=None, attribution=attribution, severity=severity)


def test_the_code_sentence_follows_the_attribution_of_the_matches() -> None:
    line = "deepseek_v2"
    assert _code_sentence([_found("removed", "high")], "mine.py", line).startswith(
        "code also matches deepseek_v2 on 20 lines")
    assert _code_sentence([_found("declared", "info")], "mine.py", line) == "code reuse of deepseek_v2 declared on 20 lines"
    assert _code_sentence([_found("own", "info")], "mine.py", line) == (
        "code matching deepseek_v2 on 20 lines is the owner's own")
    assert _code_sentence([_found("none-needed", "info")], "mine.py", line) == "code not copied"  # idioms only
    assert _code_sentence([_found("declared", "info")], "other.py", line) == "code not copied"


def test_a_whole_copy_of_shared_code_is_not_said_to_be_no_copy() -> None:
    """Each unit common code (info), the file a copy of the line's file as a whole, its notice owed
    (a medium or high notice finding against that line): the architecture finding does not say
    "code not copied" beside the copy verdict (a stranger's review of a llama copy, 2026-12-04)."""
    line = "deepseek_v2"
    unit = _found("none-needed", "info")
    notice = _notice(unit, "replaced", "high")
    said = _code_sentence([unit, notice], "mine.py", line)
    assert said == "code matches deepseek_v2 on 20 lines, its notice owed (see the notice findings)"
    assert _code_sentence([unit, dataclasses.replace(notice, severity="low")], "mine.py", line) == "code not copied"
    assert _code_sentence([unit, notice], "other.py", line) == "code not copied"


def test_a_copy_of_another_lines_code_is_not_said_to_be_no_copy() -> None:
    """The file implements glm4's architecture, its code copied and matched to glm's file (glm4's
    parent holds it as closely): "code not copied" would be quotable and false (a stranger's review,
    2026-12-05); the sentence names the line the code matches instead."""
    said = _code_sentence([_found("replaced", "high"), _found("replaced", "medium", 40, 44)], "mine.py", "deepseek_v3")
    assert said == "its code matches deepseek_v2 on 25 lines, not deepseek_v3's own (see the code-match findings)"
    assert _code_sentence([_found("none-needed", "info")], "mine.py", "deepseek_v3") == "code not copied"


def test_a_copy_that_keeps_the_lines_notice_is_not_said_to_be_no_copy() -> None:
    """An unmodified copy of the line's file keeps its notice: every finding is info, and the
    architecture finding said "code not copied" beside "copy of the whole file of bitnet" (a fifth
    stranger's review, 2026-12-05); it says the code matches, its notice kept."""
    line = "deepseek_v2"
    unit = _found("none-needed", "info")
    kept = _notice(unit, "retained", "info")
    said = _code_sentence([unit, kept], "mine.py", line)
    assert said == "code matches deepseek_v2 on 20 lines, its notice kept (see the notice findings)"
    assert _code_sentence([kept], "mine.py", line) == "code not copied"  # (a notice, and no code of the line)
    assert _code_sentence([unit, kept], "other.py", line) == "code not copied"
