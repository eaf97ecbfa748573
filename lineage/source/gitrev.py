"""Read files straight from a git object store: a committed revision or the staged index.

Nothing is checked out and no working-tree command runs, so a scanned repository's
hooks, filters and fsmonitor settings never execute.  Blobs are read through gitpython's
object database; symlink blobs and submodule entries are skipped, Git LFS pointers are
reported because their content is not in the repository.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections.abc import Collection, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import git
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from lineage.errors import SourceError
from lineage.models import FileError, SourceFile
from lineage.source.walk import (
    SHEBANG_PEEK,
    cap_reason,
    finish_file,
    is_excluded_dir,
    is_extensionless,
    python_shebang,
    wanted,
)

LFS_PREFIX = b"version https://git-lfs.github.com/spec/"
LFS_REASON = "git LFS pointer, content not in the repository"
_LINK_MODE = 0o120000
_GITLINK_MODE = 0o160000
_FORMAT_MASK = 0o170000
_BAD_REV = re.compile(r"[\x00-\x20\x7f]")


def open_repository(repo: str | Path) -> git.Repo:
    """Open a bare or non-bare repository at exactly ``repo``; ``SourceError`` otherwise."""
    where = str(repo)
    try:
        repository = git.Repo(where)
        # A partial clone would fetch missing blobs from its remote; never go online here.
        repository.git.update_environment(GIT_NO_LAZY_FETCH="1", GIT_TERMINAL_PROMPT="0")
        return repository
    except NoSuchPathError:
        raise SourceError("no such path", source=where) from None
    except InvalidGitRepositoryError:
        raise SourceError("not a git repository", source=where) from None
    except (GitCommandError, OSError, ValueError) as exc:
        raise SourceError(f"cannot open git repository: {exc}", source=where) from None


def check_revision(rev: str, *, source: str = "") -> None:
    """Refuse revisions that could be read as options or smuggle control characters."""
    if not rev:
        raise SourceError("empty git revision", source=source)
    if rev.startswith("-"):
        raise SourceError(f"refusing git revision starting with '-': {rev!r}", source=source)
    if _BAD_REV.search(rev):
        raise SourceError(f"git revision contains whitespace or control characters: {rev!r}", source=source)


def resolve_commit(repository: git.Repo, rev: str, *, source: str = "") -> git.Commit:
    """Resolve ``rev`` (any git revision syntax) to a commit, or raise ``SourceError``."""
    check_revision(rev, source=source)
    try:
        sha = repository.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        return repository.commit(sha.strip())
    except (GitCommandError, ValueError, git.BadName, git.BadObject):
        raise SourceError(f"unknown git revision or not a commit: {rev!r}", source=source) from None


def commit_date(repo: str | Path, sha: str) -> str:
    """The ISO date (UTC, YYYY-MM-DD) a commit was made: code cannot derive from what came after."""
    import datetime

    repository = open_repository(repo)
    try:
        stamp = resolve_commit(repository, sha, source=str(repo)).committed_date
        return datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc).date().isoformat()
    finally:
        repository.close()


def read_blob(repository: git.Repo, binsha: bytes, path: str, max_bytes: int) -> SourceFile | FileError:
    """Size-check a blob through the object header, then read it; LFS pointers reported.

    Blobs are read with gitdb (in-process, no `git cat-file --batch` pipe): a corrupt or
    truncated object then fails on its own path instead of hanging the pipe or desynchronising
    it onto the next file.  The length read must equal the header's size.
    """
    try:
        odb = _gitdb(repository)
        size = odb.info(binsha).size
        if size > max_bytes:
            return FileError(path, "read", cap_reason(size, max_bytes), unchecked=True)
        data = odb.stream(binsha).read(size + 1)
    except Exception as exc:  # noqa: BLE001 - gitdb raises many types on corrupt objects
        return FileError(path, "read", f"cannot read blob (corrupt object?): {type(exc).__name__}: {exc}", unchecked=True)
    if len(data) != size:
        return FileError(path, "read", f"corrupt blob: header says {size} bytes, object holds {len(data)}", unchecked=True)
    if data.startswith(LFS_PREFIX):
        return FileError(path, "read", LFS_REASON, unchecked=True)
    return finish_file(path, data)


def is_script(repository: git.Repo, path: str, binsha: bytes) -> bool:
    """A blob without a suffix whose first line is a Python shebang (only its head is read)."""
    if not is_extensionless(path):
        return False
    try:
        return python_shebang(_gitdb(repository).stream(binsha).read(SHEBANG_PEEK))
    except Exception:  # noqa: BLE001 - a corrupt blob is no script; reading it fails elsewhere
        return False


def wanted_blob(repository: git.Repo, path: str, binsha: bytes, suffixes: tuple[str, ...], scripts: bool) -> bool:
    """A blob a reader takes: its path ends in ``suffixes``, or (with ``scripts``) it has no suffix
    and starts with a Python shebang."""
    return wanted(path, suffixes) or (scripts and is_script(repository, path, binsha))


def _gitdb(repository: git.Repo) -> Any:
    """A pure-Python object database over the repository's objects directory (cached)."""
    cached = getattr(repository, "_lineage_gitdb", None)
    if cached is None:
        from gitdb import GitDB

        cached = GitDB(os.path.join(repository.common_dir, "objects"))
        repository._lineage_gitdb = cached  # type: ignore[attr-defined]
    return cached


