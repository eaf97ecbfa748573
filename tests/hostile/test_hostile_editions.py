"""Each version of lineage reads its own edition of the default index (lineage/index/edition.py):
a pre-commit hook pinned to another rev beside the command line neither rebuilds nor refuses the
other's default index."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from lineage import api
from lineage.fingerprint import params
from lineage.index import edition as editions
from lineage.index.store import read_index, write_index
from tests.hostile.conftest import LINEAGE, subprocess_env


def _run(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINEAGE), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_default_index_is_named_after_what_shapes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = editions.default_index_path()
    assert first == str(tmp_path / "lineage" / f"default-{editions.edition()}.lineage")
    assert editions.default_index_path() == first  # the same installation: the same file
    other = dataclasses.replace(params.FingerprintParams(), normaliser="lex-v0")
    monkeypatch.setattr(params, "FingerprintParams", lambda: other)  # another version's normaliser
    assert editions.default_index_path() != first
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(editions, "BUILD_CONTENT", editions.BUILD_CONTENT + b"; more")  # another build content
    assert editions.default_index_path() != first


def test_corpus_path_names_the_index_commands_use(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path)
    shown = _run(env, "corpus", "path")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == str(tmp_path / "xdg-cache" / "lineage" / f"default-{editions.edition()}.lineage")
    chosen = _run(subprocess_env(tmp_path, LINEAGE_INDEX=str(tmp_path / "team.lineage")), "corpus", "path")
    assert chosen.stdout.strip() == str(tmp_path / "team.lineage")


def test_a_missing_default_index_names_the_command_of_this_installation(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path)
    (tmp_path / "t.py").write_text("x = 1\n", encoding="utf-8")
    run = _run(env, "scan", "t.py", cwd=tmp_path)
    assert run.returncode == 2
    assert f"`{LINEAGE} corpus ensure`" in run.stderr and "not built yet" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_index_of_another_edition_is_left_alone_and_named(built_index: Path, tmp_path: Path) -> None:
    """The unversioned file of earlier versions and another edition's file stay where they are:
    this version's default is its own; `corpus ensure` names them, to delete when unused."""
    env = subprocess_env(tmp_path)
    folder = tmp_path / "xdg-cache" / "lineage"
    folder.mkdir(parents=True)
    legacy, other = folder / "default.lineage", folder / "default-000000000000.lineage"
    for f in (legacy, other):
        f.write_bytes(b"not an index of this version")
    (tmp_path / "t.py").write_text("x = 1\n", encoding="utf-8")
    refused = _run(env, "scan", "t.py", cwd=tmp_path)
    assert refused.returncode == 2 and "not built yet" in refused.stderr  # neither was read as its own
    header, arrays = read_index(built_index)  # this version's default index, current for its manifests
    header = {k: v for k, v in header.items() if k not in ("format", "id", "arrays")}
    header["manifests_digest"] = api.manifests_digest(api.default_manifests())
    write_index(folder / f"default-{editions.edition()}.lineage", header, dict(arrays))
    ready = _run(env, "corpus", "ensure")
    assert ready.returncode == 0, ready.stderr
    assert "default index ready" in ready.stderr
    assert "2 default index file(s) of other lineage versions" in ready.stderr
    assert "default.lineage" in ready.stderr and other.name in ready.stderr
    assert legacy.read_bytes() == other.read_bytes() == b"not an index of this version"
    scanned = _run(env, "scan", "t.py", "-q", cwd=tmp_path)
    assert scanned.returncode == 0, scanned.stderr
    shutil.rmtree(folder)


def test_a_corrupt_default_index_names_the_command_that_rebuilds_it(tmp_path: Path) -> None:
    """A default index file that is not an index (a disk filled mid-write, a stray copy) says how
    to rebuild it, as a missing one does; another index file named by the user does not."""
    env = subprocess_env(tmp_path)
    folder = tmp_path / "xdg-cache" / "lineage"
    folder.mkdir(parents=True)
    (folder / f"default-{editions.edition()}.lineage").write_bytes(b"LINEAG")
    (tmp_path / "t.py").write_text("x = 1\n", encoding="utf-8")
    run = _run(env, "scan", "t.py", cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "bad magic bytes" in run.stderr and f"rebuild it with `{LINEAGE} corpus ensure`" in run.stderr
    (tmp_path / "team.lineage").write_bytes(b"LINEAG")
    theirs = _run(subprocess_env(tmp_path, LINEAGE_INDEX=str(tmp_path / "team.lineage")), "scan", "t.py", cwd=tmp_path)
    assert theirs.returncode == 2 and "bad magic bytes" in theirs.stderr and "corpus ensure" not in theirs.stderr
