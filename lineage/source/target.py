"""Turn a user's target spec into files in memory, plus what a third party needs to redo it.

Accepted specs, tried in this order: an existing directory; an existing file (one source
file, or an archive); ``name==version`` (a PyPI artefact); ``PATH@REV`` with PATH a local
git repository; ``URL@REV`` with URL a git URL.  The spec is split on its last ``@``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lineage.errors import FetchError, SourceError
from lineage.models import FileError, SourceFile
from lineage.source.archive import is_archive_name, read_archive
from lineage.source.fetch import cache_dir, fetch_git, fetch_pypi, file_sha256, is_git_url, normalised_name
from lineage.source.maker import is_metadata
from lineage.source.released import release_date
from lineage.source.sdist import cached_sdist
from lineage.source.walk import (
    NESTED_NOT_READ,
    REPO_NOTICE_NAMES,
    SCAN_SUFFIXES,
    SHEBANG_PEEK,
    finish_file,
    is_excluded_dir,
    is_extensionless,
    python_shebang,
    read_single_file,
    walk_directory,
    wanted,
)

_PYPI = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9][A-Za-z0-9.!+_-]*)$")


@dataclass(frozen=True)
class LoadedTarget:
    """Files of one target, its per-file errors, and a reproducible description of it."""

    files: tuple[SourceFile, ...]
    errors: tuple[FileError, ...]
    root: str
    revision: str | None
    description: str
    inputs: dict[str, Any] = field(default_factory=dict, hash=False)
    # an archive's or release's own NOTICE/LICENSE files (path, bytes): what a directory holds at
    # its root, the project's holder (archive_notices)
    notices: tuple[tuple[str, bytes], ...] = field(default=(), hash=False)
    # an archive's or release's own metadata files (path below its root, bytes), which name its
    # makers (source/maker.py): a directory's are read from its root
    metadata: tuple[tuple[str, bytes], ...] = field(default=(), hash=False)


def _default_pin(name: str, version: str) -> dict[str, Any]:
    """The pins of ``name==version`` when a default manifest holds that release (its sha256, file
    name, Python version and platform): verified as the default index reads it, and found for a
    wheel that needs another Python than the running one (gpt-oss 0.0.9 asks for 3.12).  Other
    releases are fetched for the running interpreter, unpinned."""
    from lineage.errors import ManifestError
    from lineage.index.manifest import default_manifests, load_manifest

    for listed in default_manifests():
        try:
            m = load_manifest(listed)
        except (ManifestError, OSError):
            continue
        if m.kind == "pypi" and normalised_name(m.package) == normalised_name(name) and m.version == version:
            return {"sha256": m.sha256, "filename": m.filename or None, "python_version": m.python_version or None,
                    "platform": m.platform or None}
    return {"sha256": None}


def archive_notice(name: str) -> int | None:
    """How deep an archive member is that may stand for the project's NOTICE or LICENSE file at its
    root, or None: at the archive's root, one folder down (`project_notices` keeps its one top
    folder's), or in a wheel's `*.dist-info` folder's `licenses/` folder."""
    parts = name.split("/")
    if parts[-1] not in REPO_NOTICE_NAMES or len(parts) > 3:
        return None
    if len(parts) == 3 and not (parts[0].endswith(".dist-info") and parts[1] == "licenses"):
        return None
    return len(parts)


def project_notices(members: Sequence[SourceFile], suffixes: tuple[str, ...]
                    ) -> tuple[list[SourceFile], tuple[tuple[str, bytes], ...]]:
    """An archive's members read: its code, and its project's notice files, the shallowest of those
    at its root, in its one top folder with no code beside it (an sdist's `pkg-1.0/LICENSE`), or in a
    wheel's dist-info.  A `third_party/LICENSE` names a vendored part's holder (a stranger's attack:
    vLLM's qwen2.py beside one naming Alibaba lost its "notice removed")."""
    def top(f: SourceFile) -> str:
        return f.path.split("/", 1)[0] if "/" in f.path else ""

    notices = [f for f in members if archive_notice(f.path) is not None and not wanted(f.path, suffixes)]
    code = [f for f in members if archive_notice(f.path) is None or wanted(f.path, suffixes)]
    tops = {top(f) for f in members if not top(f).endswith(".dist-info")}
    one_top = len(tops) == 1 and "" not in tops
    notices = [f for f in notices if f.path.count("/") != 1 or top(f).endswith(".dist-info") or one_top]
    depth = min((archive_notice(f.path) or 0 for f in notices), default=0)
    return code, tuple((f.path, f.data) for f in notices if archive_notice(f.path) == depth)


