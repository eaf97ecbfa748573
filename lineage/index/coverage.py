"""Does a manifest index every model of its source?  Model code left out must say why.

A manifest's ``models`` globs say which members of the source are model code.  Each such
member is either taken by a family, or matched by a ``[[left_out]]`` entry that gives the
reason (infrastructure, a wrapper of another library, ...), or it is *unlisted*: left out
silently, which is what this check exists to catch.  An unindexed original gets its copies
blamed, so a default source must have no unlisted model file.
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lineage.errors import FetchError
from lineage.index.manifest import Manifest, family_of, glob_regex


@dataclass(frozen=True)
class Coverage:
    source: str  # the manifest's label, e.g. transformers==5.23.0
    checked: bool  # False when the manifest names no `models` globs
    model_files: int
    indexed: int
    families: int  # families taking at least one model file
    left_out: tuple[tuple[str, int], ...]  # (reason, files), largest first
    unlisted: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "checked": self.checked, "model_files": self.model_files,
                "indexed": self.indexed, "families": self.families,
                "left_out": [{"reason": r, "files": n} for r, n in self.left_out], "unlisted": list(self.unlisted)}


def _matches(path: str, globs: Iterable[str]) -> bool:
    return any(glob_regex(g).match(path) for g in globs)


def coverage(manifest: Manifest, names: Iterable[str]) -> Coverage:
    """Sort the source's model files into indexed, left out (with a reason) and unlisted."""
    reasons: Counter[str] = Counter()
    owners: set[str] = set()
    unlisted: list[str] = []
    total = indexed = 0
    for path in sorted(set(names)):
        if not _matches(path, manifest.models):
            continue
        total += 1
        fam = family_of(path, manifest)
        if fam is not None:
            indexed += 1
            owners.add(fam.name)
            continue
        reason = next((lo.reason for lo in manifest.left_out if _matches(path, lo.include)), None)
        if reason is None and _matches(path, manifest.exclude):
            reason = "excluded source-wide by the manifest"
        if reason is None:
            unlisted.append(path)
        else:
            reasons[reason] += 1
    return Coverage(manifest.label, bool(manifest.models), total, indexed, len(owners),
                    tuple(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))), tuple(unlisted))


def _archive_names(path: Path) -> list[str]:
    """Member names only: nothing is decompressed or extracted."""
    from lineage.source.archive import safe_member_path

    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                raw = [i.filename for i in archive.infolist() if not i.is_dir()]
        else:
            with tarfile.open(path) as archive:
                raw = [m.name for m in archive.getmembers() if m.isfile()]
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        raise FetchError(f"cannot list the members of the artefact: {exc}", source=str(path)) from None
    return [p for p in (safe_member_path(n) for n in raw) if p]


def member_names(manifest: Manifest) -> list[str]:
    """Every file path of the manifest's source, as the build sees it (fetching if needed)."""
    if manifest.kind == "pypi":
        from lineage.source.fetch import fetch_pypi

        artefact = fetch_pypi(
            manifest.package, manifest.version, sha256=manifest.sha256, filename=manifest.filename or None,
            python_version=manifest.python_version or None, platform=manifest.platform or None,
        )
        return _archive_names(artefact)
    if manifest.kind == "git":
        from lineage.source.fetch import fetch_git
        from lineage.source.gitrev import open_repository, resolve_commit

        repo, commit = fetch_git(manifest.url, manifest.rev)
        tree = resolve_commit(open_repository(repo), commit, source=manifest.url).tree
        return [str(item.path) for item in tree.traverse() if item.type == "blob"]  # type: ignore[union-attr]
    root = Path(manifest.dir_path)
    out: list[str] = []
    for here, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(here, d))]
        out.extend(Path(here, f).relative_to(root).as_posix() for f in files)
    return out
