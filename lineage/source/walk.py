"""Walk a directory tree safely and return its files as in-memory ``SourceFile`` pairs.

Hostile trees are normal input: symlinked directories are never followed, a symlinked
file is read only when it resolves inside the root, and anything that is not a regular
file (FIFOs, devices, sockets, loops, dangling links) becomes a ``FileError`` instead of
an exception or a hang.  Notebooks are turned into Python text here so that every
reader (directory, git revision, archive) shares one conversion.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from lineage.errors import SourceError
from lineage.models import FileError, SourceFile

EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__",
        ".tox", ".mypy_cache", ".pytest_cache", "site-packages", "build", "dist", ".eggs",
    }
)  # fmt: skip

_CHUNK = 1 << 16
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


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


def notebook_to_python(data: bytes) -> bytes:
    """Return a notebook's code cells as Python source; raise ``ValueError`` if malformed.

    Markdown/raw cells, line magics and shell escapes (``%``/``!``) and whole cell magics
    (``%%``) become blank lines, so the text parses and line counts stay stable.
    """
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not valid notebook JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ValueError("notebook is not a JSON object")
    cells = doc.get("cells")
    if cells is None and isinstance(doc.get("worksheets"), list):  # nbformat 3
        cells = [c for ws in doc["worksheets"] if isinstance(ws, dict) for c in ws.get("cells", [])]
    if not isinstance(cells, list):
        raise ValueError("notebook has no cell list")
    out: list[str] = []
    for cell in cells:
        if not isinstance(cell, dict):
            raise ValueError("notebook cell is not an object")
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise ValueError("notebook cell source is not text")
        lines = source.splitlines()
        if cell.get("cell_type") != "code" or (lines and lines[0].lstrip().startswith("%%")):
            out.extend("" for _ in lines)
            continue
        out.extend("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)
    return ("\n".join(out) + "\n").encode("utf-8") if out else b""


def finish_file(path: str, data: bytes) -> SourceFile | FileError:
    """Turn raw bytes into the ``SourceFile`` handed on (notebooks converted to Python)."""
    if path.lower().endswith(".ipynb"):
        try:
            return SourceFile(path, notebook_to_python(data))
        except ValueError as exc:
            return FileError(path, "decode", f"malformed notebook: {exc}")
    return SourceFile(path, data)


def _read_regular(full: str, rel: str, max_bytes: int, flags: int) -> SourceFile | FileError:
    """Open without blocking, re-check type and size on the descriptor, read up to the cap."""
    try:
        fd = os.open(full, flags)
    except OSError as exc:
        return FileError(rel, "read", f"cannot open: {exc.strerror or exc}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return FileError(rel, "read", "not a regular file")
        if st.st_size > max_bytes:
            return FileError(rel, "read", cap_reason(st.st_size, max_bytes))
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # grew while we read it
            return FileError(rel, "read", cap_reason(total, max_bytes))
        return finish_file(rel, b"".join(chunks))
    except OSError as exc:
        return FileError(rel, "read", f"cannot read: {exc.strerror or exc}")
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
        return FileError(rel, "read", f"cannot stat: {exc.strerror or exc}")
    target, flags = full, _OPEN_FLAGS | _NOFOLLOW
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.path.realpath(full, strict=True)
        except OSError as exc:  # loops raise ELOOP, dangling links ENOENT
            return FileError(rel, "read", f"broken symlink: {exc.strerror or exc}")
        if os.path.commonpath([root_real, target]) != root_real:
            return FileError(rel, "read", f"symlink points outside the tree: {target}")
        try:
            st = os.stat(target)
        except OSError as exc:
            return FileError(rel, "read", f"cannot stat: {exc.strerror or exc}")
    if not stat.S_ISREG(st.st_mode):
        return FileError(rel, "read", f"skipped: {_kind(st.st_mode)}")
    if st.st_size > max_bytes:
        return FileError(rel, "read", cap_reason(st.st_size, max_bytes))
    return _read_regular(target, rel, max_bytes, flags)


def walk_directory(
    root: str | Path,
    *,
    max_bytes: int = 2_000_000,
    suffixes: tuple[str, ...] = (".py",),
) -> tuple[list[SourceFile], list[FileError]]:
    """Read every file under ``root`` ending in ``suffixes``; paths relative, POSIX, sorted."""
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
        errors.append(FileError(where, "read", f"cannot list directory: {exc.strerror or exc}"))

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
            if not wanted(name, suffixes):
                continue
            full = os.path.join(dirpath, name)
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