def _from_archive(
    path: Path, max_bytes: int, suffixes: tuple[str, ...]
) -> tuple[list[SourceFile], list[FileError], tuple[tuple[str, bytes], ...], tuple[tuple[str, bytes], ...]]:
    """Read an archive's wanted members and Python scripts without a suffix, as the directory
    walk and git revisions do; notebooks converted like everywhere else.  Folders the walk never
    enters are skipped, unless nothing else is left to read: then the archive is that folder
    (the wheel of a package named `build` or `env`).  Also the project's notice files
    (`project_notices`): an sdist or wheel scanned read as a copy of a port of its own model what
    its unpacked folder, whose LICENSE names the maker, read as that maker's own code (a stranger's
    review: openai-whisper's `dtw_cpu`); and its metadata files (`project_metadata`)."""
    def read(skip: Callable[[str], bool] | None) -> tuple[list[SourceFile], tuple[tuple[str, bytes], ...],
                                                        tuple[tuple[str, bytes], ...], list[FileError]]:
        def metadata_only(name: str) -> bool:  # (read for its maker, never scanned: source/maker.py)
            bare = name.removeprefix("./")
            return (is_metadata(bare) or is_metadata(bare.split("/", 1)[-1])) and not wanted(name, suffixes) \
                and archive_notice(name) is None

        nested: list[str] = []

        def include(name: str) -> bool:
            if is_archive_name(name):  # (an archive inside it: noted, never read, as the walk notes one)
                nested.append(name)
                return False
            return wanted(name, suffixes) or archive_notice(name) is not None or metadata_only(name)

        members, errors = read_archive(path, include=include, max_member_bytes=max_bytes, scripts=True, skip_dir=skip)
        errors += [FileError(name.replace("\\", "/"), "read", NESTED_NOT_READ) for name in sorted(set(nested))]
        metadata = project_metadata(members, wheel=path.name.lower().endswith(".whl"))
        code = [f for f in members if not metadata_only(f.path)]
        # an oversized or unreadable metadata file names no maker; it is no file the scan failed to check
        errors = [e for e in errors if not metadata_only(e.path)]
        return (*project_notices(code, suffixes), metadata, errors)

    files, notices, metadata, errors = read(is_excluded_dir)
    if not files and not errors:
        files, notices, metadata, errors = read(None)
    finished: list[SourceFile] = []
    for item in (finish_file(f.path, f.data) for f in files):
        if isinstance(item, SourceFile):
            finished.append(item)
        else:
            errors.append(item)
    return finished, sorted(errors, key=lambda e: (e.path, e.stage, e.reason)), notices, metadata


def project_metadata(members: Sequence[SourceFile], *, wheel: bool = False) -> tuple[tuple[str, bytes], ...]:
    """An archive's own metadata files (source/maker.py), at its root or, for an archive that is one
    folder (an sdist's `pkg-1.0/PKG-INFO`), in that folder, as (path below it, bytes).  A wheel's
    package folder is no such folder (its dist-info stands beside it), even in a wheel without one."""
    paths = [(f.path.removeprefix("./"), f) for f in members]
    tops = {p.split("/", 1)[0] for p, _ in paths}
    folder = not wheel and len(tops) == 1 and all("/" in p for p, _ in paths) \
        and not next(iter(tops)).endswith(".dist-info")
    out = []
    for path, f in paths:
        rel = path.split("/", 1)[1] if folder else path
        if is_metadata(rel):
            out.append((rel, f.data))
    return tuple(out)


def _is_repository(path: str) -> bool:
    from lineage.source.gitrev import open_repository

    try:
        open_repository(path).close()
    except SourceError:
        return False
    return True


def _read_revision(
    repo: str | Path, rev: str, max_bytes: int, suffixes: tuple[str, ...]
) -> tuple[list[SourceFile], list[FileError], str]:
    from lineage.source.gitrev import read_revision

    return read_revision(repo, rev, max_bytes=max_bytes, suffixes=suffixes, scripts=True)


def revision_root(repo: str | Path, sha: str) -> tuple[tuple[tuple[str, bytes], ...], tuple[tuple[str, bytes], ...]]:
    """A revision's own NOTICE/LICENSE files and package metadata at its root (as an archive's),
    not the working tree's: a later checkout's files say nothing of an earlier commit."""
    from lineage.source.gitrev import root_blobs
    from lineage.source.maker import DIST_INFO, NAMES

    found = root_blobs(repo, sha, {*REPO_NOTICE_NAMES, *NAMES, DIST_INFO})
    return tuple(b for b in found if b[0] in REPO_NOTICE_NAMES), tuple(b for b in found if is_metadata(b[0]))


def _is_script(path: str) -> bool:
    """A file named without a suffix whose first line is a Python shebang."""
    if not is_extensionless(Path(path).name):
        return False
    try:  # never blocks: the file may have been swapped for a FIFO since it was checked
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        return python_shebang(os.read(fd, SHEBANG_PEEK))
    except OSError:
        return False
    finally:
        os.close(fd)


