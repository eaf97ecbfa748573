"""A reference's notice written after the scanned code was published is not owed by it: Meta's own
release of 2022 against a port that later added "Copyright (c) 2025, NVIDIA CORPORATION" beside
Meta's line is Meta's code, not a copy with NVIDIA's notice removed.  Undated, the same scan judges
every notice as before (code cannot tell the direction)."""

from __future__ import annotations

import pytest

from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile
from lineage.notices.dated import as_of, written_after
from lineage.notices.records import FileNotices, Notice
from tests.classify.test_classify_elder import COPY, HEAD, OLD, build

NVIDIA = "# Copyright (c) 2025, NVIDIA CORPORATION.  All rights reserved.\n"
HUGGING_FACE = "# Copyright 2022 The HuggingFace Inc. team. All rights reserved.\n"
FACEBOOK = "# Copyright (c) Facebook, Inc. and its affiliates.\n"


def notice(statement: str) -> Notice:
    return Notice("X", statement, 1, "X", "", "vendor")


@pytest.mark.parametrize(("statement", "date", "later"), [
    ("Copyright (c) 2025, NVIDIA CORPORATION.", "2022-11-01", True),
    ("Copyright (c) 2025, NVIDIA CORPORATION.", "2025-01-01", False),
    ("Copyright 2020-2025 Acme Inc.", "2022-11-01", False),  # (a range: the holder's since 2020)
    ("Copyright Acme Inc.", "2022-11-01", False),  # (no year: kept)
    ("Copyright (c) 2025, NVIDIA CORPORATION.", "", False),  # (no date: kept)
    ("Copyright 12025 Acme", "2022-11-01", False),  # (no year, a number)
])
def test_a_notice_is_later_only_when_every_year_it_names_is(statement: str, date: str, later: bool) -> None:
    assert written_after(notice(statement), date) is later


def test_as_of_keeps_the_notices_that_can_have_been_written_by_then() -> None:
    found = FileNotices("ref.py", (notice("Copyright 2019 Meta"), notice("Copyright (c) 2025, NVIDIA")), (), (), ())
    assert [n.statement for n in as_of(found, "2022-11-01").notices] == ["Copyright 2019 Meta"]
    assert as_of(found, "") is found


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """wave, Meta's model as a framework ported it (Hugging Face's line beside Meta's 2019 one), whose
    file later took a 2025 NVIDIA line too."""
    return build(tmp_path_factory, "dated", HUGGING_FACE + NVIDIA + HEAD + OLD, HEAD + "\n\ndef ripple(x):\n    return x * 2\n")


def scan(index: EmbeddedIndex, text: str, date: str, date_of: str = "the date of the release wave==1.0") -> ScanResult:
    """Scanned as of ``date``, a release's date the package index confirmed (``date_of``), unless
    ``date_of`` is "": a commit's date, its author's to set."""
    from lineage.api import scan_files

    result, _ = scan_files([SourceFile(COPY, text.encode())], index, Config(workers=1), date=date, date_of=date_of)
    return result


def makers_file(header: str) -> str:
    return header + HEAD + OLD.replace("Wave", "Widget")


def test_the_makers_release_before_the_later_notice_is_its_own_code(port: EmbeddedIndex) -> None:
    result = scan(port, makers_file(FACEBOOK), "2022-11-01")
    assert not [f for f in result.findings if f.severity in ("medium", "high")]
    assert not any(f.kind == "notice" and "NVIDIA" in f.explanation for f in result.findings)


def test_undated_the_later_notice_is_still_owed(port: EmbeddedIndex) -> None:
    result = scan(port, makers_file(FACEBOOK), "")
    assert any(f.kind == "notice" and f.attribution == "removed" and "NVIDIA" in f.explanation
               and f.severity in ("medium", "high") for f in result.findings)


def test_a_copy_published_after_the_notice_owes_it(port: EmbeddedIndex) -> None:
    result = scan(port, makers_file(FACEBOOK), "2026-01-01")
    assert any(f.kind == "notice" and "NVIDIA" in f.explanation and f.severity in ("medium", "high")
               for f in result.findings)


def test_a_commits_date_does_not_excuse_a_later_notice(port: EmbeddedIndex) -> None:
    """A commit's date is its author's to set: a copy of the port without its 2025 line, committed
    with a 2023 date, read "notice retained" (a stranger's review); only a release's date the package
    index confirms, or the user's own --as-of, dates the notices."""
    result = scan(port, makers_file(FACEBOOK), "2022-11-01", date_of="")
    assert any(f.kind == "notice" and "NVIDIA" in f.explanation and f.severity in ("medium", "high")
               for f in result.findings)
    from lineage.api import scan_files

    as_of, _ = scan_files([SourceFile(COPY, makers_file(FACEBOOK).encode())], port,
                          Config(workers=1, as_of="2022-11-01"), date="2022-11-01")
    assert not any(f.kind == "notice" and "NVIDIA" in f.explanation for f in as_of.findings)
