"""Who had the code first: an exhibit's suspect date against the reference lines' first-seen dates.

An exhibit says the suspect took the reference's code.  That needs the reference's code to have
been public when the suspect was made.  The suspect is dated by what `verify` loaded: a release
by its upload to the package index (a date the index sets, not its author), a commit, or a
working tree that is its HEAD commit, by the commit's date (which whoever commits sets freely).
A reference file the corpus holds whole is dated by its line (prior_art.py): the earliest first-seen
date any source of the corpus gives that model line (transformers 4.51.3 saw Qwen3 on 2025-04-14,
the current transformers on 2025-04-29).  First-seen dates are the models' own; their code is often
public some weeks before (support merged into an engine ahead of a launch), so a suspect dated less
than AHEAD_DAYS before the line is too close to order against it.

A wheel or sdist file is dated by its upload when the package index lists a file of that name
with that SHA-256 (source/released.published_date).
An unpacked release whose files the package index's wheel holds, file for file, is dated by that wheel's
upload, as a scan dates it (source/published.py).

A suspect dated before the reference's line was first seen cannot have taken the code from it:
it may be the code's origin, or hold it from an origin both share.  On a date no author sets
(the package index's), each match against such a reference file is rated low at most and judges
no notice, as code the corpus shows in earlier lines is.  On a commit date, the ratings stay and
each such match says the date would refute the copy if true: a reviewer checks the date against
the repository's public history (scan's anachronism findings take the same stance).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lineage.index.embedded import EmbeddedIndex
from lineage.vocab import Severity, at_or_above, model_line
from lineage.workflow.background import Line
from lineage.workflow.exhibit import ExhibitMatch

SUSPECT_FIRST = "public before the reference's line"  # verdict prefix of a match the dates refute

AHEAD_DAYS = 90  # how long before a model's first-seen date its code may already be public

_BASIS = {"pypi": ("the package index's upload date of the release", True),
          "git": ("the date of the commit (set by whoever commits)", False),
          "dir": ("the date of the HEAD commit the working tree is (set by whoever commits)", False)}


def line_dates(corpus: EmbeddedIndex) -> dict[str, str]:
    """Model line -> the earliest first-seen date any source of the corpus gives it."""
    out: dict[str, str] = {}
    for f in corpus.meta["families"]:
        seen = str(f.get("first_seen") or "")[:10]
        if _day(seen) is not None and (str(f["name"]) not in out or seen < out[str(f["name"])]):
            out[str(f["name"])] = seen
    return out


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Chronology:
    """The suspect's date, what it rests on, and the reference files the corpus dates."""

    date: str  # "" when the suspect has none (a plain directory, an archive, an index that did not answer)
    basis: str
    settled: bool  # a date no author sets (the package index's)
    lines: Mapping[str, Line]  # reference path -> the indexed line whose file it is
    earliest: Mapping[str, str]  # model line -> its earliest first-seen date in the corpus (line_dates)
    kind: str = ""  # the suspect's kind of input ("pypi", "git", "dir", ...)
    background: bool = True  # a corpus gave the reference its dates

    @classmethod
    def of(cls, inputs: Mapping[str, Any], lines: Mapping[str, Line], corpus: EmbeddedIndex | None) -> "Chronology":
        date = str(inputs.get("date") or "")[:10]
        kind = str(inputs.get("kind", ""))
        basis, settled = _BASIS.get(kind, ("", False))
        if inputs.get("release"):  # a tree the package index confirmed is that release (source/published.py)
            basis, settled = f"the package index's upload date of {inputs['release']}, whose wheel holds these files", True
        dated = bool(date and basis and _day(date))
        return cls(date if dated else "", basis if dated else "", settled and dated, lines,
                   line_dates(corpus) if corpus is not None else {}, kind, corpus is not None)

    def later(self, reference_path: str) -> tuple[Line, str, int] | None:
        """(line, its earliest first-seen date, days between) for a reference file whose line the
        corpus first saw after the suspect's date."""
        line = self.lines.get(reference_path)
        if not self.date or line is None or not line.first_seen:
            return None
        seen = self.seen(line)
        start, end = _day(self.date), _day(seen)
        if start is None or end is None or end <= start:
            return None
        return line, seen, (end - start).days

    def port_later(self, reference_path: str) -> tuple[Line, str, int] | None:
        """(line, when the reference file's code was public in its source, days between) for a
        reference file that its source published after the suspect's date while its line was
        public by then elsewhere (an engine's port of an older model): the suspect did not take
        this file, though it may hold the line's earlier code, so the ratings stand."""
        line = self.lines.get(reference_path)
        if not self.date or line is None or not line.since or self.later(reference_path) is not None:
            return None
        start, end = _day(self.date), _day(line.since)
        if start is None or end is None or end <= start:
            return None
        return line, line.since[:10], (end - start).days

    def seen(self, line: Line) -> str:
        """The earliest first-seen date the corpus gives a reference file's line."""
        return min(line.first_seen[:10], self.earliest.get(model_line(line.family), line.first_seen[:10]))

    def suspect_first(self, reference_path: str) -> bool:
        """Dates no author sets show the suspect public well before the reference file's line."""
        gap = self.later(reference_path)
        return self.settled and gap is not None and gap[2] > AHEAD_DAYS

    def judged(self, m: ExhibitMatch) -> ExhibitMatch:
        """A match against a reference file whose line the suspect's date precedes: rated low at
        most, with no copy verdict and no notice judgement, on a settled date well before; said,
        on a commit's date or one too close."""
        gap = self.later(m.reference.path)
        if gap is None:
            return self._port_note(m)
        line, seen, days = gap
        when = (f"The suspect is dated {self.date} ({self.basis}), {days} days before {line.family} "
                f"({line.org or 'organisation not labelled'}) was first seen ({seen}, the earliest date the corpus "
                "gives its line)")
        if not self.suspect_first(m.reference.path):
            why = ("a commit's date is whoever committed's word, so check it against the repository's public history"
                   if not self.settled else
                   f"a model's code is often public some weeks before its first-seen date, so within {AHEAD_DAYS} "
                   "days the dates cannot order the pair")
            note = (f"{when}: if the code was not public before then, the suspect did not take it from the "
                    f"reference's line (it is its origin, an earlier publication of it, or holds it from an origin "
                    f"both share); {why}.")
            return dataclasses.replace(m, explanation=f"{m.explanation} {note}",
                                       corpus={**(m.corpus or {}), "dates": note})
        note = (f"{when}: it did not take this code from the reference's line (it is its origin, an earlier "
                "publication of it, or holds it from an origin both share), so it is rated low at most here.")
        capped = "low" if at_or_above(m.severity, Severity.MEDIUM) else m.severity
        corpus = {**(m.corpus or {}), "suspect_first": True, "dates": note}
        return dataclasses.replace(
            m, severity=capped, severity_before_corpus=m.severity if capped != m.severity else m.severity_before_corpus,
            attribution=None, corpus=corpus, explanation=f"{m.explanation} {note}",
            verdict=f"{SUSPECT_FIRST} ({line.family}, first seen {seen}; the suspect {self.date}): "
                    "no copy verdict against the reference, and no notice judgement from it")

    def _port_note(self, m: ExhibitMatch) -> ExhibitMatch:
        """A match against a reference file its source published after the suspect's date: said."""
        gap = self.port_later(m.reference.path)
        if gap is None:
            return m
        line, since, days = gap
        note = (f"The suspect is dated {self.date} ({self.basis}), {days} days before this reference file's code "
                f"was public in its source ({line.family}, since {since}): it did not take the code from this file, "
                f"but {model_line(line.family)}'s code was public earlier elsewhere (first seen "
                f"{self.seen(line)}), and the suspect may hold that, so the rating stands; a reference file "
                "public before the suspect shows the copy better.")
        return dataclasses.replace(m, explanation=f"{m.explanation} {note}", corpus={**(m.corpus or {}), "dates": note})

    def section(self, matches: Iterable[ExhibitMatch]) -> dict[str, Any]:
        """The exhibit's "chronology": the suspect's date and basis, the reference lines it
        precedes, and one sentence a reader can check."""
        cited = sorted({m.reference.path for m in matches})
        dated = {p: self.lines[p] for p in cited if p in self.lines and self.lines[p].first_seen}
        later = {p: g for p in dated if (g := self.later(p)) is not None}
        first = sorted({(g[1], g[0].family) for p, g in later.items() if self.suspect_first(p)})
        close = sorted({(g[1], g[0].family) for p, g in later.items() if not self.suspect_first(p)})
        ports = sorted({(g[1], g[0].family) for p in dated if (g := self.port_later(p)) is not None})
        return {"suspect_date": self.date or None, "basis": self.basis or None, "settled": self.settled,
                "ahead_days": AHEAD_DAYS, "reference_lines_after_suspect": [f for _, f in first + close],
                "reference_files_after_suspect": [f for _, f in ports],
                "suspect_first": [f for _, f in first], "statement": self._statement(dated, first, close, ports)}

    def _statement(self, dated: Mapping[str, Line], first: list[tuple[str, str]], close: list[tuple[str, str]],
                   ports: Sequence[tuple[str, str]] = ()) -> str:
        if not self.date:
            if self.kind == "pypi":
                return ("The package index gave no upload date for this release (it could not be reached, or did "
                        "not say): the dates cannot order the pair.")
            return ("The suspect has no date here (neither a clean git checkout nor a release the package index "
                    "confirms, nor REPO@REV or name==version): the dates cannot order the pair.")
        said = f"The suspect is dated {self.date} ({self.basis})"
        if not self.background:
            return f"{said}; without a corpus (--no-index) the reference has no date to order the pair by."
        if not dated:
            return (f"{said}; no matched reference file is an indexed line's file, so the corpus gives the "
                    "reference no date to order the pair by.")
        out = []
        if first:
            out.append(f"it was public more than {AHEAD_DAYS} days before these reference lines were first seen: "
                       + ", ".join(f"{f} ({d})" for d, f in first) + "; it did not take their code from them, so "
                       "matches against their files are rated low at most and judge no notice")
        if close:
            why = ("a commit's date is whoever committed's word, so the ratings stand until it is checked against "
                   "the repository's public history" if not self.settled else
                   f"within {AHEAD_DAYS} days the dates cannot order the pair (a model's code is often public some "
                   "weeks before its first-seen date), so the ratings stand")
            out.append("it is dated before these reference lines were first seen: "
                       + ", ".join(f"{f} ({d})" for d, f in close) + f"; {why}")
        if ports:
            out.append("it is dated before these reference files were public in their sources, though their lines' "
                       "code was public earlier elsewhere: " + ", ".join(f"{f} (since {d})" for d, f in ports)
                       + "; it did not take the code from those files, and the ratings stand (it may hold the "
                       "lines' earlier code: a reference file public before the suspect shows the copy better)")
        if not out:
            last = max((self.seen(line), line.family) for line in dated.values())
            return (f"{said}, on or after the first-seen date of every matched reference line (latest "
                    f"{last[1]}, {last[0]}): the dates allow the suspect to hold the reference's code.")
        return f"{said}: " + "; ".join(out) + "."
