"""A call's keyword arguments read in one order, whichever order they were written in.

A copier (or a tool asked to "rewrite this") reorders the keyword arguments of calls:
``create_mask(config=c, inputs_embeds=e, attention_mask=m)`` as ``create_mask(attention_mask=m,
config=c, inputs_embeds=e)``.  The call is the same, and every structural k-gram across the
arguments changes: a model's forward, which passes a dozen keywords down, lost a third of its
similarity to its source that way.  So each run of keyword arguments (``name=value`` one after the
other, with nothing positional or unpacked between) is read in one order (`lex-v37`):

* by the structural kinds of its tokens (names abstracted: a renamed copy orders its keywords as
  its source does, and keywords whose values are alike in kind are alike in the structure
  whichever order they are in), then by their texts (the lexical stream reads them in one order
  too when nothing was renamed);
* a definition's parameters stay as written (their order is positional), and so do unpacked
  ``*a`` and ``**k`` and what lies on either side of them (a later keyword overrides an unpacked
  one's value).

Nothing moves in the source: the function returns a token order, as fingerprint/idioms.py's
conditional expressions do; each token keeps its own line.  Calls longer than LIMIT tokens stay
as written.
"""

from __future__ import annotations

import numpy as np

from lineage.fingerprint.restated import LIMIT
from lineage.parse.vocab import Vocab


def keyword_order(kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray, unit_of: np.ndarray,
                  depth: np.ndarray, vocab: Vocab, read: np.ndarray | None = None) -> np.ndarray:
    """A token order in which each run of a call's keyword arguments is sorted (module doc).
    ``depth``: bracket depth after each token (fingerprint/restated.depths); ``kept``: the tokens
    still read (the others order nothing); ``read``: those of them the keys read (``kept`` less
    layout: `dropout=(0.0 if t else p)`, as black wraps a long value, sorts as `dropout=0.0 if t
    else p`)."""
    read = kept if read is None else read
    order = np.arange(kinds.size)
    kind = vocab.kinds.ids.get
    k_eq, k_id, k_comma, k_open = kind("=", -1), kind("ID", -1), kind(",", -1), kind("(", -1)
    if min(k_eq, k_id, k_comma, k_open) < 0 or kinds.size < 4:
        return order
    eq = np.flatnonzero((kinds == k_eq) & kept)
    eq = eq[(eq >= 2) & (depth[eq] > 0)]
    eq = eq[(kinds[eq - 1] == k_id) & np.isin(kinds[eq - 2], [k_open, k_comma]) & (depth[eq - 2] == depth[eq])
            & (unit_of[eq - 2] == unit_of[eq])]
    if eq.size < 2:
        return order
    kind_crcs, text_crcs = vocab.kinds.crcs(), vocab.texts.crcs()  # (stable numbers, not per-process ids)
    k_def = kind("def", -1)
    calls: dict[int, list[tuple[int, int]]] = {}
    inside: dict[int, int] = {}  # per depth: where the bracket last looked at there closes
    for i in eq.tolist():
        if inside.get(int(depth[i]), -1) > i:
            continue  # (another keyword of a bracket already looked at)
        opener = _opener(depth, unit_of, i)
        if opener < 0 or opener in calls or kinds[opener] != k_open or (opener >= 2 and kinds[opener - 2] == k_def):
            continue  # (a definition's parameters: positional)
        args = _arguments(kinds, depth, unit_of, opener, k_comma)
        if args:
            calls[opener] = args
            inside[int(depth[i])] = args[-1][1]
    seat = list(range(kinds.size))  # each token's place as the runs below reorder them
    for opener, args in sorted(calls.items(), key=lambda c: c[1][-1][1] - c[0]):  # innermost first
        for run in _runs(kinds, kept, args, k_id, k_eq):
            spans = [sorted(range(a, b), key=seat.__getitem__) for a, b in run]
            keys = [_key(kind_crcs, text_crcs, kinds, texts, read, np.asarray(t, dtype=np.int64)) for t in spans]
            rank = sorted(range(len(run)), key=keys.__getitem__)
            if rank == list(range(len(run))):
                continue
            lo, hi = run[0][0], run[-1][1]
            sequence: list[int] = []
            for step, j in enumerate(rank):
                sequence += spans[j]
                if step + 1 < len(run):
                    sequence.append(run[step][1])  # the comma after the step-th argument as written
            slots = sorted(seat[lo:hi])
            for t, slot in zip(sequence, slots):
                seat[t] = slot
    out: np.ndarray = np.argsort(np.asarray(seat), kind="stable")
    return out


def _opener(depth: np.ndarray, unit_of: np.ndarray, at: int) -> int:
    """The bracket enclosing token ``at`` (same unit, within LIMIT tokens), or -1."""
    level = depth[at]
    for k in range(at - 1, max(-1, at - LIMIT), -1):
        if unit_of[k] != unit_of[at]:
            return -1
        if depth[k] == level and (k == 0 or depth[k - 1] < level):
            return k
    return -1


def _arguments(kinds: np.ndarray, depth: np.ndarray, unit_of: np.ndarray, opener: int,
               k_comma: int) -> list[tuple[int, int]] | None:
    """Each argument's token span [start, end) inside the bracket opened at ``opener``, the
    comma after it excluded; None when the bracket does not close within LIMIT tokens."""
    level = depth[opener]
    spans: list[tuple[int, int]] = []
    start = opener + 1
    for k in range(opener + 1, min(kinds.size, opener + LIMIT)):
        if unit_of[k] != unit_of[opener]:
            return None
        if depth[k] < level:
            if k > start:
                spans.append((start, k))
            return spans
        if depth[k] == level and kinds[k] == k_comma:
            spans.append((start, k))
            start = k + 1
    return None


def _runs(kinds: np.ndarray, kept: np.ndarray, args: list[tuple[int, int]], k_id: int,
          k_eq: int) -> list[list[tuple[int, int]]]:
    """Maximal runs of two or more keyword arguments (``name = ...``, read, each but the last
    followed by its comma) among ``args``."""
    runs: list[list[tuple[int, int]]] = []
    run: list[tuple[int, int]] = []
    for a, b in args:
        keyword = b - a >= 3 and kinds[a] == k_id and kinds[a + 1] == k_eq and bool(kept[a]) and bool(kept[a + 1])
        if keyword:
            run.append((a, b))
            continue
        if len(run) > 1:
            runs.append(run)
        run = []
    if len(run) > 1:
        runs.append(run)
    return runs


def _key(kind_crcs: np.ndarray, text_crcs: np.ndarray, kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray,
         part: np.ndarray) -> tuple[int, ...]:
    """An argument's sort key from its tokens in their order: its read tokens' kinds, then their
    texts, as stable numbers (their CRC-32: the order must not depend on which file a process read
    first)."""
    part = part[kept[part]]
    return tuple(kind_crcs[kinds[part]].tolist()) + tuple(text_crcs[texts[part]].tolist())
