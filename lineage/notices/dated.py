"""A reference's notices as of the scanned code's date: a holder whose every year on its line is
later than the code was published cannot have had its notice removed from that code.

Ports carry the notices of whoever worked on them since: transformers' ESM port keeps "Copyright
(c) 2025, NVIDIA CORPORATION" beside Meta's and Hugging Face's lines, and Meta's own release of
2022 (fair-esm 2.0.0) read as "NVIDIA's notice removed" (a stranger's review).  The date is the
one the index is restricted to (a release's publication, a commit's, `--as-of`): code published
before a notice was written owes it nothing.  A line without a year is kept.
"""

from __future__ import annotations

import dataclasses
import re

from lineage.notices.records import FileNotices, Notice

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def written_after(notice: Notice, date: str) -> bool:
    """Every year the notice's line names is later than the year of ``date`` (ISO), which it names."""
    years = [int(y) for y in _YEAR.findall(notice.statement)]
    return bool(years) and len(date) >= 4 and date[:4].isdigit() and min(years) > int(date[:4])


def as_of(found: FileNotices, date: str) -> FileNotices:
    """The notices of ``found`` that can have been written by ``date`` (all of them without one)."""
    if not date or not any(written_after(n, date) for n in found.notices):
        return found
    return dataclasses.replace(found, notices=tuple(n for n in found.notices if not written_after(n, date)))
