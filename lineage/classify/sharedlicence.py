"""The licence of shared code: whichever line a copy came from, if every one of them is under
the same licence, that licence's terms apply to the copy.

Code that five or more model lines hold alike cannot say which of them it came from, so it
convicts no one and owes no one maker's notice (classify/codematch.shared_by).  But a file that
holds such code verbatim still holds code under a licence: a stranger's review pasted
transformers' DeepSeek-V3 attention (MLA, 166 lines, held alike by eight transformers lines, every
one Apache-2.0) into a file declaring itself proprietary, and the scan said nothing of the
licence.  The obligation does not depend on which of the eight it came from.

So a file whose notices were not judged (no copy convicts it), holding copies of shared code
(each unit a copy on its own evidence, judged.copied, of MIN_COPIED_LINES lines and
NAMELESS_EVIDENCE fingerprints together), gets one licence finding when every family holding
that code as closely is under one licence that the file's own declaration leaves out
(notices/licences.licence_conflict).  It is rated low, as shared code is: it names the
licence, not a source, and accuses no one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from lineage.classify.codematch import shared_code
from lineage.classify.judged import MIN_COPIED_LINES, copied
from lineage.classify.linecount import distinct_lines
from lineage.details import CodeMatchDetails
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding
from lineage.notices.findings import shared_licence_finding
from lineage.notices.licences import licence_conflict
from lineage.notices.records import FileNotices
from lineage.scoring import SCORING


def shared_licence_findings(index: EmbeddedIndex, findings: Sequence[Finding], judged: frozenset[str],
                            texts: Mapping[str, str], detect: Callable[..., FileNotices]) -> list[Finding]:
    """The licence findings of files not judged (``judged``: paths whose notices were compared)
    that hold copies of shared code all of whose holders share one licence."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind == "code-match" and f.path not in judged and f.severity == "low" and f.matches \
                and isinstance(f.details, CodeMatchDetails) and shared_code(f.details) and copied(f):
            by_path[f.path].append(f)
    licence_of = {index.family_keys[i]: str(row.get("licence") or "") for i, row in enumerate(index.meta["families"])}
    out: list[Finding] = []
    for path, copies in sorted(by_path.items()):
        if distinct_lines(copies) < MIN_COPIED_LINES or \
                sum(f.matches[0].shared for f in copies) < SCORING.nameless_evidence:
            continue
        holders = {family for f in copies for family in _holding(f)}
        licences = {licence_of.get(family, "") for family in holders}
        if len(licences) != 1 or "" in licences:
            continue
        (licence,) = licences
        scanned = detect(path, texts.get(path, ""))
        if licence_conflict(scanned.licences, licence):
            out.append(shared_licence_finding(path, scanned, licence, copies, len(holders)))
    return out


def _holding(f: Finding) -> tuple[str, ...]:
    """The families holding a shared unit's code: every tie, and every match listed beside them."""
    assert isinstance(f.details, CodeMatchDetails)
    return tuple(dict.fromkeys((*(m.ref.family for m in f.matches), *f.details.equivalent_families)))
