"""Matching: compact fingerprints -> index query -> code-match findings, attributed, file by file.

The middle of a scan (``lineage.pipeline.scan`` reads the files before and assembles the
result after).  On a large scan the files are shared out between forked workers, which
inherit the loaded index.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from lineage.classify.adopt import adoptions
from lineage.classify.codematch import (MODERATE, NAMELESS_EVIDENCE, SHARED_BY, code_finding, held_whole,
                                        strength, worth_reporting)
from lineage.classify.explain import scope_source, source_first, ties_of
from lineage.classify.crowd import Crowd
from lineage.classify.named import named_first, named_line
from lineage.classify.wholecopy import also_copy, whole_copy
from lineage.classify.filescope import attribute_file, scopes
from lineage.classify.together import split_copies
from lineage.verdicts import SourceVerdict
from lineage.config import Config
from lineage.declared.markers import Declaration
from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import CompactFile, compact_all
from lineage.pool import default_workers, fork_map
from lineage.index.embedded import EmbeddedIndex
from lineage.index.evidence import SAME, UnitEvidence, same_code
from lineage.index.lsh import before_fork
from lineage.index.query import QueryOptions, query_files, with_regions
from lineage.models import Finding, Match, SourceFile
from lineage.scoring import SCORING
from lineage.vocab import finding_id, model_line
from lineage.classify.unjudged import Detector, RepoNotices
from lineage.source.maker import Makers

Progress = Callable[[str, int, int], None]


def workers_for(config: Config, n_files: int) -> int:
    """Worker processes for a scan stage over ``n_files`` files."""
    wanted = config.workers or default_workers()
    return 1 if n_files < 40 else wanted  # a pool costs more than it saves on small scans


def fingerprint_files(
    files: Sequence[SourceFile], config: Config, progress: Progress | None = None
) -> list[CompactFile]:
    params = FingerprintParams()
    return list(compact_all(files, params, workers=workers_for(config, len(files)), keep_text=True,
                            progress=progress, total=len(files), role_rules=config.role_rules))


FileSources = dict[str, dict[str, SourceVerdict]]  # path -> scope ("<file>" or a class) -> verdict


def query_options(config: Config) -> QueryOptions:
    return QueryOptions(top=config.top, min_similarity=config.min_similarity,
                        min_containment=config.min_containment)


def file_sources(index: EmbeddedIndex, compacted: Sequence[CompactFile],
                 evidence: Mapping[tuple[int, int], UnitEvidence],
                 together: Mapping[str, SourceVerdict] | None = None) -> FileSources:
    """The source verdicts of every file with evidence (and of its classes); ``together``: path
    -> the verdict of its directory's files read as one, which stands for the file's."""
    per_file: dict[int, dict[int, UnitEvidence]] = {}
    for (fi, ui), held in evidence.items():
        per_file.setdefault(fi, {})[ui] = held
    rows = index.family_rows
    out: FileSources = {}
    for fi, ev in sorted(per_file.items()):
        units = compacted[fi].units
        adopted = adoptions(compacted[fi].outline, compacted[fi].text)
        members = scopes(units, adopted)
        read_with = (together or {}).get(compacted[fi].path)
        out[compacted[fi].path] = {  # (the files read together are judged on all their units)
            scope: v if v is read_with else _on_fragments(v, [ev[i] for i in members.get(scope, ()) if i in ev], rows)
            for scope, v in attribute_file(index, units, ev, adopted, read_with).items()}
    return out


def _on_fragments(v: SourceVerdict, held: Sequence[UnitEvidence], rows: Mapping[str, int]) -> SourceVerdict:
    """The verdict with basis "fragments" when no unit of its scope shares enough code with the
    source to be judged on its own (SCORING.min_evidence fingerprints, below which a unit's match
    is "too little code to establish lineage"): a file of short helpers that each share a few
    fingerprints with some model file says nothing of where it comes from, nor of a shared line.
    Where the count is unknown the verdict stands."""
    if v.source is None or v.source.family not in rows:
        return v
    row = rows[v.source.family]
    counted = False
    for ev in held:
        if ev.shared is None:
            return v
        at = ev.family == row
        counted = counted or bool(at.any())
        if at.any() and int(ev.shared[at].max()) >= SCORING.min_evidence:
            return v
    return dataclasses.replace(v, basis="fragments", group=None) if counted else v


def code_evidence(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config,
    together: Mapping[str, SourceVerdict] | None = None,
) -> tuple[list[Finding], FileSources]:
    """Code-match findings and the source verdicts of every file and class with evidence;
    ``together``: path -> the verdict of its directory's files read as one, a copy of one source's
    whole file split across them, which stands for the file's (classify/together.py)."""
    opts = query_options(config)
    res = query_files(index, compacted, opts)
    sources = file_sources(index, compacted, res.evidence, together)
    findings = []
    named = {fi: named_line(index, cf.path) for fi, cf in enumerate(compacted)}  # (the line a file is named after)
    for (fi, ui), found in sorted(res.matches.items()):
        if not worth_reporting(found[0], config.report_similarity):
            continue
        cf, unit, ev = compacted[fi], compacted[fi].units[ui], res.evidence.get((fi, ui))
        scope = scope_source(unit, sources.get(cf.path, {}))
        ordered = source_first(index, unit, found, ev, scope, opts)
        ordered, closer = named_first(index, unit, ordered, ev, named.get(fi), opts)
        best = with_regions(index, unit, ordered[0], opts)
        holders = ev.lines_holding(index, same_code(strength(best))) if ev is not None else 0
        makers = ev.makers_holding(index, same_code(strength(best))) if ev is not None else 0
        if held_whole(best) and strength(best) < MODERATE:  # (its strength the extension's: the lines holding it)
            holders = max(holders, whole_holders(found, best, opts.top), lines_of(index, res.whole.get((fi, ui))))
            makers = 0  # (lines counted from other matches: their makers not counted)
        crowd = Crowd(*ev.others(index, MODERATE, index.family_rows[best.ref.family])) if ev is not None else Crowd()
        context = "" if scope is None or ordered[0] is found[0] else \
            "the file" if scope.scope == "<file>" else f"class {scope.scope}"
        findings.append(code_finding(cf.path, unit, (best, *ordered[1:]), ties_of(index, ev), holders,
                                     whole_copy(sources.get(cf.path, {}).get("<file>")), context, makers, crowd,
                                     closer, also_copy(sources.get(cf.path, {}).get("<file>"))))
    # (before attribution, which keys its findings by id: two units of one name and shape had one id,
    # and both findings took the later one's lines)
    return distinct_ids(findings), sources


