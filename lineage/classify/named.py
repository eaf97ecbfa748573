"""The model line a file is named after, as the elder of a later line holding its code more closely.

An engine or a fork ports a model's file again and again (aphrodite's `qwen3_vl.py`, a later vLLM
version of Qwen's own port).  A later model line of another maker, built on that model's code, may
hold the newer version more closely than the index's older copy of the model's own file does
(vLLM's cohere_compass, first seen 2026, holds the vision transformer's forward at 1.00, vLLM 0.33's
qwen3_vl at 0.72): the closest match then calls the model's own code "a copy of cohere_compass", a
false accusation in a public dispute (a stranger's review of aphrodite 0.24.1: 11 such findings,
medium and high, in its arcee, colpali, keye, qwen2_vl and qwen3_vl files).  When the file is named
after an indexed model line (its name without `modeling_`), that line holds the unit's code at
MODERATE or more, structurally alike at MODERATE too (a second review: a verbatim GLM-4-MoE attention
in a file named `qwen2.py` had qwen2's 0.45 match displace glm4_moe's 1.00), and its model was first
seen before the closer line's, of another maker, the code
is the named line's first: its match is listed first and the unit judged on it, the closer line
named in the explanation.  Nothing changes where the named line holds less of the code, is the
later one, or is the same maker's (its own later line's code is still that maker's), nor where its
match would rate the unit lower than the closer one does: a file named after an older line is no
way to make a copy of a later line's code weigh less (a second review: GLM-4-MoE's MLP, verbatim, in
a file named `deepseek.py`, read low against DeepSeek's 0.60 where it had read a medium copy).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lineage.classify.codematch import role_of, severity
from lineage.compact.files import CompactUnit
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import UnitEvidence
from lineage.index.query import QueryOptions, rescore, to_match
from lineage.models import Match
from lineage.scoring import SCORING
from lineage.vocab import at_or_above

MODERATE = SCORING.moderate


def named_line(index: EmbeddedIndex, path: str) -> int | None:
    """The model line (EmbeddedIndex.family_line code) a file is named after, if the index holds it:
    `qwen3_vl.py` and `modeling_qwen3_vl.py` name qwen3_vl."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower().removeprefix("modeling_")
    return index.line_codes.get(stem)


def named_first(index: EmbeddedIndex, unit: CompactUnit, matches: Sequence[Match], ev: UnitEvidence | None,
                line: int | None, opts: QueryOptions) -> tuple[tuple[Match, ...], Match | None]:
    """The unit's matches with the named line's first, and the closer match it displaced (None:
    unchanged), where that line is the elder of another maker's closer one (module docstring)."""
    if line is None or ev is None or not matches:
        return tuple(matches), None
    best = matches[0]
    top = index.family_rows[best.ref.family]
    if int(index.family_line[top]) == line:
        return tuple(matches), None
    held = np.flatnonzero((index.family_line[ev.family] == line) & (ev.strength >= MODERATE))
    if not held.size:
        return tuple(matches), None
    row = int(held[0])  # (rows are strongest first)
    mine = int(ev.family[row])
    elder, later = str(index.first_seen_dates[mine]), str(index.first_seen_dates[top])
    maker, other = int(index.family_maker[mine]), int(index.family_maker[top])
    if not elder or not later or elder >= later or (maker >= 0 and maker == other):
        return tuple(matches), None
    key = index.family_keys[mine]
    listed = next((m for m in matches if m.ref.family == key), None)
    if listed is None:
        scored = rescore(index, unit, int(ev.unit[row]), QueryOptions(min_similarity=0.0, min_containment=0.0))
        if scored is None:
            return tuple(matches), None
        listed = to_match(index, unit, scored, opts, rank=0, ties=1)
    if listed.similarity < MODERATE or not at_or_above(_severity(unit, listed), _severity(unit, best)):
        # (the named line's code must be most of the unit's, structure for structure, not merely
        # contained in it; and a name is no way to make a copy weigh less: judged on the closer match)
        return tuple(matches), None
    return (listed, *(m for m in matches if m is not listed)), best


def _severity(unit: CompactUnit, m: Match) -> str:
    return severity(role_of(unit, m)[0], m)
