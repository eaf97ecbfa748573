"""Readers for targets and references: directories, git revisions and staged blobs,
archives, PyPI and git downloads.  Everything comes back as in-memory ``SourceFile``
pairs plus per-file ``FileError`` records; this is the only package that reads the
outside world for a scan.

Names are re-exported lazily: gitpython runs ``git`` when imported, and a directory or
archive scan (or ``lineage --help``) must not need it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # real types for checkers; at run time names load on first use
    from lineage.source.archive import read_archive
    from lineage.source.fetch import cache_dir, fetch_git, fetch_pypi
    from lineage.source.gitrev import read_revision, read_staged
    from lineage.source.target import LoadedTarget, load_target
    from lineage.source.walk import walk_directory

_EXPORTS = {
    "LoadedTarget": "target",
    "load_target": "target",
    "walk_directory": "walk",
    "read_archive": "archive",
    "cache_dir": "fetch",
    "fetch_git": "fetch",
    "fetch_pypi": "fetch",
    "read_revision": "gitrev",
    "read_staged": "gitrev",
}
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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"lineage.source.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'lineage.source' has no attribute {name!r}")
