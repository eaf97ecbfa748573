"""Walk a directory tree safely and return its files as in-memory ``SourceFile`` pairs.

Hostile trees are normal input: symlinked directories are never followed, a symlinked
file is read only when it resolves inside the root, and anything that is not a regular
file (FIFOs, devices, sockets, loops, dangling links) becomes a ``FileError`` instead of
an exception or a hang.  Notebooks are turned into Python text here so that every
reader (directory, git revision, archive) shares one conversion.  A scan also reads files
without a suffix whose first line is a Python shebang (``scripts``); links are not peeked
through for that.  Failures that leave a file's content unread are marked ``unchecked``.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from lineage.errors import SourceError
from lineage.models import FileError, SourceFile
from lineage.source.notebook import notebook_to_python as notebook_to_python  # re-exported

EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__",
        ".tox", ".mypy_cache", ".pytest_cache", "site-packages", "build", "dist", ".eggs",
    }
)  # fmt: skip

# Python files as pre-commit's `identify` names them (a `.pyw` or `.wsgi` file is Python code,
# handed to the hook as such), then notebooks: what a scan reads, with extensionless Python scripts
PYTHON_SUFFIXES = (".py", ".pyw", ".wsgi")
SCAN_SUFFIXES = (*PYTHON_SUFFIXES, ".ipynb")
SHEBANG_PEEK = 256
# a project's notice files at its root: its own holder, and whom it credits
# a project's own notice files at its root, as projects name them (DeepSeek's repositories keep their
# code's licence in LICENSE-CODE, beside LICENSE-MODEL for the weights)
REPO_NOTICE_NAMES = ("NOTICE", "NOTICE.txt", "NOTICE.md", "NOTICE.rst", "LICENSE", "LICENSE.txt", "LICENSE.md",
                     "LICENSE.rst", "LICENSE-CODE", "LICENCE", "LICENCE.txt", "LICENCE.md", "COPYING", "COPYING.txt",
                     # where a project gathers the notices of code it took in (a stranger's review: a copy
                     # keeping Zhipu's notice in THIRD_PARTY_NOTICES.txt read "replaced")
                     "NOTICES", "NOTICES.txt", "NOTICES.md", "THIRD_PARTY_NOTICES", "THIRD_PARTY_NOTICES.txt",
                     "THIRD_PARTY_NOTICES.md", "THIRD-PARTY-NOTICES", "THIRD-PARTY-NOTICES.txt", "ThirdPartyNotices.txt",
                     "THIRD_PARTY_LICENSES", "THIRD_PARTY_LICENSES.txt", "THIRD_PARTY_LICENSES.md")
_INTERPRETER = re.compile(r"(?:python|pypy)[0-9.]*")
_CHUNK = 1 << 16
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


ZIP_SUFFIXES = (".whl", ".zip", ".egg")
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
ARCHIVE_NOT_READ = "archive not read inside a folder: scan it as a target of its own (lineage scan ARCHIVE)"
NESTED_NOT_READ = "archive not read inside an archive: extract it and scan it as a target of its own (lineage scan ARCHIVE)"


def is_excluded_dir(name: str) -> bool:
    """True for a directory name that is never scanned (VCS, caches, builds, venvs)."""
    return name in EXCLUDED_DIRS or name.endswith(".egg-info")


def wanted(path: str, suffixes: Iterable[str]) -> bool:
    """True when ``path`` ends with one of ``suffixes`` (case-insensitive)."""
    lower = path.lower()
    return any(lower.endswith(s.lower()) for s in suffixes)


def cap_reason(size: int, max_bytes: int) -> str:
    """The reason text every reader uses for a file over the size cap."""
    return f"skipped: {size} bytes exceeds the {max_bytes}-byte cap"


def finish_file(path: str, data: bytes) -> SourceFile | FileError:
    """Turn raw bytes into the ``SourceFile`` handed on (notebooks converted to Python)."""
    if path.lower().endswith(".ipynb"):
        try:
            text, cells = notebook_to_python(data)
        except ValueError as exc:
            return FileError(path, "decode", f"malformed notebook: {exc}", unchecked=True)
        return SourceFile(path, text, cells)
    return SourceFile(path, data)


def is_extensionless(path: str) -> bool:
    """True for a file name without a suffix (`run`, `bin/train`, `.envrc`): maybe a script."""
    return "." not in path.rsplit("/", 1)[-1].lstrip(".")


def python_shebang(head: bytes) -> bool:
    """True when the first line runs Python: `#!/usr/bin/env python3`, `#!/usr/bin/python3.11`,
    `#!/usr/bin/env -S python3 -u`, a wheel script's `#!python`, pypy."""
    if not head.startswith(b"#!"):
        return False
    words = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return bool(words) and _INTERPRETER.fullmatch(words[0].rsplit("/", 1)[-1]) is not None


def _peek(full: str) -> bytes:
    """The first bytes of a regular file that is not a link (b"" for anything else)."""
    try:
        fd = os.open(full, _OPEN_FLAGS | _NOFOLLOW)
    except OSError:
        return b""
    try:
        return os.read(fd, SHEBANG_PEEK) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return b""
    finally:
        os.close(fd)


