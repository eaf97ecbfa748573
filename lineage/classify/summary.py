"""Findings -> repository summary: totals per family, role, country, severity and attribution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from lineage.classify.fileverdict import file_verdicts
from lineage.compact.roles import INFRA
from lineage.classify.verdicts import SourceVerdict
from lineage.models import Finding

LIMITS = (
    "This scan compares source code only. It cannot tell how model weights were initialised "
    "or trained, nor whether weights were reused: use `lineage weights` for checkpoints."
)


def _lines(findings: Sequence[Finding]) -> int:
    covered: set[tuple[str, int]] = set()
    for f in findings:
        covered.update((f.path, n) for n in range(f.start_line, f.end_line + 1))
    return len(covered)


def summarise(findings: Sequence[Finding], files_scanned: int, units_scanned: int,
              core_lines_total: int = 0,
              sources: Mapping[str, Mapping[str, SourceVerdict]] | None = None,
              file_lines: Mapping[str, int] | None = None) -> dict[str, Any]:
    code = [f for f in findings if f.kind == "code-match"]
    groups: dict[str, dict[str, list[Finding]]] = {
        "by_family": defaultdict(list), "by_role": defaultdict(list),
        "by_country": defaultdict(list), "by_attribution": defaultdict(list),
    }
    for f in code:
        best = f.matches[0].ref
        groups["by_family"][best.family].append(f)
        groups["by_role"][f.role or "unclassified"].append(f)
        groups["by_country"][best.country or "unknown"].append(f)
        groups["by_attribution"][f.attribution or "unknown"].append(f)
    out: dict[str, Any] = {}
    for name, group in groups.items():
        out[name] = {
            key: {"findings": len(items), "lines": _lines(items)} for key, items in sorted(group.items())
        }
    for fam, items in groups["by_family"].items():
        ref = items[0].matches[0].ref
        out["by_family"][fam].update({"org": ref.org, "country": ref.country, "licence": ref.licence})
        roles: dict[str, int] = defaultdict(int)
        for f in items:
            roles[f.role or "unclassified"] += f.end_line - f.start_line + 1
        out["by_family"][fam]["lines_by_role"] = dict(sorted(roles.items()))
        # what a reader weighs a family by: lines of findings above info (info: common idioms,
        # boilerplate, declared reuse, own code), apart from every matched line
        out["by_family"][fam]["evidence_lines"] = _lines([f for f in items if f.severity != "info"])
    severities: dict[str, int] = defaultdict(int)
    for f in findings:
        severities[f.severity] += 1
    out["by_severity"] = dict(sorted(severities.items()))
    # numerator and denominator both count units whose own features say core architecture
    own_core = [f for f in code if f.details.get("unit_role") == "core-architecture" and f.unit != "<module>"]
    distinctive = _lines([f for f in own_core if f.role == "core-architecture" and f.severity != "info"])
    matching = _lines(own_core)
    out["core_architecture"] = {
        "lines_total": core_lines_total, "lines_matching_indexed_families": matching,
        "lines_distinctive_copy": distinctive,
        "share": round(matching / core_lines_total, 3) if core_lines_total else 0.0,
        "share_distinctive": round(distinctive / core_lines_total, 3) if core_lines_total else 0.0,
    }
    out["infrastructure"] = infrastructure(code)
    out["files"] = file_verdicts(findings, sources, file_lines)
    out["files_scanned"] = files_scanned
    out["units_scanned"] = units_scanned
    out["findings"] = len(findings)
    out["limits"] = LIMITS
    return out


INFRA_NOTE = ("training and serving infrastructure (trainers, optimisers, data pipelines, launchers, "
              "distributed utilities): reusing a framework is permitted tool use, not a copy of a model's design")


def infrastructure(code: Sequence[Finding]) -> dict[str, Any]:
    """Code matches whose unit is infrastructure, apart from the lineage totals: per family, the
    lines and findings, so a report can say whose framework the code uses."""
    infra = [f for f in code if f.role == INFRA]
    fams: dict[str, list[Finding]] = defaultdict(list)
    for f in infra:
        fams[f.matches[0].ref.family].append(f)
    return {"findings": len(infra), "lines": _lines(infra), "note": INFRA_NOTE,
            "by_family": {k: {"findings": len(v), "lines": _lines(v)} for k, v in sorted(fams.items())}}
