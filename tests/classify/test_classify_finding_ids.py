"""A finding id names one finding: a file judged through its family's declared root as well
(look-through) restated the file's licence finding, the same finding twice under one id (a
stranger's scan of vLLM's qwen3.py under MIT; SARIF then held one fingerprint twice)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lineage import api
from lineage.config import Config
from lineage.models import SourceFile
from tests.lines_fixture import build_lines_index, code


def test_a_look_through_file_under_another_licence_has_one_licence_finding(tmp_path: Path) -> None:
    index = api.open_index(build_lines_index(tmp_path))
    text = "# SPDX-License-Identifier: MIT\n" + code(("base", "router"), "Solar")
    result, _ = api.scan_files([SourceFile("m/modeling_solar.py", text.encode())], index, Config(workers=1))
    assert any(f.kind == "notice" and f.explanation.startswith("Look-through") for f in result.findings)
    licence = [f for f in result.findings if f.kind == "licence"]
    assert len(licence) == 1 and "declares MIT" in licence[0].explanation
    assert max(Counter(f.id for f in result.findings).values()) == 1
