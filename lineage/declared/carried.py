"""Origin markers a file carries, as a copy of it would keep them.

transformers' timesformer says "Adapted from https://github.com/facebookresearch/TimeSformer/..."
above its classes, and CLAP says "Copied from transformers.models.bert...BertSelfAttention with
Bert->ClapText" above its attention.  A copy of such a file keeps those lines: they are the
*reference's* account of where its code came from, not a declaration by the copy that it took
the reference's code.  The index stores each reference file's marker lines (normalised by
:func:`marker_text`), and a unit marker of a scanned file that the matched reference file carries
verbatim declares nothing (classify/declaring.py), as a reference's own header banner does not.

The whole line counts, `with A->B` renaming included: two files that each copied BERT's
attention under their own names carry different lines and each declares its own copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from lineage.declared.text import marker_lines, targets_in
from lineage.notices.fallback import comment_text

MAX_MARKS = 1000  # marker lines kept per reference file (transformers' largest files hold ~60)
MAX_TEXT = 300  # characters kept per marker line


def _plain(line: str) -> str:
    """As notices/compare.py compares declaration lines: comment text, spacing and case dropped."""
    return " ".join(comment_text(line).split()).casefold()[:MAX_TEXT]


def marker_text(lines: Sequence[str], number: int) -> str:
    """The normalised text of the marker on 1-based line ``number`` (comment marks, quotes, spacing
    and case dropped), with the next line when the target sits there ("# Adapted from" / URL)."""
    if not 1 <= number <= len(lines):
        return ""
    text = _plain(lines[number - 1])
    if number < len(lines) and not targets_in(text):
        text = f"{text.rstrip(' :')} {_plain(lines[number])}".strip()[:MAX_TEXT]
    return text


def carried_marks(text: str) -> tuple[str, ...]:
    """Every marker line of a file, normalised and sorted (what the index stores per file)."""
    numbers = marker_lines(text)
    if not numbers:
        return ()
    lines = text.splitlines()
    found = {marker_text(lines, n) for n in numbers}
    found.discard("")
    return tuple(sorted(found))[:MAX_MARKS]
