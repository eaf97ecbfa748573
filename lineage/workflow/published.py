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
copy only because the corpus holds another version of the origin's file (version skew); so is a
reference whose own input (a release, REPO@REV) dates it before the line (a second review: one
committed in 2021 against a line of 2023 was capped all the same).

A unit the suspect's file holds beside such a record is `first_judged`: a suspect file the corpus
holds byte for byte, against a reference that took some of its units into a file of its own.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from lineage.compact.files import CompactFile
from lineage.models import SourceFile
from lineage.index.embedded import EmbeddedIndex
from lineage.vocab import Severity, at_or_above
from lineage.workflow.background import Holders, Line
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
                       holding: Mapping[str, Sequence[tuple[str, ...]]], reference_date: str = "") -> dict[str, Published]:
    """Suspect path -> what makes it its line's published file against which reference files.
    ``own`` and ``dated``: suspect and reference path -> (the indexed line whose file it is as a
    whole, that line's file), prior_art.whole_lines; ``holding``: suspect path -> the families the
    corpus shows holding each of its matched units.  Every matched unit must be the line's: a
    published file with a class of the reference's own added is explained as a whole by the line
    all the same, and that class is no code the line published (a stranger's review: Acme's new
    router pasted into transformers' qwen3 read "the suspect is the published file", low).
    ``reference_date``: the reference side's own date, if it has one: one before the line's makes
    no such record (the reference may be where the line took the code)."""
    heads = {c.path: c.header for c in references}
    out = {}
    for c in suspects:
        held = own.get(c.path)
        if held is None or not same_header(c.header, corpus.header_of(held[0].family, held[1])) \
                or (reference_date and reference_date[:10] < held[0].since[:10]) \
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


FIRST = "the suspect's line published this code first"  # verdict prefix of a unit the corpus shows so


@dataclass(frozen=True)
class Issued:
    """A file the corpus holds byte for byte: the lines holding it (earliest public first), and the
    earliest upload date of a release the corpus took it from ("" unknown): the code of that very
    file was public by then, whatever its line's date (vLLM's llama.py of 0.33.0 holds code vLLM
    first shipped years after its llama line)."""

    lines: tuple[Line, ...]
    released: str
    sources: tuple[str, ...]


def as_published(corpus: EmbeddedIndex, files: Mapping[str, bytes]) -> dict[str, Issued]:
    """Path -> how the corpus holds that very file (its bytes' SHA-256 an indexed file's), for each
    of the given files that is one."""
    held = _by_digest(corpus)
    released = {str(x.get("name", "")): (str(x.get("released") or ""), f"{x.get('name')} {x.get('version') or ''}".strip())
                for x in corpus.header.get("sources", [])}
    out = {}
    for path, data in files.items():
        rows = sorted(set(held.get(hashlib.sha256(data).hexdigest(), ())))
        if rows:
            lines = [Line(corpus.family_keys[r], str(corpus.meta["families"][r].get("org") or ""),
                          str(corpus.meta["families"][r].get("first_seen") or ""), public=corpus.public[r])
                     for r in rows]
            froms = sorted({released.get(str(corpus.meta["families"][r]["source"]), ("", ""))[::-1] for r in rows},
                           key=lambda x: (not x[1], x[1]))
            out[path] = Issued(tuple(sorted(lines, key=lambda x: (not x.since, x.since, x.family))), froms[0][1][:10],
                               tuple(name for name, _ in froms))
    return out


@functools.lru_cache(maxsize=4)
def _by_digest(corpus: EmbeddedIndex) -> dict[str, tuple[int, ...]]:
    """SHA-256 of an indexed file -> the family rows holding it."""
    out: dict[str, list[int]] = {}
    for f in corpus.meta["files"]:
        if f.get("sha256"):
            out.setdefault(str(f["sha256"]), []).append(int(f["family"]))
    return {k: tuple(v) for k, v in out.items()}


