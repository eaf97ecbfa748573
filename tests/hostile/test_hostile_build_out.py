"""`corpus build --out` never replaces what is not a regular file and never deletes files a
build did not create (a user's own ``<index>.*.tmp`` files are theirs)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from lineage.index.store import MAGIC, TEMP_TAG
from tests.hostile.conftest import Run, assert_clean_failure


def _build(invoke: Callable[..., Run], manifest: Path, out: Path | str) -> Run:
    return invoke("corpus", "build", str(manifest), "--out", str(out), "-q", "--workers", "1")


def test_the_null_device_is_never_replaced(manifest_path: Path, invoke: Callable[..., Run]) -> None:
    before = os.stat(os.devnull)
    run = _build(invoke, manifest_path, os.devnull)
    assert_clean_failure(run, os.devnull, "not a regular file")
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert not Path(os.devnull + ".lock").exists()


def test_a_fifo_a_directory_and_a_link_are_refused(manifest_path: Path, tmp_path: Path,
                                                   invoke: Callable[..., Run]) -> None:
    fifo = tmp_path / "pipe.lineage"
    os.mkfifo(fifo)
    folder = tmp_path / "dir.lineage"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    real = tmp_path / "real.lineage"
    real.write_text("not an index, but mine")
    link = tmp_path / "link.lineage"
    link.symlink_to(real)
    for out, words in ((fifo, "not a regular file"), (folder, "a directory"), (link, "a symbolic link")):
        assert_clean_failure(_build(invoke, manifest_path, out), str(out), words)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and (folder / "keep.txt").read_text() == "mine"
    assert link.is_symlink() and real.read_text() == "not an index, but mine"


def test_only_our_own_dead_temporary_files_are_removed(manifest_path: Path, tmp_path: Path,
                                                       invoke: Callable[..., Run]) -> None:
    out = tmp_path / "idx.lineage"
    users = {
        "idx.lineage.draft.tmp": b"my notes",
        "idx.lineage.1.tmp": b"",
        f"idx.lineage.{TEMP_TAG}.notmine.tmp": b"a user's file that happens to use our name",
    }
    for name, body in users.items():
        (tmp_path / name).write_bytes(body)
    dead = tmp_path / f"idx.lineage.{TEMP_TAG}.k1ll3d.tmp"
    dead.write_bytes(MAGIC + b"\0" * 100)  # what a build killed mid-write leaves
    run = _build(invoke, manifest_path, out)
    assert run.code == 0, run.stderr
    assert not dead.exists()
    for name, body in users.items():
        assert (tmp_path / name).read_bytes() == body, name
    assert _build(invoke, manifest_path, out).code == 0  # a rebuild over our own index is fine
