"""``lineage scan REPO@REV`` through the CLI on awkward repositories: bare, shallow,
detached HEAD, with a submodule and a Git LFS pointer.  tests/source checks the readers;
here the whole command must end in a report (exit 0/1) or one clean message (exit 2)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import REF, Run, assert_clean_failure, git

LFS_POINTER = (
    b"version https://git-lfs.github.com/spec/v1\n"
    b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"
)


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: a copy of the reference, an LFS pointer, a submodule (gitlink + .gitmodules)."""
    repo = tmp_path_factory.mktemp("git") / "origin"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "ring.py").write_bytes(REF.read_bytes())
    (repo / "pkg" / "__init__.py").write_text("")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "big_weights.py").write_bytes(LFS_POINTER)
    (repo / ".gitattributes").write_text("big_weights.py filter=lfs diff=lfs merge=lfs -text\n")
    (repo / ".gitmodules").write_text('[submodule "vendor/sub"]\n\tpath = vendor/sub\n\turl = ../nowhere\n')
    git(repo, "add", "-A")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{first},vendor/sub")
    git(repo, "commit", "-q", "-m", "two")
    git(repo, "tag", "v2")
    return repo


def _variant(kind: str, origin: Path, base: Path) -> str:
    """A target spec REPO@REV for one kind of repository."""
    if kind == "worktree":
        return f"{origin}@v2"
    if kind == "bare":
        git(base, "clone", "-q", "--bare", str(origin), "bare.git")
        return f"{base / 'bare.git'}@main"
    if kind == "shallow":
        git(base, "clone", "-q", "--depth", "1", "--no-recurse-submodules", origin.as_uri(), "shallow")
        assert (base / "shallow" / ".git" / "shallow").exists()
        return f"{base / 'shallow'}@HEAD"
    if kind == "detached":
        git(base, "clone", "-q", "--no-recurse-submodules", str(origin), "detached")
        git(base / "detached", "checkout", "-q", "--detach", "v2")
        assert git(base / "detached", "rev-parse", "--abbrev-ref", "HEAD") == "HEAD"
        return f"{base / 'detached'}@HEAD"
    raise AssertionError(kind)


KINDS = ("worktree", "bare", "shallow", "detached")


@pytest.mark.parametrize("kind", KINDS)
def test_revision_scans_find_the_copy_and_report_the_lfs_pointer(
    kind: str, origin: Path, tmp_path: Path, scan_json: Callable[..., Run]
) -> None:
    run = scan_json(_variant(kind, origin, tmp_path))
    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    report = run.report()
    assert report["target"]["revision"] == git(origin, "rev-parse", "v2")
    units = {f["unit"] for f in report["findings"] if f["path"] == "pkg/ring.py"}
    assert {"rotate_pairs", "merge_heads", "RingCache.attend"} <= units
    errors = {e["path"]: e for e in report["errors"]}
    assert "LFS pointer" in errors["big_weights.py"]["reason"]
    assert all(not p.startswith("vendor/sub") for p in {f["path"] for f in report["findings"]})


def test_a_submodule_is_reported_as_not_scanned(origin: Path, scan_json: Callable[..., Run]) -> None:
    report = scan_json(f"{origin}@v2").report()
    assert "vendor/sub" in {e["path"] for e in report["errors"]}


def test_no_checkout_hook_or_filter_runs(origin: Path, tmp_path: Path, scan_json: Callable[..., Run]) -> None:
    """A revision is read from the object store: hooks, smudge filters and fsmonitor of the
    scanned repository (here all configured to write a marker) never run."""
    repo = tmp_path / "trap"
    git(tmp_path, "clone", "-q", "--no-recurse-submodules", str(origin), "trap")
    marker = tmp_path / "MARKER"
    cmd = f"touch {marker}"
    for hook in ("post-checkout", "pre-commit", "post-index-change", "reference-transaction"):
        path = repo / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\n{cmd}\n")
        path.chmod(0o755)
    git(repo, "config", "filter.lfs.smudge", cmd)
    git(repo, "config", "filter.lfs.process", cmd)
    git(repo, "config", "core.fsmonitor", cmd)
    git(repo, "config", "core.hooksPath", str(repo / ".git" / "hooks"))
    run = scan_json(f"{repo}@v2")
    assert run.code in (0, 1), run.stderr
    assert not marker.exists()


