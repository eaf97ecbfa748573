"""Look-through: a file that is an indexed family's own code, and that family's declared root.

A vendor's model file upstreamed into a serving engine, or the engine's file scanned as it is, is
that family's code; when the family declares parents, the verdict follows them to the root (the
parent holding most of the file at each step) and the root's file is judged for notices too
(classify/root_notices.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from lineage.classify.codematch import WHOLE_HELD
from lineage.classify.cover import Cover
from lineage.classify.source import AMBIGUOUS
from lineage.index.embedded import EmbeddedIndex
from lineage.verdicts import Candidate, LookThrough

LOOK_THROUGH = 0.9  # a file this much covered by one family is that family's published code
ROOT_HELD = 0.1  # ... whose declared root's notices are judged when the root holds this share of it


def look_through(index: EmbeddedIndex, cov: Cover, source: Candidate, total: float = 0.0,
                 runner_up: Candidate | None = None) -> LookThrough | None:
    """When the file is the source family's own code (covering LOOK_THROUGH of it, which holds WHOLE_HELD
    of the family's file, no ``runner_up`` explaining it better: a renamed glm4 whose tie-break chose glm
    read "glm's own code") and that family declares parents, its declared root (the parent holding most
    of the file at each step: `code_chain`; within its source; a parent first seen after the family is no origin of it: transformers' xglm,
    2021, says it copies musicgen, 2023), and past an ancestor whose parent only its header declares
    only when the file holds that parent's code.  The root's file is named (its notices judged) only
    when the root holds ROOT_HELD of the file: CLAP's chain ends at EfficientNet through ALIGN, whose
    code it lacks."""
    if source.cover < LOOK_THROUGH or source.contains < WHOLE_HELD or (
            runner_up is not None and runner_up.score > source.score + AMBIGUOUS):
        return None  # (two helper functions a family holds are not that family's published file)
    origin, _, name = source.family.partition(":")
    rows, parents = index.dated_lineage(origin)
    covered = cov.cover(np.arange(cov.weight.size), total) if total > 0 else np.zeros(cov.families.size)

    def held(family: str) -> float:  # (the share of the file the family holds, 0 when it is not in the cover)
        cols = np.flatnonzero(cov.families == rows[family][0]) if family in rows else np.zeros(0, dtype=np.int64)
        return float(covered[cols[0]]) if cols.size else 0.0

    chain = code_chain(name, parents, held)
    if len(chain) < 2 or chain[-1] not in rows:
        return None

    def holding(family: str) -> int:  # (the family's column in the cover when it holds ROOT_HELD of the file, else -1)
        cols = np.flatnonzero(cov.families == rows[family][0]) if family in rows else np.zeros(0, dtype=np.int64)
        return int(cols[0]) if cols.size and float(covered[cols[0]]) >= ROOT_HELD else -1

    # a parent an ancestor's file declares in its header (index/parents.py) is followed only when the
    # file holds its code: SK Telecom's axk1 declares deepseek_v2, whose vLLM file says it is adapted
    # from llama; DeepSeek's notice is the one owed, not Meta's
    stop = next((k for k in range(1, len(chain) - 1) if index.declared_parents[rows[chain[k]][0]][1]
                 and holding(chain[k]) >= 0 and holding(chain[k + 1]) < 0), 0)
    chain = chain[: stop + 1] if stop else chain
    row, fam = rows[chain[-1]]
    col = holding(chain[-1])
    path = index.meta["files"][int(index.arrays["u_file"][int(cov.best_ref[col])])]["path"] if col >= 0 else ""
    return LookThrough(source.family, tuple(f"{origin}:{n}" for n in chain), f"{origin}:{chain[-1]}", path,
                       fam["org"], fam["country"])


def code_chain(family: str, parents: Mapping[str, Sequence[str]], held: Callable[[str], float]) -> tuple[str, ...]:
    """The chain from ``family`` through its declared parents to its declared root, taking at each
    step the parent that holds most of the scanned file (``held``; the first declared among equals):
    the chain a reviewer can check against the code.  Following the first parent listed whatever the
    code went from SK Telecom's axk1 and solar_open's DeepSeek MoE straight to llama, past deepseek_v2
    (transformers lists deepseek_v3's parents as llama, deepseek_v2, qwen2_moe; a stranger's review).
    A parent already on the chain is skipped (cycles end it)."""
    chain, seen = [family], {family}
    while True:
        options = [p for p in parents.get(chain[-1], ()) if p and p not in seen]
        if not options:
            return tuple(chain)
        best = max(options, key=lambda p: (held(p), -options.index(p)))
        chain.append(best)
        seen.add(best)