def first_published(lines: Sequence[Line], holders: Holders | None) -> bool:
    """The corpus shows the suspect file's lines (``lines``: those holding that very file, earliest
    first) publishing the unit's code before anyone else: one of them holds it, and every other
    holder is public after the earliest, or is a line of the same maker in the same source as one
    of them (mlx-lm's Qwen2-MoE port beside its Qwen2 port: one publisher's files).  An undated
    holder may be earlier: not so."""
    own = {x.family for x in lines}
    first = lines[0].since[:10] if lines else ""
    if holders is None or not first or not own & set(holders.families):
        return False
    makers = {(x.family.partition(":")[0], x.org) for x in lines if x.org}
    return all(h.family in own or (h.family.partition(":")[0], h.org) in makers
               or (h.since and h.since[:10] > first) for h in holders.rows)


def first_judged(m: ExhibitMatch, published: Mapping[str, Issued], holders: Holders | None,
                 reference_date: str = "", indexed: Collection[str] = ()) -> ExhibitMatch:
    """A unit of a suspect file the corpus holds byte for byte, whose code no other maker's indexed
    line had before that file's line: rated low at most, with no copy verdict and no notice
    judgement, when the reference is dated after the release the corpus took the file from, or
    has no date.  The exhibit asks whether the suspect took the reference's code; the record shows
    the suspect's very file public by that release, so the reference would have to be public
    before it (a stranger's review: vLLM's own ernie45_moe.py, given as the suspect against a file
    that pasted its MoE class in, read as a high copy of that file; mlx-lm's qwen2.py against
    mlx-vlm's port of it likewise).  The file-level record (`published_suspects`) covers a
    reference holding the line's file as a whole; this covers units taken into another file.
    ``reference_date``: the reference side's own date (a release's upload, a commit's): one before
    the release lets the exhibit order the pair, and the match is judged as ever (a second review:
    the line's first-seen date had cleared an origin committed after it but before the release,
    whose code the line's first files never held); so is a match against a reference file the
    corpus holds too, byte for byte (``indexed``): the chronology orders two published files."""
    issued = published.get(m.path)
    if issued is None or not issued.released or {"published", "suspect_first"} & set(m.corpus or {}) \
            or not first_published(issued.lines, holders) or m.reference.path in indexed \
            or (reference_date and reference_date[:10] < issued.released):
        return m  # (a match the file-level record or the dates judged says so already; a reference the corpus holds too)
    line, since = issued.lines[0], issued.released
    capped = "low" if at_or_above(m.severity, Severity.MEDIUM) else m.severity
    dated = (f"the reference is dated {reference_date[:10]}, after it" if reference_date else
             "the reference has no date here: given as a release or REPO@REV it would have one")
    note = (f"The suspect file is, byte for byte, {line.family}'s published file "
            f"({line.org or 'organisation not labelled'}) as {' and '.join(issued.sources)} released it by {since}, and the "
            "corpus holds this code in no other maker's line public before that line: the reference would have to "
            f"be public before {since} for the suspect to have taken it, which this exhibit cannot show ({dated}).")
    return dataclasses.replace(
        m, severity=capped, severity_before_corpus=m.severity if capped != m.severity else m.severity_before_corpus,
        attribution=None, corpus={**(m.corpus or {}), "published_first": {"line": line.family, "released": since}},
        explanation=f"{m.explanation} {note}",
        verdict=f"{FIRST} ({line.family}, released by {since}): no copy verdict against the reference, and no "
                "notice judgement from it")


def first_publications(corpus: EmbeddedIndex, suspects: Sequence[SourceFile], references: Sequence[SourceFile],
                       reference_date: str, matches: Sequence[ExhibitMatch],
                       held: Mapping[tuple[str, str, int], Holders]) -> tuple[ExhibitMatch, ...]:
    """The matches, each of a suspect file the corpus holds byte for byte judged by `first_judged`
    (``held``: per suspect unit, the corpus lines holding its code; ``reference_date``: the
    reference side's own date, "" when it has none)."""
    mine = as_published(corpus, {x.path: x.data for x in suspects})
    if not mine:
        return tuple(matches)
    theirs = as_published(corpus, {x.path: x.data for x in references})
    return tuple(first_judged(m, mine, held.get((m.path, m.unit, m.start_line)), reference_date, theirs)
                 for m in matches)
