"""When a PyPI artefact was published: the date a scan of ``name==version`` travels back to.

A family first seen after a release cannot be the source of the released code (time travel, as a
git revision's commit date does for REPO@REV): scanned against today's index, segment-anything
1.0 (April 2023) read as a copy of the SAM encoder SGLang vendored into DeepSeek-OCR in 2025.
The date is the artefact's upload time from the index's JSON simple API (PEP 691/700), asked once
and kept beside the cached artefact; an index that does not say (a mirror, a local directory,
no network) gives no date, and the scan says so.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

PYPI_SIMPLE = "https://pypi.org/simple"
_ACCEPT = "application/vnd.pypi.simple.v1+json"
UPLOAD_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T")
_MAX_BYTES = 20_000_000  # a project page with thousands of files is a few MB
TIMEOUT = 15.0
# what a request to the index can raise (http.client's errors are no OSError: a truncated body)
FETCH_ERRORS = (urllib.error.URLError, OSError, ValueError, http.client.HTTPException)
_PROJECT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?")  # a distribution name (PEP 508)
_VERSION = re.compile(r"[A-Za-z0-9.+!_-]{1,99}")  # a version, PEP 440 or legacy


def valid_release(project: str, version: str) -> bool:
    """A name and version fit to go into an index URL and a cache file's name."""
    return bool(_PROJECT.fullmatch(project) and _VERSION.fullmatch(version))


class _HttpsOnly(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to https addresses only."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if not newurl.startswith("https://"):
            raise urllib.error.URLError(f"a redirect away from https: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def open_https(url: str | urllib.request.Request, timeout: float) -> Any:
    """``urlopen`` of an https address that follows redirects to https addresses only."""
    full = url.full_url if isinstance(url, urllib.request.Request) else url
    if not full.startswith("https://"):
        raise ValueError(f"not an https address: {full}")
    return urllib.request.build_opener(_HttpsOnly).open(url, timeout=timeout)


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
    with open_https(request, timeout) as response:
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
            found = UPLOAD_TIME.match(str(entry.get("upload-time") or ""))
            return found.group(1) if found else ""
    return ""


def asked_once(record: Path, project: str, index_args: Sequence[str], timeout: float,
               read: Callable[[bytes], str]) -> str:
    """The answer kept in ``record``, else ``read`` from the project's page on the index and kept
    ("" is kept too, so an index that cannot say is asked once; a failed request is not kept: the
    network may be back next time)."""
    if record.is_file():
        return record.read_text(encoding="utf-8").strip()
    base = index_url(index_args)
    date = ""
    if base.startswith("https://"):
        try:
            date = read(project_page(base, project, timeout))
        except FETCH_ERRORS:
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
    return asked_once(artefact.with_name(artefact.name + ".released"), project, index_args, timeout,
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


def project_of(filename: str) -> str:
    """The project a wheel's or an sdist's file name names, as the index spells it (PEP 503), or ""."""
    version = version_of(filename)
    if not version:
        return ""
    stem = filename[:-4].split("-")[0] if filename.endswith(".whl") else filename[: filename.rindex("-" + version)]
    return re.sub(r"[-_.]+", "-", stem).lower()


def published_date(artefact: Path, sha256: str, cache: Path, index_args: Sequence[str] = (),
                   timeout: float = TIMEOUT) -> str:
    """The upload date of a wheel or sdist file as the package index lists it: the file of that
    name whose SHA-256 the index states is this file's (a file renamed after a release, or altered,
    is not that release and is not dated); asked once per file and digest (``cache``/released/)."""
    project = project_of(artefact.name)
    if not project:
        return ""

    def read(page: bytes) -> str:
        for entry in page_files(page):
            hashes = entry.get("hashes")
            digest = str(hashes.get("sha256", "")).lower() if isinstance(hashes, dict) else ""
            if entry.get("filename") == artefact.name and digest == sha256:
                found = UPLOAD_TIME.match(str(entry.get("upload-time") or ""))
                return found.group(1) if found else ""
        return ""

    return asked_once(cache / "released" / f"{project}-{sha256[:32]}.date", project, index_args, timeout, read)
