"""Re-layout-aware pairing of the tensors that names and shapes could not pair.

Within one layer group, two re-layouts are undone from shapes and canonical names alone
(content never steers it, so the statistic is not inflated by picking a best partner):

- a fused projection on one side (``qkv``, ``gate_up``, or any tensor whose rows are the
  sum of several same-width tensors on the other side) is split into row blocks, in the
  canonical order q, k, v and gate, up, each compared with its part;
- a matrix whose transpose has the shape of a leftover on the other side is compared
  transposed (square matrices cannot be told apart by shape: exact transposes of those
  are found by content).
"""

from __future__ import annotations

from collections.abc import Callable

from lineage.weights.models import Pair, TensorInfo

# The parts a fused token stands for, and the order they are stacked in.
PARTS: dict[str, tuple[str, ...]] = {"qkv": ("q", "k", "v"), "gate_up": ("gate", "up")}
ORDER: dict[str, int] = {"q": 0, "k": 1, "v": 2, "gate": 0, "up": 1}

Suffix = Callable[[TensorInfo, int], tuple[str, ...]]


def _token(suffix: tuple[str, ...]) -> str:
    """The projection token of a canonical suffix (``('attn', 'q', 'weight')`` -> ``q``)."""
    return suffix[-2] if len(suffix) >= 2 else (suffix[0] if suffix else "")


def _kind(suffix: tuple[str, ...]) -> str:
    return suffix[-1] if suffix else ""


def pair_relayouts(
    ours: list[TensorInfo],
    theirs: list[TensorInfo],
    pairs: list[Pair],
    component: str,
    suffix: Suffix,
    by_name: bool,
) -> tuple[list[TensorInfo], list[TensorInfo]]:
    """Append re-layout pairs for leftovers; return what is still unpaired on each side.

    ``by_name`` (run before shape-only pairing) only undoes re-layouts the names vouch
    for: a fused token (qkv, gate_up) and transposes with the same projection token.
    """
    ours, theirs = list(ours), list(theirs)
    for fused_side in (0, 1):
        singles, parts = (ours, theirs) if fused_side == 0 else (theirs, ours)
        for whole in list(singles):
            if by_name and _token(suffix(whole, fused_side)) not in PARTS:
                continue
            group = _stack(whole, parts, fused_side, suffix)
            if not group:
                continue
            singles.remove(whole)
            start = 0
            names = "+".join(_token(suffix(p, 1 - fused_side)) or p.name for p in group)
            for part in group:
                span = (start, start + part.shape[0])
                start = span[1]
                if fused_side == 0:
                    relayout = f"fused {names} in the suspect, split back"
                    pairs.append(Pair(component, whole, part, "re-layout", relayout=relayout,
                                      suspect_rows=span))
                else:
                    relayout = f"split {names} in the suspect, fused back"
                    pairs.append(Pair(component, part, whole, "re-layout", relayout=relayout,
                                      reference_rows=span))
                parts.remove(part)
    for info in list(ours):
        if len(info.shape) != 2 or info.shape[0] == info.shape[1]:
            continue
        flipped, token = info.shape[::-1], _token(suffix(info, 0))
        match = next((t for t in theirs if t.shape == flipped
                      and token and _token(suffix(t, 1)) == token), None)
        if not by_name:
            match = match or next((t for t in theirs if t.shape == flipped), None)
        if match is not None:
            ours.remove(info)
            theirs.remove(match)
            pairs.append(Pair(component, info, match, "re-layout", relayout="transposed",
                              transposed=True))
    return ours, theirs


def _stack(
    whole: TensorInfo, others: list[TensorInfo], side: int, suffix: Suffix
) -> list[TensorInfo]:
    """The tensors of the other side that stack, row-wise, into ``whole``; [] if none."""
    if not whole.shape:
        return []
    own = suffix(whole, side)
    wanted = PARTS.get(_token(own))
    candidates = [
        t for t in others
        if t.shape[1:] == whole.shape[1:] and t.shape and t.shape[0] < whole.shape[0]
        and _kind(suffix(t, 1 - side)) == _kind(own)
        and (wanted is None or _token(suffix(t, 1 - side)) in wanted)
    ]
    if len(candidates) < 2:
        return []
    candidates.sort(key=lambda t: ORDER.get(_token(suffix(t, 1 - side)), len(ORDER)))
    if sum(t.shape[0] for t in candidates) != whole.shape[0]:
        return []
    return candidates
