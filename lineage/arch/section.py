"""The index hooks: build the architecture section beside the code arrays, keep it through a restriction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lineage.arch.extract import arch_print
from lineage.arch.table import ARRAY, encode, restricted
from lineage.models import SourceFile
from lineage.parse.decode import decode_source
from lineage.pool import fork_map


def _features(share: Sequence[tuple[str, SourceFile]]) -> list[tuple[str, frozenset[str]]]:
    out = []
    for family, f in share:
        text, _ = decode_source(f.path, f.data)
        out.append((family, arch_print(text).features if text else frozenset()))
    return out


def arch_arrays(files: Sequence[tuple[str, SourceFile]], workers: int = 1) -> dict[str, np.ndarray]:
    """(family key "source:name", reference file) pairs -> the optional index array of family fingerprints."""
    n = max(1, min(workers, len(files) // 50))
    shares = [list(files[i::n]) for i in range(n)]
    prints: dict[str, set[str]] = {}
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
