"""A suspect file that is a copy of a reference file as a whole: a rating of its own in an exhibit.

Each unit of a copied model file may be code that many model lines share, and so be rated low
at most on its own (background.py); a file whose every unit the reference explains (its file
score at least WHOLE_FILE) is still a copy of that file, as `scan` says too.  The exhibit rates
the file itself as a scan rates the notice of such a copy: high when the copy replaced the
reference's notice, medium when it removed it, low when it kept or declared it (a copy, but
attributed).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence

from lineage.classify.codematch import WHOLE_FILE
from lineage.workflow.exhibit import ExhibitMatch, FileScore

UNATTRIBUTED = ("removed", "replaced")


def rated(files: Sequence[FileScore], matches: Sequence[ExhibitMatch], notice_refs: Mapping[str, str],
          frameworks: Mapping[str, Sequence[str]] | None = None) -> tuple[FileScore, ...]:
    """The files, with a severity and a verdict for each whole-file copy; ``frameworks``: per
    suspect file, the framework holders whose notices it did not keep (said, not rated: a
    framework's notice names the publisher, not a model's author)."""
    out = []
    for f in files:
        mine = [m for m in matches if m.path == f.path]
        if f.score < WHOLE_FILE or not mine:
            out.append(f)
            continue
        ref = notice_refs.get(f.path) or Counter(m.reference.path for m in mine).most_common(1)[0][0]
        states = sorted({m.attribution for m in mine if m.attribution})
        # as a scan rates the notice finding of such a copy: removed medium, replaced high
        severity = "high" if "replaced" in states else "medium" if "removed" in states else "low"
        kept = ": no vendor's notice is owed" if states == ["none-needed"] else ": its notice was not removed or replaced"
        dropped = (frameworks or {}).get(f.path, ())
        verdict = (f"copy of the whole reference file {ref} (file score {f.score:.2f})"
                   + (f", notice {'/'.join(states)}" if states else "")
                   + ("" if set(states) & set(UNATTRIBUTED) else kept)
                   + (f"; the framework notice of {', '.join(dropped)} is not kept, though its licence obliges "
                      "keeping notices" if dropped else ""))
        out.append(dataclasses.replace(f, severity=severity, verdict=verdict))
    return tuple(out)


def whole_sentence(files: Sequence[FileScore]) -> str:
    """The summary's sentence on whole-file copies ("" when there are none)."""
    whole = [f for f in files if f.severity]
    if not whole:
        return ""
    high = sum(1 for f in whole if f.severity == "high")
    medium = sum(1 for f in whole if f.severity == "medium")
    low = len(whole) - high - medium
    parts = [f"{high} high: notice replaced", f"{medium} medium: removed"] + \
        ([f"{low} low: notice kept or none owed"] if low else [])
    return (f"{len(whole)} {'file is a copy' if len(whole) == 1 else 'files are copies'} of a reference file as "
            f"a whole ({'; '.join(parts)}), whatever each unit's rating alone. ")
