"""A release's wheel as the package index publishes it: the check of a tree's claim to be that release.

A tree's ``*.dist-info`` says which release it is, and its RECORD lists its files' hashes, but
both are the tree's own words: a copy that wrote a dist-info of its own, naming an old release
of some real project with its own files' hashes, would travel back before every family it
copies and lose its copy verdicts.  So the claim is checked: the release's pure-Python wheel is
fetched from the package index (https only, at most MAX_WHEEL bytes, its SHA-256 the one the
index states), read as a zip archive, never installed nor run; its own RECORD must list every
claimed file with the same hash, and the scan is dated by that wheel's upload time (a wheel
added to an old version later is dated as it was added).  The answer is kept under the cache's
``released/`` folder, so a release is fetched once.  A release with no pure-Python wheel on the
index, or only larger ones, cannot be checked, and a claim that cannot be checked dates nothing.
"""

from __future__ import annotations

import hashlib
import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lineage.source.distinfo import record_rows
from lineage.source.released import (
    TIMEOUT, UPLOAD_TIME, asked_once, index_url, open_https, page_files, valid_release, version_of,
)

MAX_WHEEL = 32_000_000  # a wheel larger than this is not fetched to check a claim
MAX_RECORD = 4_000_000  # a RECORD inside a wheel is read up to this size
_DIST_RECORD = re.compile(r"^[^/]+\.dist-info/RECORD$")
_DATA = re.compile(r"^[^/]+\.data/(?:purelib|platlib)/")  # installed at the top, without this prefix
# what reading a (hash-valid, so possibly hostile) wheel archive can raise
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError,
               zlib.error, lzma.LZMAError)


def _wheel(page: bytes, version: str) -> dict[str, Any] | None:
    """The smallest pure-Python wheel (``-none-any``: a platform's build may generate files of its
    own) of ``version`` on a PEP 691 page with an https URL, an upload time, a size within
    MAX_WHEEL and a SHA-256 stated, or None."""
    want = version.strip().casefold()
    wheels = [e for e in page_files(page) if str(e.get("filename") or "").endswith("-none-any.whl")
              and version_of(str(e["filename"])).casefold() == want
              and str(e.get("url") or "").startswith("https://")
              and UPLOAD_TIME.match(str(e.get("upload-time") or ""))
              and isinstance(e.get("size"), int) and 0 < e["size"] <= MAX_WHEEL
              and isinstance(e.get("hashes"), dict) and isinstance(e["hashes"].get("sha256"), str)]
    return min(wheels, key=lambda e: (e["size"], e["filename"]), default=None)


def record_of_wheel(data: bytes) -> str:
    """The text of the dist-info RECORD inside a wheel's bytes ("" when it has none, or is no zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if _DIST_RECORD.match(info.filename) and 0 < info.file_size <= MAX_RECORD:
                    with archive.open(info) as handle:
                        return handle.read(MAX_RECORD).decode("utf-8", "replace")
    except _ZIP_ERRORS:
        return ""
    return ""


def installed_rows(record: str) -> dict[str, str]:
    """A wheel's RECORD rows as an installer records them: files under ``<name>.data/purelib/``
    or ``platlib/`` go to the top."""
    return {_DATA.sub("", path): digest for path, digest in record_rows(record).items()}


def _download(entry: dict[str, Any], timeout: float) -> bytes:
    """The wheel's bytes, checked against the SHA-256 the index states; raises ValueError otherwise."""
    with open_https(str(entry["url"]), timeout) as response:
        data = bytes(response.read(MAX_WHEEL + 1))
    if len(data) > MAX_WHEEL or hashlib.sha256(data).hexdigest() != str(entry["hashes"]["sha256"]).lower():
        raise ValueError("the wheel is not the one the index states")
    return data


def _checked(page: bytes, version: str, timeout: float) -> str:
    """"<upload date>\n<RECORD>" of the release's wheel on ``page``, fetched and checked, or ""."""
    entry = _wheel(page, version)
    record = record_of_wheel(_download(entry, timeout)) if entry is not None else ""
    found = UPLOAD_TIME.match(str(entry.get("upload-time") or "")) if entry is not None and record else None
    return f"{found.group(1)}\n{record}" if found else ""


def published_wheel(project: str, version: str, cache: Path, index_args: Sequence[str] = (),
                    timeout: float = TIMEOUT) -> tuple[str, dict[str, str]] | None:
    """(upload date, RECORD rows as installed) of ``project`` ``version``'s pure-Python wheel on the
    package index, kept under ``cache``/released; None when the index has no such wheel to check
    against (kept, so it is asked once) or cannot be reached (not kept: the network may be back)."""
    if not valid_release(project, version):
        return None
    name = re.sub(r"[-_.]+", "-", project).lower()
    kept = cache / "released" / f"{name}-{version}.wheel"
    if not kept.is_file() and not index_url(index_args).startswith("https://"):
        return None  # (an index that cannot be asked: nothing to keep, a later run may name another)
    answer = asked_once(kept, name, index_args, timeout, lambda page: _checked(page, version, timeout))
    date, _, record = answer.partition("\n")
    return (date, installed_rows(record)) if date else None
