"""A file that is an engine's published model file, as it is, lacks its declared root's notice
because the published file does.  Looked through to the root, that gap is said as the published
file's (a stranger's review, 2026-12-05: vLLM's own mistral.py, scanned as it is, read "the
upstream notice was removed"), medium at most: the file scanned may be the publisher's own.  The
same file without the engine's own notice line has removed something, and is not said so."""

from __future__ import annotations

import pytest

from lineage import api
from lineage.config import Config
from lineage.details import look_through_root
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, SourceFile
from tests.lines_fixture import NOTICES, code, index_families

ENGINE = ("# SPDX-License-Identifier: Apache-2.0\n"
          "# SPDX-FileCopyrightText: Copyright contributors to the vLLM project\n")
PORT = ENGINE + code(("base", "router"), "Engine")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    families = [("base", NOTICES["base"] + "\n" + code(("base",), "Base"), "Meta", "2023-01-01", ()),
                ("port", PORT, "DeepSeek", "2024-06-01", ("base",))]
    return api.open_index(str(index_families(tmp_path_factory.mktemp("gap"), "eng", families)))


def _root_findings(index: EmbeddedIndex, text: str) -> list[Finding]:
    result, _ = api.scan_files([SourceFile("serving/port.py", text.encode())], index, Config(workers=1))
    row = result.summary.files["serving/port.py"]
    assert row.source is not None and row.source.look_through is not None
    assert row.source.look_through.root == "eng:base"
    return [f for f in result.findings if f.kind == "notice" and look_through_root(f.details)]


def test_the_published_file_as_it_is_is_said_to_carry_the_published_gap(index: EmbeddedIndex) -> None:
    found = _root_findings(index, PORT)
    assert found and all(f.severity == "medium" for f in found), [(f.severity, f.explanation) for f in found]
    said = found[0].explanation
    assert "the gap came with the code" in said and "the upstream notice was removed" not in said
    assert "the root's notice is missing" in said


def test_the_file_without_the_engine_s_own_notice_removed_something(index: EmbeddedIndex) -> None:
    found = _root_findings(index, PORT.replace(ENGINE.splitlines()[1] + "\n", ""))
    assert found and any(f.severity in ("medium", "high") for f in found)
    assert not any("the gap came with the code" in f.explanation for f in found)
