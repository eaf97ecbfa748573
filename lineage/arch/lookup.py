"""Which architecture a file implements: its fingerprint against every indexed family's.

The score is a cosine of idf-weighted feature sets; a claim needs the best score at or above
`THRESHOLD`, calibrated on pairs of unrelated architectures (benchmarks/eval_arch.py), and
names the distinguishing keys: what the file shares with the family and not with the
family's declared ancestor (or, without one, with the runner-up), rarest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from lineage.arch.extract import ArchPrint
from lineage.arch.table import ArchTable

# Calibrated by benchmarks/eval_arch.py (benchmarks/eval_arch.md): above every score of a
# transformers family's modeling file against an unrelated family (declared lineages, modular
# imports and "Copied from" markers share no family), highest 0.738 (imagegpt against gpt2:
# ImageGPT is GPT-2's architecture, undeclared in the manifest; the next pairs are below 0.55).
THRESHOLD = 0.75
MIN_LINES = 5  # fewer model lines in the index: no feature is rare, the threshold means nothing
MIN_FEATURES = 12  # fewer known features than this: too little interface to name anything
EVIDENCE = 8  # distinguishing keys listed
NEAR = 0.8  # families scoring within this share of the best are weighed against each other
CANDIDATES = 8
# a family the file names (a class `XForCausalLM` of the same stem) is preferred among those scoring at
# least this share of the best: a port registers under the checkpoint's architecture name
NAMED = 0.5
# a wrapper's candidates hold at least this share of the weight of what it adds to its text model
SERVED = 0.5


@dataclass(frozen=True)
class ArchClaim:
    """The architecture a file implements, or the best guess below the threshold (claimed=False)."""

    family: str  # "transformers:glm4_moe"
    score: float
    claimed: bool
    runner_up: str
    runner_up_score: float
    compared_with: str  # the ancestor (or runner-up) the distinguishing keys are measured against
    distinguishing: tuple[str, ...]  # features shared with `family`, not with `compared_with`
    shared: int  # features shared with `family`
    known: int  # features of the file the index knows
    classes: tuple[str, ...]  # classes of the file that carry distinguishing keys


def _ancestor(table: ArchTable, family: str) -> str:
    source = family.partition(":")[0]
    for name in table.lineage.get(family, ()):
        key = f"{source}:{name}"
        if key in table.prints:
            return key
    return ""


def _pick(table: ArchTable, known: frozenset[str], ranked: list[tuple[float, str]]) -> tuple[float, str]:
    """Among the families scoring near the best, the one the file's own keys favour: X beats Y when
    the file shares more weight with X and not Y than with Y and not X; on a tie the declared
    ancestor wins (nothing in the file is what the descendant added).  Families whose architecture
    name the file carries (``a:``), when one scores at least `NAMED` of the best, are the only
    candidates: siblings share nearly every key, and the name is what the checkpoint says it is.
    Failing that, the near families carrying the file's weaker model-class name (``m:``, mlx-lm's
    ``GPTJModel``) are, unless that family is a declared ancestor of another near one: ``XModel`` left
    in a file copied from its ancestor's (mlx-lm's ``olmo2.py`` keeps ``LlamaModel``) names that."""
    top = ranked[0][0]
    named = [(s, f) for s, f in ranked[:CANDIDATES] if s >= NAMED * top
             and any(k.startswith("a:") for k in known & table.prints[f])]
    near = [(s, f) for s, f in ranked[:CANDIDATES] if s >= NEAR * top]
    weak = [(s, f) for s, f in near if any(k.startswith("m:") for k in known & table.prints[f])
            and not any(table.line(f) in table.lineage.get(g, ()) for _, g in near)]
    near = named or weak or near
    if len(near) == 1:
        return near[0]
    w = table.weight
    held = {f: known & table.prints[f] for _, f in near}

    def gain(x: str, y: str) -> float:
        return sum(w[k] ** 2 for k in held[x] - held[y])

    def beats(x: str, y: str) -> bool:
        gx, gy = gain(x, y), gain(y, x)
        if abs(gx - gy) > 1e-9:
            return gx > gy
        return table.line(x) in table.lineage.get(y, ())

    wins = {f: sum(beats(f, g) for _, g in near if g != f) for _, f in near}
    return max(near, key=lambda sf: (wins[sf[1]], sf[0]))


def _serving(table: ArchTable, own: frozenset[str], ranked: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """A wrapper's candidates.  A file that builds another file's model and adds little of its own
    (a multimodal wrapper that serves only the text model of a VLM checkpoint: mlx-lm's ``qwen2_vl.py``
    builds ``qwen2.Model`` and adds ``text_config`` and the ``visual.*`` weights it drops) scores best
    against the text model's family, whose interface it borrows whole.  What it adds beyond that
    family (parts and config keys) says which checkpoint it serves: the families holding most of it,
    best first."""
    # parts (sub-models, ``p:``) and config keys (``c:``): a tree edge or a layer kind is a detail
    added = frozenset(k for k in own - table.prints[ranked[0][1]] if k.startswith(("p:", "c:")))
    held, total = table.overlap(added)
    if total <= 0:
        return ranked
    row = {f: i for i, f in enumerate(table.families)}
    return [(s, f) for s, f in ranked if held[row[f]] >= SERVED * total] or ranked


def best_architecture(table: ArchTable, fp: ArchPrint, threshold: float = THRESHOLD) -> ArchClaim | None:
    """The architecture a file's fingerprint points to; None when the file shows too little interface."""
    known = frozenset(f for f in fp.features if f in table.weight)
    if len(known) < MIN_FEATURES or table.n_lines < MIN_LINES:
        return None
    ranked = table.scores(fp.features)
    if not ranked:
        return None
    own = known - fp.borrowed
    if fp.borrowed and len(own) < MIN_FEATURES and not any(k.startswith("a:") for k in own):
        ranked = _serving(table, own, ranked)
    score, family = _pick(table, known, ranked)
    line = table.line(family)
    other = next(((s, f) for s, f in ranked if table.line(f) != line), (0.0, ""))
    against = _ancestor(table, family) or other[1]
    shared = known & table.prints[family]
    foreign = table.prints.get(against, frozenset())
    w = table.weight
    keys = sorted(shared - foreign, key=lambda f: (-w[f], f))
    if not keys:  # nothing beyond the ancestor: the rarest shared keys are still the evidence
        keys = sorted(shared, key=lambda f: (-w[f], f))
    keys = keys[:EVIDENCE]
    carriers = tuple(name for name, feats in fp.classes if feats & set(keys))
    # a file whose interface is mostly its base module's (a wrapper, a thin subclass) is named for the
    # record but claims nothing: the base file's own claim says it
    claimed = score >= threshold and len(known - fp.borrowed) >= MIN_FEATURES
    return ArchClaim(family, round(score, 3), claimed, other[1], round(other[0], 3),
                     against, tuple(keys), len(shared), len(known), carriers[:5])
