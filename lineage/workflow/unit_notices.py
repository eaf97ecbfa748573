"""Which matched units of an exhibit may judge the suspect file's notice (`lineage verify`).

A unit whose code many model lines hold, or the reference's folder writes alike in many files, or
that an earlier line of another company held first, or that only the source both files are
published in holds, says nothing of whose notice the suspect owes: its notice state and copy
wording go (``judged_notice``), and such units are no evidence of the pair (``held_elsewhere``).
A file's notice is judged removed or replaced only on a unit holding the reference's code at a
copy's strength that is model code, not serving glue (``notice_needs_a_copy``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from lineage.classify.judged import without_notice
from lineage.workflow.background import COMMON_FAMILIES, by_the_corpus, dated, shared, shared_by
from lineage.workflow.exhibit import ExhibitMatch
from lineage.workflow.prior_art import FRAMEWORK_CODE, PRIOR_ART, TEMPLATE_CODE
from lineage.workflow.verify_statement import PARTIAL_ONLY, SHARED_CODE


def judged_notice(m: ExhibitMatch, whole: set[str], side: int = 0) -> ExhibitMatch:
    """A matched unit whose code many indexed model lines hold cannot say whose notice the file
    owes (classify/attribution.py): its notice state and copy wording are dropped, unless its file
    is nearly the reference file as a whole (its file score at least WHOLE_FILE).  Without a corpus,
    so too for code ``side`` files of the reference side hold (its source's own pattern: a
    stranger's review had `--no-index` judge a StableLM port's notice "replaced" by Orion's from
    an attention forward vLLM writes alike in 34 files)."""
    corpus = m.corpus
    if corpus is None and side >= COMMON_FAMILIES and m.path not in whole and m.verdict:
        said = (f"{SHARED_CODE} {side} files of the reference side (its source's own pattern): no copy verdict, "
                "and no notice judgement from it")
        return dataclasses.replace(m, attribution=None, verdict=said)
    if corpus and m.path in whole and m.verdict and (shared(corpus) or corpus.get("template")) \
            and m.severity in ("low", "info"):
        # (a unit of a whole-file copy keeps its copy verdict and notice state, while its shared code
        # alone is rated low: "[LOW] ... copy of reference, notice replaced" read as a contradiction)
        alone = f"{SHARED_CODE} {shared_by(corpus)}" if shared(corpus) else TEMPLATE_CODE
        return dataclasses.replace(m, verdict=f"{m.verdict}, as part of the whole-file copy (this code alone, "
                                              f"{alone}, is rated {m.severity})")
    if not corpus or m.path in whole:
        return m
    if shared(corpus):
        makers = list(corpus.get("makers") or [])
        one = (f", all of them {makers[0]}'s or declaring descent from its lines: the code is {makers[0]}'s line's, "
               "but with that many holders the pair cannot show it was taken from this file"
               if len(makers) == 1 and by_the_corpus(corpus) else "")
        said = f"{SHARED_CODE} {shared_by(corpus)}{one}: no copy verdict, and no notice judgement from it"
        return dataclasses.replace(m, attribution=None, verdict=said)
    if corpus.get("template"):
        t = corpus["template"]
        said = (f"{TEMPLATE_CODE} (the corpus holds most of it in {t['model_lines']} lines of other companies, the "
                f"pair sharing {t['pair_shares'] - t['fifth_shares']} fingerprints more): no copy verdict against the "
                "reference, and no notice judgement from it")
        return dataclasses.replace(m, attribution=None, verdict=said)
    if corpus.get("framework"):
        said = (f"{FRAMEWORK_CODE} ({corpus['framework']}, whose files alone hold it): no copy verdict against "
                "the reference, and no notice judgement from it")
        return dataclasses.replace(m, attribution=None, verdict=said)
    earlier = corpus.get("before_reference") or []
    if earlier:
        first = earlier[0]
        prior = (f"{PRIOR_ART} ({first['family']}, {dated(first)}, before the reference's "
                 "line): no copy verdict against the reference, and no notice judgement from it")
        return dataclasses.replace(m, attribution=None, verdict=prior)
    return m


def held_elsewhere(m: ExhibitMatch, side: int = 0) -> bool:
    """The corpus shows the unit's code as shared code, or as code earlier lines of other
    companies held (prior_art.py), or the suspect was public before the reference's line
    (chronology.py), or ``side`` files of the reference side hold it: no evidence of this pair."""
    return shared(m.corpus) or side >= COMMON_FAMILIES or bool(m.corpus and (m.corpus.get("before_reference") or m.corpus.get("suspect_first")
                                                  or m.corpus.get("framework") or m.corpus.get("template")))


def notice_needs_a_copy(matches: Sequence[ExhibitMatch], copies: set[tuple[str, str, int]]) -> tuple[ExhibitMatch, ...]:
    """A suspect file's notice is judged removed or replaced only on a unit that holds the
    reference's code (a copy's strength), that the corpus does not show as shared code, and that
    is model code, not serving glue: a partial resemblance alone (the same helper written alike,
    two ports of one upstream) does not show that the file holds the reference's code, and glue
    (an engine's CUDA-graph or input plumbing, which it writes into every model's file) is the
    engine's, not the reference model maker's, so neither can say the file owes that maker's notice."""
    judged = {m.path for m in matches if m.attribution in JUDGED and (m.path, m.unit, m.start_line) in copies
              and m.role not in GLUE}
    out = []
    for m in matches:
        # a partial resemblance above info in a file with no judged copy: say why its notice is not judged
        # (scan itself leaves the notices of a file holding no copy uncompared: attribution None)
        partial = m.severity != "info" and (m.path, m.unit, m.start_line) not in copies
        if m.path not in judged and (m.attribution in JUDGED or (m.attribution is None and partial)):
            verdict = without_notice(str(m.verdict), m.attribution)
            # (serving glue is rated low as code, classify/codematch.py: only the notice lifted it)
            m = dataclasses.replace(m, attribution=None, verdict=f"{verdict}; {PARTIAL_ONLY}",
                                    severity="low" if m.role in GLUE and m.severity == "medium" else m.severity)
        out.append(m)
    return tuple(out)


JUDGED = ("removed", "replaced")
GLUE = ("inference-glue", "infrastructure")  # (classify/codematch.py: reuse of glue or a framework is permitted)
