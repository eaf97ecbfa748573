"""Per-component verdicts from per-pair measurements, with the reading a ministry-style
originality rule would give them.

Rules, in order: no informative pair -> inconclusive; at least 90% of informative pairs
identical (bytes, or up to a dtype cast) -> identical; only 1-D tensors (norms, biases)
-> inconclusive, whatever their statistic; some matrices byte-identical and the rest not
-> derived (partly frozen); median calibrated z of the matrices >= 6 -> derived; below 3
-> independent; in between -> inconclusive.  When the pairs behind an identical or derived
call include permuted rows, columns or hidden units, the verdict says so ("identical up to
permutation", "derived, permuted"); other re-layouts undone are named in the reason.
"""

from __future__ import annotations

import statistics
from typing import Final

from lineage.weights.models import ComponentVerdict, PairResult
from lineage.weights.stats import fisher_log10

Z_DERIVED: Final[float] = 6.0
Z_INDEPENDENT: Final[float] = 3.0
IDENTICAL_SHARE: Final[float] = 0.9
ENCODERS: Final[frozenset[str]] = frozenset({"vision_tower", "audio_tower", "projector"})

IDENTICAL, DERIVED = "identical", "derived (fine-tuned)"
IDENTICAL_PERMUTED, DERIVED_PERMUTED = "identical up to permutation", "derived, permuted"
INDEPENDENT, INCONCLUSIVE = "independent", "inconclusive"
PERMUTATIONS: Final[frozenset[str]] = frozenset(
    {"rows permuted", "columns permuted", "hidden units permuted", "transposed and permuted",
     "transposed and hidden units permuted"}
)


def _same(result: PairResult) -> bool:
    return result.identical or result.identical_up_to_cast


def reading(component: str, verdict: str) -> str:
    """What the verdict means under the 'own weights, no frozen external encoder' rules."""
    if verdict == IDENTICAL:
        if component in ENCODERS:
            return "frozen external encoder: reference weights reused unchanged"
        return "reused weights: identical to the reference, not trained by the team"
    if verdict == IDENTICAL_PERMUTED:
        return "reused weights with hidden units permuted: the reference's function, disguised"
    if verdict == DERIVED:
        return "fine-tuned derivative of the reference"
    if verdict == DERIVED_PERMUTED:
        return "fine-tuned derivative of the reference, hidden units permuted to disguise it"
    if verdict == INDEPENDENT:
        return "own weights: no measurable lineage to the reference"
    return "no conclusion from weights"


def decide(
    component: str, results: tuple[PairResult, ...], suspect_total: int, reference_total: int
) -> ComponentVerdict:
    """Turn the pairs of one component into its verdict and figures."""
    informative = [r for r in results if r.informative]
    matrices = [r for r in informative if not r.vector]
    scored = matrices or informative
    zs = [r.stat.z for r in scored if r.stat is not None]
    median_z = statistics.median(zs) if zs else None
    fisher = fisher_log10([r.stat.log10_p for r in scored if r.stat is not None])
    share = sum(map(_same, informative)) / len(informative) if informative else 0.0
    verdict, reason = _rule(results, informative, matrices, share, median_z)
    verdict, reason = _relabel(verdict, reason, informative)
    return ComponentVerdict(
        component=component,
        verdict=verdict,
        reading=reading(component, verdict),
        tensors_suspect=suspect_total,
        tensors_reference=reference_total,
        paired=len(results),
        informative=len(informative),
        share_identical=share,
        median_z=median_z,
        log10_p_fisher=fisher,
        reason=reason,
        pairs=results,
    )


def _rule(
    results: tuple[PairResult, ...],
    informative: list[PairResult],
    matrices: list[PairResult],
    share: float,
    median_z: float | None,
) -> tuple[str, str]:
    if not results:
        return INCONCLUSIVE, "no tensor of this component has a counterpart in the other checkpoint"
    if not informative:
        return INCONCLUSIVE, "only buffers, integer, constant or tiny tensors were paired"
    same = sum(map(_same, informative))
    if share >= IDENTICAL_SHARE:
        cast = sum(r.identical_up_to_cast for r in informative)
        how = f" ({cast} only up to a dtype cast)" if cast else ""
        return IDENTICAL, f"{same} of {len(informative)} informative tensors identical{how}"
    if not matrices:
        return INCONCLUSIVE, (
            "only 1-D tensors (norms, biases) paired and their hashes differ: "
            "such tensors are never decisive on their own"
        )
    frozen = sum(map(_same, matrices))
    if frozen:
        return DERIVED, f"{frozen} of {len(matrices)} matrices byte-identical, the rest changed"
    if median_z is None:
        return INCONCLUSIVE, "no calibrated statistic for the matrices"
    figures = f"median calibrated z {median_z:.1f} over {len(matrices)} matrices"
    if median_z >= Z_DERIVED:
        return DERIVED, f"{figures} (threshold {Z_DERIVED:g})"
    if median_z < Z_INDEPENDENT:
        return INDEPENDENT, f"{figures} (below {Z_INDEPENDENT:g})"
    return INCONCLUSIVE, f"{figures}: between {Z_INDEPENDENT:g} and {Z_DERIVED:g}"


def _relabel(verdict: str, reason: str, informative: list[PairResult]) -> tuple[str, str]:
    """Name the permutation and the re-layouts undone behind an identical or derived call."""
    if verdict not in (IDENTICAL, DERIVED):
        return verdict, reason
    undone = sorted({_kind(r.pair.relayout) for r in informative if r.pair.relayout})
    if not undone:
        return verdict, reason
    reason = f"{reason}; re-layouts undone: {'; '.join(undone)}"
    if PERMUTATIONS & set(undone):
        return (IDENTICAL_PERMUTED if verdict == IDENTICAL else DERIVED_PERMUTED), reason
    return verdict, reason


def _kind(relayout: str) -> str:
    """The kind of a re-layout description (``rows 0:64 of a larger tensor`` -> split)."""
    if relayout.startswith("rows ") and "of a larger tensor" in relayout:
        if relayout.endswith("rows added"):
            return "split (rows of a larger tensor, rows added)"
        return "split (rows of a larger tensor)"
    if relayout.endswith("rows appended"):
        return "appended rows"
    if relayout.startswith("fused:"):
        return "fused (rows of several tensors)"
    if relayout.endswith("rows copied"):
        return "rows copied"
    return relayout
