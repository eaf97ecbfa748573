"""In-memory archive reading: unsafe members, links, bombs, caps and corrupt files."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from lineage.errors import FetchError
from lineage.source.archive import _Budget, read_archive, safe_member_path

BOMB = 50 * 1024 * 1024


def _zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


def _tar(path: Path, mode: str, members: dict[str, bytes], special: Sequence[tarfile.TarInfo] = ()) -> Path:
    with tarfile.open(path, mode) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for info in special:
            tf.addfile(info)
    return path


def _special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


UNSAFE = {
    "good.py": b"G = 1\n",
    "pkg/./x.py": b"X = 1\n",
    "../evil.py": b"E = 1\n",
    "/abs.py": b"A = 1\n",
    "a/../../up.py": b"U = 1\n",
    "win\\style.py": b"W = 1\n",
}


def test_zip_unsafe_members_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "x.zip", UNSAFE, links={"link.py": "/etc/passwd"})
    files, errors = read_archive(path)
    assert [(f.path, f.data) for f in files] == [
        ("good.py", b"G = 1\n"),
        ("pkg/x.py", b"X = 1\n"),
        ("win/style.py", b"W = 1\n"),
    ]
    reasons = {e.path: e.reason for e in errors}
    assert set(reasons) == {"../evil.py", "/abs.py", "a/../../up.py", "link.py"}
    assert reasons["/abs.py"] == "unsafe member path (absolute) refused"
    assert reasons["../evil.py"] == "unsafe member path (escaping) refused"
    assert reasons["link.py"] == "symlink member refused"
    # a member in scope named to escape is not checked: unzip strips "../" and delivers it; so is a
    # link, which unzip delivers as what it points at (a review hid a copy behind `pkg/model.py`)
    assert {e.path for e in errors if e.unchecked} == {"../evil.py", "/abs.py", "a/../../up.py", "link.py"}


@pytest.mark.parametrize(
    "suffix,mode",
    [(".tar", "w"), (".tar.gz", "w:gz"), (".tgz", "w:gz"), (".tar.bz2", "w:bz2"), (".tar.xz", "w:xz")],
)
def test_tar_unsafe_members_links_and_devices_are_refused(tmp_path: Path, suffix: str, mode: str) -> None:
    special = [
        _special("sym.py", tarfile.SYMTYPE, "/etc/passwd"),
        _special("hard.py", tarfile.LNKTYPE, "good.py"),
        _special("dev.py", tarfile.CHRTYPE),
        _special("fifo.py", tarfile.FIFOTYPE),
        _special("dir", tarfile.DIRTYPE),
    ]
    path = _tar(tmp_path / f"x{suffix}", mode, UNSAFE, special)
    files, errors = read_archive(path)
    assert [f.path for f in files] == ["good.py", "pkg/x.py", "win/style.py"]
    reasons = {e.path: e.reason for e in errors}
    assert reasons == {
        "../evil.py": "unsafe member path (escaping) refused",
        "/abs.py": "unsafe member path (absolute) refused",
        "a/../../up.py": "unsafe member path (escaping) refused",
        "sym.py": "symlink member refused",
        "hard.py": "hard link member refused",
        "dev.py": "special file member refused",
        "fifo.py": "special file member refused",
    }
    # links in scope are not checked (extraction delivers their targets under these names); devices are refused
    assert {e.path for e in errors if e.unchecked} == {"../evil.py", "/abs.py", "a/../../up.py", "sym.py", "hard.py"}


def test_include_filter_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "d.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("b.py", b"first")
        zf.writestr("notes.txt", b"n")
        zf.writestr("a.py", b"a")
        with pytest.warns(UserWarning):
            zf.writestr("b.py", b"second")
    files, errors = read_archive(path, include=lambda p: p.endswith(".py"))
    assert [(f.path, f.data) for f in files] == [("a.py", b"a"), ("b.py", b"first")]
    assert [(e.path, e.reason, e.unchecked) for e in errors] == [
        ("b.py", "duplicate archive member refused (extraction keeps either copy)", True)]


def test_zip_bomb_member_capped_and_ratio_checked(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.whl", {"bomb.py": bytes(BOMB), "ok.py": b"O = 1\n"})
    assert path.stat().st_size < BOMB // 200
    files, errors = read_archive(path, max_member_bytes=1000)
    assert [f.path for f in files] == ["ok.py"]
    assert [(e.path, e.reason) for e in errors] == [
        ("bomb.py", f"skipped: {BOMB} bytes exceeds the 1000-byte cap")
    ]
    files, errors = read_archive(path, max_member_bytes=10 * BOMB)
    assert [f.path for f in files] == ["ok.py"]
    assert [(e.path, e.reason) for e in errors] == [("bomb.py", "decompression bomb: ratio over 200")]


def test_zip_member_lying_about_its_size_is_not_trusted(tmp_path: Path) -> None:
    path = _zip(tmp_path / "liar.zip", {"liar.py": b"x = 1\n" * 200})
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")  # declared uncompressed size: 10
    path.write_bytes(bytes(raw))
    files, errors = read_archive(path)
    assert files == []
    assert errors[0].path == "liar.py" and errors[0].reason.startswith("corrupt or unsupported member")


def _tar_gz(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz", compresslevel=1) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def test_tar_gz_bomb_members_read_raise(tmp_path: Path) -> None:
    """Members read that expand past the ratio together (each under the member cap) are a bomb."""
    path = _tar_gz(tmp_path / "bomb.tar.gz", {f"m{i}.py": bytes(1 << 20) for i in range(10)})
    with pytest.raises(FetchError, match="decompression bomb"):
        read_archive(path, ratio_floor=2 << 20)


def test_tar_gz_bomb_member_is_refused_alone_and_the_rest_read(tmp_path: Path) -> None:
    """One oversized member (50 MiB of zeros) is refused by its size, and the member after it is
    still read; the stream it expands to stays bounded by the total cap."""
    path = _tar_gz(tmp_path / "bomb.tar.gz", {"bomb.py": bytes(BOMB), "ok.py": b"O = 1\n"})
    files, errors = read_archive(path, max_member_bytes=1000)
    assert [f.path for f in files] == ["ok.py"] and [e.path for e in errors] == ["bomb.py"]
    with pytest.raises(FetchError, match="total cap"):
        read_archive(path, max_member_bytes=1000, max_total_bytes=8 << 20)
    plain = _tar(tmp_path / "big.tar", "w", {"big.py": bytes(3 << 20), "ok.py": b"O = 1\n"})
    files, errors = read_archive(plain, max_member_bytes=1000)  # uncompressed: no ratio, just the cap
    assert [f.path for f in files] == ["ok.py"] and errors[0].path == "big.py"


def test_a_compressible_member_not_read_does_not_make_a_tar_a_bomb(tmp_path: Path) -> None:
    """20 MiB of zeros beside the code (a data file the scan never reads) compress a thousandfold:
    the archive is not refused, the code is read."""
    path = _tar_gz(tmp_path / "repo.tar.gz", {"p/weights/zeros.bin": bytes(20 << 20), "p/ok.py": b"O = 1\n"})
    assert path.stat().st_size * 200 < 20 << 20
    files, errors = read_archive(path, include=lambda name: name.endswith(".py"))
    assert [f.path for f in files] == ["p/ok.py"] and errors == []


@pytest.mark.parametrize("name", ["t.tar", "t.zip"])
def test_total_and_member_count_caps_raise(tmp_path: Path, name: str) -> None:
    members = {f"m{i}.py": b"#" * 1000 for i in range(5)}
    path = _tar(tmp_path / name, "w", members) if name.endswith(".tar") else _zip(tmp_path / name, members)
    # zip: the member bytes decompressed; tar: the whole stream (headers and padding too).
    total = path.stat().st_size if name.endswith(".tar") else 5000
    assert len(read_archive(path, max_total_bytes=total)[0]) == 5
    with pytest.raises(FetchError, match="total cap"):
        read_archive(path, max_total_bytes=total - 1)
    with pytest.raises(FetchError, match="more than 4 members"):
        read_archive(path, max_members=4)


@pytest.mark.parametrize("name", ["junk.zip", "junk.whl", "junk.tar.gz", "junk.tar", "junk.bin"])
def test_corrupt_archives_raise_fetch_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"this is not an archive\x00\xff" * 50)
    with pytest.raises(FetchError, match="corrupt or unreadable archive"):
        read_archive(path)


@pytest.mark.parametrize("name,mode", [("t.tar.gz", "w:gz"), ("t.tar", "w"), ("t.tar.xz", "w:xz")])
@pytest.mark.parametrize("keep", [0.5, 0.9, 0.95])  # 0.99 of a plain tar is only padding
def test_truncated_tar_raises(tmp_path: Path, name: str, mode: str, keep: float) -> None:
    members = {f"m{i}.py": bytes(range(256)) * 40 for i in range(20)}
    path = _tar(tmp_path / name, mode, members)
    assert len(read_archive(path)[0]) == 20
    path.write_bytes(path.read_bytes()[: int(path.stat().st_size * keep)])
    with pytest.raises(FetchError, match="corrupt|truncated"):
        read_archive(path)


def test_tar_with_a_corrupt_header_midway_raises(tmp_path: Path) -> None:
    path = _tar(tmp_path / "t.tar", "w", {f"m{i}.py": b"x" * 600 for i in range(4)})
    raw = bytearray(path.read_bytes())
    raw[1536 : 1536 + 100] = b"\xff" * 100  # the second member's header: tarfile would just stop here
    path.write_bytes(bytes(raw))
    with pytest.raises(FetchError, match="truncated or corrupt tar stream at byte 1536"):
        read_archive(path)


def test_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no such archive"):
        read_archive(tmp_path / "nope.whl")


def test_safe_member_path() -> None:
    assert safe_member_path("./a//b/./c.py") == "a/b/c.py"
    assert safe_member_path("C:/x.py") is None
    assert safe_member_path("\\\\server\\x.py") is None
    assert safe_member_path("a/..") is None
    assert safe_member_path("..foo/x.py") == "..foo/x.py"


def test_member_stream_longer_than_declared_is_cut_off() -> None:
    """Whatever the archive library does, more bytes than the header declared are refused."""
    budget = _Budget("x.zip", None, 1000, 10_000, 10, 200.0, 1 << 20)
    budget.read("m.py", io.BytesIO(b"x" * 500), 10, None)
    assert budget.files == {}
    assert budget.errors[0].reason == "member larger than its declared 10 bytes"


SCRIPT = b"#!/usr/bin/env python3\nprint('train')\n"
SCRIPTS = {
    "bin/train": SCRIPT,
    "bin/run": b"#!/bin/sh\nexec python -m pkg\n",
    "bin/blob": bytes(range(256)) * 8,
    "bin/big": SCRIPT + b"#" * 3000,
    "../escape": SCRIPT,
    "pkg/m.py": b"M = 1\n",
    "README": b"no shebang here\n",
}


@pytest.mark.parametrize("name", ["s.zip", "s.tar.gz"])
def test_scripts_without_a_suffix_are_taken_by_their_shebang(tmp_path: Path, name: str) -> None:
    """As in the directory walk: the head decides, and then the member is held to every rule a
    named member is (unsafe paths, the per-member cap); links are not looked through."""
    path = tmp_path / name
    if name.endswith(".zip"):
        _zip(path, SCRIPTS, links={"bin/link": "train"})
    else:
        _tar(path, "w:gz", SCRIPTS, [_special("bin/link", tarfile.SYMTYPE, "train"),
                                     _special("bin/fifo", tarfile.FIFOTYPE)])
    files, errors = read_archive(path, include=lambda p: p.endswith(".py"), max_member_bytes=1000, scripts=True)
    assert [(f.path, f.data) for f in files] == [("bin/train", SCRIPT), ("pkg/m.py", b"M = 1\n")]
    assert [(e.path, e.reason) for e in errors] == [
        ("../escape", "unsafe member path (escaping) refused"),
        ("bin/big", f"skipped: {len(SCRIPTS['bin/big'])} bytes exceeds the 1000-byte cap"),
    ]
    files, errors = read_archive(path, include=lambda p: p.endswith(".py"), max_member_bytes=1000)
    assert [f.path for f in files] == ["pkg/m.py"] and errors == []  # without `scripts`: as before


def test_the_head_read_to_look_for_a_shebang_counts_against_the_caps(tmp_path: Path) -> None:
    members = {f"data/m{i}": b"#" * 1000 for i in range(5)}  # no suffix, no shebang
    path = _zip(tmp_path / "heads.zip", members)
    assert read_archive(path, include=lambda p: p.endswith(".py"), max_total_bytes=5 * 256, scripts=True) == ([], [])
    with pytest.raises(FetchError, match="total cap"):
        read_archive(path, include=lambda p: p.endswith(".py"), max_total_bytes=5 * 256 - 1, scripts=True)


def test_a_bomb_without_a_suffix_is_read_no_further_than_its_head(tmp_path: Path) -> None:
    """Zeros are no script: 256 bytes are read and the member is left; a script that is a bomb is
    refused like a named one."""
    path = _zip(tmp_path / "bomb.zip", {"zeros": bytes(BOMB), "bin/bomb": SCRIPT + bytes(BOMB)})
    files, errors = read_archive(path, include=lambda p: p.endswith(".py"), max_member_bytes=10 * BOMB,
                                 max_total_bytes=4096, scripts=True)
    assert files == [] and [(e.path, e.reason) for e in errors] == [("bin/bomb", "decompression bomb: ratio over 200")]


def _lying_zip(path: Path, method: int, data: bytes, declared: int) -> Path:
    """One member compressed with `method`, its headers declaring `declared` bytes."""
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("bomb.py", data)
        zf.writestr("ok.py", b"O = 1\n")
    raw = bytearray(path.read_bytes())
    raw[22:26] = declared.to_bytes(4, "little")  # the first local header's uncompressed size
    central = raw.index(b"PK\x01\x02")
    raw[central + 24 : central + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_a_bzip2_or_lzma_member_lying_about_its_size_is_refused_before_memory_grows(
    tmp_path: Path, method: int
) -> None:
    """zipfile decompresses these two methods without bounding each step: a few hundred bytes of
    bzip2 became the whole 64 MiB at once.  Read through bounded decompressors, the member is
    refused at its first chunk and the next one is still read."""
    import tracemalloc

    expands = 64 << 20
    path = _lying_zip(tmp_path / "bomb.zip", method, bytes(expands), 100)
    assert path.stat().st_size < 64 * 1024
    tracemalloc.start()
    try:
        files, errors = read_archive(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [f.path for f in files] == ["ok.py"] and files[0].data == b"O = 1\n"
    assert [(e.path, e.reason) for e in errors] == [("bomb.py", "member larger than its declared 100 bytes")]
    assert peak < expands // 4, f"peak {peak >> 20} MiB"


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_a_corrupt_bzip2_or_lzma_member_is_refused_alone(tmp_path: Path, method: int) -> None:
    data = "".join(f"value_{i} = {i * 7919 % 1000}\n" for i in range(2000)).encode()
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("a.py", data)
        zf.writestr("ok.py", b"O = 1\n")
    assert [f.data for f in read_archive(path)[0]] == [data, b"O = 1\n"]
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("a.py")
    start = info.header_offset + 30 + len("a.py")
    for offset in range(start + 40, start + info.compress_size - 8, 97):  # damage the stream itself
        raw[offset] ^= 0x55
    path.write_bytes(bytes(raw))
    files, errors = read_archive(path)
    assert [f.path for f in files] == ["ok.py"]
    assert [e.path for e in errors] == ["a.py"] and errors[0].reason.startswith("corrupt or unsupported member")


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2], ids=["deflate", "bzip2"])
def test_an_encrypted_member_is_refused_in_plain_words(tmp_path: Path, method: int) -> None:
    path = tmp_path / "e.zip"
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("a.py", b"A = 1\n")
    raw = bytearray(path.read_bytes())
    raw[6] |= 0x1  # general purpose flag, local header: encrypted
    central = raw.index(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    path.write_bytes(bytes(raw))
    files, errors = read_archive(path)
    assert files == [] and [(e.path, e.reason) for e in errors] == [
        ("a.py", "encrypted member refused (no password is ever tried)")]
