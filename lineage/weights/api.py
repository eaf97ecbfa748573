"""Front door of the weight check: compare a suspect checkpoint with a reference one."""

from __future__ import annotations

from pathlib import Path

from lineage.weights.checkpoint import open_checkpoint
from lineage.weights.compare import compare_pair
from lineage.weights.config import config_flags
from lineage.weights.models import WeightReport
from lineage.weights.pairing import pair_checkpoints, rematch_identical
from lineage.weights.stats import DRAWS, GRID, MIN_SAMPLE, VECTOR_SAMPLE
from lineage.weights.tokenizer import overlap
from lineage.weights.verdict import IDENTICAL_SHARE, Z_DERIVED, Z_INDEPENDENT, decide

PARAMETERS: tuple[tuple[str, float], ...] = (
    ("z_derived", Z_DERIVED),
    ("z_independent", Z_INDEPENDENT),
    ("identical_share", IDENTICAL_SHARE),
    ("grid", GRID),
    ("vector_sample", VECTOR_SAMPLE),
    ("null_draws", DRAWS),
    ("min_sample", MIN_SAMPLE),
)


def compare_checkpoints(suspect: Path, reference: Path, *, seed: int = 0) -> WeightReport:
    """Compare two local model directories (or .safetensors files), component by component.

    Reads headers first, then streams only the paired tensors, each once.  Raises
    :class:`lineage.errors.SourceError` for a missing directory or an unusable checkpoint.
    The result depends only on the inputs and ``seed``.
    """
    ours = open_checkpoint(Path(suspect))
    theirs = open_checkpoint(Path(reference))
    flags = config_flags(ours.root, theirs.root)
    vocab, vocab_flags = overlap(ours.root, theirs.root)
    components = []
    total = 0
    for group in pair_checkpoints(ours, theirs):
        results = []
        for pair in group.pairs:
            result, read = compare_pair(pair, seed)
            results.append(result)
            total += read
        for index, pair in rematch_identical(results):
            results[index], read = compare_pair(pair, seed)
            total += read
        components.append(
            decide(group.component, tuple(results), group.suspect_total, group.reference_total)
        )
    return WeightReport(
        suspect=str(suspect),
        reference=str(reference),
        seed=seed,
        components=tuple(components),
        red_flags=flags + vocab_flags,
        vocab=vocab,
        bytes_read=total,
        parameters=PARAMETERS,
    )
