"""Pair suspect tensors with reference tensors across renamed keys.

Within each component, layers are matched by rank (the i-th layer index on one side with
the i-th on the other), then tensors by canonical suffix and shape, then by shape in key
order, then across re-layouts (fused or split projections, transposes: see
:mod:`lineage.weights.relayout`); leftovers of the same shape anywhere in the component
come last.  Embeddings and
heads whose vocabularies differ in size are compared on their common leading rows.
Pairing looks at names and shapes only: content never steers it, so it cannot inflate the
statistic by picking the best-looking partner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from lineage.weights.components import COMPONENTS, OTHER, KeyShape, key_shape
from lineage.weights.models import Checkpoint, Pair, PairResult, TensorInfo
from lineage.weights.relayout import pair_relayouts

ORDER: tuple[str, ...] = tuple(name for name, _ in COMPONENTS) + (OTHER,)
_ROW_COMPONENTS = frozenset({"embeddings", "lm_head"})


@dataclass(frozen=True)
class ComponentPairing:
    """The pairs found in one component, and how many tensors each side has there."""

    component: str
    pairs: tuple[Pair, ...]
    suspect_total: int
    reference_total: int


def pair_checkpoints(suspect: Checkpoint, reference: Checkpoint) -> tuple[ComponentPairing, ...]:
    """Pair tensors component by component, in the fixed component order."""
    sides: dict[str, tuple[list[TensorInfo], list[TensorInfo]]] = defaultdict(lambda: ([], []))
    shapes: dict[str, KeyShape] = {}
    for index, checkpoint in enumerate((suspect, reference)):
        for info in checkpoint.tensors:
            shapes[f"{index}:{info.name}"] = shape = key_shape(info.name)
            sides[shape.component][index].append(info)
    result = []
    for component in ORDER:
        if component not in sides:
            continue
        ours, theirs = sides[component]
        pairs = _pair_component(component, ours, theirs, shapes)
        result.append(ComponentPairing(component, tuple(pairs), len(ours), len(theirs)))
    return tuple(result)


def _pair_component(
    component: str, ours: list[TensorInfo], theirs: list[TensorInfo], shapes: dict[str, KeyShape]
) -> list[Pair]:
    def layer(info: TensorInfo, side: int) -> int | None:
        return shapes[f"{side}:{info.name}"].layer

    def suffix(info: TensorInfo, side: int) -> tuple[str, ...]:
        return shapes[f"{side}:{info.name}"].suffix

    rank_ours = _ranks(layer(t, 0) for t in ours)
    rank_theirs = _ranks(layer(t, 1) for t in theirs)
    groups: dict[int | None, tuple[list[TensorInfo], list[TensorInfo]]]
    groups = defaultdict(lambda: ([], []))
    for info in ours:
        groups[rank_ours[layer(info, 0)]][0].append(info)
    for info in theirs:
        groups[rank_theirs[layer(info, 1)]][1].append(info)
    pairs: list[Pair] = []
    left_ours: list[TensorInfo] = []
    left_theirs: list[TensorInfo] = []
    for group in sorted(groups, key=lambda g: -1 if g is None else g):
        a, b = groups[group]
        a, b = _match(a, b, pairs, component, "suffix", lambda t, s: (suffix(t, s), t.shape))
        a, b = pair_relayouts(a, b, pairs, component, suffix, by_name=True)
        a, b = _match(a, b, pairs, component, "shape-order", lambda t, s: t.shape)
        a, b = pair_relayouts(a, b, pairs, component, suffix, by_name=False)
        left_ours += a
        left_theirs += b
    left_ours, left_theirs = _match(
        left_ours, left_theirs, pairs, component, "shape-order", lambda t, s: t.shape
    )
    if component in _ROW_COMPONENTS:
        _common_rows(left_ours, left_theirs, pairs, component)
    return pairs


def _ranks(layers: Iterable[int | None]) -> dict[int | None, int | None]:
    distinct = sorted({value for value in layers if value is not None})
    ranks: dict[int | None, int | None] = {value: rank for rank, value in enumerate(distinct)}
    ranks[None] = None
    return ranks


def _match(
    ours: list[TensorInfo],
    theirs: list[TensorInfo],
    pairs: list[Pair],
    component: str,
    how: str,
    key: Callable[[TensorInfo, int], Hashable],
) -> tuple[list[TensorInfo], list[TensorInfo]]:
    """Pair the i-th ``ours`` with the i-th ``theirs`` sharing a key; return the leftovers."""
    queues: dict[Hashable, list[TensorInfo]] = defaultdict(list)
    for info in theirs:
        queues[key(info, 1)].append(info)
    left: list[TensorInfo] = []
    for info in ours:
        queue = queues.get(key(info, 0))
        if queue:
            pairs.append(Pair(component, info, queue.pop(0), how))
        else:
            left.append(info)
    used = {id(p.reference) for p in pairs}
    return left, [info for info in theirs if id(info) not in used]


def _common_rows(
    ours: list[TensorInfo], theirs: list[TensorInfo], pairs: list[Pair], component: str
) -> None:
    remaining = [t for t in theirs if len(t.shape) == 2]
    for info in ours:
        if len(info.shape) != 2:
            continue
        match = next((t for t in remaining if t.shape[1] == info.shape[1]), None)
        if match is not None:
            remaining.remove(match)
            rows = min(info.shape[0], match.shape[0])
            pairs.append(Pair(component, info, match, "common-rows", rows))


def rematch_identical(results: Sequence[PairResult]) -> list[tuple[int, Pair]]:
    """Re-pair tensors whose bytes equal a reference tensor that pairing gave to another.

    Names can mislead ordering (``ln_after`` sorts before ``ln_before``); byte equality
    cannot, and it selects nothing statistically.  Only pairs that are not already
    identical are touched; the others keep their structural partners, in order.  Returns
    (index, new pair) for every pair that changed.
    """
    loose = [
        i for i, r in enumerate(results)
        if not (r.identical or r.identical_up_to_cast) and r.pair.rows is None
        and not r.pair.relayout
    ]
    owners: dict[tuple[str, tuple[int, ...], str], list[int]] = defaultdict(list)
    for i in loose:
        ref = results[i].pair.reference
        owners[(results[i].reference_sha256, ref.shape, ref.dtype)].append(i)
    chosen: dict[int, TensorInfo] = {}
    taken: set[int] = set()
    for i in loose:
        ours = results[i].pair.suspect
        for j in owners.get((results[i].suspect_sha256, ours.shape, ours.dtype), []):
            if j not in taken:
                taken.add(j)
                chosen[i] = results[j].pair.reference
                break
    if not chosen:
        return []
    by_hash = set(chosen)
    free = [results[j].pair.reference for j in loose if j not in taken]
    for i in loose:
        if i not in chosen:
            ours = results[i].pair.suspect
            match = next((t for t in free if t.shape == ours.shape), results[i].pair.reference)
            if match in free:
                free.remove(match)
            chosen[i] = match
    return [
        (i, Pair(results[i].pair.component, results[i].pair.suspect, ref,
                 "content-hash" if i in by_hash else "shape-order"))
        for i, ref in sorted(chosen.items())
        if ref is not results[i].pair.reference
    ]
