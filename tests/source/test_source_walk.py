"""Directory walking: links, special files, caps, exclusions, notebooks, determinism."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lineage.errors import SourceError
from lineage.models import FileError
from lineage.source import walk as walk_module
from lineage.source.walk import _read_regular, notebook_to_python, walk_directory


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _errors_for(errors: list[FileError], path: str) -> list[FileError]:
    return [e for e in errors if e.path == path]


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail instead of hanging forever if something blocks (e.g. opening a FIFO)."""

    def boom(signum: int, frame: object) -> None:
        raise TimeoutError("walk blocked")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_reads_python_files_relative_posix_sorted(tmp_path: Path) -> None:
    _write(tmp_path, {"z.py": "Z = 1\n", "a/b/c.py": "C = 1\n", "a/x.txt": "no\n", "m.PY": "M = 1\n"})
    files, errors = walk_directory(tmp_path)
    assert [f.path for f in files] == ["a/b/c.py", "m.PY", "z.py"]
    assert files[0].data == b"C = 1\n"
    assert errors == []


def test_excluded_directories_are_not_walked(tmp_path: Path) -> None:
    skipped = [
        ".git",
        "node_modules",
        "venv",
        ".venv",
        "__pycache__",
        "build",
        "dist",
        "site-packages",
        "foo.egg-info",
        ".tox",
        "env",
    ]
    _write(tmp_path, {f"{d}/x.py": "X = 1\n" for d in skipped})
    _write(tmp_path, {"src/keep.py": "K = 1\n", "src/builder/ok.py": "O = 1\n"})
    files, errors = walk_directory(tmp_path)
    assert [f.path for f in files] == ["src/builder/ok.py", "src/keep.py"]
    assert errors == []


def test_symlink_outside_tree_is_reported_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.py"
    outside.write_text("SECRET = 'x'\n")
    root = tmp_path / "root"
    _write(root, {"in.py": "I = 1\n"})
    os.symlink(outside, root / "leak.py")
    os.symlink(root / "in.py", root / "alias.py")
    files, errors = walk_directory(root)
    assert [f.path for f in files] == ["alias.py", "in.py"]
    assert all(b"SECRET" not in f.data for f in files)
    (err,) = _errors_for(errors, "leak.py")
    assert err.stage == "read" and err.reason.startswith("symlink points outside the tree")
    assert str(tmp_path) not in err.reason  # a local path never reaches a shared report


def test_symlinked_directory_is_not_followed(tmp_path: Path) -> None:
    _write(tmp_path, {"elsewhere/secret.py": "S = 1\n", "root/in.py": "I = 1\n"})
    os.symlink(tmp_path / "elsewhere", tmp_path / "root" / "linked")
    os.symlink(tmp_path / "root", tmp_path / "root" / "self")  # would loop if followed
    files, errors = walk_directory(tmp_path / "root")
    assert [f.path for f in files] == ["in.py"]
    assert {e.path for e in errors} == {"linked", "self"}


def test_symlink_loop_and_dangling_link_become_errors(tmp_path: Path) -> None:
    os.symlink("b.py", tmp_path / "a.py")
    os.symlink("a.py", tmp_path / "b.py")
    os.symlink("missing.py", tmp_path / "dangling.py")
    files, errors = walk_directory(tmp_path)
    assert files == []
    assert [e.path for e in errors] == ["a.py", "b.py", "dangling.py"]
    assert all(e.stage == "read" and e.reason.startswith("broken symlink") for e in errors)


def test_fifo_and_socket_are_skipped_without_hanging(tmp_path: Path, no_hang: None) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    os.symlink("pipe.py", tmp_path / "to_pipe.py")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "sock.py"))
        files, errors = walk_directory(tmp_path)
    finally:
        sock.close()
    assert files == []
    reasons = {e.path: e.reason for e in errors}
    assert reasons == {
        "pipe.py": "skipped: a FIFO",
        "to_pipe.py": "skipped: a FIFO",
        "sock.py": "skipped: a socket",
    }


def _deny_like_the_kernel(monkeypatch: pytest.MonkeyPatch, *denied: Path) -> None:
    """Privileged runs (root) read mode-0 files: refuse them as the kernel would refuse others."""
    names = {str(p) for p in denied}
    real_open, real_scandir = os.open, os.scandir

    def guarded_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path) in names:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def guarded_scandir(path: Any = ".") -> Any:
        if str(path) in names:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)