def _collect(results: list[SourceFile | FileError]) -> tuple[list[SourceFile], list[FileError]]:
    files = sorted((r for r in results if isinstance(r, SourceFile)), key=lambda f: f.path)
    errors = sorted(
        (r for r in results if isinstance(r, FileError)), key=lambda e: (e.path, e.stage, e.reason)
    )
    return files, errors


def read_revision(
    repo: str | Path,
    rev: str,
    *,
    max_bytes: int = 2_000_000,
    suffixes: tuple[str, ...] = (".py",),
    scripts: bool = False,
) -> tuple[list[SourceFile], list[FileError], str]:
    """Read every wanted blob of ``rev`` from the object store (with ``scripts``, also blobs
    without a suffix starting with a Python shebang); return files, errors, sha."""
    where = str(repo)
    repository = open_repository(repo)
    try:
        commit = resolve_commit(repository, rev, source=where)
        results: list[SourceFile | FileError] = []

        def prune(item: object, depth: int) -> bool:
            return isinstance(item, git.Tree) and is_excluded_dir(PurePosixPath(item.path).name)

        try:
            for item in commit.tree.traverse(prune=prune):
                if isinstance(item, git.Submodule):
                    results.append(FileError(str(item.path), "read",
                                             "git submodule: its content is another repository, not scanned"))
                    continue
                if not isinstance(item, git.Blob):
                    continue  # trees
                if not wanted_blob(repository, str(item.path), item.binsha, suffixes, scripts):
                    continue
                if item.mode & _FORMAT_MASK == _LINK_MODE:
                    results.append(_linked(repository, commit.tree, item, max_bytes))
                    continue
                results.append(read_blob(repository, item.binsha, str(item.path), max_bytes))
        except (GitCommandError, ValueError, OSError) as exc:
            raise SourceError(f"cannot read tree of {rev!r}: {exc}", source=where) from None
        files, errors = _collect(results)
        return files, errors, commit.hexsha
    finally:
        repository.close()


def root_blobs(repo: str | Path, sha: str, names: Collection[str], max_bytes: int = 1_000_000
               ) -> tuple[tuple[str, bytes], ...]:
    """(path, bytes) of the regular files named ``names`` at the root of commit ``sha``'s tree, or
    in a `*.dist-info` folder there: a revision's own NOTICE/LICENSE and package metadata, as a
    checkout of it holds them (a symlink, a folder, or a blob over ``max_bytes`` or unreadable is
    left out)."""
    repository = open_repository(repo)
    try:
        tree = resolve_commit(repository, sha, source=str(repo)).tree
        odb = _gitdb(repository)
        out = []
        dist_info = [b for t in tree.trees if t.name.endswith(".dist-info") for b in t.blobs][:64]
        for item in [*tree.blobs, *dist_info]:
            path = str(item.path)
            if (item.name if "/" not in path else path.split("/", 1)[1]) not in names \
                    or item.mode & _FORMAT_MASK == _LINK_MODE:
                continue
            try:
                size = odb.info(item.binsha).size
                data = odb.stream(item.binsha).read(size + 1) if size <= max_bytes else b""
            except Exception:  # noqa: BLE001 - gitdb raises many types on corrupt objects
                continue
            if size <= max_bytes and len(data) == size:
                out.append((path, data))
        return tuple(sorted(out))
    except (GitCommandError, ValueError, OSError, SourceError):
        return ()
    finally:
        repository.close()


def _linked(repository: git.Repo, tree: git.Tree, link: git.Blob, max_bytes: int, hops: int = 8) -> SourceFile | FileError:
    """A symlink in scope at a revision, read as a checkout delivers it: the blob it leads to in the
    same tree, under the link's own path (a copy kept in `data/blob.txt` behind `pkg/model.py`
    passed a scan of `REPO@REV` unseen, while a scan of the checkout read it); one leading out
    of the tree, or nowhere, is reported and not followed, as a directory scan reports it."""
    path, item = str(link.path), link
    for _ in range(hops):
        target = item.data_stream.read().decode("utf-8", "surrogateescape")
        where = posixpath.normpath(posixpath.join(posixpath.dirname(str(item.path)), target))
        if target.startswith("/") or where == ".." or where.startswith("../"):
            return FileError(path, "read", "symlink points outside the tree (not followed)")
        try:
            item = tree / where
        except KeyError:
            return FileError(path, "read", "broken symlink: no such path at this revision")
        if not isinstance(item, git.Blob):
            return FileError(path, "read", "symlink to a directory not followed")
        if item.mode & _FORMAT_MASK != _LINK_MODE:
            return read_blob(repository, item.binsha, path, max_bytes)
    return FileError(path, "read", "symlink chain too long (not followed)", unchecked=True)