def _read_regular(full: str, rel: str, max_bytes: int, flags: int) -> SourceFile | FileError:
    """Open without blocking, re-check type and size on the descriptor, read up to the cap."""
    try:
        fd = os.open(full, flags)
    except OSError as exc:
        return FileError(rel, "read", f"cannot open: {exc.strerror or exc}", unchecked=True)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return FileError(rel, "read", "not a regular file", unchecked=True)
        if st.st_size > max_bytes:
            return FileError(rel, "read", cap_reason(st.st_size, max_bytes), unchecked=True)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # grew while we read it
            return FileError(rel, "read", cap_reason(total, max_bytes), unchecked=True)
        return finish_file(rel, b"".join(chunks))
    except OSError as exc:
        return FileError(rel, "read", f"cannot read: {exc.strerror or exc}", unchecked=True)
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def read_path(full: str, rel: str, root_real: str, max_bytes: int) -> SourceFile | FileError:
    """Read one file of the tree rooted at ``root_real``, refusing anything unsafe."""
    try:
        st = os.lstat(full)
    except OSError as exc:
        return FileError(rel, "read", f"cannot stat: {exc.strerror or exc}", unchecked=True)
    target, flags = full, _OPEN_FLAGS | _NOFOLLOW
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.path.realpath(full, strict=True)
        except OSError as exc:  # loops raise ELOOP, dangling links ENOENT
            return FileError(rel, "read", f"broken symlink: {exc.strerror or exc}")
        if os.path.commonpath([root_real, target]) != root_real:
            # the target is not named: reports and exhibits are shared, and it is a local path
            return FileError(rel, "read", "symlink points outside the tree (not followed)")
        try:
            st = os.stat(target)
        except OSError as exc:
            return FileError(rel, "read", f"cannot stat: {exc.strerror or exc}", unchecked=True)
    if not stat.S_ISREG(st.st_mode):
        return FileError(rel, "read", f"skipped: {_kind(st.st_mode)}")
    if st.st_size > max_bytes:
        return FileError(rel, "read", cap_reason(st.st_size, max_bytes), unchecked=True)
    return _read_regular(target, rel, max_bytes, flags)


def walk_directory(
    root: str | Path,
    *,
    max_bytes: int = 2_000_000,
    suffixes: tuple[str, ...] = (".py",),
    scripts: bool = False,
    archives: bool = False,
) -> tuple[list[SourceFile], list[FileError]]:
    """Read every file under ``root`` ending in ``suffixes`` (and with ``scripts``, every file
    without a suffix whose first line is a Python shebang); paths relative, POSIX, sorted.
    With ``archives``, an archive in the tree is noted as not read (ARCHIVE_NOT_READ): it may
    hold code, and a clean result must not seem to cover it."""
    root_str = os.fspath(root)
    if not os.path.isdir(root_str):
        raise SourceError("not a directory", source=root_str)
    root_real = os.path.realpath(root_str)
    files: list[SourceFile] = []
    errors: list[FileError] = []

    def rel_of(path: str) -> str:
        return Path(os.path.relpath(path, root_str)).as_posix()

    def on_error(exc: OSError) -> None:
        where = rel_of(exc.filename) if exc.filename else "."
        errors.append(FileError(where, "read", f"cannot list directory: {exc.strerror or exc}", unchecked=True))

    for dirpath, dirnames, filenames in os.walk(root_str, onerror=on_error, followlinks=False):
        keep: list[str] = []
        for name in sorted(dirnames):
            if is_excluded_dir(name):
                continue
            if os.path.islink(os.path.join(dirpath, name)):
                errors.append(
                    FileError(rel_of(os.path.join(dirpath, name)), "read", "symlinked directory not followed")
                )
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            full = os.path.join(dirpath, name)
            if archives and name.lower().endswith(ZIP_SUFFIXES + TAR_SUFFIXES) and not os.path.islink(full):
                errors.append(FileError(rel_of(full), "read", ARCHIVE_NOT_READ))
                continue
            if not wanted(name, suffixes) and not (
                    scripts and is_extensionless(name) and python_shebang(_peek(full))):
                continue
            result = read_path(full, rel_of(full), root_real, max_bytes)
            if isinstance(result, SourceFile):
                files.append(result)
            else:
                errors.append(result)
    files.sort(key=lambda f: f.path)
    errors.sort(key=lambda e: (e.path, e.stage, e.reason))
    return files, errors


def read_single_file(
    path: str | Path, *, max_bytes: int = 2_000_000
) -> tuple[list[SourceFile], list[FileError]]:
    """Read one file named directly by the user; its path is reported as its base name.

    The user chose this file, so a symlink to it is followed wherever it points.
    """
    full = os.fspath(path)
    name = os.path.basename(full)
    result = read_path(full, name, os.path.dirname(os.path.realpath(full)), max_bytes)
    if isinstance(result, SourceFile):
        return [result], []
    return [], [result]
