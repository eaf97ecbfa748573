"""The verify exhibit's summary: its counts and the statement a reader sees first.

Every sentence says what this run had: a corpus background or none, scores placed against
unrelated pairs or why not, notices judged or why not, declared reuse of the reference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lineage.compact.files import CompactFile
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, ScanResult
from lineage.vocab import KIND_CODES, SEVERITIES_DESCENDING
from lineage.workflow.background import COMMON_FAMILIES, COMMON_MAKERS, shared
from lineage.workflow.exhibit import ExhibitMatch, ExhibitSummary, FileScore
from lineage.workflow.published import PUBLISHED
from lineage.workflow.whole import whole_sentence

SHARED_CODE = "code shared by"  # the verdict of a unit whose code many indexed model lines hold
PARTIAL_ONLY = "no notice judgement from a partial resemblance or from serving glue"


def _unshown(matches: Sequence[ExhibitMatch], files: Sequence[FileScore], states: Sequence[str]) -> str:
    """Said after removed or replaced notices when no unit is rated above low and no file is a whole
    copy: what the suspect lacks of the reference's notices, no copy shown to have dropped them."""
    if not {"removed", "replaced"} & set(states) or any(m.severity in ("medium", "high") for m in matches) \
            or any(f.severity in ("medium", "high") for f in files):
        return ""
    return " (said of code rated low at most: what the suspect lacks, no copy shown)"


def _no_placement(matches: Sequence[ExhibitMatch]) -> str:
    """Why no score was placed against unrelated pairs: nothing matched (modules aside), nothing above
    info to place (a review: an exhibit of no match at all said "no corpora/calibration.toml" two
    lines under the calibration it had read), or no baseline to place on."""
    units = [m for m in matches if m.unit_kind != "module"]
    if not units:
        return "no matched unit or file, so no score to place against unrelated pairs"
    if all(m.severity == "info" for m in units):
        return "no matched unit rated above info and no matched file, so no score to place against unrelated pairs"
    return "no baseline of unrelated pairs (too few unmatched units, no corpora/calibration.toml)"


def _commons(matches: Sequence[ExhibitMatch], background: bool) -> str:
    """What the corpus background did to the ratings, in one sentence ("" when nothing matched)."""
    if not background:
        return "No corpus background: common code may look rare. "
    matches = [m for m in matches if m.unit_kind != "module"]  # counted as the matched units are (modules excluded)
    if not matches:
        return ""
    common = [m for m in matches if shared(m.corpus)]
    capped = [m for m in common if m.severity_before_corpus]
    earlier = [m for m in matches if m.corpus and m.corpus.get("before_reference")]
    prior = [m for m in earlier if m not in common and m.severity_before_corpus]
    first = [m for m in matches if m.corpus and m.corpus.get("suspect_first")]
    templates = [m for m in matches if m.corpus and m.corpus.get("template") and m not in common]
    return (f"{len(common)} matched unit{' holds' if len(common) == 1 else 's hold'} code that {COMMON_FAMILIES} or "
            "more indexed model lines (or lines of "
            f"{COMMON_MAKERS} or more companies' models, or {COMMON_FAMILIES} or more files of the reference side) share"
            + (f" ({len(capped)} rated low for that)" if capped else "") + ". "
            + (f"{len(earlier)} {'holds' if len(earlier) == 1 else 'hold'} code that lines of other companies' "
               "models first seen before the reference's line also hold"
               + (f" ({len(prior)} rated low for that alone)" if prior else "") + ". " if earlier else "")
            + (f"{len(templates)} {'holds' if len(templates) == 1 else 'hold'} a template most of which 5 or more "
               "lines of other companies' models hold, the pair little more (rated low at most for that). "
               if templates else "")
            + (f"{len(first)} {'matches' if len(first) == 1 else 'match'} a reference line first seen after the "
               "suspect's release was published (rated low at most: see the dates). " if first else ""))


def not_compared_state(judged: Sequence[ExhibitMatch], background: bool = True) -> str:
    """Why no notice was compared; ``background``: the exhibit had a corpus (else the lines that
    share code are the pair's own reading of it, not indexed ones)."""
    lines = ("indexed model lines" if background else "model lines") + " or files of the reference side"
    common = [str(m.verdict).startswith(SHARED_CODE) for m in judged]
    partial = [str(m.verdict).endswith(PARTIAL_ONLY) for m in judged]
    if judged and all(str(m.verdict).startswith(PUBLISHED) for m in judged):
        return ("not judged (the suspect is the published file of the reference's line, its notice as the line "
                "published it; the reference holds that code under another notice)")
    if not judged or any(m.attribution is not None for m in judged) or not all(a or b for a, b in zip(common, partial)):
        return "not compared"
    if not any(partial):
        return f"not judged (every matched unit is code that many {lines} share)"
    return ("not judged (no matched unit is a copy of the reference's model code rarer than code many "
            f"{lines} share: partial resemblances, serving glue and shared code do not say whose "
            "notice a file owes)")


