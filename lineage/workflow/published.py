"""A suspect file that is an indexed line's own published file, notice and all, against a reference
that holds the same file under another notice: the roles of the pair may be the other way round.

`verify` asks whether SUSPECT took REFERENCE's code.  When the corpus explains a suspect file as a
whole by one line's published file, and the suspect's leading comment block is that file's as the
line published it, while a reference file the corpus also explains as a whole by that same line's
code carries another leading block, the corpus's record reads the other way: the suspect is the
published file, and the reference holds its code under a notice the line did not publish it with.
Given as the suspect, transformers' own modeling_qwen3.py read as a high copy of a renamed copy of
it under "Copyright 2025 Acme Corp." given as the reference, "notice replaced" (a stranger's
review): an accusation of the original publisher.

Such a suspect file judges no notice against those reference files, and its matches against them
are rated low at most: it carries the notice its line published the code with, so it is at worst
an attributed copy of that line.  Only the same line on both sides counts: a suspect that is one
line's published file (Upstage's) against another line's file it took code from (Zhipu's) is
judged as ever, whatever notice the suspect's publisher put on it.  And a reference whose notice
names another organisation with a model line first seen no later than the suspect's line is
judged as ever too: it may be the origin the line took the code from, explained by the line's
copy only because the corpus holds another version of the origin's file (version skew).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lineage.compact.files import CompactFile
from lineage.index.embedded import EmbeddedIndex
from lineage.vocab import Severity, at_or_above
from lineage.workflow.background import Line
from lineage.workflow.exhibit import ExhibitMatch

PUBLISHED = "the suspect is the published file of the reference's line"  # verdict prefix


@dataclass(frozen=True)
class Published:
    """A suspect file the corpus holds as ``line``'s published file ``path``, notice and all, and
    the reference files that hold that line's code under another leading block."""

    line: Line
    path: str
    renoticed: tuple[str, ...]

    def note(self) -> str:
        first = f", first seen {self.line.first_seen[:10]}" if self.line.first_seen else ""
        return (f"The suspect file is {self.line.family}'s published file {self.path} "
                f"({self.line.org or 'organisation not labelled'}{first}), its code and its leading comment block "
                f"as that line published them; the reference file{'s' if len(self.renoticed) > 1 else ''} "
                f"{', '.join(self.renoticed)} hold{'' if len(self.renoticed) > 1 else 's'} the same line's code "
                "under another leading block. The corpus shows the suspect's notice as the one the code was "
                "published with: this exhibit cannot show the suspect took the code from the reference, or "
                "replaced or removed its notice (the reference would have to be public before the line).")


def same_header(one: str, other: str) -> bool:
    """Two leading comment blocks alike but for spacing and blank lines."""
    return one.split() == other.split()


def published_suspects(corpus: EmbeddedIndex, suspects: Sequence[CompactFile], references: Sequence[CompactFile],
                       own: Mapping[str, tuple[Line, str]], dated: Mapping[str, tuple[Line, str]],
                       holding: Mapping[str, Sequence[tuple[str, ...]]]) -> dict[str, Published]:
    """Suspect path -> what makes it its line's published file against which reference files.
    ``own`` and ``dated``: suspect and reference path -> (the indexed line whose file it is as a
    whole, that line's file), prior_art.whole_lines; ``holding``: suspect path -> the families the
    corpus shows holding each of its matched units.  Every matched unit must be the line's: a
    published file with a class of the reference's own added is explained as a whole by the line
    all the same, and that class is no code the line published (a stranger's review: Acme's new
    router pasted into transformers' qwen3 read "the suspect is the published file", low)."""
    heads = {c.path: c.header for c in references}
    out = {}
    for c in suspects:
        held = own.get(c.path)
        if held is None or not same_header(c.header, corpus.header_of(held[0].family, held[1])) \
                or any(held[0].family not in families for families in holding.get(c.path, ())):
            continue
        elders = _elder_orgs(corpus, held[0])
        renoticed = tuple(sorted(
            r for r, (line, path) in dated.items() if line.family == held[0].family and r in heads
            and not same_header(heads[r], corpus.header_of(line.family, path))
            and not _named(r, heads[r], elders)))
        if renoticed:
            out[c.path] = Published(held[0], held[1], renoticed)
    return out


def _elder_orgs(corpus: EmbeddedIndex, line: Line) -> frozenset[str]:
    """Organisations other than ``line``'s with a model line first seen no later than it (all of
    them when it is undated)."""
    seen = line.first_seen[:10]
    return frozenset(str(f["org"]) for f in corpus.meta["families"]
                     if f.get("org") and f["org"] != line.org
                     and (not seen or str(f.get("first_seen") or "9999")[:10] <= seen))


def _named(path: str, header: str, orgs: frozenset[str]) -> bool:
    """A leading block's notices name one of ``orgs`` (or may: the notices layer is not installed)."""
    try:
        from lineage.notices import detect_notices
    except ImportError:
        return True
    return any(n.org in orgs for n in detect_notices(path, header).notices)


def published_pair(published: Mapping[str, Published], suspect: str, reference: str) -> Published | None:
    """The suspect file's publication record when ``reference`` is one of the files it holds against."""
    p = published.get(suspect)
    return p if p is not None and reference in p.renoticed else None


def judged(m: ExhibitMatch, published: Mapping[str, Published]) -> ExhibitMatch:
    """A match of a published suspect file against a reference file holding its code under another
    notice: rated low at most, no copy verdict and no notice judgement, the record said."""
    p = published_pair(published, m.path, m.reference.path)
    if p is None:
        return m
    capped = "low" if at_or_above(m.severity, Severity.MEDIUM) else m.severity
    note = p.note()
    return dataclasses.replace(
        m, severity=capped, severity_before_corpus=m.severity if capped != m.severity else m.severity_before_corpus,
        attribution=None, corpus={**(m.corpus or {}), "published": {"line": p.line.family, "path": p.path}},
        explanation=f"{m.explanation} {note}",
        verdict=f"{PUBLISHED} ({p.line.family}, {p.path}): no copy verdict against the reference, and no notice "
                "judgement from it")
