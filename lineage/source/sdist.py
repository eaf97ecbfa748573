"""A release's source distribution, downloaded without running it.

Many original projects publish only an sdist (mamba-ssm, flash-attn, encodec, openai-whisper):
`pip download` of an sdist runs its build backend, which a scan must never do, so `lineage scan
NAME==VERSION` fell back to nothing.  When no wheel is found, the project page of the index's
JSON simple API (PEP 691/700) names the release's sdist, its sha256 and upload time; the archive
is fetched over https, checked against that sha256 (and a pinned one, if given) before it enters
the cache, and read like any archive (source/archive.py), never built or run.  Its upload time is
kept as the release date (source/released.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from lineage.errors import FetchError
from lineage.source.fetch import _cached, normalised_name
from lineage.source.released import FETCH_ERRORS, TIMEOUT, index_url, open_https, page_files, project_page, upload_date

MAX_BYTES = 1 << 30  # an sdist larger than 1 GiB is refused
_SUFFIXES = (".tar.gz", ".zip")
_CHUNK = 1 << 20


def sdist_entry(page: bytes, name: str, version: str) -> dict[str, object] | None:
    """The project page's entry for ``name``'s ``version`` sdist, or None."""
    for entry in page_files(page):
        filename = entry.get("filename")
        if not isinstance(filename, str) or entry.get("yanked") not in (None, False):
            continue
        stem = next((filename[: -len(s)] for s in _SUFFIXES if filename.endswith(s)), "")
        project, _, release = stem.rpartition("-")
        if project and release == version and normalised_name(project) == normalised_name(name):
            return dict(entry)
    return None


def _https(url: str) -> str:
    if not url.startswith("https://"):
        raise FetchError(f"refusing to fetch over anything but https: {url}")
    return url


def fetch_sdist(name: str, version: str, target_dir: Path, index_args: Sequence[str] = (),
                sha256: str | None = None, timeout: float = TIMEOUT) -> Path:
    """Download ``name==version``'s sdist into ``target_dir`` (checked, never built) and return it."""
    spec = f"{name}=={version}"
    base = _https(index_url(index_args))
    try:
        page = project_page(base, normalised_name(name), timeout)
    except FETCH_ERRORS as exc:
        raise FetchError(f"no wheel, and the index's project page could not be read: {exc}", source=spec) from None
    entry = sdist_entry(page, name, version)
    if entry is None:
        raise FetchError("no wheel and no source distribution of this release on the index", source=spec)
    hashes = entry.get("hashes")
    expected = str(hashes.get("sha256", "")).lower() if isinstance(hashes, dict) else ""
    if sha256 and expected and sha256.lower() != expected:
        raise FetchError(f"the index's sha256 of {entry['filename']} is not the pinned one", source=spec)
    expected = (sha256 or expected).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise FetchError(f"the index gives no sha256 for {entry['filename']}: not fetched", source=spec)
    filename = str(entry["filename"])
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / filename
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out, open_https(_https(str(entry.get("url", ""))), timeout) as response:
            size = 0
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"{filename} is larger than {MAX_BYTES >> 20} MiB", source=spec)
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected:
            raise FetchError(f"sha256 mismatch for {filename}: expected {expected}, got {digest.hexdigest()}",
                             source=spec)
        os.replace(tmp, final)
    except FETCH_ERRORS as exc:
        raise FetchError(f"downloading {filename} failed: {exc}", source=spec) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    final.with_name(filename + ".sha256").write_text(expected + "\n", encoding="utf-8")
    final.with_name(filename + ".released").write_text(upload_date(page, filename) + "\n", encoding="utf-8")
    return final


def cached_sdist(name: str, version: str, cache_root: Path, index_args: Sequence[str] = (),
                 sha256: str | None = None) -> Path:
    """The release's sdist from the cache (re-hashed against its record), else from the index."""
    target_dir = cache_root / "pypi" / f"{normalised_name(name)}-{version}" / "sdist"
    if target_dir.is_dir():
        hit = _cached(target_dir, None, sha256)
        if hit is not None:
            return hit
    return fetch_sdist(name, version, target_dir, index_args, sha256)
