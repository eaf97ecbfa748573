"""Parse + fingerprint in worker processes, returning compact records (no token streams).

Both the index build and the scan use this, so a reference and a scanned file are
fingerprinted by exactly the same code.  Results come back in input order whatever the
number of workers, so output is deterministic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import fingerprint_file
from lineage.compact.roles import classify, load_rules
from lineage.declared.carried import carried_marks
from lineage.models import FileError, SourceFile, Unit
from lineage.pool import stream_map
from lineage.parse.budget import Budget, OverBudget
from lineage.parse.lines import line_count, numbered_lines
from lineage.parse.units import parse_source

HEADER_LINES = 60


@dataclass(frozen=True, eq=False)
class CompactUnit:
    qualname: str
    kind: str
    start_line: int
    end_line: int
    structure: str
    n_kgrams: int
    bases: tuple[str, ...]
    role: str | None
    role_features: tuple[str, ...]
    s_hash: np.ndarray = field(repr=False)
    s_line: np.ndarray = field(repr=False)
    l_hash: np.ndarray = field(repr=False)
    l_line: np.ndarray = field(repr=False)
    signature: np.ndarray = field(repr=False)


@dataclass(frozen=True, eq=False)
class CompactFile:
    path: str
    sha256: str
    n_lines: int
    header: str  # leading comment/docstring lines, for notice comparison
    units: tuple[CompactUnit, ...]
    n_kgrams: int
    signature: np.ndarray = field(repr=False)
    errors: tuple[FileError, ...] = ()
    text: str = field(default="", repr=False)  # kept only when asked (scans, not builds)
    sha1: str = ""  # of the raw bytes, with the text (SPDX file checksums need SHA-1)
    marks: tuple[str, ...] = ()  # its origin-marker lines (declared/carried.py), stored by an index build
    # every top-level definition, however small: (name, kind, first line, last line, bases), kept
    # with the text (scans): where a class's methods went (classify/adopt.py)
    outline: tuple[tuple[str, str, int, int, tuple[str, ...]], ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (from a worker to the parent) with its units' arrays back to back: five
        arrays per unit, some 350,000 in an index build, cost more to pickle than the rest."""
        packed = _pack(self.units)
        if packed is None:
            return CompactFile, tuple(getattr(self, name) for name in _FILE_FIELDS)
        rest = {name: getattr(self, name) for name in _FILE_FIELDS if name != "units"}
        return _unpacked_file, (rest, *packed)


_ARRAYS = ("s_hash", "s_line", "l_hash", "l_line", "signature")
_UNIT_FIELDS = tuple(f.name for f in fields(CompactUnit) if f.name not in _ARRAYS)
_FILE_FIELDS = tuple(f.name for f in fields(CompactFile))
_Packed = tuple[list[tuple[Any, ...]], list[np.ndarray], list[list[int]]]


def _pack(units: tuple[CompactUnit, ...]) -> _Packed | None:
    """(the units' other fields, each array field's arrays concatenated, where each starts), or
    None when some array field is not 1-D arrays of one dtype (concatenating would change them)."""
    arrays, starts = [], []
    for name in _ARRAYS:
        parts = [getattr(u, name) for u in units]
        if not parts or any(p.ndim != 1 or p.dtype != parts[0].dtype for p in parts):
            return None
        arrays.append(np.concatenate(parts))
        starts.append(np.cumsum([0] + [p.size for p in parts]).tolist())
    return [tuple(getattr(u, name) for name in _UNIT_FIELDS) for u in units], arrays, starts


def _unpacked_file(rest: dict[str, Any], rows: list[tuple[Any, ...]], arrays: list[np.ndarray],
                   starts: list[list[int]]) -> CompactFile:
    cut = [[a[i:j] for i, j in zip(at, at[1:])] for a, at in zip(arrays, starts)]  # views, one per unit
    units = tuple(CompactUnit(**dict(zip(_UNIT_FIELDS, row)), **dict(zip(_ARRAYS, parts)))
                  for row, *parts in zip(rows, *cut))
    return CompactFile(units=units, **rest)


