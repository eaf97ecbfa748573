"""Readers for targets and references: directories, git revisions and staged blobs,
archives, PyPI and git downloads.  Everything comes back as in-memory ``SourceFile``
pairs plus per-file ``FileError`` records; this is the only package that reads the
outside world for a scan.
"""

from __future__ import annotations

from lineage.source.archive import read_archive
from lineage.source.fetch import cache_dir, fetch_git, fetch_pypi
from lineage.source.gitrev import read_revision, read_staged
from lineage.source.target import LoadedTarget, load_target
from lineage.source.walk import walk_directory

__all__ = [
    "LoadedTarget",
    "cache_dir",
    "fetch_git",
    "fetch_pypi",
    "load_target",
    "read_archive",
    "read_revision",
    "read_staged",
    "walk_directory",
]
