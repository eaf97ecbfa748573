"""The library's front door: scan(), build(); no printing, no exiting.

The scan itself runs in ``lineage.pipeline`` (read, fingerprint, match, attribute, assemble);
this module names it for callers and keeps the index functions: open, build, staleness.
Callers that already hold file contents (staged blobs, tests, verify) pass SourceFiles to
``scan_files`` directly: nothing needs a temporary directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from pathlib import Path

from lineage.fingerprint.params import FingerprintParams
from lineage.index.build import BuildReport, build_index
from lineage.pool import default_workers
from lineage.index.edition import BUILD_CONTENT as BUILD_CONTENT
from lineage.index.edition import manifests_digest as manifests_digest
from lineage.index.embedded import EmbeddedIndex
from lineage.index.manifest import default_manifests as default_manifests
from lineage.index.manifest import load_manifest
from lineage.pipeline.match import MATCH_STAGE as MATCH_STAGE
from lineage.pipeline.match import Progress
from lineage.pipeline.match import attributed_findings as attributed_findings
from lineage.pipeline.match import code_evidence as code_evidence
from lineage.pipeline.match import fingerprint_files as fingerprint_files
from lineage.pipeline.match import findings_for as findings_for
from lineage.pipeline.scan import REPO_NOTICE_NAMES as REPO_NOTICE_NAMES
from lineage.pipeline.scan import at_date as at_date
from lineage.pipeline.scan import core_lines as core_lines
from lineage.pipeline.scan import repository_notices as repository_notices
from lineage.pipeline.scan import scan as scan
from lineage.pipeline.scan import scan_files as scan_files


def open_index(spec: str | Path) -> EmbeddedIndex:
    """Load an index file or a published ``redis://`` index, refusing other fingerprint parameters."""
    from lineage.index.open import open_any

    return open_any(spec, expected=FingerprintParams())


def build(
    manifest_paths: Sequence[str | Path], out: str | Path, *, workers: int = 0,
    progress: Progress | None = None,
) -> BuildReport:
    """Build an index from manifest files into a file, or publish it to a ``redis://`` store."""
    from lineage.index.open import is_store_url

    manifests = [load_manifest(p) for p in manifest_paths]
    kwargs: dict[str, Any] = {"workers": workers or default_workers(), "progress": progress,
                              "extra_header": {"manifests_digest": manifests_digest(manifest_paths)}}
    if is_store_url(out):
        from lineage.index.redis_store import build_to_store

        return build_to_store(manifests, str(out), **kwargs)
    return build_index(manifests, Path(out), **kwargs)


def listed_manifests(path: str | Path) -> list[Path]:
    """The manifests a list file names (the form of corpora/default.toml: one table whose
    `manifests` are paths relative to the list); `with_default = true` puts the default
    manifests first, so one index serves a scan (corpora/extended/extended.toml)."""
    from lineage.data import load_table, table_error

    data = load_table("manifest list", path)
    tables = [t for t in data.values() if isinstance(t, dict) and "manifests" in t]
    names = tables[0].get("manifests") if len(tables) == 1 else None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise table_error("manifest list", "needs one table with manifests = [file names]", path)
    with_default = tables[0].get("with_default", False)
    if not isinstance(with_default, bool):
        raise table_error("manifest list", "with_default must be true or false", path)
    listed = [Path(path).parent / n for n in names]
    return (default_manifests() if with_default else []) + listed


def index_staleness(path: Path) -> str | None:
    """Why the default index at `path` must be (re)built, or None if it is current."""
    from lineage.errors import IndexError_

    if not path.exists():
        return "no index yet"
    try:
        idx = open_index(path)
    except IndexError_ as exc:
        return f"existing index unusable: {exc}"
    if idx.header.get("manifests_digest") != manifests_digest(default_manifests()):
        return "the default manifests or role rules changed"
    if not idx.has_clone_tables:
        return "it was built by an earlier lineage, without the clone tables a scan reads"
    return None
