"""Findings -> repository summary: totals per family, role, country, severity and attribution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from lineage.classify.codematch import too_small
from lineage.classify.fileverdict import file_verdicts
from lineage.classify.linecount import distinct_lines, lines_per
from lineage.compact.roles import INFRA
from lineage.summary import Use
from lineage.verdicts import SourceVerdict
from lineage.details import CodeMatchDetails
from lineage.models import Finding
from lineage.summary import CoreArchitecture, FamilyTotals, Infrastructure, Summary, Totals

LIMITS = (
    "This scan compares source code only. It cannot tell how model weights were initialised "
    "or trained, nor whether weights were reused: use `lineage weights` for checkpoints."
)


def _totals(groups: Mapping[str, Sequence[Finding]]) -> dict[str, Totals]:
    return {key: Totals(len(items), distinct_lines(items)) for key, items in sorted(groups.items())}


def _family(items: Sequence[Finding]) -> FamilyTotals:
    ref = items[0].matches[0].ref
    roles = lines_per(items, lambda f: f.role or "unclassified")
    # what a reader weighs a family by: lines of findings above info (info: common idioms,
    # boilerplate, declared reuse, own code), apart from every matched line
    evidence = distinct_lines([f for f in items if f.severity != "info"])
    return FamilyTotals(len(items), distinct_lines(items), ref.org, ref.country, ref.licence, dict(sorted(roles.items())),
                        evidence)


def _core(code: Sequence[Finding], core_lines_total: int) -> CoreArchitecture:
    # numerator and denominator both count units whose own features say core architecture, and
    # units whose match made them core architecture (their reference's role), which count in both:
    # a HIGH core-architecture finding beside "0 of 117 lines" read as a contradiction
    # a fragment too small to judge (a few shared fingerprints in a 500-line class) matches
    # nothing: it neither counts as matching nor makes an unmatched unit core architecture
    code = [f for f in code if f.matches and not too_small(f.matches[0])]
    own_core = [f for f in code if isinstance(f.details, CodeMatchDetails)
                and f.details.unit_role == "core-architecture" and f.unit != "<module>"]
    made_core = [f for f in code if isinstance(f.details, CodeMatchDetails) and f.role == "core-architecture"
                 and f.details.unit_role != "core-architecture" and f.unit != "<module>"]
    core = own_core + made_core
    distinctive = distinct_lines([f for f in core if f.role == "core-architecture" and f.severity != "info"])
    matching = distinct_lines(core)
    core_lines_total += distinct_lines(made_core)
    return CoreArchitecture(
        lines_total=core_lines_total, lines_matching_indexed_families=matching, lines_distinctive_copy=distinctive,
        share=round(matching / core_lines_total, 3) if core_lines_total else 0.0,
        share_distinctive=round(distinctive / core_lines_total, 3) if core_lines_total else 0.0)


def summarise(findings: Sequence[Finding], files_scanned: int, units_scanned: int,
              core_lines_total: int = 0,
              sources: Mapping[str, Mapping[str, SourceVerdict]] | None = None,
              file_lines: Mapping[str, int] | None = None,
              uses: Mapping[str, Sequence[Use]] | None = None) -> Summary:
    code = [f for f in findings if f.kind == "code-match"]
    by_family: dict[str, list[Finding]] = defaultdict(list)
    by_role: dict[str, list[Finding]] = defaultdict(list)
    by_country: dict[str, list[Finding]] = defaultdict(list)
    by_attribution: dict[str, list[Finding]] = defaultdict(list)
    for f in code:
        best = f.matches[0].ref
        by_family[best.family].append(f)
        by_role[f.role or "unclassified"].append(f)
        by_country[best.country or "unknown"].append(f)
        by_attribution[f.attribution or "unknown"].append(f)
    severities: dict[str, int] = defaultdict(int)
    for f in findings:
        severities[f.severity] += 1
    return Summary(
        by_family={fam: _family(items) for fam, items in sorted(by_family.items())},
        by_role=_totals(by_role), by_country=_totals(by_country), by_attribution=_totals(by_attribution),
        by_severity=dict(sorted(severities.items())),
        core_architecture=_core(code, core_lines_total),
        infrastructure=infrastructure(code),
        files=file_verdicts(findings, sources, file_lines, uses),
        files_scanned=files_scanned, units_scanned=units_scanned, findings=len(findings), limits=LIMITS)


INFRA_NOTE = ("training and serving infrastructure (trainers, optimisers, data pipelines, launchers, "
              "distributed utilities): reusing a framework is permitted tool use, not a copy of a model's design")


def infrastructure(code: Sequence[Finding]) -> Infrastructure:
    """Code matches whose unit is infrastructure, apart from the lineage totals: per family, the
    lines and findings, so a report can say whose framework the code uses."""
    infra = [f for f in code if f.role == INFRA and f.matches and not too_small(f.matches[0])]  # (not fragments)
    fams: dict[str, list[Finding]] = defaultdict(list)
    for f in infra:
        fams[f.matches[0].ref.family].append(f)
    return Infrastructure(len(infra), distinct_lines(infra), INFRA_NOTE,
                          {k: Totals(len(v), distinct_lines(v)) for k, v in sorted(fams.items())})
