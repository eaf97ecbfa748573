"""The text of reference files for the HTML evidence, read from what is already on this machine.

Why not store the text in the index: the default index's reference files are about 150 MB of
Python (about 30 MB compressed), which would nearly double a 45 MB index that every scan loads;
the pinned artefacts they came from already sit in the download cache (PyPI wheels, bare git
repositories) or on disk (directory sources).  So the report reads just the files it shows,
only from there (never from the network), and keeps a text only when its SHA-256 is the one the
index recorded for that file: a changed directory or a replaced artefact shows no text rather
than the wrong text.  A missing text leaves the pane saying which lines are meant.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from lineage.errors import LineageError
from lineage.index.embedded import EmbeddedIndex
from lineage.parse.decode import decode_source

Wanted = Iterable[tuple[str, str]]  # (source label, path) as matches name them


def _expected(index: EmbeddedIndex, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(label, path) -> the SHA-256 the index recorded for that file's bytes."""
    labels = [str(f.get("source_label", "")) for f in index.meta.get("families", [])]
    out: dict[tuple[str, str], str] = {}
    for row in index.meta.get("files", []):
        key = (labels[row["family"]], row["path"])
        if key in wanted and row.get("sha256"):
            out[key] = str(row["sha256"])
    return out


def _pypi_artefacts(cache: Path, label: str) -> list[Path]:
    name, _, version = label.partition("==")
    folder = cache / "pypi" / f"{re.sub(r'[-_.]+', '-', name).lower()}-{version}"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*/*") if p.is_file() and not p.name.endswith(".sha256"))


def _from_archives(cache: Path, label: str, paths: set[str]) -> dict[str, bytes]:
    from lineage.source.archive import read_archive

    found: dict[str, bytes] = {}
    for artefact in _pypi_artefacts(cache, label):
        try:
            files, _ = read_archive(artefact, include=lambda p: p in paths and p not in found)
        except (LineageError, OSError):
            continue
        found.update((f.path, f.data) for f in files)
    return found


def _from_git(cache: Path, label: str, paths: set[str]) -> dict[str, bytes]:
    from lineage.source.fetch import normalise_git_url

    url, _, rev = label.rpartition("@")
    try:
        remote = normalise_git_url(url)
    except LineageError:
        return {}
    key = hashlib.sha256(remote.encode()).hexdigest()[:16]
    candidates = sorted((cache / "git").glob(f"*-{key}.git"))
    if not candidates:
        return {}
    try:
        import git

        from lineage.source.gitrev import open_repository, resolve_commit
    except ImportError:  # no git executable: git sources show no text
        return {}
    try:
        repository = open_repository(candidates[0])
        try:
            tree = resolve_commit(repository, rev, source=url).tree
            found = {}
            for path in paths:
                try:
                    found[path] = tree[path].data_stream.read()
                except KeyError:
                    continue
            return found
        finally:
            repository.close()
    except (LineageError, OSError, ValueError, git.exc.GitError):
        return {}


def _from_dir(root: str, paths: set[str]) -> dict[str, bytes]:
    base = Path(root).resolve()
    found = {}
    for path in paths:
        target = (base / path).resolve()
        if target.is_relative_to(base) and target.is_file() and not (base / path).is_symlink():
            try:
                found[path] = target.read_bytes()
            except OSError:
                continue
    return found


def reference_texts(index: EmbeddedIndex, wanted: Wanted, cache: Path | None = None) -> dict[tuple[str, str], str]:
    """(label, path) -> text, for the wanted reference files found locally with the indexed hash."""
    from lineage.source.fetch import cache_dir

    keys = set(wanted)
    expected = _expected(index, keys)
    dirs = {f"dir:{s.get('name', '')}": str(s.get("path", "")) for s in index.header.get("sources", [])
            if s.get("kind") == "dir"}
    by_label: dict[str, set[str]] = {}
    for label, path in expected:
        by_label.setdefault(label, set()).add(path)
    try:
        root = cache or cache_dir()
    except LineageError:
        return {}
    out: dict[tuple[str, str], str] = {}
    for label, paths in sorted(by_label.items()):
        if label in dirs:
            data = _from_dir(dirs[label], paths)
        elif "==" in label:
            data = _from_archives(root, label, paths)
        elif "@" in label:
            data = _from_git(root, label, paths)
        else:
            data = {}
        for path, raw in data.items():
            if hashlib.sha256(raw).hexdigest() == expected[(label, path)]:
                text, _ = decode_source(path, raw)
                if text is not None:
                    out[(label, path)] = text
    return out
