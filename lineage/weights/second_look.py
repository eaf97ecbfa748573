"""A second look at square matrices that do not read as derived: were they transposed?

Shapes cannot tell a square matrix from its transpose, so re-layout pairing leaves them
as they are.  When such a pair scores below the derived threshold, it is measured once
more with the suspect transposed, and the transposed reading is kept only when it clears
the threshold.  Two looks instead of one leave the false-positive rate negligible at the
threshold used (z >= 6 for the component's median, not for one pair).  After LOOKS vain
looks at one projection (``o_proj`` of successive layers) the rest of it is not looked
at, so independent models pay for a few extra samples only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Final

from lineage.weights.compare import compare_pair
from lineage.weights.components import key_shape
from lineage.weights.content import TensorContent
from lineage.weights.models import PairResult

LOOKS: Final[int] = 2  # transposed looks in vain, per projection name, before giving up


def undo_square_transposes(
    results: list[PairResult],
    seed: int,
    threshold: float,
    contents: tuple[dict[str, TensorContent], dict[str, TensorContent]],
) -> tuple[list[PairResult], int]:
    """Results with transposed square matrices re-measured; the bytes read."""
    out = list(results)
    read = 0
    misses: dict[tuple[str, ...], int] = defaultdict(int)
    for i, result in enumerate(results):
        pair = result.pair
        shape = pair.suspect.shape
        if (
            len(shape) != 2 or shape[0] != shape[1] or shape != pair.reference.shape
            or pair.relayout or pair.rows is not None or result.stat is None
            or result.identical or result.identical_up_to_cast or result.stat.z >= threshold
        ):
            continue
        token = key_shape(pair.suspect.name).suffix
        if misses[token] >= LOOKS:
            continue
        flipped = replace(pair, how="re-layout", relayout="transposed", transposed=True)
        both = (contents[0][pair.suspect.name], contents[1][pair.reference.name])
        second, extra = compare_pair(flipped, seed, both)
        read += extra
        if second.stat is not None and second.stat.z >= threshold:
            out[i] = second
            misses[token] = 0
        else:
            misses[token] += 1
    return out, read
