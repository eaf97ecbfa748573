"""A scanned directory or file that is a released distribution's code, file for file: its date.

A family first seen after a release cannot be the source of the released code.  A `name==version`
scan knows its release; an unpacked wheel or an installed package (site-packages) says which
release it is in its ``*.dist-info`` directory: METADATA names it, and RECORD lists every file
with its SHA-256.  When every scanned file is listed there with that very hash, the files are the
release's as published, so the scan travels back to the release's upload date (source/released.py,
asked of the package index once and kept).  Scanned without it, Meta's segment-anything 1.0,
unpacked from its wheel, read as a high copy of the SAM encoder SGLang vendored into DeepSeek-OCR
in 2025.

A folder of many releases (a whole site-packages) is dated by the latest of them: by then every
one of its files was public.  A file changed since, or one no RECORD lists, leaves the scan undated: code edited after the
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
MAX_RELEASES = 64  # a scan spanning more releases than this is not dated (each is asked of the index)
_MAX_DIRS = 4096  # dist-info directories looked at per level (site-packages holds hundreds)


def read_meta(path: Path) -> str:
    """A METADATA, RECORD or PKG-INFO file's text, at most _MAX_META bytes ("" when unreadable)."""
    try:
        with path.open("rb") as handle:
            return handle.read(_MAX_META).decode("utf-8", "replace")
    except OSError:
        return ""


def record_rows(text: str) -> dict[str, str]:
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


def name_version(meta: str) -> tuple[str, str] | None:
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


def releases_of(root: str, files: Sequence[SourceFile]) -> list[tuple[str, str]] | None:
    """The distributions (name, version) whose RECORDs list every scanned file, or None
    (``claims_of``)."""
    claims = claims_of(root, files)
    return None if claims is None else sorted(claims)


def claims_of(root: str, files: Sequence[SourceFile]) -> dict[tuple[str, str], dict[str, str]] | None:
    """Per distribution (name, version) whose RECORD lists scanned files (paths relative to
    ``root``, a directory or a file) with their very hashes, the RECORD rows it lists them by
    (path -> hash), every file claimed once; None when a file is not so listed: a package folder
    is one release; a whole site-packages folder is many."""
    if not files:
        return None
    base = Path(root)
    start = base if base.is_dir() else base.parent
    left = {(base / f.path if base.is_dir() else base).resolve(): _digest(f.data) for f in files}
    found: dict[tuple[str, str], dict[str, str]] = {}
    relative: dict[Path, dict[str, Path]] = {}  # per folder a dist-info sits in: the files under it, by RECORD path
    for info in _candidates(start):
        top = info.parent.resolve()
        if top not in relative:
            relative[top] = {p.relative_to(top).as_posix(): p for p in left if p.is_relative_to(top)}
        under = relative[top]
        rows = record_rows(read_meta(info / "RECORD"))
        mine = {rel: digest for rel, digest in rows.items() if rel in under and under[rel] in left
                and left[under[rel]] == digest}
        if not mine:
            continue
        release = name_version(read_meta(info / "METADATA"))
        if release is None or set(mine) & set(found.get(release, {})):
            return None  # (two copies of one release's file, in two folders: which one is it?)
        found.setdefault(release, {}).update(mine)
        for rel in mine:
            del left[under[rel]]
        if not left:
            return found
    return None