@pytest.mark.parametrize(
    "rev, words",
    [("no-such-branch", "unknown git revision"), ("--output=/tmp/x", "refusing git revision"),
     ("HEAD~99", "unknown git revision")],
)
def test_bad_revisions_exit_2_with_one_line(origin: Path, scan_json: Callable[..., Run], rev: str, words: str) -> None:
    assert_clean_failure(scan_json(f"{origin}@{rev}"), words)


def test_revision_of_a_plain_directory_exits_2(tmp_path: Path, scan_json: Callable[..., Run]) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert_clean_failure(scan_json(f"{plain}@HEAD"), "not a git repository")


def test_an_empty_repository_exits_2(tmp_path: Path, scan_json: Callable[..., Run]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    assert_clean_failure(scan_json(f"{empty}@HEAD"), "unknown git revision")


def test_a_truncated_pack_exits_2_or_reports(origin: Path, tmp_path: Path, scan_json: Callable[..., Run]) -> None:
    """Packs cut in half on disk: one clean message, or per-file errors, never a traceback."""
    git(tmp_path, "clone", "-q", "--no-recurse-submodules", "--no-local", str(origin), "broken")
    repo = tmp_path / "broken"
    git(repo, "repack", "-q", "-a", "-d")
    for pack in (repo / ".git" / "objects" / "pack").glob("*.pack"):
        os.chmod(pack, 0o644)
        data = pack.read_bytes()
        pack.write_bytes(data[: len(data) // 2])
    run = scan_json(f"{repo}@v2")
    assert "Traceback" not in run.stderr
    if run.code == 2:
        assert_clean_failure(run)
    else:
        assert run.code in (0, 1) and run.report()["errors"], run.stderr


def _corrupt_loose_blob(tmp_path: Path, content: bytes | Callable[[bytes], bytes]) -> Path:
    """A repository whose blob for a.py is replaced on disk by ``content`` (raw object bytes)."""
    repo = tmp_path / "corrupt"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_bytes(REF.read_bytes())
    (repo / "b.py").write_text("B = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    sha = git(repo, "rev-parse", "HEAD:a.py")
    obj = repo / ".git" / "objects" / sha[:2] / sha[2:]
    os.chmod(obj, 0o644)
    obj.write_bytes(content(obj.read_bytes()) if callable(content) else content)
    return repo


def test_a_truncated_blob_is_an_error_on_its_own_path(tmp_path: Path, scan_json: Callable[..., Run]) -> None:
    repo = _corrupt_loose_blob(tmp_path, lambda data: data[: len(data) // 2])
    run = scan_json(f"{repo}@HEAD")
    assert run.code in (0, 1, 2) and "Traceback" not in run.stderr
    if run.code != 2:
        assert "a.py" in {e["path"] for e in run.report()["errors"]}
        assert "b.py" not in {e["path"] for e in run.report()["errors"]}


def test_a_blob_shorter_than_its_header_does_not_hang(tmp_path: Path, built_index: Path) -> None:
    import subprocess
    import zlib

    from tests.hostile.conftest import LINEAGE, subprocess_env

    repo = _corrupt_loose_blob(tmp_path, zlib.compress(b"blob 99999\x00X = 1\n"))
    try:
        done = subprocess.run([str(LINEAGE), "scan", f"{repo}@HEAD", "--format", "json", "-q",
                               "--index", str(built_index)],
                              env=subprocess_env(tmp_path), capture_output=True, text=True, timeout=6,
                              start_new_session=True)
    except subprocess.TimeoutExpired:
        pytest.fail("lineage scan hung on a corrupt blob")
    assert done.returncode in (0, 1, 2)
