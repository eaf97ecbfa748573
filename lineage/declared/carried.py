"""Origin markers a file carries, as a copy of it would keep them.

transformers' timesformer says "Adapted from https://github.com/facebookresearch/TimeSformer/..."
above its classes, and CLAP says "Copied from transformers.models.bert...BertSelfAttention with
Bert->ClapText" above its attention.  A copy of such a file keeps those lines: they are the
*reference's* account of where its code came from, not a declaration by the copy that it took
the reference's code.  The index stores each reference file's markers as keys (:func:`marker_key`),
and a marker of a scanned file whose key the matched reference file carries declares nothing
(classify/declaring.py), as a reference's own header banner does not.

A key is the marker's target (URL, path or dotted module path, as declared/text.py reads it:
spacing, case, quotes, backticks and trailing punctuation do not count, nor does a target moved
to the next line) and its `with A->B` renaming: two files that each copied BERT's attention under
their own names carry different keys and each declares its own copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lineage.declared.family import family_of
from lineage.declared.text import marker_lines, scan_lines
from lineage.notices.fallback import comment_text

MAX_MARKS = 1000  # marker keys kept per reference file (transformers' largest files hold ~60)
MAX_KEY = 300  # characters kept per key
UNIT_KINDS = ("copied-from", "adapted-from")
_RENAME = re.compile(r"\bwith\s+([\w.]+\s*->\s*[\w.]+(?:\s*,\s*[\w.]+\s*->\s*[\w.]+)*)", re.IGNORECASE)
_EDGES = "`'\"<>()[]{}.,;: "


def marker_key(target: str, line: str = "") -> str:
    """The key of a marker: its target, normalised, and the `with A->B` renaming its line gives."""
    key = target.strip(_EDGES).casefold()
    rename = _RENAME.search(line)
    if rename:
        key += " with " + re.sub(r"\s+", "", rename.group(1)).casefold()
    return key[:MAX_KEY]


def key_at(target: str, lines: list[str], number: int) -> str:
    """The key of a marker with this target on 1-based line ``number`` of ``lines``."""
    return marker_key(target, lines[number - 1] if 1 <= number <= len(lines) else "")


def line_keys(numbered: Iterable[tuple[int, str]], lines: list[str]) -> set[str]:
    """Keys of the unit markers on the given (1-based number, raw text) lines; a marker whose
    target opens the following line takes it (`lines` is the whole file)."""
    out: set[str] = set()
    for number, raw in numbered:
        chunk = [(number, comment_text(raw))]
        if number < len(lines):
            chunk.append((number + 1, comment_text(lines[number])))
        out.update(marker_key(m.target, lines[m.line - 1] if m.line <= len(lines) else raw)
                   for m in scan_lines(chunk) if m.kind in UNIT_KINDS and m.line == number)
    return out


def carried_marks(text: str) -> tuple[str, ...]:
    """Every marker key of a file, sorted (what the index stores per file)."""
    numbers = marker_lines(text)
    if not numbers:
        return ()
    lines = text.splitlines()
    found = line_keys(((n, lines[n - 1]) for n in numbers if n <= len(lines)), lines)
    found.discard("")
    return tuple(sorted(found))[:MAX_MARKS]


def carried_line(line: str, carried: frozenset[str]) -> bool:
    """A declaration line (as notices/header.py reads it, the target's line joined on) all of whose
    markers the reference carries."""
    keys = {marker_key(m.target, line) for m in scan_lines([(1, line)]) if m.kind in UNIT_KINDS}
    return bool(keys) and keys <= carried


def declared_keys(line: str) -> set[tuple[str, str]]:
    """What a declaration line declares: each marker's kind and key (`marker_key`), none for a line
    naming no target."""
    return {(m.kind, marker_key(m.target, line)) for m in scan_lines([(1, line)])}


def own_declarations(lines: Iterable[str], theirs: Iterable[str]) -> tuple[str, ...]:
    """The lines that declare something other than ``theirs`` (the reference's own declaration lines) do:
    a line declaring the same targets is theirs, whatever was written after them (a stranger's review
    appended words to transformers' generated-from banner, and the copy read as declaring its origin)."""
    carried = set().union(*map(declared_keys, theirs))
    return tuple(line for line in lines if not ((keys := declared_keys(line)) and keys <= carried))


def families_named(keys: Iterable[str]) -> set[str]:
    """The model lines the targets of these keys name."""
    return {f for f in (family_of(k.split(" with ", 1)[0]) for k in keys) if f}
