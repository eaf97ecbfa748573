"""Token streams read otherwise after the parse: a token read as another token of the file
(parse/hoisted.py: a literal bound to a name, read where the name is used), or as a source text
(parse/folded.py: a literal spelt the long way; parse/flattened.py: a value kept for the end).
Each returns the stream unchanged when there is nothing to read, else a copy."""

from __future__ import annotations

import numpy as np

from lineage.parse.vocab import Vocab


def read_through(lexed: tuple[np.ndarray, np.ndarray], reads: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The tokens, each of ``reads`` read as the token it maps to (parse/hoisted.py)."""
    if not reads:
        return lexed
    ids = lexed[0].copy()
    ids[list(reads)] = ids[list(reads.values())]
    return ids, lexed[1]


def respelt(lexed: tuple[np.ndarray, np.ndarray], vocab: Vocab,
             spelt: dict[int, bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The tokens, each of ``spelt`` read as the source text it maps to (parse/folded.py, parse/flattened.py)."""
    if not spelt:
        return lexed
    ids = lexed[0].copy()
    ids[list(spelt)] = vocab.number(list(spelt.values()))
    return ids, lexed[1]
