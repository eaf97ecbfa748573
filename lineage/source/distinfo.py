"""A scanned directory or file that is a released distribution's code, file for file: its date.

A family first seen after a release cannot be the source of the released code.  A `name==version`
scan knows its release; an unpacked wheel or an installed package (site-packages) says which
release it is in its ``*.dist-info`` directory: METADATA names it, and RECORD lists every file
with its SHA-256.  When every scanned file is listed there with that very hash, the files are the
release's as published, so the scan travels back to the release's upload date (source/released.py,
asked of the package index once and kept).  Scanned without it, Meta's segment-anything 1.0,
unpacked from its wheel, read as a high copy of the SAM encoder SGLang vendored into DeepSeek-OCR
in 2025.

A file changed since, or one RECORD does not list, leaves the scan undated: code edited after the
release may be later than it.  METADATA and RECORD are the scanned tree's own words, as a commit's
date is, so such a scan also reports what the whole index holds of later code (anachronisms).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from collections.abc import Sequence
from email.parser import HeaderParser
from pathlib import Path

from lineage.models import SourceFile

UP = 3  # a dist-info directory is looked for in the scanned directory and this many above it
_MAX_META = 1_000_000  # METADATA and RECORD files read at most this many bytes
_MAX_DIRS = 64  # dist-info directories looked at per level (site-packages holds hundreds)


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(_MAX_META).decode("utf-8", "replace")
    except OSError:
        return ""


def _record(text: str) -> dict[str, str]:
    """RECORD rows: path -> "sha256=<urlsafe base64, unpadded>" (rows without a SHA-256 left out)."""
    rows: dict[str, str] = {}
    try:
        for row in csv.reader(io.StringIO(text)):
            if len(row) >= 2 and row[1].startswith("sha256="):
                rows[row[0]] = row[1]
    except csv.Error:
        return {}
    return rows


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _name_version(meta: str) -> tuple[str, str] | None:
    headers = HeaderParser().parsestr(meta, headersonly=True)
    name, version = str(headers.get("Name") or "").strip(), str(headers.get("Version") or "").strip()
    return (name, version) if name and version and len(name) < 200 and len(version) < 100 else None


def _candidates(start: Path) -> list[Path]:
    out: list[Path] = []
    for folder in [start, *start.parents][: UP + 1]:
        try:
            found = sorted(p for p in folder.iterdir() if p.name.endswith(".dist-info") and p.is_dir())
        except OSError:
            continue
        out += found[:_MAX_DIRS]
    return out


def release_of(root: str, files: Sequence[SourceFile]) -> tuple[str, str] | None:
    """(name, version) of the distribution whose RECORD lists every scanned file (paths relative
    to ``root``, a directory or a file) with its very hash, else None."""
    if not files:
        return None
    base = Path(root)
    start = base if base.is_dir() else base.parent
    scanned = [(base / f.path if base.is_dir() else base, f.data) for f in files]
    for info in _candidates(start):
        rows = _record(_read(info / "RECORD"))
        if not rows:
            continue
        top = info.parent
        try:
            listed = all(rows.get(path.resolve().relative_to(top.resolve()).as_posix()) == _digest(data)
                         for path, data in scanned)
        except (ValueError, OSError):  # a file outside the folder the dist-info describes
            listed = False
        if listed:
            return _name_version(_read(info / "METADATA"))
    return None
