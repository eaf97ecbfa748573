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
import shlex
import stat
import sys
import struct
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from lineage.errors import IndexError_
from lineage.index.header import array_entry, check_header, check_spec, index_digest, load_json

MAGIC = b"LINEAGE-INDEX\x00"
FORMAT_VERSION = 2  # 2: the id covers the header's provenance (sources), not only the arrays
TEMP_TAG = "lineage-tmp"
_ALIGN = 64
_MAX_HEADER = 16 * 1024 * 1024


def _pad(n: int) -> int:
    return (-n) % _ALIGN


def check_target(path: Path) -> None:
    """An index is written only over nothing or a regular file: never over a device, a
    FIFO, a directory or a symbolic link (a build run as root once replaced /dev/null)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise IndexError_(f"cannot write the index here: {exc.strerror}", source=str(path)) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a symbolic link" if stat.S_ISLNK(st.st_mode) \
            else "not a regular file"
        raise IndexError_(f"refusing to write the index over {kind}; name a new or regular file", source=str(path))


def _temp_prefix(path: Path) -> str:
    return f"{path.name}.{TEMP_TAG}."


def _ours(candidate: Path) -> bool:
    """A temporary file a killed build of ours left: our name pattern, a regular file, and
    empty or starting with our magic bytes (a user's file of another content is kept)."""
    try:
        st = os.lstat(candidate)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            return False
        with open(candidate, "rb") as handle:
            return MAGIC.startswith(handle.read(len(MAGIC)))  # empty, partly or fully our magic
    except OSError:
        return False


@contextlib.contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Exclusive lock beside the index: two builds of one index run one after the other.

    Temporary files are only written under this lock, so once it is held any of ours left
    beside the index belong to a writer that was killed mid-write (kill -9): they are
    removed.  Only files named and shaped as ours are: never a user's ``<index>.*.tmp``.
    """
    check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    check_target(lock)
    with open(lock, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for stale in path.parent.glob(glob.escape(_temp_prefix(path)) + "*.tmp"):
                if _ours(stale):
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
        table[name] = dict(array_entry(arr, raw), offset=offset)
        blobs.append((offset, raw))
        offset += len(raw) + _pad(len(raw))
    ident = index_digest(dict(header), table)
    full = dict(header, format=FORMAT_VERSION, id=ident, arrays=table)
    head = json.dumps(full, sort_keys=True).encode()
    prefix = MAGIC + struct.pack("<Q", len(head)) + head
    prefix += b"\0" * _pad(len(prefix))
    check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
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


def _missing(path: Path) -> str:
    """What to do about a missing index file; for this version's default index, the command that
    builds it, run by this very installation (a pre-commit hook's own environment, pinned to another
    version than the command line's, reads its own edition of the default index)."""
    from lineage.index.edition import default_index_path

    if str(path) != default_index_path():
        return "no index here; build one with `lineage corpus build` (the default index: `lineage corpus ensure`)"
    return (f"this version's default index is not built yet; build it once with `{_this_lineage()} corpus ensure` "
            "(each lineage version reads its own edition of the default index: a pre-commit hook pinned to another "
            "rev needs the command run from its own environment, as named here)")


def _read_regular(path: Path) -> bytes:
    """The file's bytes, refusing anything but a regular file without blocking on it: a FIFO
    or a device named as the index would hang or never end."""
    src = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise IndexError_(_missing(path), source=src) from None
    except OSError as exc:
        raise IndexError_(f"cannot read index: {exc.strerror}", source=src) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IndexError_("not a lineage index (not a regular file)", source=src)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as exc:
        raise IndexError_(f"cannot read index: {exc.strerror}", source=src) from None
    finally:
        os.close(fd)


def read_index(path: Path, *, verify: bool = True) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read and check an index; every problem is an IndexError_ naming the file, and for this
    version's default index the command that rebuilds it (`corpus ensure` replaces an unusable file)."""
    data = _read_regular(path)
    try:
        return _checked(path, data, verify)
    except IndexError_ as exc:
        from lineage.index.edition import default_index_path

        if str(path) != default_index_path():
            raise
        raise IndexError_(f"{exc.args[0]}; this version's default index: rebuild it with "
                          f"`{_this_lineage()} corpus ensure`", source=exc.source) from None


def _this_lineage() -> str:
    """The `lineage` executable running now, as a command to paste (a hook's environment has its own)."""
    return shlex.quote(os.path.abspath(sys.argv[0])) if os.path.basename(sys.argv[0]) == "lineage" else "lineage"


def _checked(path: Path, data: bytes, verify: bool) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """`read_index` on the file's bytes."""
    src = str(path)
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise IndexError_("not a lineage index (bad magic bytes)", source=src)
    (head_len,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    if head_len > _MAX_HEADER or start + head_len > len(data):
        raise IndexError_("index header is truncated or corrupt", source=src)
    header = check_header(load_json(data[start : start + head_len], "index header", src), src,
                          version=FORMAT_VERSION)
    base = start + head_len + _pad(start + head_len)
    table = header["arrays"]
    if verify and index_digest(header, table) != header["id"]:
        raise IndexError_("index header does not match its id: provenance or parameters edited "
                          "(tampered or corrupt file)", source=src)
    arrays: dict[str, np.ndarray] = {}
    for name, raw_spec in table.items():
        spec = check_spec(str(name), raw_spec, src, offsets=True)
        lo = base + spec.offset
        hi = lo + spec.nbytes
        if hi > len(data):
            raise IndexError_(f"index is truncated (array {name!r} runs past the end)", source=src)
        chunk = memoryview(data)[lo:hi]  # no copy: the arrays are views of the file's bytes
        if verify and hashlib.sha256(chunk).hexdigest() != raw_spec["sha256"]:
            raise IndexError_(f"index checksum mismatch in array {name!r}: file tampered or corrupt", source=src)
        arrays[name] = np.frombuffer(chunk, dtype=spec.dtype).reshape(spec.shape)
    return header, arrays
