"""One zip member's data, decompressed in bounded steps whatever its method.

Python's zipfile bounds each step of a deflated member but not of a bzip2 or LZMA one: a few
kilobytes of bzip2 can become gigabytes in one call, before any cap sees them.  Those two
methods are read here from the member's raw bytes through the bz2 and lzma file readers, which
decompress no more than is asked for, and their CRC-32 is checked at the end as zipfile does.
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO, cast


def open_member(archive: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo) -> IO[bytes]:
    """A zip member's data.  zipfile decompresses a bzip2 or LZMA member without bounding the
    output of each step (a few kilobytes of bzip2 can expand to gigabytes at once), so those two
    methods are read from the raw member bytes through bounded decompressors instead."""
    if info.compress_type not in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        return archive.open(info)
    raw = _RawMember(path, info)  # (encrypted members are refused before they are opened)
    if info.compress_type == zipfile.ZIP_BZIP2:
        return cast(IO[bytes], _Checked(cast(IO[bytes], bz2.BZ2File(cast(IO[bytes], raw))), info, raw))
    head = raw.read(4)  # LZMA SDK version (2 bytes), then the size of the properties (2 bytes)
    props = raw.read(int.from_bytes(head[2:4], "little")) if len(head) == 4 else b""
    if len(props) != 5:
        raise zipfile.BadZipFile("bad LZMA properties")
    lc_lp_pb, dict_size = props[0], int.from_bytes(props[1:5], "little")
    if lc_lp_pb >= 9 * 5 * 5:
        raise zipfile.BadZipFile("bad LZMA properties")
    lzma1 = {"id": lzma.FILTER_LZMA1, "dict_size": dict_size, "lc": lc_lp_pb % 9, "lp": lc_lp_pb // 9 % 5,
             "pb": lc_lp_pb // 45}
    stream = lzma.LZMAFile(cast(IO[bytes], raw), format=lzma.FORMAT_RAW, filters=[lzma1])
    return cast(IO[bytes], _Checked(cast(IO[bytes], stream), info, raw))


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip local file header, up to the name and extra lengths


class _RawMember:
    """The compressed bytes of one zip member, read from its local header on."""

    def __init__(self, path: Path, info: zipfile.ZipInfo) -> None:
        self._file = path.open("rb")
        self._file.seek(info.header_offset)
        header = self._file.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            self._file.close()
            raise zipfile.BadZipFile("bad local file header")
        fields = _LOCAL_HEADER.unpack(header)
        self._file.seek(fields[-2] + fields[-1], 1)  # past the member's name and extra field
        self._left = info.compress_size

    def read(self, size: int = -1, /) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


class _Checked:
    """A decompressed member stream whose CRC-32 is checked at its end, as zipfile does.  It
    ends at the declared size when nothing follows: an LZMA stream need not carry an end marker."""

    def __init__(self, stream: IO[bytes], info: zipfile.ZipInfo, raw: _RawMember) -> None:
        self._stream, self._want, self._size, self._raw = stream, info.CRC, info.file_size, raw
        self._crc = self._got = 0

    def read(self, size: int = -1, /) -> bytes:
        if self._got < self._size:
            data = self._stream.read(size)
        else:
            try:
                data = self._stream.read(1)  # more than declared: the caller refuses the member
            except EOFError:
                data = b""
        self._got += len(data)
        if data:
            self._crc = zlib.crc32(data, self._crc)
        elif self._crc != self._want:
            raise zipfile.BadZipFile("bad CRC-32")
        return data

    def close(self) -> None:
        self._stream.close()
        self._raw.close()
