"""Whose notice a suspect file owes in `verify`: the reference file its code comes from.

The reference side is one family in verify's in-memory index, however many files it holds (a
folder, a whole package).  A scan judges a file's notices against its source family's file, and
the source verdict names that file by the one reference unit that best covers the suspect file's
largest matched unit (classify/cover.py): in an index of model lines, each of a few files, that
is the line's own file; with a whole reference side as one family it is whichever file holds
that one unit (a file sharing a single class, a sibling that carries the same code), so a copy
of a noticed file could be judged against a file with no notice and come out "none-needed".

Here every reference file is asked on its own how much of the suspect file's code it holds as
closely as any reference file does (an exact tie counts for every file in it, as the source
verdict counts families); the file holding most, among those holding code the notice is judged
on, is the one whose notices the suspect file owes, and the scan's attribution is redone with
that file as the source's file: severities and verdicts follow the state as a scan sets them.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from lineage.compact.files import CompactFile
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.index.query import QueryOptions, query_files
from lineage.models import Finding, SourceFile
from lineage.verdicts import SourceVerdict

Unit = tuple[str, int]  # (qualname, start line) of a suspect unit


@dataclasses.dataclass(frozen=True)
class NoticeReference:
    """The reference file a suspect file's notices are judged against, and why that one."""

    path: str
    basis: str  # said in the exhibit's notices section (``reference_basis``)


def per_file(index: EmbeddedIndex) -> EmbeddedIndex:
    """The same index with every reference file a family of its own: evidence then names the
    files holding a unit's code.  Rarity keeps the index's count of model lines."""
    rows = index.meta["files"]
    families = [dict(index.meta["families"][row["family"]], name=row["path"], lineage=[]) for row in rows]
    meta = {**index.meta, "families": families, "files": [dict(row, family=i) for i, row in enumerate(rows)]}
    return dataclasses.replace(index, header={**index.header, "df_lines": index.n_lines}, meta=meta)


def _holdings(index: EmbeddedIndex, files: Sequence[CompactFile], config: Config
              ) -> tuple[dict[str, defaultdict[str, float]], dict[str, float], dict[tuple[str, Unit], set[str]]]:
    """Per suspect file, the code (k-grams x strength) each reference file holds as closely as
    any does, and all of it the reference side holds; per suspect unit, the files so holding it."""
    view = per_file(index)
    opts = QueryOptions(top=config.top, min_similarity=config.min_similarity, min_containment=config.min_containment)
    held = query_files(view, files, opts).evidence
    credit: dict[str, defaultdict[str, float]] = {f.path: defaultdict(float) for f in files}
    total = {f.path: 0.0 for f in files}
    holders: dict[tuple[str, Unit], set[str]] = {}
    for fi, ui in sorted(held):
        cf, unit, ev = files[fi], files[fi].units[ui], held[(fi, ui)]
        if unit.kind == "module":
            continue  # imports and constants say nothing of whose code a file holds
        paths = {view.meta["files"][int(ev.family[r])]["path"] for r in ev.tied().tolist()}
        holders[(cf.path, (unit.qualname, unit.start_line))] = paths
        total[cf.path] += unit.n_kgrams * ev.best
        for p in paths:
            credit[cf.path][p] += unit.n_kgrams * ev.best
    return credit, total, holders


def _lines_by_reference(judged: Iterable[Finding]) -> Counter[str]:
    out: Counter[str] = Counter()
    for f in judged:
        out[f.matches[0].ref.path] += f.end_line - f.start_line + 1
    return out


def notice_references(index: EmbeddedIndex, files: Sequence[CompactFile], judged: Mapping[str, Sequence[Finding]],
                      config: Config) -> dict[str, NoticeReference]:
    """Per suspect file with judged findings (those a scan set a notice state on): the reference
    file holding most of its code among the files holding code of a judged finding; ties go to
    the file its judged matches name for more lines, then to the first path."""
    credit, total, holders = _holdings(index, files, config)
    out = {}
    for path, found in judged.items():
        lines = _lines_by_reference(found)
        eligible = set().union(*(holders.get((path, (f.unit, f.start_line)), set()) for f in found))
        if eligible and total[path] > 0:
            best = min(eligible, key=lambda p: (-round(credit[path][p], 6), -lines[p], p))
            basis = (f"the reference file holding most of {path}'s code as closely as any reference file "
                     f"({credit[path][best] / total[path]:.0%} of what the reference side holds of it)")
            out[path] = NoticeReference(best, basis)
        else:  # no file holds it as closely as the best match does
            out[path] = by_lines(path, found)
    return out


def by_lines(path: str, judged: Iterable[Finding]) -> NoticeReference:
    """The reference file the judged matches name for most lines (a scan's primary reference)."""
    lines = _lines_by_reference(judged)
    best = min(lines, key=lambda p: (-lines[p], p))
    return NoticeReference(best, f"the reference file {path}'s judged matches name for most lines")


def _steered(verdicts: Mapping[str, SourceVerdict], path: str) -> dict[str, SourceVerdict]:
    """The file's source verdict with its source's file set to ``path`` (the family is the
    reference side itself, so it holds the file's evidence and the scan judges against it)."""
    out = dict(verdicts)
    v = out.get("<file>")
    if v is not None and v.source is not None:
        out["<file>"] = dataclasses.replace(v, source=dataclasses.replace(v.source, path=path))
    return out


def reattributed(index: EmbeddedIndex, compacted: Sequence[CompactFile], findings: Sequence[Finding],
                 suspect: Sequence[SourceFile], config: Config
                 ) -> tuple[list[Finding], dict[str, NoticeReference], dict[str, Finding]]:
    """The scan's findings with every judged file's code findings attributed again, against the
    reference file chosen by `notice_references`; that choice per suspect file; and per file so
    judged, its notice finding of that judgement (removed or replaced), which its code findings state."""
    from lineage.classify.attribution import attribute_matched
    from lineage.classify.owner import canonical_owners
    from lineage.pipeline.match import code_evidence
    from lineage.source.notebook import with_cells

    judged: dict[str, list[Finding]] = {}
    for f in findings:
        if f.kind == "code-match" and f.attribution and f.matches:
            judged.setdefault(f.path, []).append(f)
    if not judged:
        return list(findings), {}, {}
    subset = [cf for cf in compacted if cf.path in judged]
    chosen = notice_references(index, subset, judged, config)
    found, sources = code_evidence(index, subset, config)
    for p in chosen:
        file_verdict = sources.get(p, {}).get("<file>")
        if file_verdict is None or file_verdict.source is None:
            chosen[p] = by_lines(p, judged[p])  # what a scan judges such a file against
    steered = {p: _steered(v, chosen[p].path) if p in chosen else v for p, v in sources.items()}
    again, _ = attribute_matched(index, subset, found, (), None, steered, canonical_owners(config.owner))
    cells = {f.path: f.cells for f in suspect if f.cells}  # a notebook's findings name their cell (as scan's do)
    redone = {f.id: with_cells(f, cells[f.path]) if f.path in cells else f
              for f in again if f.kind == "code-match"}
    notices = {f.path: f for f in again if f.kind == "notice" and f.attribution in ("removed", "replaced")}
    return [redone.get(f.id, f) if f.kind == "code-match" else f for f in findings], chosen, notices
