"""Look-through notices: a file that is an indexed family's own code (a vendor's file upstreamed
into a serving engine) is judged against its declared root's notices as well, unless the family's
own file declares its lineage (then its notices follow that declared practice)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from lineage.declared.carried import families_named
from lineage.details import look_through
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, Match
from lineage.notices.records import FileNotices
from lineage.verdicts import LookThrough, SourceVerdict
from lineage.vocab import model_line


def declares_chain(index: EmbeddedIndex, through: LookThrough, verdict: SourceVerdict) -> bool:
    """The indexed family's own file declares its lineage in its header (a generated-from banner:
    transformers' modular files declare every class's parent; or an Adapted/Copied-from naming a
    family of the chain): its notices follow that declared practice, so they are judged against
    its own file only; so do markers over its units naming a family of the chain.  Lineage known
    from imports or the manifest alone does not count."""
    from lineage.declared.markers import find_declarations

    if verdict.source is None:
        return False
    header = index.header_of(through.family, verdict.source.path)
    chain = {model_line(c) for c in through.chain[1:]}
    if families_named(index.marks_of(through.family, verdict.source.path)) & chain:
        return True  # its units' own markers name the chain (transformers' xmod: "Copied from ... roberta")
    return any(d.kind == "generated-from" or (d.kind in ("adapted-from", "copied-from") and d.family in chain)
               for d in find_declarations(verdict.source.path, header))


def root_notice_findings(path: str, scanned: FileNotices, root: FileNotices, through: LookThrough, matches: Sequence[Match],
                         repo_notices: Sequence[FileNotices], declared: bool, kept: bool = False) -> list[Finding]:
    """Look-through: the file is an indexed family's own code, judged against its declared root.
    ``kept``: the file keeps every notice of the family's published file (retained, or that file holds
    none to keep): what the root's notice lacks, the published file lacks too; the gap is said as the
    published file's, medium at most (a fork of vLLM that kept glm4_1v.py's header read high, as if it
    had replaced Qwen's line itself; vLLM's own mistral.py, scanned as it is, read "the upstream notice
    was removed": a stranger's review, 2026-12-05).  Not lower: the scanned file may be the vendor's
    own published file, whose gap against the root is the very finding (Upstage's Solar file)."""
    from lineage.notices import compare_notices, notice_findings
    from lineage.notices.compare import REMOVED, ROOT_MISSING

    state = compare_notices(scanned, root, repo_notices=repo_notices, declared=declared,
                            reference_family=model_line(through.root), maker=through.root_org,
                            removed_as=ROOT_MISSING if kept else REMOVED)
    if state.state not in ("removed", "replaced"):
        return []
    state = dataclasses.replace(state, explanation=(
        f"Look-through: {path} is the indexed family {through.family}'s code, which declares its lineage "
        f"through {' -> '.join(model_line(c) for c in through.chain)}; judged against the declared root: "
        f"{state.explanation}"))
    if kept:
        state = dataclasses.replace(state, explanation=(
            f"{state.explanation} The file keeps "
            f"every notice of {through.family}'s published file, which lacks the root's notice as this file "
            "does: the gap came with the code (whoever published that file left the notice out), so it is rated "
            "medium at most."))
    found = notice_findings(path, scanned, state, matches, has_code_match=True)
    return [dataclasses.replace(f, details=look_through(f.details, through.root),
                                severity="medium" if kept and f.severity == "high" else f.severity) for f in found]