def _staged_entries(repository: git.Repo, where: str, index_file: str | None) -> list[tuple[str, int, bytes]]:
    """(path, mode, binsha) for every stage-0 index entry, with a fallback for index v4."""
    try:
        index = git.IndexFile(repository, index_file) if index_file else repository.index
        return [
            (str(path), entry.mode, entry.binsha)
            for (path, stage), entry in index.entries.items()
            if stage == 0
        ]
    except AssertionError:  # gitpython reads index versions 1-3 only
        pass
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read the git index: {exc}", source=where) from None
    try:
        env = {"GIT_INDEX_FILE": index_file} if index_file else {}
        with repository.git.custom_environment(**env):
            out = repository.git.ls_files("--stage", "-z")
    except GitCommandError as exc:
        raise SourceError(f"cannot read the git index: {exc.stderr.strip()}", source=where) from None
    entries: list[tuple[str, int, bytes]] = []
    for record in out.split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, sha, stage = meta.split()
        if stage == "0":
            entries.append((path, int(mode, 8), bytes.fromhex(sha)))
    return entries


def read_staged(
    repo: str | Path,
    *,
    max_bytes: int = 2_000_000,
    suffixes: tuple[str, ...] = (".py",),
    paths: Sequence[str] | None = None,
    index_file: str | Path | None = None,
    scripts: bool = False,
) -> tuple[list[SourceFile], list[FileError]]:
    """Read the staged (index) content of wanted files, optionally only ``paths``.

    Without ``paths`` the same directories as a tree walk are skipped; named paths
    (what a pre-commit hook passes) are always read.  ``index_file`` defaults to
    ``$GIT_INDEX_FILE``, which git sets for hooks during ``git commit <paths>``.
    """
    where = str(repo)
    repository = open_repository(repo)
    try:
        if repository.bare:
            raise SourceError("a bare repository has no index", source=where)
        chosen = index_file or os.environ.get("GIT_INDEX_FILE") or None
        index_path = os.path.abspath(chosen) if chosen else None
        if index_path and not os.path.isfile(index_path):
            raise SourceError(f"no such index file: {index_path}", source=where)
        only = None if paths is None else {PurePosixPath(p.replace("\\", "/")).as_posix() for p in paths}
        results: list[SourceFile | FileError] = []
        for path, mode, binsha in _staged_entries(repository, where, index_path):
            if only is not None and path not in only:
                continue
            if only is None and any(is_excluded_dir(part) for part in path.split("/")[:-1]):
                continue  # explicitly named paths are read even inside build/ or venv/
            if mode & _FORMAT_MASK in (_LINK_MODE, _GITLINK_MODE):
                continue
            if not wanted_blob(repository, path, binsha, suffixes, scripts):
                continue
            results.append(read_blob(repository, binsha, path, max_bytes))
        return _collect(results)
    finally:
        repository.close()


def clean_head_date(root: str | Path, files: Sequence[SourceFile]) -> str:
    """The date of HEAD's commit when ``root`` is a repository's working tree and every file read
    from it (``files``, paths relative to ``root``) is HEAD's own blob, byte for byte: the scanned
    code is that commit's code, dated as `REPO@REV` is.  "" otherwise (not a repository root, a
    modified or untracked file, no commit).  Read in-process from the object store: no `git
    status`, which would run a repository's configured fsmonitor command."""
    import datetime

    try:
        repository = open_repository(root)
    except SourceError:
        return ""
    try:
        if repository.bare or not files:
            return ""
        commit = repository.head.commit
        wanted = {f.path: hashlib.sha1(b"blob %d\0" % len(f.data) + f.data, usedforsecurity=False).hexdigest()
                  for f in files}
        held = {str(item.path): item.hexsha for item in commit.tree.traverse()
                if isinstance(item, git.Blob) and str(item.path) in wanted}
        if held != wanted:
            return ""
        return datetime.datetime.fromtimestamp(commit.committed_date, tz=datetime.timezone.utc).date().isoformat()
    except (GitCommandError, ValueError, OSError, git.BadName, git.BadObject):
        return ""
    finally:
        repository.close()
