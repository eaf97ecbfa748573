"""Read wheel, zip and tar members in memory, never extracting anything to disk.

Archives are hostile input: absolute or ``..`` member paths, links, device members,
oversized members and decompression bombs are refused per member as ``FileError``.
Member data is read in chunks and counted, so a lying header cannot make us read more
than the caps.  A corrupt archive, one past ``max_total_bytes`` or ``max_members``, or one
whose overall compression ratio marks it as a bomb raises ``FetchError``: many members each
under the per-member caps must not add up to gigabytes (1,040 members of 1.9 MB in a 2 MB
zip).  The total cap bounds what a scan of an archive holds in memory; members are read
one at a time.  A tar must be decompressed from end to end, so its total cap applies to the
whole stream, while its ratio applies to the members read: a compressible member that is
never read (20 MiB of zeros beside the code) does not make the archive a bomb.  With
``scripts``, a member without a suffix is taken when its first line is a Python shebang, as
the directory walk does; the bytes read to tell are counted like any others.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, cast

from lineage.errors import FetchError
from lineage.models import FileError, SourceFile
from lineage.source.walk import SHEBANG_PEEK, TAR_SUFFIXES, ZIP_SUFFIXES, cap_reason, is_extensionless, python_shebang
from lineage.source.zipmember import open_member

ARCHIVE_SUFFIXES = ZIP_SUFFIXES + TAR_SUFFIXES
_CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")
_CORRUPT = (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error, lzma.LZMAError)


def is_archive_name(path: str | Path) -> bool:
    """True when the file name has a suffix ``read_archive`` understands."""
    return str(path).lower().endswith(ARCHIVE_SUFFIXES)


def safe_member_path(name: str) -> str | None:
    """The member name as a relative POSIX path, or None if absolute or escaping."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        return None
    parts = [p for p in posix.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


@dataclass
class _Budget:
    """Caps shared by every member of one archive."""

    source: str
    include: Callable[[str], bool] | None
    max_member_bytes: int
    max_total_bytes: int
    max_members: int
    max_ratio: float
    ratio_floor: int
    scripts: bool = False  # also members without a suffix that start with a Python shebang
    skip_dir: Callable[[str], bool] | None = None  # folders never read, as the directory walk skips them
    archive_bytes: int = 0  # the archive's own size: the overall ratio's denominator
    total: int = 0
    held: int = 0  # bytes of the members read so far (a tar's ratio: what is skipped is never held)
    members: int = 0
    files: dict[str, SourceFile] = field(default_factory=dict)
    errors: list[FileError] = field(default_factory=list)

    def count_member(self) -> None:
        self.members += 1
        if self.members > self.max_members:
            raise FetchError(f"archive has more than {self.max_members} members", source=self.source)

    def admit(self, name: str, head: Callable[[], bytes] | None = None) -> str | None:
        """Normalise a member name and apply ``include``; report unsafe names.

        With ``scripts``, a member ``include`` turns down is still taken when its name has no
        suffix and ``head()`` (None: not a regular member) starts with a Python shebang.
        """
        candidate = name.replace("\\", "/")
        if self.skip_dir is not None and any(self.skip_dir(part) for part in candidate.split("/")[:-1]):
            return None
        if self.include is not None and not self.include(candidate):
            if not (self.scripts and head is not None and is_extensionless(candidate) and python_shebang(head())):
                return None
        # A member in scope that is not read is not checked (exit 1): extraction tools still deliver
        # it (unzip strips "../", GNU tar a leading "/", and a later duplicate overwrites the first),
        # so a copy named so would otherwise pass a clean scan unseen.
        path = safe_member_path(name)
        if path is None:
            kind = "absolute" if candidate.startswith("/") or _DRIVE.match(candidate) else "escaping"
            self.refuse(candidate, f"unsafe member path ({kind}) refused", unchecked=True)
        elif path in self.files:
            self.refuse(path, "duplicate archive member refused (extraction keeps either copy)", unchecked=True)
            path = None
        return path

    def refuse(self, path: str, reason: str, *, unchecked: bool = False) -> None:
        self.errors.append(FileError(path, "read", reason, unchecked=unchecked))

    def expanded(self, total: int, packed: int | None = None) -> None:
        """Record the bytes decompressed so far; raise past the total cap or as a bomb."""
        self.total = total
        if total > self.max_total_bytes:
            raise FetchError(
                f"archive expands past the {self.max_total_bytes}-byte total cap", source=self.source
            )
        if packed is not None and self.is_bomb(total, packed):
            raise FetchError(f"decompression bomb: ratio over {self.max_ratio:g}", source=self.source)

    def overall(self) -> None:
        """Raise when the members read so far expand past the ratio for the whole archive."""
        if self.is_bomb(self.total, self.archive_bytes):
            raise FetchError(
                f"decompression bomb: the archive's members expand to {self.total} bytes, over "
                f"{self.max_ratio:g} times its {self.archive_bytes} bytes", source=self.source
            )

    def read(self, path: str, stream: IO[bytes], declared: int, packed: int | None) -> None:
        """Read one member in chunks, stopping at its declared size or the caps.

        ``packed`` is the member's compressed size (zip), None for a tar.  Either way the
        stream itself counts the bytes into the archive's total as they are decompressed.
        """
        chunks: list[bytes] = []
        got = 0
        while chunk := stream.read(_CHUNK):
            got += len(chunk)
            self.held += len(chunk)
            if got > declared:
                return self.refuse(path, f"member larger than its declared {declared} bytes", unchecked=True)
            if got > self.max_member_bytes:
                return self.refuse(path, cap_reason(got, self.max_member_bytes), unchecked=True)
            if packed is not None and self.is_bomb(got, packed):
                return self.refuse(path, self.bomb_reason, unchecked=True)
            if packed is not None:
                self.overall()
            chunks.append(chunk)
        self.files[path] = SourceFile(path, b"".join(chunks))

    def is_bomb(self, expanded: int, packed: int) -> bool:
        return expanded > self.ratio_floor and expanded > self.max_ratio * max(packed, 1)

    @property
    def bomb_reason(self) -> str:
        return f"decompression bomb: ratio over {self.max_ratio:g}"


class _Member:
    """One member's data, opened on first use: most members are never read.

    For a zip (``meter`` set) every byte decompressed counts against the budget as it is
    read, a shebang peek included; a tar's stream is counted as a whole.  A peek is handed
    out again by the next ``read``, so the member is still read once, from its start.
    """

    def __init__(self, open_stream: Callable[[], IO[bytes]], meter: _Budget | None) -> None:
        self._open, self._meter = open_stream, meter
        self._stream: IO[bytes] | None = None
        self._peeked = b""

    def read(self, size: int = -1, /) -> bytes:
        if self._peeked:
            cut = len(self._peeked) if size < 0 else size
            data, self._peeked = self._peeked[:cut], self._peeked[cut:]
            return data
        if self._stream is None:
            self._stream = self._open()
        data = self._stream.read(size)
        if self._meter is not None:
            self._meter.expanded(self._meter.total + len(data))
        return data

    def peek(self) -> bytes:
        """The first bytes, to look for a shebang (held to the whole archive's ratio too: a
        member that is not a script is never read further)."""
        self._peeked = self.read(SHEBANG_PEEK)
        if self._meter is not None:
            self._meter.overall()
        return self._peeked

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


_ZIP_MEMBER_ERRORS = (*_CORRUPT, RuntimeError, NotImplementedError)  # encrypted, unknown method


def _zip_head(member: _Member) -> bytes:
    try:
        return member.peek()
    except _ZIP_MEMBER_ERRORS:  # unreadable: no script, as for a file the walk cannot open
        return b""


def _read_zip(path: Path, budget: _Budget) -> None:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            budget.count_member()
            if info.is_dir():
                continue
            # Only Unix-made entries carry a file type; writers that store permission bits
            # alone (type 0) are plain files.
            kind_bits = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
            member = _Member(partial(open_member, archive, path, info), budget)
            try:
                regular = kind_bits in (0, stat.S_IFREG)
                if (name := budget.admit(info.filename, partial(_zip_head, member) if regular else None)) is None:
                    continue
                if not regular:  # (a link in scope is not checked: unzip delivers what it points at)
                    link = kind_bits == stat.S_IFLNK
                    budget.refuse(name, f"{'symlink' if link else 'special file'} member refused", unchecked=link)
                elif info.flag_bits & 0x1:
                    budget.refuse(name, "encrypted member refused (no password is ever tried)", unchecked=True)
                elif info.file_size > budget.max_member_bytes:
                    budget.refuse(name, cap_reason(info.file_size, budget.max_member_bytes), unchecked=True)
                elif budget.is_bomb(info.file_size, info.compress_size):
                    budget.refuse(name, budget.bomb_reason, unchecked=True)
                else:
                    try:
                        budget.read(name, cast(IO[bytes], member), info.file_size, info.compress_size)
                    except _ZIP_MEMBER_ERRORS as exc:
                        budget.refuse(name, f"corrupt or unsupported member: {exc}", unchecked=True)
            finally:
                member.close()


class _CountingReader:
    """Counts the compressed bytes consumed, so the real expansion ratio is known."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.count = raw, 0

    def read(self, size: int = -1, /) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


class _TarStream:
    """The decompressed tar bytes, checked against the caps as they are produced.

    It keeps the last few records so the block where tarfile stopped can be inspected:
    tarfile ends silently on a truncated or corrupt header, a clean archive ends on zeros.
    """

    _KEEP = 1 << 16

    def __init__(self, stream: IO[bytes], packed: _CountingReader, budget: _Budget) -> None:
        self.stream, self.packed, self.budget = stream, packed, budget
        self.pos, self.tail = 0, bytearray()

    def read(self, size: int = -1, /) -> bytes:
        data = self.stream.read(size)
        self.pos += len(data)
        self.budget.expanded(self.pos)  # the whole stream, skipped members too: the total cap bounds the work
        if self.budget.is_bomb(self.budget.held, self.packed.count):  # what is held: the members read
            raise FetchError(self.budget.bomb_reason, source=self.budget.source)
        self.tail += data
        if len(self.tail) > self._KEEP:
            del self.tail[: -self._KEEP]
        return data

    def ended_cleanly(self, offset: int) -> bool:
        start = self.pos - len(self.tail)
        block = bytes(self.tail[offset - start : offset - start + 512]) if offset >= start else b""
        return len(block) == 512 and not any(block)

    def drain(self) -> None:
        """Read to the end so the decompressor verifies its checksum and end marker."""
        while self.read(_CHUNK):
            continue


def _decompressed(counter: _CountingReader, magic: bytes) -> IO[bytes]:
    packed = cast(IO[bytes], counter)
    if magic.startswith(b"\x1f\x8b"):
        return cast(IO[bytes], gzip.GzipFile(fileobj=packed, mode="rb"))
    if magic.startswith(b"BZh"):
        return cast(IO[bytes], bz2.BZ2File(packed))
    if magic.startswith(b"\xfd7zXZ\x00"):
        return cast(IO[bytes], lzma.LZMAFile(packed))
    return packed


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    stream = archive.extractfile(member)  # None only for what is not a regular member
    if stream is None:
        raise tarfile.TarError(f"cannot read member {member.name!r}")
    return stream


def _read_tar(path: Path, budget: _Budget) -> None:
    with path.open("rb") as raw:
        magic = raw.read(6)
        raw.seek(0)
        counter = _CountingReader(raw)
        stream = _TarStream(_decompressed(counter, magic), counter, budget)
        # Stream mode: one pass, no seeking, so every byte is decompressed exactly once.
        with tarfile.open(fileobj=stream, mode="r|") as archive:  # type: ignore[call-overload]
            for member in archive:
                budget.count_member()
                if member.isdir():
                    continue
                regular = member.isreg() and not member.issparse()
                data = _Member(partial(_extract, archive, member), None)
                if (name := budget.admit(member.name, data.peek if regular else None)) is None:
                    continue
                if member.issym() or member.islnk():  # (extraction delivers what it points at under this name)
                    budget.refuse(name, f"{'symlink' if member.issym() else 'hard link'} member refused", unchecked=True)
                elif not regular:
                    budget.refuse(name, "special file member refused")
                elif member.size > budget.max_member_bytes:
                    budget.refuse(name, cap_reason(member.size, budget.max_member_bytes), unchecked=True)
                else:
                    budget.read(name, cast(IO[bytes], data), member.size, None)
            if not stream.ended_cleanly(archive.offset):
                raise FetchError(
                    f"truncated or corrupt tar stream at byte {archive.offset}", source=budget.source
                )
            stream.drain()


def read_archive(
    path: str | Path,
    *,
    include: Callable[[str], bool] | None = None,
    max_member_bytes: int = 2_000_000,
    max_total_bytes: int = 128 << 20,
    max_members: int = 200_000,
    max_ratio: float = 200.0,
    ratio_floor: int = 8 << 20,
    scripts: bool = False,
    skip_dir: Callable[[str], bool] | None = None,
) -> tuple[list[SourceFile], list[FileError]]:
    """Read the members of a zip/wheel/tar archive that ``include`` accepts, in memory (with
    ``scripts``, also those without a suffix whose first line is a Python shebang).

    ``include`` sees the member name with POSIX separators.  The ratio check applies once
    a member (zip), the members read together (zip) or the stream (tar) have expanded past
    ``ratio_floor`` bytes.  ``max_total_bytes`` (128 MiB) holds the Python of the largest
    wheels indexed (sglang: 68 MB) twice over.  A member inside a folder that ``skip_dir``
    names (a virtual environment, a build tree) is passed over as the directory walk does.
    """
    archive_path = Path(path)
    source = str(archive_path)
    budget = _Budget(source, include, max_member_bytes, max_total_bytes, max_members, max_ratio, ratio_floor,
                     scripts, skip_dir)
    lower = archive_path.name.lower()
    try:
        budget.archive_bytes = archive_path.stat().st_size
        is_zip = (
            lower.endswith(ZIP_SUFFIXES) or not lower.endswith(TAR_SUFFIXES) and zipfile.is_zipfile(source)
        )
        if is_zip:
            _read_zip(archive_path, budget)
        else:
            _read_tar(archive_path, budget)
    except FileNotFoundError:
        raise FetchError("no such archive", source=source) from None
    except _CORRUPT as exc:
        raise FetchError(f"corrupt or unreadable archive: {exc}", source=source) from None
    return sorted(budget.files.values(), key=lambda f: f.path), sorted(
        budget.errors, key=lambda e: (e.path, e.stage, e.reason)
    )