def _matched_sentence(units: int, matches: Sequence[ExhibitMatch]) -> str:
    """Every matched suspect unit counts, info ones too: a renamed copy whose common or small
    units are info is still matched unit for unit; how many are above info is said apart, as the
    units' own ratings (a whole-file rating and vestiges are said in their own sentences: "3 above
    info (0 high ...)" beside a [HIGH] whole-file copy read as a contradiction)."""
    matched = [m for m in matches if m.unit_kind != "module"]
    above = [m for m in matched if m.severity != "info"]
    by_sev = {s: sum(1 for m in above if m.severity == s) for s in ("high", "medium", "low")}
    rest = "; the rest are info: common code, too small to judge, or declared reuse" if len(above) < len(matched) else ""
    return (f"{len(matched)} of {units} suspect units (modules excluded) match units of the reference; "
            f"{len(above)} of them rated above info on their own ({by_sev['high']} high, {by_sev['medium']} medium, "
            f"{by_sev['low']} low{rest})")


def _vestige_sentence(vestiges: Sequence[Finding]) -> str:
    """"Traces of the reference's model ... (vestiges): N (1 medium, 2 low). " ("" when none)."""
    if not vestiges:
        return ""
    rates = ", ".join(f"{n} {s}" for s in SEVERITIES_DESCENDING if (n := sum(v.severity == s for v in vestiges)))
    return (f"Traces of the reference's model left in the suspect's copied units (vestiges): {len(vestiges)} "
            f"({rates}; low when many indexed model lines hold the code). ")


def summary(result: ScanResult, matches: Sequence[ExhibitMatch], ref_index: EmbeddedIndex,
            compacted: Sequence[CompactFile], files: Sequence[FileScore], not_compared: str = "", *,
            background: bool, declared: str = "", vestiges: Sequence[Finding] = ()) -> ExhibitSummary:
    """The exhibit's counts and its one-paragraph statement; ``declared`` is the sentence on suspect
    files that import the reference's code (verify_declared.py); ``vestiges``: the traces of the
    reference's model the exhibit lists, said too (a review: an exhibit that exited 1 on medium
    vestiges alone stated "0 high, 0 medium" and nothing of them)."""
    units = [u for c in compacted for u in c.units if u.kind != "module"]
    judged = [m for m in matches if m.severity != "info"]
    by_sev = {s: sum(1 for m in matches if m.severity == s) for s in SEVERITIES_DESCENDING}
    by_role: dict[str, int] = {}
    for m in judged:
        by_role[m.role or "unclassified"] = by_role.get(m.role or "unclassified", 0) + 1
    placed = [m.scores.above_unrelated_p99 for m in judged if m.scores.above_unrelated_p99 is not None]
    files_placed = [f.above_unrelated_p99 for f in files if f.above_unrelated_p99 is not None]
    states = sorted({m.attribution for m in judged if m.attribution})
    against = []
    if placed:
        against.append(f"{sum(placed)} of {len(placed)} matched units rated above info score above the in-pair "
                       "unrelated p99")
    if files_placed:
        beyond = " beyond code the corpus shows as shared (or as whole-file copies)" \
            if any(f.beyond_shared is not None for f in files) else ""
        against.append(f"{sum(files_placed)} of {len(files_placed)} matched files score above the calibrated "
                       f"unrelated p99{beyond}")
    statement = (
        _matched_sentence(len(units), matches) + "; "
        + ("; ".join(against) if against else _no_placement(matches))
        + f". Notices: {', '.join(states) or not_compared_state(judged, background)}{_unshown(matches, files, states)}. "
        + whole_sentence(files)
        + _vestige_sentence(vestiges) + declared
        + _commons(matches, background)
        + not_compared
        + "Code evidence only: it cannot show how model weights were initialised or trained.")
    return ExhibitSummary(
        suspect_files=result.files_scanned, suspect_units=len(units), reference_files=len(ref_index.meta["files"]),
        reference_units=judged_units(ref_index), matched_units=len(judged), by_severity=by_sev,
        by_role=dict(sorted(by_role.items())), units_above_unrelated_p99=sum(placed) if placed else None,
        files_above_unrelated_p99=sum(files_placed), attribution_states=tuple(states), statement=statement)


def judged_units(index: EmbeddedIndex) -> int:
    """The reference side's functions, classes and methods: module bodies (imports, constants, a
    script's top-level code) are not judged, so a side of them alone compares nothing."""
    return int(np.count_nonzero(index.arrays["u_kind"] != KIND_CODES["module"])) if index.n_units else 0
