"""A reference file's own SPDX line is the licence its copy owes, not its package's.

A package under one licence may carry files under another: a kernel derived from NVIDIA's
BSD-3-Clause examples inside an Apache-2.0 serving engine.  A copy that declares
BSD-3-Clause, as the file it copies does, owes it nothing more; it was charged with leaving
out the package's Apache-2.0.  Fixture code is our own (tests/classify/data/lines/).
"""

from __future__ import annotations

from pathlib import Path

from lineage import api
from lineage.config import Config
from lineage.models import Finding, SourceFile
from tests.lines_fixture import code, index_families

HOLDER = "# Copyright (c) 2024 NVIDIA CORPORATION & AFFILIATES. All rights reserved.\n"
BSD = "# SPDX-License-Identifier: BSD-3-Clause\n"


def licence_findings(tmp_path: Path, reference_header: str) -> list[Finding]:
    text = reference_header + code(("base", "router"), "Kern")
    index = api.open_index(index_families(tmp_path, "eng", [("kern", text, "NVIDIA", "2024-01-01", ())]))
    mine = HOLDER + BSD + code(("base", "router"), "Mine")  # the holder kept, the file's licence declared
    result, _ = api.scan_files([SourceFile("ops/gemm.py", mine.encode())], index, Config(workers=1))
    return [f for f in result.findings if f.kind == "licence"]


def test_the_reference_files_own_licence_is_what_its_copy_owes(tmp_path: Path) -> None:
    assert licence_findings(tmp_path, HOLDER + BSD) == []


def test_without_its_own_licence_line_the_file_is_under_its_packages(tmp_path: Path) -> None:
    found = licence_findings(tmp_path, HOLDER)
    assert found and found[0].severity == "medium", found
    assert "declares BSD-3-Clause but its code matches" in found[0].explanation
    assert "under Apache-2.0" in found[0].explanation
