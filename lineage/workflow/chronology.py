"""Who had the code first: an exhibit's suspect date against the reference lines' first-seen dates.

An exhibit says the suspect took the reference's code.  That needs the reference's code to have
been public when the suspect was made.  The suspect is dated by what `verify` loaded: a release
by its upload to the package index (a date the index sets, not its author), a commit, or a
working tree that is its HEAD commit, by the commit's date (which whoever commits sets freely).
A reference file the corpus holds whole is dated by its line's first-seen date (prior_art.py).

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lineage.vocab import Severity, at_or_above
from lineage.workflow.background import Line
from lineage.workflow.exhibit import ExhibitMatch

SUSPECT_FIRST = "public before the reference's line"  # verdict prefix of a match the dates refute

_BASIS = {"pypi": ("the package index's upload date of the release", True),
          "git": ("the date of the commit (set by whoever commits)", False),
          "dir": ("the date of the HEAD commit the working tree is (set by whoever commits)", False)}


@dataclass(frozen=True)
class Chronology:
    """The suspect's date, what it rests on, and the reference files the corpus dates."""

    date: str  # "" when the suspect has none (a plain directory, a file, an archive)
    basis: str
    settled: bool  # a date no author sets (the package index's)
    lines: Mapping[str, Line]  # reference path -> the indexed line whose file it is

    @classmethod
    def of(cls, inputs: Mapping[str, Any], lines: Mapping[str, Line]) -> "Chronology":
        date = str(inputs.get("date") or "")[:10]
        basis, settled = _BASIS.get(str(inputs.get("kind", "")), ("", False))
        if inputs.get("release"):  # a tree the package index confirmed is that release (source/published.py)
            basis, settled = f"the package index's upload date of {inputs['release']}, whose wheel holds these files", True
        return cls(date if basis else "", basis if date else "", settled and bool(date), lines)

    def later(self, reference_path: str) -> Line | None:
        """The dated line of a reference file first seen after the suspect's date, if it is one."""
        line = self.lines.get(reference_path)
        if not self.date or line is None or not line.first_seen or line.first_seen <= self.date:
            return None
        return line

    def suspect_first(self, reference_path: str) -> bool:
        """Dates no author sets show the suspect public before the reference file's line."""
        return self.settled and self.later(reference_path) is not None

    def judged(self, m: ExhibitMatch) -> ExhibitMatch:
        """A match against a reference file whose line the suspect's date precedes: rated low at
        most, with no copy verdict and no notice judgement, on a settled date; said, on a
        commit's date."""
        line = self.later(m.reference.path)
        if line is None:
            return m
        when = (f"The suspect is dated {self.date} ({self.basis}), before {line.family} "
                f"({line.org or 'organisation not labelled'}) was first seen ({line.first_seen})")
        if not self.settled:
            note = (f"{when}: if that date is true, the suspect did not take this code from the reference's line "
                    "(it may be the code's origin, or hold it from an origin both share); a commit's date is "
                    "whoever committed's word, so check it against the repository's public history.")
            return dataclasses.replace(m, explanation=f"{m.explanation} {note}")
        note = f"{when}: it cannot have taken this code from the reference's line, so it is rated low at most here."
        capped = "low" if at_or_above(m.severity, Severity.MEDIUM) else m.severity
        corpus = {**(m.corpus or {}), "suspect_first": True}
        return dataclasses.replace(
            m, severity=capped, severity_before_corpus=m.severity if capped != m.severity else m.severity_before_corpus,
            attribution=None, corpus=corpus, explanation=f"{m.explanation} {note}",
            verdict=f"{SUSPECT_FIRST} ({line.family}, first seen {line.first_seen}; the suspect {self.date}): "
                    "no copy verdict against the reference, and no notice judgement from it")

    def section(self, matches: Iterable[ExhibitMatch]) -> dict[str, Any]:
        """The exhibit's "chronology": the suspect's date and basis, the reference lines it
        precedes, and one sentence a reader can check."""
        cited = sorted({m.reference.path for m in matches})
        dated = {p: self.lines[p] for p in cited if p in self.lines and self.lines[p].first_seen}
        later = sorted({(line.first_seen, line.family) for p, line in dated.items() if self.later(p)})
        return {"suspect_date": self.date or None, "basis": self.basis or None, "settled": self.settled,
                "reference_lines_after_suspect": [f for _, f in later], "statement": self._statement(dated, later)}

    def _statement(self, dated: Mapping[str, Line], later: list[tuple[str, str]]) -> str:
        if not self.date:
            return ("The suspect has no date here (a directory that is not a clean git checkout, a file or an "
                    "archive): the dates cannot order the pair; verify REPO@REV or name==version to date it.")
        said = f"The suspect is dated {self.date} ({self.basis})"
        if not dated:
            return (f"{said}; no matched reference file is an indexed line's file, so the corpus gives the "
                    "reference no date to order the pair by.")
        if not later:
            first = max((line.first_seen, line.family) for line in dated.values())
            return (f"{said}, on or after the first-seen date of every matched reference line (latest "
                    f"{first[1]}, {first[0]}): the dates allow the suspect to hold the reference's code.")
        names = ", ".join(f"{f} ({d})" for d, f in later)
        if self.settled:
            return (f"{said}, before these reference lines were first seen: {names}. It cannot have taken their "
                    "code from them: matches against their files are rated low at most and judge no notice.")
        return (f"{said}, before these reference lines were first seen: {names}. If that date is true, the suspect "
                "did not take their code from them; a commit's date is whoever committed's word, so the ratings "
                "stand until it is checked against the repository's public history.")