def distinct_ids(findings: Sequence[Finding]) -> list[Finding]:
    """The findings in order, each id once: an id a finding before it holds is made its own from that id
    and how many came before, so the first keeps its id (a baseline's, a pragma's).  Two units of one name
    and one shape in a file (a method defined twice) had one id: a pragma or baseline entry for one
    silenced both (a stranger's review: vLLM's gpt_oss.py, its experts' `weight_loader`)."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        seen[f.id] = seen.get(f.id, 0) + 1
        out.append(f if seen[f.id] == 1 else dataclasses.replace(f, id=finding_id(f.id, str(seen[f.id]))))
    return out


def lines_of(index: EmbeddedIndex, families: np.ndarray | None) -> int:
    """How many model lines these families (index rows) are."""
    return 0 if families is None else int(np.unique(index.family_line[families]).size)


SATURATED = 3  # model lines filling a full list of matches that hold a unit whole: more stand beyond it


def whole_holders(found: Sequence[Match], best: Match, top: int) -> int:
    """Model lines whose unit a copy extended holds whole about as much as the best (its strength is
    the extension's, under what evidence counts): every match of a full list so held reads as code
    many lines hold (SHARED_BY), as the same code unextended would (a stranger's attack: gemma2's
    model forward, verbatim, "shared code" at low; extended by 30 lines, medium "copy, extended")."""
    whole = [m for m in found if m.ref_containment >= best.ref_containment - SAME and m.shared >= NAMELESS_EVIDENCE]
    lines = len({model_line(m.ref.family) for m in whole})
    return SHARED_BY if len(found) >= top and len(whole) == len(found) and lines >= SATURATED else lines


def findings_for(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config
) -> list[Finding]:
    return code_evidence(index, compacted, config)[0]


MATCH_STAGE = "match and notices"
SHARES_PER_WORKER = 4  # smaller shares: finer progress and a more even load, each file still whole
Declared = dict[str, tuple[Declaration, ...]]  # path -> what the file declares (declared/markers.py)


def attributed_findings(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config,
    repo_notices: RepoNotices = (), detect: Detector | None = None,
    progress: Progress | None = None, architectures: bool = True, makers: Makers = (),
) -> tuple[list[Finding], frozenset[str], FileSources]:
    """Code matches with their attribution, notice findings and source verdicts, file by file
    (and, with ``architectures``, the architecture each file implements); on a large scan the
    files are shared out between forked workers, which inherit the loaded index."""
    findings, matched, sources, _ = attributed_and_declared(index, compacted, config, repo_notices, detect,
                                                            progress, architectures, makers)
    return findings, matched, sources


def attributed_and_declared(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config,
    repo_notices: RepoNotices = (), detect: Detector | None = None,
    progress: Progress | None = None, architectures: bool = True, makers: Makers = (), date: str = "",
) -> tuple[list[Finding], frozenset[str], FileSources, Declared]:
    """`attributed_findings`, and what each file that may use model code by import declares
    (`declared.uses.declared`), read by the workers that read it for attribution.  ``makers``:
    the makers the scanned package's metadata names (source/maker.py); ``date``: when the scanned code
    was published, as the index is restricted to it ("" for none)."""
    from lineage.arch.findings import architecture_findings, table_for
    from lineage.classify.attribution import attribute_matched
    from lineage.classify.owner import canonical_owners
    from lineage.declared.uses import declared

    owners = canonical_owners(config.owner)
    # every share reads the whole scan's texts for what one file declares in another (a modular file beside
    # the file generated from it): a scan's results never depend on how its files were shared out
    scan_texts = {cf.path: cf.text for cf in compacted}

    def one_share(share: Sequence[CompactFile], together: Mapping[str, SourceVerdict] | None = None
                  ) -> tuple[list[Finding], frozenset[str], FileSources, Declared]:
        found, sources = code_evidence(index, share, config, together)
        attributed, matched = attribute_matched(index, share, found, repo_notices, detect, sources, owners, makers,
                                                date, scan_texts)
        # the architecture a file implements: a finding of its own, apart from code lineage
        arch = architecture_findings(index, share, attributed, compacted) if architectures else []
        return attributed + arch, matched, sources, declared({cf.path: cf.text for cf in share}, index.model_lines)

    if architectures:
        table_for(index)  # loaded before the fork: every worker shares it

    workers = workers_for(config, len(compacted)) if index.forkable else 1
    if workers > 1:
        before_fork(index.lookup)
    shares = _shares(compacted, workers * SHARES_PER_WORKER if workers > 1 else 1)
    ends = [sum(len(s) for s in shares[: i + 1]) for i in range(len(shares))]
    if progress:
        progress(MATCH_STAGE, 0, len(compacted))

    def done(i: int) -> None:
        if progress:
            progress(MATCH_STAGE, ends[i], len(compacted))

    findings: list[Finding] = []
    matched: frozenset[str] = frozenset()
    sources: FileSources = {}
    read: Declared = {}
    for found, paths, share_sources, share_read in fork_map(one_share, shares, workers, done):
        findings += found
        matched |= paths
        sources.update(share_sources)
        read.update(share_read)
    together = split_copies(index, compacted, sources, findings, query_options(config), workers)
    if together:  # a copy split across the files of a directory: those files judged again as its parts
        found, paths, share_sources, share_read = one_share([cf for cf in compacted if cf.path in together], together)
        findings = [f for f in findings if f.path not in together] + found
        matched = frozenset(p for p in matched if p not in together) | paths
        sources.update(share_sources)
        read.update(share_read)
    return findings, matched, sources, read


def _shares(compacted: Sequence[CompactFile], n: int) -> list[list[CompactFile]]:
    """`n` shares of about equal work (units), each file whole, largest files dealt first."""
    shares: list[list[CompactFile]] = [[] for _ in range(max(1, n))]
    load = [0] * len(shares)
    for cf in sorted(compacted, key=lambda c: (-len(c.units), c.path)):
        k = load.index(min(load))
        shares[k].append(cf)
        load[k] += len(cf.units) + 1
    return [s for s in shares if s]
