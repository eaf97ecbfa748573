"""Words every report uses alike: severity order, plurals, one label per missing value, and
one header format for a finding, so text, Markdown, HTML and the verify exhibit agree."""

from __future__ import annotations

from collections.abc import Mapping

from lineage.models import Match
from lineage.summary import FamilyTotals, Infrastructure
from lineage.vocab import SEVERITIES_DESCENDING

SEVERITIES = SEVERITIES_DESCENDING  # most severe first
NO_ROLE = "no role"
NO_ATTRIBUTION = "no attribution"
MISSING_ROLE_KEYS = ("", "-", "(none)", "unclassified", "none", "None")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 finding`, `2 findings` (irregular plurals passed as `nouns`)."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def severity_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Severity totals high to info (unknown severities last, by name), zeros left out."""
    return sorted(((s, n) for s, n in counts.items() if n), key=lambda item: (severity_rank(item[0]), item[0]))


def role_label(role: str | None) -> str:
    """The one label of a role, `no role` for every spelling of none."""
    return NO_ROLE if role is None or role in MISSING_ROLE_KEYS else role


def finding_tags(kind: str | None, role: str | None, attribution: str | None) -> str:
    """The bracket after a finding's header: always kind, then role, then attribution."""
    return f"{kind or 'finding'}; role: {role_label(role)}; attribution: {attribution or NO_ATTRIBUTION}"


def families_by_size(by_family: Mapping[str, FamilyTotals]) -> list[tuple[str, FamilyTotals]]:
    """Summary family rows, most evidence first: lines of findings above info (a family matched
    only by common idioms or boilerplate ranks below any family with evidence), then all
    matched lines, then findings, then name."""
    return sorted(by_family.items(), key=lambda kv: (-kv[1].evidence_lines, -kv[1].lines, -kv[1].findings, kv[0]))


def infrastructure_line(infra: Infrastructure) -> str:
    """The summary's infrastructure section in one sentence, apart from lineage ("" when none):
    reusing a framework's trainers, optimisers or launchers is permitted tool use."""
    if not infra.findings:
        return ""
    fams = list(infra.by_family)
    shown = ", ".join(fams[:6]) + (f" and {len(fams) - 6} more" if len(fams) > 6 else "")
    return (f"infrastructure (permitted tool use, not a copy of a model's design): "
            f"{plural(infra.lines, 'line')} in {plural(infra.findings, 'finding')}"
            + (f", uses {shown}" if shown else ""))


def evidence_elsewhere(match: Match) -> str:
    """`; evidence at reference lines 753-932` when the aligned evidence lies outside the reference
    unit's own lines (a method read together with the helper it hands its work to, parse/inline.py
    and parse/midway.py), so a reviewer looks where the shared code is; empty otherwise."""
    span = match.evidence_outside()
    return "" if span is None else f"; evidence at reference lines {span[0]}-{span[1]}"
