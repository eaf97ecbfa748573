"""A source's licence file and the notice it holds.

torchvision's model files name no one: its notice ("Copyright (c) Soumith Chintala 2016") stands in
its LICENSE alone.  The build reads that file beside the model files (a wheel's ``.dist-info``
licence file, or the one at the root of a repository or folder) and keeps its copyright lines as
the notice of the families whose own files name no one (index/build.notice_files).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lineage.models import SourceFile

READ = (".py", "LICENSE", "LICENCE", "COPYING", "LICENSE.txt", "LICENSE.md", "LICENCE.txt", "LICENCE.md",
        "COPYING.txt")  # (a folder's or repository's files read: its Python and its licence file)
# a notice: "Copyright", "(c)" or "©" opening a line that gives a year (the licence's own sentences give none)
_LICENCE_LINE = re.compile(r"^[ \t]*(?:copyright\b|\(c\)|©)[^\n]*?\b(?:19|20)\d\d\b[^\n]*",
                           re.IGNORECASE | re.MULTILINE)
_TEMPLATE = re.compile(r"\[|\bnotice\b|\bholders?\b|\bowner\b", re.IGNORECASE)  # the licence's own wording
_HEAD_BYTES = 16_384  # (a licence's notice is at its top, or right after an Apache text)
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[-–,]\s*(?:(?:19|20)\d\d|present)?)*", re.IGNORECASE)
_MARK = re.compile(r"^(?:copyright\b\s*)?(?:\(c\)|©)?\s*", re.IGNORECASE)


def licence_notice(licences: Sequence[SourceFile]) -> dict[str, str]:
    """{"path", "header"} of the source's licence file when it holds copyright lines, the header
    those lines as comment lines at their own line numbers (how a reference header is read), else
    {}.  A copy of torchvision's code keeping none of its notice had read "none-needed" (a stranger's
    review).  The licence's own boilerplate ("the above copyright notice", "Copyright [yyyy] [name
    of copyright owner]") is no notice."""
    for f in sorted(licences, key=lambda f: (f.path.count("/"), f.path)):
        text = f.data[:_HEAD_BYTES].decode("utf-8", "replace")
        found = [(text.count("\n", 0, m.start()) + 1, m.group(0).strip()) for m in _LICENCE_LINE.finditer(text)]
        found = [(n, line) for n, line in found if not _TEMPLATE.search(line)]
        if found:  # (each at its own line number, as a finding quotes it: blank lines between)
            rows = [""] * found[-1][0]
            for n, line in found:
                rows[n - 1] = f"# {_years_first(line)}"
            return {"path": f.path, "header": "\n".join(rows) + "\n"}
    return {}


def _years_first(line: str) -> str:
    """A copyright line as notices are written in source files, its years before its holder:
    "Copyright (c) Soumith Chintala 2016," reads "Copyright (c) 2016 Soumith Chintala", whose holder
    is the person, not "Soumith Chintala 2016" (a review: "Copyright (C) 2016 Soumith Chintala" in a
    copy had read as another holder)."""
    years = " ".join(y.strip(" ,-–") for y in _YEARS.findall(line))
    holder = _YEARS.sub(" ", _MARK.sub("", line, count=1))
    holder = re.sub(r"\s+", " ", holder).strip(" ,.;:")
    return f"Copyright (c) {years} {holder}".replace("  ", " ")
