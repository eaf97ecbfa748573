"""Reading committed revisions and the staged index straight from the object store."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lineage.errors import SourceError
from lineage.models import FileError, SourceFile
from lineage.source.gitrev import LFS_REASON, read_revision, read_staged

if TYPE_CHECKING:
    from conftest import SourceRepo

EXPECTED_HEAD = ["a.py", "big.py", "link.py", "pkg/b.py"]  # (link.py leads to a.py: read as a checkout has it)


def _paths(files: Sequence[SourceFile]) -> list[str]:
    return [f.path for f in files]


def _check_head(result: tuple[list[SourceFile], list[FileError], str], sha: str) -> None:
    files, errors, resolved = result
    assert resolved == sha
    assert _paths(files) == EXPECTED_HEAD  # no gitlink, no node_modules
    assert files[0].data == b"A = 2\n" and files[2].data == files[0].data
    # the gitlink is reported (its content is another repository), the LFS pointer too
    assert [(e.path, e.reason) for e in errors] == [
        ("lfs.py", LFS_REASON), ("sub.py", "git submodule: its content is another repository, not scanned")]


def test_head_of_a_normal_repository(source_repo: SourceRepo) -> None:
    _check_head(read_revision(source_repo.path, "HEAD", max_bytes=10_000), source_repo.v2)


def test_size_cap_applies_to_blobs(source_repo: SourceRepo) -> None:
    files, errors, _ = read_revision(source_repo.path, "main", max_bytes=100)
    assert "big.py" not in _paths(files)
    assert ("big.py", "skipped: 5000 bytes exceeds the 100-byte cap") in [(e.path, e.reason) for e in errors]


def test_tags_and_revision_syntax(source_repo: SourceRepo) -> None:
    for rev in ("v1", "HEAD~1", "main^", source_repo.v1, source_repo.v1[:10]):
        files, errors, sha = read_revision(source_repo.path, rev)
        assert sha == source_repo.v1, rev
        assert [(f.path, f.data) for f in files] == [("a.py", b"A = 1\n"), ("pkg/b.py", b"B = 2\n")]
        assert errors == []


def test_a_symlink_at_a_revision_is_read_as_what_it_leads_to(tmp_path: Path, run_git: Callable[..., str]) -> None:
    """A copy kept under another name outside the scan's scope, behind a symlink in scope, passed a
    scan of `REPO@REV` unseen (a stranger's review), while a scan of the checkout read it.  A link
    leading out of the tree, or nowhere, is reported and not followed, as in a directory."""
    repo = tmp_path / "r"
    (repo / "data").mkdir(parents=True)
    (repo / "pkg").mkdir()
    (repo / "data" / "blob.txt").write_text("COPY = 1\n")
    os.symlink("../data/blob.txt", repo / "pkg" / "model.py")
    os.symlink("model.py", repo / "pkg" / "again.py")  # a chain of two
    os.symlink("../../outside.py", repo / "pkg" / "out.py")
    os.symlink("gone.py", repo / "pkg" / "dangling.py")
    os.symlink("../data", repo / "pkg" / "dir.py")
    run_git(repo, "init", "-q", "-b", "main")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "links")
    files, errors, _ = read_revision(repo, "HEAD")
    assert [(f.path, f.data) for f in files] == [("pkg/again.py", b"COPY = 1\n"), ("pkg/model.py", b"COPY = 1\n")]
    assert {(e.path, e.reason, e.unchecked) for e in errors} == {
        ("pkg/out.py", "symlink points outside the tree (not followed)", False),
        ("pkg/dangling.py", "broken symlink: no such path at this revision", False),
        ("pkg/dir.py", "symlink to a directory not followed", False)}


def test_bare_repository(source_repo: SourceRepo, tmp_path: Path, run_git: Callable[..., str]) -> None:
    run_git(tmp_path, "clone", "-q", "--bare", str(source_repo.path), "bare.git")
    _check_head(read_revision(tmp_path / "bare.git", "HEAD", max_bytes=10_000), source_repo.v2)


def test_shallow_clone(source_repo: SourceRepo, tmp_path: Path, run_git: Callable[..., str]) -> None:
    run_git(tmp_path, "clone", "-q", "--depth", "1", source_repo.path.as_uri(), "shallow")
    assert (tmp_path / "shallow" / ".git" / "shallow").exists()
    _check_head(read_revision(tmp_path / "shallow", "HEAD", max_bytes=10_000), source_repo.v2)
    with pytest.raises(SourceError):
        read_revision(tmp_path / "shallow", "HEAD~1")  # not in the shallow history


def test_detached_head(source_repo: SourceRepo, run_git: Callable[..., str]) -> None:
    run_git(source_repo.path, "checkout", "-q", "--detach", "v1")
    files, _, sha = read_revision(source_repo.path, "HEAD")
    assert sha == source_repo.v1 and files[0].data == b"A = 1\n"


def test_bad_revision_is_a_source_error(source_repo: SourceRepo) -> None:
    with pytest.raises(SourceError, match="unknown git revision or not a commit: 'no-such-branch'"):
        read_revision(source_repo.path, "no-such-branch")
    with pytest.raises(SourceError, match="not a commit"):
        read_revision(source_repo.path, "HEAD:a.py")  # a blob, not a commit


@pytest.mark.parametrize("rev", ["--upload-pack=touch /tmp/x", "-n", "HEAD\n--all", ""])
def test_option_like_revisions_are_refused(source_repo: SourceRepo, rev: str) -> None:
    with pytest.raises(SourceError, match="revision"):
        read_revision(source_repo.path, rev)


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a git repository"):
        read_revision(tmp_path, "HEAD")
    with pytest.raises(SourceError, match="no such path"):
        read_revision(tmp_path / "missing", "HEAD")


def test_staged_content_not_working_tree(source_repo: SourceRepo, run_git: Callable[..., str]) -> None:
    (source_repo.path / "a.py").write_text("A = 'staged'\n")
    (source_repo.path / "new.py").write_text("N = 1\n")
    run_git(source_repo.path, "add", "a.py", "new.py")
    (source_repo.path / "a.py").write_text("A = 'working tree'\n")
    files, errors = read_staged(source_repo.path, max_bytes=10_000)
    assert _paths(files) == ["a.py", "big.py", "new.py", "pkg/b.py"]
    assert files[0].data == b"A = 'staged'\n"
    assert [e.path for e in errors] == ["lfs.py"]
    only, _ = read_staged(source_repo.path, paths=["a.py", "./new.py", "missing.py", "node_modules/x.py"])
    assert _paths(only) == ["a.py", "new.py", "node_modules/x.py"]


def test_staged_index_version_4(source_repo: SourceRepo, run_git: Callable[..., str]) -> None:
    (source_repo.path / "a.py").write_text("A = 4\n")
    run_git(source_repo.path, "add", "a.py")
    run_git(source_repo.path, "update-index", "--index-version", "4")
    files, _ = read_staged(source_repo.path, paths=["a.py", "pkg/b.py"])
    assert [(f.path, f.data) for f in files] == [("a.py", b"A = 4\n"), ("pkg/b.py", b"B = 2\n")]


def test_staged_in_bare_repository_is_an_error(
    source_repo: SourceRepo, tmp_path: Path, run_git: Callable[..., str]
) -> None:
    run_git(tmp_path, "clone", "-q", "--bare", str(source_repo.path), "bare.git")
    with pytest.raises(SourceError, match="bare"):
        read_staged(tmp_path / "bare.git")


def test_staged_honours_a_temporary_index(
    source_repo: SourceRepo, monkeypatch: pytest.MonkeyPatch, run_git: Callable[..., str]
) -> None:
    """``git commit a.py`` runs hooks against a temporary index named by $GIT_INDEX_FILE."""
    temp_index = source_repo.path / ".git" / "next-index.lock"
    (source_repo.path / "a.py").write_text("A = 'partial commit'\n")
    env = {**os.environ, "GIT_INDEX_FILE": str(temp_index), "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["read-tree", "HEAD"], ["add", "a.py"]):
        subprocess.run(["git", *args], cwd=source_repo.path, env=env, check=True)
    monkeypatch.setenv("GIT_INDEX_FILE", str(temp_index))
    files, _ = read_staged(source_repo.path, paths=["a.py"])
    assert files[0].data == b"A = 'partial commit'\n"
    monkeypatch.delenv("GIT_INDEX_FILE")
    assert read_staged(source_repo.path, paths=["a.py"])[0][0].data == b"A = 2\n"  # the real index
    assert read_staged(source_repo.path, paths=["a.py"], index_file=temp_index)[0][0].data.endswith(
        b"commit'\n"
    )
    with pytest.raises(SourceError, match="no such index file"):
        read_staged(source_repo.path, index_file=source_repo.path / "missing-index")
