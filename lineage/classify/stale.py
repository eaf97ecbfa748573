"""Foreign vendor notices in files no reference's code matches: a file that names another company's
copyright holder while none of its code matches a reference is listed for information (the notice
is stale, or gives credit).  The project's own organisations, named in its NOTICE/LICENSE files or
in a third of its files with notices, are never foreign."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from lineage.classify.unjudged import Detector, RepoNotices
from lineage.compact.files import CompactFile
from lineage.models import Finding


def stale_notices(compacted: Sequence[CompactFile], matched: frozenset[str], repo_notices: RepoNotices = (),
                  detect: Detector | None = None, workers: int = 1) -> list[Finding]:
    """Foreign vendor notices in files with no matching code (fast detector only; ``workers``:
    forked processes reading the files, which most of a large scan's are).

    The project's own organisations are those named in its NOTICE/LICENSE files or in at
    least a third of its files with notices: their notices are never "foreign".
    """
    from lineage.notices import detect_notices, notice_findings
    from lineage.pool import fork_map

    read = detect or detect_notices
    unmatched = [cf for cf in compacted if cf.path not in matched and cf.text]
    found = fork_map(lambda cf: read(cf.path, cf.text, use_scancode=False, licences=False), unmatched, workers)
    quick = [(cf.path, notices) for cf, notices in zip(unmatched, found)]
    with_notices = [(p, q) for p, q in quick if q.notices]
    counts: Counter[str] = Counter()
    for _, q in with_notices:
        counts.update({n.org for n in q.notices if n.org})
    own = {org for org, n in counts.items() if n * 3 >= len(with_notices)}
    own |= {n.org for r in repo_notices for n in r.notices if n.org}
    out: list[Finding] = []
    for path, q in with_notices:
        out += notice_findings(path, q, None, (), has_code_match=False, own_orgs=sorted(own))
    return out
