"""When a PyPI artefact was published: the date a scan of ``name==version`` travels back to.

A family first seen after a release cannot be the source of the released code (time travel, as a
git revision's commit date does for REPO@REV): scanned against today's index, segment-anything
1.0 (April 2023) read as a copy of the SAM encoder SGLang vendored into DeepSeek-OCR in 2025.
The date is the artefact's upload time from the index's JSON simple API (PEP 691/700), asked once
and kept beside the cached artefact; an index that does not say (a mirror, a local directory,
no network) gives no date, and the scan says so.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PYPI_SIMPLE = "https://pypi.org/simple"
_ACCEPT = "application/vnd.pypi.simple.v1+json"
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})T")
_MAX_BYTES = 20_000_000  # a project page with thousands of files is a few MB
TIMEOUT = 15.0


def index_url(index_args: Sequence[str]) -> str:
    """The simple index pip was told to use (``--index-url``/``-i``), else PyPI's."""
    args = list(index_args)
    for i, arg in enumerate(args):
        if arg in ("--index-url", "-i") and i + 1 < len(args):
            return args[i + 1].rstrip("/")
        if arg.startswith("--index-url="):
            return arg.split("=", 1)[1].rstrip("/")
    return PYPI_SIMPLE


def project_page(base: str, project: str, timeout: float = TIMEOUT) -> bytes:
    """A project's PEP 691 JSON page on the simple index at ``base`` (https only); raises
    ``urllib.error.URLError``, ``OSError`` or ``ValueError`` when it cannot be read."""
    if not base.startswith("https://"):
        raise ValueError(f"not an https index: {base}")
    request = urllib.request.Request(f"{base}/{project}/", headers={"Accept": _ACCEPT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https only)
        return bytes(response.read(_MAX_BYTES))


def page_files(page: bytes) -> list[dict[str, Any]]:
    """The file entries of a PEP 691 project page (none when it is not one)."""
    try:
        data = json.loads(page)
    except (ValueError, RecursionError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    return [entry for entry in files if isinstance(entry, dict)] if isinstance(files, list) else []


def upload_date(page: bytes, filename: str) -> str:
    """The upload date (YYYY-MM-DD) of ``filename`` on a PEP 691 project page, or ""."""
    for entry in page_files(page):
        if entry.get("filename") == filename:
            found = _DATE.match(str(entry.get("upload-time") or ""))
            return found.group(1) if found else ""
    return ""


def _kept(record: Path, project: str, index_args: Sequence[str], timeout: float,
          read: Callable[[bytes], str]) -> str:
    """The date kept in ``record``, else ``read`` from the project's page on the index and kept
    ("" is kept too, so an index that cannot say is asked once; a failed request is not kept: the
    network may be back next time)."""
    if record.is_file():
        return record.read_text(encoding="utf-8").strip()
    base = index_url(index_args)
    date = ""
    if base.startswith("https://"):
        try:
            date = read(project_page(base, project, timeout))
        except (urllib.error.URLError, OSError, ValueError):
            return ""
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(date + "\n", encoding="utf-8")
    except OSError:
        pass
    return date


def release_date(project: str, artefact: Path, index_args: Sequence[str] = (), timeout: float = TIMEOUT) -> str:
    """The upload date of a downloaded artefact, asked of its index once (kept as
    ``<artefact>.released`` beside it)."""
    return _kept(artefact.with_name(artefact.name + ".released"), project, index_args, timeout,
                 lambda page: upload_date(page, artefact.name))


def version_of(filename: str) -> str:
    """The version a wheel's or an sdist's file name carries ("" for neither)."""
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        return parts[1] if len(parts) >= 5 else ""
    for ext in (".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if filename.endswith(ext):
            _, dash, version = filename[: -len(ext)].rpartition("-")
            return version if dash else ""
    return ""


def version_upload_date(page: bytes, version: str) -> str:
    """The earliest upload date of the files of ``version`` on a PEP 691 project page, or ""."""
    want = version.strip().casefold()
    dates = []
    for entry in page_files(page):
        if version_of(str(entry.get("filename") or "")).casefold() == want:
            found = _DATE.match(str(entry.get("upload-time") or ""))
            if found:
                dates.append(found.group(1))
    return min(dates, default="")


def version_date(project: str, version: str, cache: Path, index_args: Sequence[str] = (),
                 timeout: float = TIMEOUT) -> str:
    """When ``project`` ``version`` was published (its earliest file's upload date), asked of the
    package index once and kept under ``cache``/released."""
    name = re.sub(r"[-_.]+", "-", project).lower()
    key = re.sub(r"[^A-Za-z0-9_.+-]", "_", f"{name}-{version}")
    return _kept(cache / "released" / key, name, index_args, timeout,
                 lambda page: version_upload_date(page, version))
