"""A notice finding on a file that imports from a line and copies the rest says where each
import comes from: the line of the copied code, or a line it declares descent from (auto-round's
gpt_oss.py, importing GptOssMLP from transformers' gpt_oss, read "imports GptOssMLP from
minimax_m3_vl", whose code it matched, a false statement of fact)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from tests.lines_fixture import build_lines_index, code


@pytest.fixture(scope="module")
def lines_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("lines")))


def _notices(index: EmbeddedIndex, imports: str) -> list[str]:
    text = ("# Copyright 2026 Acme Corp. All rights reserved.\n" + imports
            + code(("base", "router"), "Xray"))
    result, _ = api.scan_files([SourceFile("mine/modeling_mine.py", text.encode())], index, Config(workers=1))
    return [f.explanation for f in result.findings if f.kind == "notice" and f.attribution in ("removed", "replaced")]


def test_an_import_from_the_declared_ancestor_is_said_to_come_from_it(lines_index: EmbeddedIndex) -> None:
    said = [e for e in _notices(lines_index, "from ..base.modeling_base import BaseNorm\n") if "imports" in e]
    assert said, "the router copy's notice finding says what the file imports"
    assert all("imports BaseNorm from base (the line of router or a line it declares descent from)" in e
               for e in said)


def test_an_import_from_the_line_itself_names_that_line(lines_index: EmbeddedIndex) -> None:
    said = [e for e in _notices(lines_index, "from ..router.modeling_router import RouterNorm\n") if "imports" in e]
    assert said and all("imports RouterNorm from router (" in e for e in said)