def _clean_head_date(root: str, files: Sequence[SourceFile]) -> str:
    if not os.path.isdir(os.path.join(root, ".git")):
        return ""  # (gitpython is imported only for git targets: it fails without a git executable)
    from lineage.source.gitrev import clean_head_date

    return clean_head_date(root, files)


def _release_dated(root: str, files: Sequence[SourceFile], cache: Path | None,
                   index_args: Sequence[str]) -> dict[str, str]:
    """{"date", "release"} of the released distributions these files are, file for file
    (source/distinfo.py), each claim checked against the release's wheel as the package index
    publishes it (source/published.py): the latest of those wheels' upload dates, by which all
    of them were public.  Not dated, and said, when a claim is contradicted (a file its wheel
    lists with another hash: {"release_refuted"}) or cannot be checked ({"release_unchecked"});
    {} for files that claim no release, or more than MAX_RELEASES (each is asked of the index)."""
    from lineage.source.distinfo import MAX_RELEASES, claims_of
    from lineage.source.published import published_wheel

    found = claims_of(root, files)
    if not found or len(found) > MAX_RELEASES:
        return {}
    refuted: list[str] = []
    unchecked: list[str] = []
    dated: list[tuple[str, str]] = []
    for (name, version), claimed in sorted(found.items()):
        release = f"{name}=={version}"
        wheel = published_wheel(name, version, cache or cache_dir(), index_args)
        rows = wheel[1] if wheel else {}
        if any(rel in rows and rows[rel] != digest for rel, digest in claimed.items()):
            refuted.append(release)
        elif wheel is None or any(rel not in rows for rel in claimed):
            unchecked.append(release)
        else:
            dated.append((wheel[0], release))
    if refuted:
        return {"release_refuted": f"{', '.join(refuted)}: the files differ from the release's published wheel"}
    if unchecked:
        return {"release_unchecked": f"{', '.join(unchecked[:3])}{' and more' if len(unchecked) > 3 else ''}: "
                                     "no pure-Python wheel of it on the package index lists these files"}
    date, release = max(dated)
    return {"date": date, "release": release if len(dated) == 1 else f"{release}, the latest of {len(dated)}"}


def _sdist_dated(root: str, files: Sequence[SourceFile], cache: Path | None,
                 index_args: Sequence[str]) -> dict[str, str]:
    """{"date", "release"} of an unpacked sdist whose files are its release's published ones
    (source/sdistinfo.py), else what stops it, or {}."""
    from lineage.source.sdistinfo import sdist_dated

    return sdist_dated(root, files, cache or cache_dir(), index_args)


def _artefact_dated(path: Path, sha256: str, cache: Path | None, index_args: Sequence[str]) -> dict[str, str]:
    """{"date", "release"} of a wheel or sdist file that the package index lists under its name
    with its digest (source/released.published_date), else {}."""
    from lineage.source.released import project_of, published_date, version_of

    date = published_date(path, sha256, cache or cache_dir(), index_args)
    return {"date": date, "release": f"{project_of(path.name)}=={version_of(path.name)}"} if date else {}


def _refuted(dated: dict[str, str]) -> list[FileError]:
    """A caveat for a dist-info whose claim the published release contradicts, or that could not be
    checked: the scan is not dated by it, and a reviewer should know why (a tree that says what is
    not so is itself evidence)."""
    claim = dated.get("claim", "<dist-info>")  # (a wheel's dist-info, or an sdist's PKG-INFO)
    if dated.get("release_refuted"):
        return [FileError(claim, "read", f"not dated as the release {dated['release_refuted']}")]
    if dated.get("release_unchecked"):
        return [FileError(claim, "read", f"not dated as the release {dated['release_unchecked']} "
                                         "(or the index could not be reached)")]
    return []


def _commit_date(repo: str | Path, sha: str) -> str:
    from lineage.source.gitrev import commit_date

    return commit_date(repo, sha)


def _build(
    files: list[SourceFile], errors: list[FileError], root: str, revision: str | None, description: str,
    inputs: dict[str, Any], notices: tuple[tuple[str, bytes], ...] = (), metadata: tuple[tuple[str, bytes], ...] = (),
) -> LoadedTarget:  # fmt: skip
    return LoadedTarget(tuple(files), tuple(errors), root, revision, description, inputs, notices, metadata)


