"""Front door of the weight check: compare a suspect checkpoint with a reference one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from lineage.weights.checkpoint import open_checkpoint
from lineage.weights.compare import compare_pair
from lineage.weights.components import component_of
from lineage.weights.config import config_flags
from lineage.weights.content import index_both
from lineage.weights.models import PairResult, WeightReport
from lineage.weights.pairing import ORDER, pair_checkpoints, rematch_identical
from lineage.weights.permute import undo_permutations
from lineage.weights.reuse import find_reuse
from lineage.weights.second_look import undo_square_transposes
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

    Reads headers first, then streams every tensor once to index its content (hashes of
    the tensor and of each row); exact and cast-exact reuse is found there whatever the
    names.  The rest is paired by names and shapes (re-layouts undone) and measured on
    sampled grids.  Raises :class:`lineage.errors.SourceError` for a missing directory or
    an unusable checkpoint.  The result depends only on the inputs and ``seed``.
    """
    ours = open_checkpoint(Path(suspect))
    theirs = open_checkpoint(Path(reference))
    flags = config_flags(ours.root, theirs.root)
    vocab, vocab_flags = overlap(ours.root, theirs.root)
    contents_ours, contents_theirs, total = index_both(ours, theirs)
    reuse = find_reuse(contents_ours, contents_theirs)
    total += reuse.bytes_read
    rest_ours = replace(ours, tensors=tuple(
        t for t in ours.tensors if t.name not in reuse.suspect_names))
    rest_theirs = replace(theirs, tensors=tuple(
        t for t in theirs.tensors if t.name not in reuse.reference_names))
    measured: dict[str, list[PairResult]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for group in pair_checkpoints(rest_ours, rest_theirs):
        results = []
        for pair in group.pairs:
            contents = (contents_ours[pair.suspect.name], contents_theirs[pair.reference.name])
            result, read = compare_pair(pair, seed, contents)
            results.append(result)
            total += read
        for index, pair in rematch_identical(results):
            contents = (contents_ours[pair.suspect.name], contents_theirs[pair.reference.name])
            results[index], read = compare_pair(pair, seed, contents)
            total += read
        results, read = undo_square_transposes(
            results, seed, Z_DERIVED, (contents_ours, contents_theirs))
        total += read
        results, read = undo_permutations(results, seed, Z_DERIVED)
        total += read
        measured[group.component] += results
        totals[group.component][0] += group.suspect_total
        totals[group.component][1] += group.reference_total
    for result in reversed(reuse.results):  # a reused tensor lands in the reference's component
        measured[result.pair.component].insert(0, result)
    landing = {r.pair.suspect.name: r.pair.component for r in reuse.results}
    for name in landing:
        totals[landing[name]][0] += 1
    for name in reuse.reference_names:
        totals[component_of(name)][1] += 1
    components = [
        decide(component, tuple(measured[component]), *totals[component])
        for component in ORDER if component in totals
    ]
    return WeightReport(
        suspect=str(suspect),
        reference=str(reference),
        seed=seed,
        components=tuple(components),
        red_flags=flags + vocab_flags,
        vocab=vocab,
        bytes_read=total,
        parameters=PARAMETERS,
        content_matches=reuse.matches,
    )
