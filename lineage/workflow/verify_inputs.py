"""What `verify` could not compare, on either side, and how the exhibit says so.

A file that could not be read, decoded or analysed (binary, not a regular file, over a size cap
or the CPU budget) was not compared at all: an exhibit that lists it only by its hash would
read as if it had been.  Both sides' per-file failures are the `FileError`s a scan reports
(``unchecked``: nothing is known about the file's content, what `lineage scan` lists under
NOT CHECKED); the exhibit records them in ``inputs.<side>.errors`` and ``not_compared`` and
repeats them as warnings, which every format of the exhibit shows up front.

The suspect side is scanned, so its failures are the scan's.  The reference side is
fingerprinted into the in-memory index, which keeps no errors: its decoding failures are
found again for every file (cheap), and parsing is redone only for the files the index holds
nothing of (the reason they are missing) and for the files the exhibit cites, since parsing a
whole package twice would double the cost of the comparison.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from lineage.compact.files import compact_all
from lineage.fingerprint.params import FingerprintParams
from lineage.index.embedded import EmbeddedIndex
from lineage.models import FileError, read_in_part
from lineage.parse.decode import decode_source
from lineage.source.target import LoadedTarget

SHOWN = 20  # warnings per side and kind; the JSON lists every one


def reference_errors(loaded: LoadedTarget, index: EmbeddedIndex, cited: Collection[str]) -> tuple[FileError, ...]:
    """The reference side's per-file failures, as a scan of it reports them (see the module
    docstring for which files are parsed again)."""
    rows = index.meta["files"]
    units = np.bincount(index.arrays["u_file"].astype(np.int64), minlength=len(rows)).tolist()
    missing = {row["path"] for row, n in zip(rows, units) if n == 0}
    again = [f for f in loaded.files if f.path in missing or f.path in cited]
    errors = list(loaded.errors)
    errors += [e for cf in compact_all(again, FingerprintParams()) for e in cf.errors]
    parsed = {f.path for f in again}
    errors += [e for f in loaded.files if f.path not in parsed for e in decode_source(f.path, f.data)[1]]
    return ordered(errors)


def ordered(errors: Sequence[FileError]) -> tuple[FileError, ...]:
    """Unique, in path order: the exhibit is byte-identical for the same inputs."""
    unique = {(e.path, e.stage, e.reason, e.unchecked): e for e in errors}
    return tuple(unique[k] for k in sorted(unique))


def error_fields(errors: Sequence[FileError]) -> dict[str, Any]:
    """``errors`` (every failure, ``unchecked`` as in scan's JSON) and ``not_compared`` (the
    paths whose content was not compared at all) for a side's inputs."""
    missed, partly = read_in_part(errors)
    return {"errors": [{"path": e.path, "stage": e.stage, "reason": e.reason, "unchecked": e.unchecked,
                        **({"partly": True} if e.partly else {})} for e in errors],
            "not_compared": sorted({e.path for e in missed}),
            **({"compared_in_part": sorted({e.path for e in partly})} if partly else {})}


def _lines(side: str, label: str, errors: Sequence[FileError]) -> list[str]:
    out = [f"{label} ({side}) {e.path}: {e.stage}: {e.reason}" for e in errors[:SHOWN]]
    if len(errors) > SHOWN:
        out.append(f"{label} ({side}): {len(errors) - SHOWN} more (inputs.{side}.errors in --format json)")
    return out


def error_warnings(side: str, errors: Sequence[FileError]) -> list[str]:
    """The exhibit's warnings for one side: files not compared first, then the other problems
    (a syntax error scanned with error recovery, bytes replaced, a link out of the tree)."""
    missed, partly = read_in_part(errors)
    return (_lines(side, "NOT COMPARED", missed) + _lines(side, "COMPARED IN PART (what it runs not read)", partly)
            + _lines(side, "PROBLEM", [e for e in errors if not e.unchecked]))


def not_compared_sentence(suspect: Sequence[FileError], reference: Sequence[FileError]) -> str:
    """For the exhibit's statement: how many files of each side were not compared at all."""
    counts = [(len({e.path for e in read_in_part(errs)[0]}), side)
              for side, errs in (("suspect", suspect), ("reference", reference))]
    if not any(n for n, _ in counts):
        return ""
    said = " and ".join(f"{n} {side} file{'s' if n != 1 else ''}" for n, side in counts if n)
    return (f"Not compared: {said} (unreadable, binary or too costly to analyse; listed in the warnings): "
            "nothing is known about their content. ")


NO_BACKGROUND = ("no corpus background (--no-index): rarity and commonness come from the two sides alone, "
                 "so code that many model families share can look rare and be rated as a copy; "
                 "verify against an index to rule that out")


EMPTY_REFERENCE = ("the reference side holds no Python code to compare against (no Python file, or files "
                   "without a function or class): nothing was compared, and no match is no evidence")


EMPTY_SUSPECT = ("the suspect side holds no Python code to compare (files without a function or class, "
                 "or empty): nothing was compared, and no match is no evidence")


def warnings_of(background: EmbeddedIndex | None, suspect: Sequence[FileError],
                reference: Sequence[FileError], compared: bool = True, suspect_code: bool = True) -> tuple[str, ...]:
    """No corpus background, nothing on the reference side to compare against or on the suspect
    side to compare, then every file of either side not compared or read with a problem."""
    return ((() if background is not None else (NO_BACKGROUND,)) + (() if compared else (EMPTY_REFERENCE,))
            + (() if suspect_code else (EMPTY_SUSPECT,))
            + tuple(error_warnings("suspect", suspect)) + tuple(error_warnings("reference", reference)))
