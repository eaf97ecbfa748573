"""The embedded index file: a JSON header and raw numpy arrays, never pickle.

Layout: ``MAGIC``, a little-endian u64 header length, the JSON header, padding to 64
bytes, then each array's raw bytes at the offset the header gives.  The header records the
format version, every fingerprint parameter and a sha256 per array, so a truncated or
tampered file and an index made with other parameters are refused with a clear message.
Writes go to a temporary file in the same directory and replace the old one atomically,
under an exclusive lock, so a crash or a concurrent build never leaves a broken index.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import struct
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from lineage.errors import IndexError_

MAGIC = b"LINEAGE-INDEX\x00"
FORMAT_VERSION = 1
_ALIGN = 64
_MAX_HEADER = 16 * 1024 * 1024


def _pad(n: int) -> int:
    return (-n) % _ALIGN


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Exclusive lock beside the index: two builds of one index run one after the other.

    Temporary files are only written under this lock, so once it is held any left beside
    the index belong to a writer that was killed mid-write (kill -9): they are removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for stale in path.parent.glob(glob.escape(path.name) + ".*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_index(path: Path, header: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> str:
    """Write atomically; returns the index id (a digest of params and every array)."""
    table: dict[str, dict[str, Any]] = {}
    offset = 0
    blobs: list[tuple[int, bytes]] = []
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        raw = arr.tobytes()
        table[name] = {
            "dtype": arr.dtype.str, "shape": list(arr.shape), "offset": offset,
            "nbytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest(),
        }
        blobs.append((offset, raw))
        offset += len(raw) + _pad(len(raw))
    ident = hashlib.sha256(
        json.dumps([header.get("params"), {k: v["sha256"] for k, v in table.items()}], sort_keys=True).encode()
    ).hexdigest()[:16]
    full = dict(header, format=FORMAT_VERSION, id=ident, arrays=table)
    head = json.dumps(full, sort_keys=True).encode()
    prefix = MAGIC + struct.pack("<Q", len(head)) + head
    prefix += b"\0" * _pad(len(prefix))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(prefix)
            for off, raw in blobs:
                out.write(raw)
                out.write(b"\0" * _pad(len(raw)))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return ident


def read_index(path: Path, *, verify: bool = True) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read and check an index; every problem is an IndexError_ naming the file."""
    src = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IndexError_("no index here; build one with `lineage corpus build` (the default index: `lineage corpus ensure`)", source=src) from None
    except OSError as exc:
        raise IndexError_(f"cannot read index: {exc.strerror}", source=src) from None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise IndexError_("not a lineage index (bad magic bytes)", source=src)
    (head_len,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    if head_len > _MAX_HEADER or start + head_len > len(data):
        raise IndexError_("index header is truncated or corrupt", source=src)
    try:
        header = json.loads(data[start : start + head_len])
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # nesting: crafted, not written by us
        raise IndexError_("index header is not valid JSON (corrupt file)", source=src) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
        found = header.get("format") if isinstance(header, dict) else None
        raise IndexError_(
            f"index format {found!r} is not the supported format {FORMAT_VERSION}; rebuild it", source=src
        )
    base = start + head_len + _pad(start + head_len)
    table = header.get("arrays") or {}
    if not isinstance(table, dict):
        raise IndexError_("index array table is malformed (corrupt file)", source=src)
    arrays: dict[str, np.ndarray] = {}
    for name, spec in table.items():
        try:
            lo = base + int(spec["offset"])
            hi = lo + int(spec["nbytes"])
            if hi > len(data):
                raise IndexError_(f"index is truncated (array {name!r} runs past the end)", source=src)
            chunk = data[lo:hi]
            if verify and hashlib.sha256(chunk).hexdigest() != spec["sha256"]:
                raise IndexError_(f"index checksum mismatch in array {name!r}: file tampered or corrupt", source=src)
            arrays[name] = np.frombuffer(chunk, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"])
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexError_(f"index array {name!r} is malformed: {exc}", source=src) from None
    return header, arrays
