"""One directory holding every kind of hostile file at once, scanned through the CLI.

The scan must finish, list each bad file in the JSON report's ``errors`` with a reason,
and still find the real copies of the reference that sit among them.

Notebooks are scan targets: the reference pasted into a code cell of ``nb.ipynb`` is found
like the ``.py`` copies.  The conversion itself (code cells -> Python, hostile notebooks) is
tested in tests/source.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import REF, Run, scan_cli

CAP = 1_600_000
REFERENCE = REF.read_text(encoding="utf-8")
COPIES = ("copy.py", "utf16.py", "latin1.py", "cookie.py")
# path -> (stage, words the reason must contain)
EXPECTED_ERRORS = {
    "x.py": ("decode", "binary"),
    "nul.py": ("decode", "binary"),
    "huge.py": ("read", f"exceeds the {CAP}-byte cap"),
    "badutf8.py": ("decode", "not valid utf-8"),
    "cookie.py": ("decode", "not valid undefined"),
    "py2.py": ("parse", "syntax error"),
    "nested.py": ("parse", "nested parentheses"),
    "loop_a.py": ("read", "symlink"),
    "loop_b.py": ("read", "symlink"),
    "dangling.py": ("read", "symlink"),
    "escape.py": ("read", "outside the tree"),
    "selfdir": ("read", "symlinked directory not followed"),
    "fifo.py": ("read", "FIFO"),
    "locked": ("read", "cannot list directory"),
    "sealed.py": ("read", "cannot open"),
}


def _hostile_tree(root: Path, outside: Path) -> None:
    root.mkdir()
    files: dict[str, bytes] = {
        "copy.py": REFERENCE.encode(),
        "x.py": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 40,
        "nul.py": b"A = 1\nB = '\x00'\n",
        "huge.py": b"# filler line\n" * (CAP // 14 + 1000),
        "empty.py": b"",
        "badutf8.py": b"NAME = '\xc3\x28 \xff'\n\ndef keep(x):\n    return x\n",
        "utf16.py": codecs.BOM_UTF16_LE + REFERENCE.encode("utf-16-le"),
        "cookie.py": b"# -*- coding: undefined -*-\n" + REFERENCE.encode(),
        "latin1.py": ("# -*- coding: latin-1 -*-\n# caf\u00e9 cr\u00e8me\n" + REFERENCE).encode("latin-1"),
        "py2.py": b'import sys\n\ndef greet(name):\n    print "hello", name\n    exec "x = 1"\n',
        "nested.py": ("X = " + "(" * 50_000 + "1" + ")" * 50_000 + "\n").encode(),
        "chain.py": ("X = a" + ".b" * 100_000 + "\n").encode(),
        "generated.py": "".join(f"v{i} = {i % 97}\n" for i in range(100_000)).encode(),
        "nb.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": REFERENCE}], "nbformat": 4}).encode(),
        "locked/inner.py": REFERENCE.encode(),
        "sealed.py": REFERENCE.encode(),
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    os.symlink("loop_b.py", root / "loop_a.py")
    os.symlink("loop_a.py", root / "loop_b.py")
    os.symlink("missing.py", root / "dangling.py")
    outside.write_text(REFERENCE, encoding="utf-8")
    os.symlink(outside, root / "escape.py")
    os.symlink(".", root / "selfdir")
    os.mkfifo(root / "fifo.py")
    os.chmod(root / "locked", 0)
    os.chmod(root / "sealed.py", 0)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> Iterator[Run]:
    """Scanned once for the module: building and scanning the tree takes a few seconds."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / "target"
    _hostile_tree(root, base / "outside.py")
    with pytest.MonkeyPatch.context() as monkeypatch:
        for key in [k for k in os.environ if k.startswith("LINEAGE_")]:
            monkeypatch.delenv(key)
        monkeypatch.setenv("XDG_CACHE_HOME", str(base / "xdg-cache"))
        monkeypatch.chdir(base)
        try:
            yield _scan_as_a_user_would_be_refused(root, built_index, monkeypatch)
        finally:
            os.chmod(root / "locked", 0o700)
            os.chmod(root / "sealed.py", 0o600)


def _scan_as_a_user_would_be_refused(root: Path, index: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    if os.geteuid() == 0:  # root ignores chmod: make the kernel refuse as it would for a user
        real_open, real_scandir = os.open, os.scandir

        def fake_open(path: str, flags: int, *args: int) -> int:
            if str(path).endswith("sealed.py"):
                raise PermissionError(13, "Permission denied", path)
            return real_open(path, flags, *args)

        def fake_scandir(path: str = ".") -> object:
            if str(path).endswith("locked"):
                raise PermissionError(13, "Permission denied", path)
            return real_scandir(path)

        monkeypatch.setattr(os, "open", fake_open)
        monkeypatch.setattr(os, "scandir", fake_scandir)
    return scan_cli(index, root, env={"LINEAGE_MAX_FILE_BYTES": str(CAP)})


def test_the_scan_finishes_without_a_traceback(hostile_run: Run) -> None:
    assert hostile_run.code in (0, 1), hostile_run.stderr
    assert "Traceback" not in hostile_run.stderr
    assert hostile_run.report()["config"]["max_file_bytes"] == CAP


def test_every_bad_file_is_an_error_with_a_reason(hostile_run: Run) -> None:
    errors = {e["path"]: e for e in hostile_run.report()["errors"]}
    for path, (stage, words) in EXPECTED_ERRORS.items():
        assert path in errors, (path, sorted(errors))
        assert errors[path]["stage"] == stage, errors[path]
        assert words in errors[path]["reason"], errors[path]
    assert all(e["reason"].strip() and "\n" not in e["reason"] for e in errors.values())


def test_good_and_merely_odd_files_are_not_errors(hostile_run: Run) -> None:
    """Empty, UTF-16, Latin-1, a 100k-line file and a 100k-link chain are valid text:
    scanned, not reported; so is a valid notebook."""
    errors = {e["path"] for e in hostile_run.report()["errors"]}
    assert not errors & {"copy.py", "empty.py", "utf16.py", "latin1.py", "generated.py", "chain.py", "nb.ipynb"}
    assert hostile_run.report()["summary"]["files_scanned"] >= 8


def test_real_copies_are_still_found_among_the_hostile_files(hostile_run: Run) -> None:
    by_path: dict[str, set[str]] = {}
    for f in hostile_run.report()["findings"]:
        by_path.setdefault(f["path"], set()).add(f["unit"])
        assert all(m["family"] == "hostile:ring" for m in f["matches"])
    for path in COPIES:
        assert {"rotate_pairs", "merge_heads", "RingCache.attend"} <= by_path.get(path, set()), (path, by_path)


def test_nothing_outside_the_tree_or_behind_a_refusal_was_read(hostile_run: Run) -> None:
    paths = {f["path"] for f in hostile_run.report()["findings"]}
    assert not any(p.startswith(("escape", "selfdir/", "locked/", "sealed")) for p in paths), paths
    assert set(paths) == set(COPIES) | {"nb.ipynb"}  # the notebook's code cell is a copy too
