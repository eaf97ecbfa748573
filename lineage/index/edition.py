"""Where the default index lives: one file per edition of what shapes it.

Two installed versions of lineage (a pre-commit hook pinned to another `rev:` beside the
command line) may read indexes differently: other fingerprint parameters (the normaliser), another
index format, other default manifests or build content.  Sharing one default file, each would
rebuild it for itself in turn, or refuse it.  So the default file is named after a digest of all
of that: versions that would build the same index share one, others each have their own.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

# What a build stores beyond fingerprints (roles, labels, architecture fingerprints...): bump it
# when that changes, so that `corpus ensure` rebuilds default indexes built by older versions.
BUILD_CONTENT = b"build-content 11: a source's licence-file notice for families naming no one (years first, at its line numbers); origin-marker lines per file ('taken from' a marker too); architecture fingerprints with sub-models built from their config; infrastructure role (code 3, manifest labels)"
PREFIX, SUFFIX = "default", ".lineage"


def manifests_digest(paths: Sequence[str | Path]) -> str:
    """Digest of what shapes a built index beyond the fingerprint parameters: the manifests, the
    role rules (reference units' roles are stored), the organisation table (families'
    countries are stored) and what the build stores, so a change to any of them rebuilds it."""
    from lineage.data import read_bytes

    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    h.update(read_bytes("roles.toml"))  # the bytes shipped: a wheel and a checkout digest alike
    h.update(read_bytes("organisations.toml"))
    h.update(BUILD_CONTENT)
    return h.hexdigest()[:16]


def edition() -> str:
    """12 hex digits naming what this version's default index is built from and read with."""
    from lineage.fingerprint.params import FingerprintParams
    from lineage.index.manifest import default_manifests
    from lineage.index.store import FORMAT_VERSION

    h = hashlib.sha256(json.dumps(FingerprintParams().to_dict(), sort_keys=True).encode())
    h.update(f"format {FORMAT_VERSION}; manifests {manifests_digest(default_manifests())}".encode())
    return h.hexdigest()[:12]


def cache_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "lineage"


def default_index_path() -> str:
    """This version's default index: ~/.cache/lineage/default-<edition>.lineage."""
    return str(cache_dir() / f"{PREFIX}-{edition()}{SUFFIX}")


def other_editions(current: Path) -> list[Path]:
    """Default index files of other editions beside ``current`` (older or other installed versions'
    files, and the unversioned default.lineage of versions before editions)."""
    folder = current.parent
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.name != current.name and p.is_file()
                  and (p.name == PREFIX + SUFFIX or p.name.startswith(PREFIX + "-")))
