"""A `name==version` scan travels back to the release's upload date, read from the package index's
JSON simple API (PEP 691/700) once and kept beside the cached artefact."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lineage.source.released import PYPI_SIMPLE, index_url, release_date, upload_date

PAGE = json.dumps({"files": [
    {"filename": "widget-1.0.tar.gz", "upload-time": "2023-04-06T18:04:40.816275Z"},
    {"filename": "widget-1.0-py3-none-any.whl", "upload-time": "2023-04-05T09:00:00Z"},
    {"filename": "widget-1.1-py3-none-any.whl"},
]}).encode()


def test_the_artefacts_own_upload_date_is_read() -> None:
    assert upload_date(PAGE, "widget-1.0-py3-none-any.whl") == "2023-04-05"
    assert upload_date(PAGE, "widget-1.0.tar.gz") == "2023-04-06"


@pytest.mark.parametrize("page", [PAGE, b"not json", b"[1, 2]", b'{"files": 3}', b'{"files": [{"filename": 1}]}'])
def test_an_unknown_file_or_a_broken_page_gives_no_date(page: bytes) -> None:
    assert upload_date(page, "widget-1.1-py3-none-any.whl") == ""
    assert upload_date(page, "other-2.0.tar.gz") == ""


def test_the_index_pip_was_told_to_use_is_asked() -> None:
    assert index_url(()) == PYPI_SIMPLE
    assert index_url(["--index-url", "https://mirror.example/simple/"]) == "https://mirror.example/simple"
    assert index_url(["-i", "https://m.example/simple"]) == "https://m.example/simple"
    assert index_url(["--index-url=https://x.example/simple"]) == "https://x.example/simple"


def test_an_index_that_is_not_https_is_never_asked_and_the_answer_is_kept(tmp_path: Path) -> None:
    artefact = tmp_path / "widget-1.0-py3-none-any.whl"
    artefact.write_bytes(b"PK")
    assert release_date("widget", artefact, ["--index-url", "file:///opt/pypi/simple"]) == ""
    record = tmp_path / "widget-1.0-py3-none-any.whl.released"
    assert record.read_text(encoding="utf-8") == "\n"  # asked once: kept, though empty
    record.write_text("2020-01-02\n", encoding="utf-8")
    assert release_date("widget", artefact) == "2020-01-02"  # the kept answer, not the network's


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
def test_pypi_says_when_segment_anything_1_0_was_published(tmp_path: Path) -> None:
    # the real index: segment-anything 1.0 (Meta's SAM) was uploaded on 2023-04-06, before SGLang's
    # DeepSeek-OCR vendored its encoder; a scan of it travels back to that date
    artefact = tmp_path / "segment_anything-1.0-py3-none-any.whl"
    artefact.write_bytes(b"PK")
    assert release_date("segment-anything", artefact) == "2023-04-06"
