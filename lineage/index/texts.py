"""What an index keeps of its reference files' text, looked up by (family, path): the leading
header (notices are judged against it), a family's notice file beside its model files
(index/build.notice_files), and the origin-marker lines a file carries (declared/carried.py)."""

from __future__ import annotations

from typing import Any


def _key(fam: dict[str, Any]) -> str:
    return f"{fam['source']}:{fam['name']}"


def file_headers(meta: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(family, path) -> the stored header of each reference file and of each family's notice file."""
    families = meta["families"]
    out = {(_key(families[row["family"]]), row["path"]): row.get("header", "") for row in meta["files"]}
    for fam in families:  # a family's notice file (index/build.notice_files)
        notice = fam.get("notice_file")
        if notice:  # (checked when the index was opened: index/consistency.py)
            out.setdefault((_key(fam), notice["path"]), notice["header"])
    return out


def notice_files(meta: dict[str, Any]) -> dict[str, str]:
    """family -> the path of its notice file, for the families that have one."""
    return {_key(fam): str(fam["notice_file"]["path"]) for fam in meta["families"] if fam.get("notice_file")}


def file_marks(meta: dict[str, Any]) -> dict[tuple[str, str], frozenset[str]]:
    """(family, path) -> the origin-marker lines of each reference file that carries some."""
    families = meta["families"]
    return {(_key(families[row["family"]]), row["path"]): frozenset(row["marks"])
            for row in meta["files"] if row.get("marks")}
