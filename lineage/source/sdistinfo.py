"""A scanned directory or file that is an unpacked source distribution, file for file: its date.

An sdist unpacks to one folder with a PKG-INFO at its top naming the release (Name, Version), as
a wheel's dist-info does (source/distinfo.py), but with no RECORD of hashes: PKG-INFO is the
tree's own word.  So the claim is checked against the release's sdist as the package index
publishes it (fetched over https, its sha256 the one the index states, read as an archive, never
built or run: source/sdist.py): every scanned file must be that archive's member at the same path,
byte for byte.  Then the scan travels back to the sdist's upload date, as a `name==version` scan
does.  Scanned without it, Meta's encodec 0.1.1 (2022), unpacked from its sdist, read as a high
copy of the EnCodec quantiser that a 2025 audio tokenizer took in (a stranger's review); and a
copy under a PKG-INFO of its own naming an old release of a real project dates nothing: its files
are not that release's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lineage.errors import FetchError
from lineage.models import SourceFile
from lineage.source.archive import read_archive
from lineage.source.distinfo import UP, name_version, read_meta
from lineage.source.fetch import normalised_name
from lineage.source.released import release_date, valid_release
from lineage.source.sdist import cached_sdist
from lineage.source.walk import finish_file

CLAIM = "<PKG-INFO>"  # where a refuted or unchecked claim is reported


def sdist_claim(root: str) -> tuple[Path, str, str] | None:
    """(the sdist's top folder, name, version) of the PKG-INFO in the scanned directory (or the
    scanned file's) or up to UP folders above it, the nearest; None when there is none."""
    base = Path(root)
    start = base if base.is_dir() else base.parent
    for folder in [start, *start.parents][: UP + 1]:
        info = folder / "PKG-INFO"
        if info.is_file() and not info.is_symlink():
            release = name_version(read_meta(info))
            return (folder, *release) if release and valid_release(*release) else None
    return None


def _relative(root: str, files: Sequence[SourceFile], top: Path) -> dict[str, bytes] | None:
    """The scanned files by their path in the sdist's top folder (None when one lies outside it)."""
    base = Path(root)
    out: dict[str, bytes] = {}
    for f in files:
        where = (base / f.path if base.is_dir() else base).resolve()
        if not where.is_relative_to(top.resolve()):
            return None
        out[where.relative_to(top.resolve()).as_posix()] = f.data
    return out


def sdist_dated(root: str, files: Sequence[SourceFile], cache: Path, index_args: Sequence[str] = ()
                ) -> dict[str, str]:
    """{"date", "release"} when the scanned files are the published sdist's, file for file;
    {"release_refuted"} or {"release_unchecked"} (with {"claim"}) when a PKG-INFO claims a release
    that its sdist contradicts or that cannot be fetched; {} when nothing claims one."""
    claim = sdist_claim(root)
    if claim is None or not files:
        return {}
    top, name, version = claim
    release = f"{name}=={version}"
    mine = _relative(root, files, top)
    if mine is None:
        return {}
    try:
        artefact = cached_sdist(name, version, cache, index_args)
    except FetchError:
        return {"claim": CLAIM, "release_unchecked": f"{release}: no source distribution of it could be fetched "
                                                     "from the package index"}
    published = {path.partition("/")[2]: item for path, item in _members(artefact, set(mine))}
    differ = sorted(p for p, data in mine.items() if p not in published or published[p] != data)
    if differ:
        return {"claim": CLAIM, "release_refuted": f"{release}: {len(differ)} of the files differ from the release's "
                                                   f"published sdist ({', '.join(differ[:3])})"}
    date = release_date(normalised_name(name), artefact, index_args)
    if not date:
        return {"claim": CLAIM, "release_unchecked": f"{release}: the package index gives no upload date"}
    return {"date": date, "release": release}


def _members(artefact: Path, wanted: set[str]) -> list[tuple[str, bytes]]:
    """The archive's members under its top folder at the wanted paths, read as a scan reads them
    (a notebook converted), never built or run."""
    try:
        found, _ = read_archive(artefact, include=lambda member: member.partition("/")[2] in wanted,
                                max_member_bytes=64 << 20, scripts=True)
    except FetchError:
        return []
    out = []
    for f in found:
        item = finish_file(f.path, f.data)
        if isinstance(item, SourceFile):
            out.append((f.path, item.data))
    return out
