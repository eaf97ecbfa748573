"""Code a scanned commit holds that the index first saw after the commit's date.

`lineage scan REPO@REV` travels back to the commit's date: families first seen later cannot be
the source of code written before them.  But a commit's date is whatever its author set: a
verbatim copy of 2025 code committed with GIT_COMMITTER_DATE=2021-01-01 read as "matches only
common idioms", exit 0.  The files are matched against the whole index as well; a unit that
holds a later family's code at medium or high, where no family of the commit's time holds it
so, is an anachronism finding: either the later reference took this code in (the commit holds
its origin: an original checked out at its release), or the commit's date is false.  Code
cannot tell which; the finding says both, at medium, and is not a copy verdict.  A release's
date is not the tree's own word once the package index has confirmed the tree is that release,
file for file (source/published.py): the later family took the code in, and the finding is
information.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from lineage.models import Finding
from lineage.vocab import finding_id

KIND = "anachronism"
COPIED = ("medium", "high")


def anachronisms(later: Sequence[Finding], kept: Sequence[Finding], date: str,
                 public: Mapping[str, str], date_of: str = "", confirmed: bool = False) -> list[Finding]:
    """The units that ``later`` (findings against the whole index) rate a copy of a family public
    only after ``date`` (``public``: restrict.public_dates) and ``kept`` (findings against the
    index as of ``date``) do not rate a copy.  ``date_of``: whose date it is, when not the
    scanned commit's (a release's, source/distinfo.py); ``confirmed``: the package index
    published these very files on that date (source/published.py)."""
    whose = date_of or "the scanned commit's date"
    false = ("a tree's METADATA and RECORD are its own word" if date_of else "git dates can be set freely")
    held = {(f.path, f.unit) for f in kept if f.kind == "code-match" and f.severity in COPIED}
    out: list[Finding] = []
    for f in later:
        if f.kind != "code-match" or f.severity not in COPIED or not f.matches or (f.path, f.unit) in held:
            continue
        ref = f.matches[0].ref
        seen = public.get(ref.family, "") or str(ref.first_seen or "")
        if not seen or seen <= date:
            continue
        said = (f"{f.unit} (lines {f.start_line}-{f.end_line}) holds the code of {ref.unit} in {ref.path} "
                f"({ref.family}, {ref.org or 'unlabelled'}), public from {seen}, after {whose} "
                f"({date}); time travel took that family out of the index, and no family first seen by then "
                "holds this code so closely. ")
        why = said + ("The package index published these very files on that date (the release's wheel lists "
                      "them with these hashes): the reference took this code in later, and the scanned code "
                      "holds its origin." if confirmed else
                      "Either the reference took this code in later (the scanned code holds its origin), or "
                      f"that date is false: {false}. Rerun with `--as-of` a later date to see it judged as a copy.")
        out.append(dataclasses.replace(f, id=finding_id(f.path, KIND, f.unit, ref.family), kind=KIND,
                                       severity="info" if confirmed else "medium", attribution=None,
                                       explanation=why))
    return out


def clause(found: Sequence[Finding]) -> str:
    """The verdict clause of a file's anachronism findings, or ""."""
    if not found:
        return ""
    families = sorted({f.matches[0].ref.family for f in found})
    names = ", ".join(families[:3]) + (f" and {len(families) - 3} more" if len(families) > 3 else "")
    why = ("it took this code in later: the package index published these files by then"
           if all(f.severity == "info" for f in found) else "either it took this code in later, or the date is false")
    return (f"anachronism: {len(found)} unit{'' if len(found) == 1 else 's'} hold code of {names}, public only "
            f"after the scanned code's date ({why})")
