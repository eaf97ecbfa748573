"""The index hooks: build the architecture section beside the code arrays, keep it through a restriction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lineage.arch.conversion import FILENAME as CONVERSION
from lineage.arch.conversion import conversion_features
from lineage.arch.extract import arch_print
from lineage.arch.table import ARRAY, encode, restricted
from lineage.index.manifest import Manifest
from lineage.models import SourceFile
from lineage.parse.decode import decode_source
from lineage.pool import fork_map

if TYPE_CHECKING:
    from lineage.compact.files import CompactFile


def file_features(f: SourceFile, compacted: CompactFile | None = None) -> frozenset[str]:
    """A reference file's architecture features.  Given its compact record with the text kept, the
    functions the reader never enters are blanked out first, as a scan does (`interface_only`):
    what is left parses in a fraction of the time, and a file whose blanked text reads as nothing
    is read whole."""
    if compacted is not None and compacted.text:
        from lineage.arch.findings import interface_only  # it imports the index stack: only when asked

        spans = [(u.qualname.rpartition(".")[2], u.start_line, u.end_line) for u in compacted.units
                 if u.kind in ("function", "method")]
        trimmed = interface_only(compacted.text, spans)
        fp = arch_print(trimmed)
        return (fp if fp or trimmed == compacted.text else arch_print(compacted.text)).features
    text, _ = decode_source(f.path, f.data)
    return arch_print(text).features if text else frozenset()


def _features(share: Sequence[tuple[str, SourceFile]]) -> list[tuple[str, frozenset[str]]]:
    return [(family, file_features(f)) for family, f in share]


def is_config_of(folders: set[str], path: str) -> bool:
    """A configuration module (``configuration_*.py``) in one of the model files' folders
    (transformers' layout): it defines the checkpoint's config keys, which ports read."""
    folder, _, name = path.rpartition("/")
    return name.startswith("configuration_") and name.endswith(".py") and folder in folders


def _reference_extras(manifest: Manifest, files: Sequence[tuple[str, SourceFile]]
                      ) -> tuple[list[tuple[str, SourceFile]], dict[str, frozenset[str]]]:
    """Configuration modules beside the model files, and the checkpoint names a conversion table
    renames from (``conversion_mapping.py``), for a PyPI or directory source (the cached download is
    read again: nothing is fetched twice); a git source gets neither."""
    from lineage.source.archive import read_archive
    from lineage.source.fetch import fetch_pypi
    from lineage.source.walk import walk_directory

    owner = {f.path.rpartition("/")[0]: fam for fam, f in files}
    folders = set(owner)

    def wanted(path: str) -> bool:
        return is_config_of(folders, path) or path.rpartition("/")[2] == CONVERSION

    if manifest.kind == "pypi":
        artefact = fetch_pypi(manifest.package, manifest.version, sha256=manifest.sha256,
                              filename=manifest.filename or None, python_version=manifest.python_version or None,
                              platform=manifest.platform or None)
        found, _ = read_archive(artefact, include=wanted)
    elif manifest.kind == "dir":
        found, _ = walk_directory(manifest.dir_path)
    else:
        return [], {}
    configs = [(owner[f.path.rpartition("/")[0]], f) for f in found if is_config_of(folders, f.path)]
    families = {fam for fam, _ in files}
    extra: dict[str, frozenset[str]] = {}
    for f in found:
        if f.path.rpartition("/")[2] == CONVERSION:
            for model_type, feats in conversion_features(f.data.decode("utf-8", "replace")).items():
                if f"{manifest.name}:{model_type}" in families:
                    extra[f"{manifest.name}:{model_type}"] = feats
    return configs, extra


class ArchCollector:
    """What the index build hands over, source by source; `arrays()` makes the optional section."""

    def __init__(self) -> None:
        self.files: list[tuple[str, SourceFile]] = []
        self.extra: dict[str, set[str]] = {}  # features known otherwise, or read already (`read`)

    def add(self, manifest: Manifest, files: Sequence[tuple[str, SourceFile]]) -> None:
        """A source's model files, as (family key "source:name", file), read when `arrays()` is called."""
        self.files += [*files, *self.extras(manifest, files)]

    def extras(self, manifest: Manifest, files: Sequence[tuple[str, SourceFile]]) -> list[tuple[str, SourceFile]]:
        """The configuration modules beside a source's model files, to be read as well (as (family
        key, file)); the features its conversion table gives are kept."""
        configs, extra = _reference_extras(manifest, files)
        for fam, feats in extra.items():
            self.extra.setdefault(fam, set()).update(feats)
        return configs

    def read(self, family: str, features: frozenset[str]) -> None:
        """Features of one file read elsewhere (an index build reads them in its fingerprint workers)."""
        self.extra.setdefault(family, set()).update(features)

    def arrays(self, workers: int = 1) -> dict[str, np.ndarray]:
        return arch_arrays(self.files, workers, self.extra)


def arch_arrays(files: Sequence[tuple[str, SourceFile]], workers: int = 1,
                extra: dict[str, set[str]] | None = None) -> dict[str, np.ndarray]:
    """(family key "source:name", reference file) pairs, and features known otherwise (`extra`) ->
    the optional index array of family fingerprints."""
    n = max(1, min(workers, len(files) // 50))
    shares = [list(files[i::n]) for i in range(n)]
    prints: dict[str, set[str]] = {k: set(v) for k, v in (extra or {}).items()}
    for part in fork_map(_features, shares, n):
        for family, feats in part:
            prints.setdefault(family, set()).update(feats)
    return {ARRAY: encode({k: frozenset(v) for k, v in prints.items() if v})}


def kept_arrays(arrays: dict[str, np.ndarray], families: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
    """The section restricted to the families an index keeps (empty when there is none)."""
    if ARRAY not in arrays:
        return {}
    keep = {f"{f['source']}:{f['name']}" for f in families}
    section = restricted(arrays[ARRAY], keep)
    return {} if section is None else {ARRAY: section}
