"""A family's declared parents: its manifest's `lineage`, else what its own files' headers declare.

Manifests label the lineage of the families they know (transformers' from its modular files).  A
serving engine's file may declare its origin in its header instead: vLLM's `solar.py`, written by
Upstage, says it is "Adapted from .../models/llama/modeling_llama.py", and so do its granite,
minicpm and hyperclovax files.  With no lineage in the manifest, a copy of such a file named the
family and stopped, no look-through to its declared root (a stranger's review, 2026-12-06).  The
header's Adapted-from / Copied-from / Based-on targets are read as the index keeps each file's
header (never the code), and count when they name another family of the same source (a file
naming its own model, vLLM's `qwen2.py` adapted from transformers' qwen2, declares no parent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lineage.declared.family import family_of
from lineage.declared.text import comment_lines, scan_lines

_MAY_DECLARE = re.compile(r"dapted|opied from|ased on|nspired by", re.IGNORECASE)  # (cheap, before the reading)


def declared_parents(meta: Mapping[str, Any]) -> list[tuple[tuple[str, ...], bool]]:
    """Per family row: its parents, and whether they come from its files' headers (True) rather
    than the manifest."""
    families: Sequence[Mapping[str, Any]] = meta["families"]
    out = [(tuple(str(p) for p in f.get("lineage", [])), False) for f in families]
    names: dict[str, set[str]] = {}
    for f in families:
        names.setdefault(str(f["source"]), set()).add(str(f["name"]))
    said: dict[int, dict[str, None]] = {}
    for row in meta["files"]:
        i = int(row["family"])
        header = str(row.get("header") or "")
        if out[i][0] or not _MAY_DECLARE.search(header):
            continue
        own, source = str(families[i]["name"]), str(families[i]["source"])
        for marker in scan_lines(comment_lines(header)):
            name = family_of(marker.target)
            if name and name != own and name in names[source]:
                said.setdefault(i, {})[name] = None
    for i, parents in said.items():
        out[i] = (tuple(parents), True)
    return out
