"""Scored matches -> code-match findings with severity and a checkable explanation."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from lineage.index.compact import CompactUnit
from lineage.models import Finding, Match

COMMON_RARITY = 0.25  # rare evidence below this share of the match: a common idiom


def finding_id(*parts: str) -> str:
    """Stable id: no line numbers, so baselines survive edits."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def is_common(m: Match) -> bool:
    """Most of what the unit shares with the reference is shared by many model lines."""
    return m.rarity < COMMON_RARITY * max(m.similarity, m.containment)


def describe(m: Match) -> str:
    names = "names kept" if m.lexical >= 0.6 else ("names partly changed" if m.lexical >= 0.25 else "identifiers renamed")
    return (f"structural similarity {m.similarity:.2f}, {m.containment:.0%} of the unit found in the reference, "
            f"lexical similarity {m.lexical:.2f} ({names}), rare evidence {m.rarity:.2f}")


def severity(m: Match, unit_kind: str) -> str:
    if unit_kind == "module" or is_common(m):
        return "info"
    strength = max(m.similarity, min(m.containment, m.ref_containment + 0.2))
    if strength >= 0.8 and m.rarity >= 0.4:
        return "high"
    if strength >= 0.6:
        return "medium"
    return "low"


def worth_reporting(m: Match, threshold: float) -> bool:
    return m.similarity >= threshold or (m.containment >= 0.8 and m.ref_containment >= 0.3)


def code_finding(path: str, unit: CompactUnit, matches: Sequence[Match]) -> Finding:
    best = matches[0]
    ref = best.ref
    role = "boilerplate" if unit.kind == "module" else ("common-idiom" if is_common(best) else None)
    where = f"{ref.path}:{ref.start_line}-{ref.end_line}"
    explanation = (
        f"{unit.qualname} ({unit.kind}, lines {unit.start_line}-{unit.end_line}) resembles {ref.unit} in "
        f"{where} ({ref.family}, {ref.org or 'unknown organisation'}{', ' + ref.country if ref.country else ''}): "
        f"{describe(best)}."
    )
    if role == "common-idiom":
        explanation += " Most of the shared code occurs in many unrelated model families: not lineage evidence."
    fid = finding_id(path, unit.qualname, unit.structure, ref.family, ref.path, ref.unit, "code-match")
    details = {"unit_kind": unit.kind, "structure": unit.structure, "equivalents": len(matches)}
    return Finding(fid, "code-match", path, unit.start_line, unit.end_line, unit.qualname, role, None,
                   severity(best, unit.kind), tuple(matches), explanation, details)