def test_unreadable_file_and_directory_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"ok.py": "O = 1\n", "locked.py": "L = 1\n", "closed/inner.py": "I = 1\n"})
    (tmp_path / "locked.py").chmod(0)
    (tmp_path / "closed").chmod(0)
    try:
        if os.access(tmp_path / "locked.py", os.R_OK):
            _deny_like_the_kernel(monkeypatch, tmp_path / "locked.py", tmp_path / "closed")
        files, errors = walk_directory(tmp_path)
        monkeypatch.undo()
    finally:
        (tmp_path / "locked.py").chmod(0o644)
        (tmp_path / "closed").chmod(0o755)
    assert [f.path for f in files] == ["ok.py"]
    assert {e.path for e in errors} == {"locked.py", "closed"}


def test_oversize_file_is_capped_not_read(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_bytes(b"#" * 11)
    (tmp_path / "fits.py").write_bytes(b"#" * 10)
    files, errors = walk_directory(tmp_path, max_bytes=10)
    assert [f.path for f in files] == ["fits.py"]
    assert errors == [FileError("big.py", "read", "skipped: 11 bytes exceeds the 10-byte cap")]


def _notebook(cells: list[dict[str, object]]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def test_notebook_code_cells_become_python(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "markdown", "source": ["# Title\n", "text that is not python\n"]},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import os\n", "!pip install x\n", "x = 1"]},
        {"cell_type": "code", "source": "%%bash\necho not python\n"},
        {"cell_type": "code", "source": ["def f():\n", "    return x\n"]},
    ]
    (tmp_path / "nb.ipynb").write_text(_notebook(cells))
    (tmp_path / "bad.ipynb").write_text("{not json")
    files, errors = walk_directory(tmp_path, suffixes=(".py", ".ipynb"))
    (nb,) = files
    assert nb.path == "nb.ipynb"
    text = nb.data.decode()
    compile(text, nb.path, "exec")  # would fail on markdown, magics or shell escapes
    lines = text.splitlines()
    assert lines[3] == "import os" and lines[5] == "x = 1" and lines[8] == "def f():"
    assert "echo" not in text and "pip" not in text
    assert lines[:2] == ["", ""] and "Title" not in text  # prose is not read (a notice line would be)
    assert errors == [FileError("bad.ipynb", "decode", errors[0].reason)]
    assert errors[0].reason.startswith("malformed notebook")
    assert walk_directory(tmp_path)[0] == []  # not requested: not read


def test_notebook_rejects_non_notebook_json() -> None:
    with pytest.raises(ValueError):
        notebook_to_python(b"[1, 2]")
    with pytest.raises(ValueError):
        notebook_to_python(json.dumps({"cells": [{"cell_type": "code", "source": 3}]}).encode())


def test_walk_is_deterministic(tmp_path: Path) -> None:
    names = [f"d{i % 3}/f{i}.py" for i in range(30)]
    _write(tmp_path, {n: f"V = {i}\n" for i, n in enumerate(names)})
    first = walk_directory(tmp_path)
    assert first == walk_directory(tmp_path)
    assert [f.path for f in first[0]] == sorted(names)


def test_missing_root_raises_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a directory"):
        walk_directory(tmp_path / "nope")


def test_permission_failures_are_errors_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores chmod, so simulate the kernel refusing an open and a directory listing."""
    _write(tmp_path, {"ok.py": "O = 1\n", "locked.py": "L = 1\n", "closed/inner.py": "I = 1\n"})
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path: str, flags: int, *args: int) -> int:
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)

    def fake_scandir(path: str) -> object:
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    files, errors = walk_directory(tmp_path)
    assert [f.path for f in files] == ["ok.py"]
    assert [(e.path, e.reason) for e in errors] == [
        ("closed", "cannot list directory: Permission denied"),
        ("locked.py", "cannot open: Permission denied"),
    ]


def test_descriptor_level_check_never_blocks_on_a_fifo(tmp_path: Path, no_hang: None) -> None:
    """Even if a file is swapped for a FIFO after lstat, opening it must not block."""
    os.mkfifo(tmp_path / "swapped.py")
    result = _read_regular(str(tmp_path / "swapped.py"), "swapped.py", 100, walk_module._OPEN_FLAGS)
    assert result == FileError("swapped.py", "read", "not a regular file")


def test_notebook_lines_are_counted_as_python_counts_them() -> None:
    """A U+2028 or a form feed inside a cell's line ends no line (str.splitlines would split there
    and put every later line of the notebook one off its cell)."""
    cells = [{"cell_type": "markdown", "source": ["Intro \u2028 text\n", "Copyright 2026 Acme Corp.\n"]},
             {"cell_type": "code", "source": ["x = 1  # a\u2028b\n", "y = 2\n"]}]
    text, starts = notebook_to_python(json.dumps({"cells": cells}).encode())
    lines = text.decode().split("\n")
    assert starts == (1, 3)
    assert lines[1] == "# Copyright 2026 Acme Corp." and lines[3] == "y = 2"
