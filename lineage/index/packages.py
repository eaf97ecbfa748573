"""Which import packages of an index are model libraries.

A reference file's import package is its path's first part (``vllm/model_executor/models/llama.py``
-> ``vllm``).  A package holding models of several makers is a *model library* (transformers, vllm,
sglang, mlx_lm, timm, ...): a declaration naming it names the line as that library has it
(classify/declaring.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lineage.vocab import package_of_path

LIBRARY_MAKERS = 3  # a package holding models of this many makers is a model library ...
LAYOUT = frozenset({"src", "lib", "python", "models", "model", "modeling"})  # ... unless named as a layout's folders


def libraries(meta: dict[str, Any], family_maker: np.ndarray) -> frozenset[str]:
    """The import packages whose families several makers made (``family_maker``: a maker code per
    family row, -1 unknown).  A package of one maker's models (``gemma``) is left out: its name is
    also that maker's other repositories' (gemma_pytorch's ``gemma/``)."""
    makers: dict[str, set[int]] = {}
    for row in meta["files"]:
        maker = int(family_maker[row["family"]])
        makers.setdefault(package_of_path(row["path"]), set()).update([maker] if maker >= 0 else [])
    return frozenset(p for p, m in makers.items() if p and p not in LAYOUT and len(m) >= LIBRARY_MAKERS)


def source_packages(meta: dict[str, Any]) -> dict[str, str]:
    """Per source name, the import package its reference files belong to."""
    rows = meta["families"]
    return {str(rows[f["family"]]["source"]): package_of_path(f["path"]) for f in meta["files"]}