def load_target(
    spec: str,
    *,
    max_bytes: int = 2_000_000,
    suffixes: tuple[str, ...] = SCAN_SUFFIXES,
    cache: Path | None = None,
    index_args: Sequence[str] = (),
    release_dates: bool = False,
) -> LoadedTarget:
    """Load ``spec`` (directory, file, archive, PATH@REV, URL@REV or name==version).
    ``release_dates``: date a directory or file that is a released distribution's code by that
    release (source/distinfo.py; it may ask the package index), for a scan that travels back."""
    if not spec or spec != spec.strip() or any(ord(c) < 32 for c in spec):
        raise SourceError(f"invalid target {spec!r}")
    if os.path.isdir(spec):
        root = os.path.abspath(spec)
        files, errors = walk_directory(spec, max_bytes=max_bytes, suffixes=suffixes, scripts=True, archives=True)
        # a working tree that is its HEAD commit, file for file, is dated as that commit is; a
        # released distribution's files, as its RECORD lists them, as that release is
        date = _clean_head_date(root, files)
        dated = {"date": date} if date else {}
        if not date and release_dates and not any(e.unchecked or e.stage == "read" for e in errors):
            # (a file the scan could not read, a symlink out of the tree or an archive inside it, may hold
            # later code: a tree with one is no release's as published, whatever its dist-info or PKG-INFO say)
            dated = _release_dated(root, files, cache, index_args) or _sdist_dated(root, files, cache, index_args)
            errors += _refuted(dated)
        return _build(files, errors, root, None, f"directory {root}", {"kind": "dir", "path": root, **dated})
    if os.path.exists(spec):
        root = os.path.abspath(spec)
        if not os.path.isfile(spec):
            raise SourceError("not a regular file, directory or archive", source=spec)
        inputs = {"kind": "file", "path": root, "sha256": file_sha256(Path(spec))}
        if is_archive_name(spec):
            files, errors, notices, metadata = _from_archive(Path(spec), max_bytes, suffixes)
            if release_dates:  # a release's own wheel or sdist, as the package index lists it, digest and all
                inputs.update(_artefact_dated(Path(spec), inputs["sha256"], cache, index_args))
            return _build(files, errors, root, None, f"archive {root}", {**inputs, "kind": "archive"}, notices,
                          metadata)
        if not wanted(spec, suffixes) and not _is_script(spec):
            raise SourceError(f"not a directory, archive, {'/'.join(suffixes)} file or script with a "
                              "Python shebang (#!/usr/bin/env python3)", source=spec)
        files, errors = read_single_file(spec, max_bytes=max_bytes)
        if release_dates:
            inputs.update(_release_dated(root, files, cache, index_args) or _sdist_dated(root, files, cache, index_args))
            errors += _refuted(inputs)
        return _build(files, errors, root, None, f"file {root}", inputs)
    pypi = _PYPI.match(spec)
    if pypi:
        name, version = pypi.groups()
        pins = _default_pin(name, version)
        try:
            artefact = fetch_pypi(name, version, cache=cache, index_args=index_args, **pins)
        except FetchError as no_wheel:  # an sdist-only release: its archive, read, never built
            try:
                artefact = cached_sdist(name, version, cache or cache_dir(), index_args, pins.get("sha256"))
            except FetchError as no_sdist:
                raise FetchError(f"{no_wheel.args[0] if no_wheel.args else no_wheel}; and {no_sdist.args[0]}",
                                 source=spec) from None
        files, errors, notices, metadata = _from_archive(artefact, max_bytes, suffixes)
        # the release's upload date: a family first seen after it is no source of its code
        date = release_date(normalised_name(name), artefact, index_args)
        inputs = {"kind": "pypi", "name": name, "version": version, "filename": artefact.name,
                  "sha256": file_sha256(artefact), "path": str(artefact), "date": date}  # fmt: skip
        return _build(files, errors, spec, None, f"PyPI {spec} ({artefact.name})", inputs, notices, metadata)
    left, at, rev = spec.rpartition("@")
    if at and left and os.path.isdir(left):
        if not _is_repository(left):
            raise SourceError(f"not a git repository, so {rev!r} cannot be a revision", source=left)
        root = os.path.abspath(left)
        files, errors, sha = _read_revision(left, rev, max_bytes, suffixes)
        inputs = {"kind": "git", "path": root, "rev": rev, "commit": sha, "date": _commit_date(left, sha)}
        return _build(files, errors, root, sha, f"git {root}@{rev} ({sha[:12]})", inputs, *revision_root(left, sha))
    if at and left and is_git_url(left):
        repo_path, sha = fetch_git(left, rev, cache=cache)
        files, errors, sha = _read_revision(repo_path, sha, max_bytes, suffixes)
        inputs = {"kind": "git", "url": left, "rev": rev, "commit": sha, "date": _commit_date(repo_path, sha)}
        return _build(files, errors, left, sha, f"git {left}@{rev} ({sha[:12]})", inputs,
                      *revision_root(repo_path, sha))
    raise SourceError(f"cannot use target {spec!r}: not an existing path, PATH@REV, URL@REV or name==version")