def leading_header(text: str, limit: int = HEADER_LINES) -> str:
    """The comment block and module docstring at the top of a file."""
    lines = numbered_lines(text, limit)
    out = []
    in_doc = False
    for line in lines:
        stripped = line.strip()
        if in_doc:
            out.append(line)
            if '"""' in stripped or "'''" in stripped:
                in_doc = False
            continue
        if not stripped or stripped.startswith("#"):
            out.append(line)
            continue
        if stripped.startswith(('"""', "'''", 'r"""')):
            out.append(line)
            in_doc = stripped.count('"""') + stripped.count("'''") < 2
            continue
        break
    return "\n".join(out)


def _enclosing_bases(class_bases: dict[str, tuple[str, ...]], unit: Unit) -> tuple[str, ...]:
    """A class's own bases, or for a method those of its class (the first class of that name)."""
    if unit.kind == "class":
        return unit.bases
    return class_bases.get(unit.qualname.rpartition(".")[0], ())


def compact(source: SourceFile, params: FingerprintParams, keep_text: bool = False,
            role_rules: str = "", budget: Budget | None = None) -> CompactFile:
    """Parse and fingerprint one file; OverBudget when it spends its CPU `budget`."""
    budget = budget if budget is not None else Budget()
    parsed = parse_source(source.path, source.data, budget)
    fp = fingerprint_file(parsed, params)
    budget.check("fingerprints")
    rules = load_rules(role_rules)
    class_bases: dict[str, tuple[str, ...]] = {}
    for unit in parsed.units:
        if unit.kind == "class":
            class_bases.setdefault(unit.qualname, unit.bases)
    units = []
    for u in fp.units:
        bases = _enclosing_bases(class_bases, u.unit)
        # the unit's own tokens, nested definitions excluded: "x.pow(2)", "F.silu(" ...
        texts = u.unit.vocab.texts.items
        body = "".join(map(texts.__getitem__, u.unit.text_ids.tolist())) if u.unit.kind != "module" else ""
        decision = classify(u.unit.qualname, bases, body, source.path, rules)
        units.append(CompactUnit(
            u.unit.qualname, u.unit.kind, u.unit.start_line, u.unit.end_line, u.structure,
            u.n_kgrams, u.unit.bases, decision.role, decision.features,
            u.s_hash, u.s_line, u.l_hash, u.l_line, u.signature,
        ))
    return CompactFile(
        source.path, parsed.sha256, line_count(parsed.text), leading_header(parsed.text),
        tuple(units), fp.n_kgrams, fp.signature, parsed.errors, parsed.text if keep_text else "",
        hashlib.sha1(source.data, usedforsecurity=False).hexdigest() if keep_text else "",
        carried_marks(parsed.text),
        tuple((u.qualname, u.kind, u.start_line, u.end_line, u.bases) for u in parsed.units
              if u.kind in ("class", "function") and "." not in u.qualname) if keep_text else (),
    )


def _safe_compact(args: tuple[SourceFile, FingerprintParams, bool, str]) -> CompactFile:
    source, params, keep_text, role_rules = args
    try:
        return compact(source, params, keep_text, role_rules)
    except RecursionError:
        reason = "nesting too deep to analyse"
    except MemoryError:
        reason = "too large to analyse in memory"
    except OverBudget as exc:
        reason = str(exc)
    empty = np.full(params.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    return CompactFile(source.path, "", 0, "", (), 0, empty, (FileError(source.path, "parse", reason, unchecked=True),))


def compact_all(
    sources: Sequence[SourceFile] | Iterable[SourceFile],
    params: FingerprintParams,
    *,
    workers: int = 1,
    keep_text: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    total: int = 0,
    role_rules: str = "",
) -> Iterator[CompactFile]:
    """Yield compact files in input order, in parallel when workers > 1."""
    items = ((s, params, keep_text, role_rules) for s in sources)
    for done, result in enumerate(stream_map(_safe_compact, items, workers), start=1):
        yield result
        if progress:
            progress("fingerprint", done, total)
