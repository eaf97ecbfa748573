"""An index built from a directory manifest written by a test, and one file scanned against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile


def dir_index(tmp_path_factory: pytest.TempPathFactory, stem: str, lines: list[str]) -> Path:
    """The index of a manifest of the given lines (its `[source]` and `[[family]]` tables)."""
    manifest = tmp_path_factory.mktemp(f"{stem}-manifest") / f"{stem}.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path_factory.mktemp(f"{stem}-index") / f"{stem}.lineage"
    api.build([manifest], out, workers=1)
    return out


def scan_text(index: EmbeddedIndex, path: str, text: str) -> ScanResult:
    result, _ = api.scan_files([SourceFile(path, text.encode("utf-8"))], index, Config(workers=1), target="t")
    return result
