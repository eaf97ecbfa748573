"""Frozen dataclasses handed from one stage to the next.

Data flows one way: SourceFile -> ParsedFile(Unit) -> fingerprints -> Candidate ->
Match -> Finding -> ScanResult.  Every object is built complete, never filled in later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: importing this module stays cheap
    import numpy as np

    from lineage.details import FindingDetails
    from lineage.summary import Summary

    from lineage.parse.vocab import Vocab


@dataclass(frozen=True)
class SourceFile:
    """One file to scan or index: a path relative to its root, and its raw bytes."""

    path: str
    data: bytes
    # a notebook converted to Python: the converted line where each of its cells starts
    # (1-based, every cell in order, markdown included), so findings can name cell and line
    cells: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class FileError:
    """A per-file failure; the scan goes on and reports it.

    ``unchecked``: the file's content was not scanned at all (too large, unreadable, binary,
    a malformed notebook, over the CPU budget), so a clean result says nothing about it and
    gates (the hook, ``scan``'s exit code) must not pass it.  False for a caveat on a file
    that was scanned (bytes replaced, syntax errors recovered) or for what is not a file of
    the target's code (a link out of the tree, a FIFO, a submodule).
    ``partly``: with ``unchecked``, the file itself was scanned but part of what it runs could not
    be read (the names of its attribute reads, computed at run time: source/computed.py): its
    findings stand for what was read, and gates still do not pass it.
    """

    path: str
    stage: str  # read | decode | parse | notice | fetch | pragma
    reason: str
    unchecked: bool = field(default=False, compare=False)
    partly: bool = field(default=False, compare=False)


def read_in_part(errors: Sequence[FileError]) -> tuple[list[FileError], list[FileError]]:
    """(the errors of files not scanned at all, those of files scanned whose content was read in
    part) among the unchecked ``errors``; a file with both is one not scanned."""
    unchecked = [e for e in errors if e.unchecked]
    whole = {e.path for e in unchecked if not e.partly}
    return ([e for e in unchecked if not e.partly or e.path in whole],
            [e for e in unchecked if e.partly and e.path not in whole])


@dataclass(frozen=True, eq=False)
class Unit:
    """A module body, class, function or method, with its own tokens.

    A unit's tokens exclude the bodies of nested definitions (they are units of their
    own); a nested definition leaves one placeholder token ("<def>"/"<class>") in its
    parent.  Comments and docstrings are not tokens.  Tokens are held as integer ids into
    the vocabulary that numbered them (int64 arrays); ``kinds``, ``texts`` and ``lines``
    give them as strings and ints.
    """

    path: str
    qualname: str  # "<module>", "Class", "Class.method", "function"
    kind: str  # module | class | function | method
    start_line: int
    end_line: int
    kind_ids: np.ndarray = field(repr=False)  # structural token kinds: "ID", "NUM", "STR", keywords, operators
    text_ids: np.ndarray = field(repr=False)  # lexical token texts: names and literals kept
    token_lines: np.ndarray = field(repr=False)  # 1-based line of each token
    vocab: Vocab = field(repr=False)
    bases: tuple[str, ...] = ()  # base-class expressions as written (classes only)

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.vocab.kind_strings(self.kind_ids)

    @property
    def texts(self) -> tuple[str, ...]:
        return self.vocab.text_strings(self.text_ids)

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(self.token_lines.tolist())


@dataclass(frozen=True)
class ParsedFile:
    """A decoded, parsed file: its text, units and whatever went wrong on the way."""

    path: str
    text: str
    sha256: str
    units: tuple[Unit, ...]
    errors: tuple[FileError, ...] = ()
    joined: tuple[int, ...] = ()  # lines that continue the line before (after a backslash), ascending
    forwarders: tuple[str, ...] = ()  # the module's call forwarders (parse/forwarders.py)
    imports: tuple[tuple[str, str], ...] = ()  # (name, dotted path) its imports bind (parse/bound.py)
    rebound: tuple[str, ...] = ()  # library names among them it binds otherwise too (parse/bound.py)


@dataclass(frozen=True)
class Region:
    """An aligned stretch: scanned lines [start, end] correspond to reference lines."""

    start_line: int
    end_line: int
    ref_start_line: int
    ref_end_line: int


@dataclass(frozen=True)
class RefUnit:
    """A reference unit as the index describes it."""

    family: str  # "transformers:glm4_moe"
    org: str
    country: str
    licence: str
    source: str  # "transformers==5.23.0" or "repo@commit" or "dir:NAME"
    path: str
    unit: str
    start_line: int
    end_line: int
    first_seen: str = ""
    weights_licence: str = ""
    role: str | None = None  # role of the reference unit, decided at index build


@dataclass(frozen=True)
class Match:
    """A scanned unit paired with one reference unit, rescored exactly."""

    ref: RefUnit
    similarity: float  # Jaccard of structural fingerprints
    containment: float  # share of the scanned unit found in the reference unit
    ref_containment: float  # share of the reference unit found in the scanned unit
    lexical: float  # Jaccard of lexical (names kept) fingerprints
    rarity: float  # rarity-weighted containment: evidence left after common idioms
    regions: tuple[Region, ...]
    shared: int = 0  # structural fingerprints in common: the amount of evidence
    ties: int = 1  # reference units scoring as high as this one (only the first few are listed)

    def evidence_outside(self) -> tuple[int, int] | None:
        """The reference lines the aligned evidence spans, when it lies outside the reference unit's
        own lines (a method read together with the helper it hands its work to, parse/inline.py and
        parse/midway.py): where a reviewer finds the shared code; None otherwise."""
        r, spans = self.ref, [(g.ref_start_line, g.ref_end_line) for g in self.regions]
        if not spans or all(r.start_line <= a and b <= r.end_line for a, b in spans):
            return None
        return min(a for a, _ in spans), max(b for _, b in spans)


@dataclass(frozen=True)
class Finding:
    """One reportable fact with the evidence a reviewer can check."""

    id: str
    kind: str  # code-match | notice | licence | vestige | architecture | notice-history | predates-reference
    path: str
    start_line: int
    end_line: int
    unit: str
    role: str | None
    attribution: str | None
    severity: str  # high | medium | low | info
    matches: tuple[Match, ...]
    explanation: str
    details: FindingDetails | None = field(default=None, compare=False, hash=False)  # per kind: lineage/details.py


@dataclass(frozen=True)
class IndexSource:
    """One pinned source an index was built from."""

    name: str
    kind: str  # pypi | git | dir
    version: str
    sha256: str = ""
    url: str = ""
    label: str = ""  # how matches name this source (RefUnit.source), when the index records it
    repository: str = ""  # public repository of a PyPI project, when its manifest names one


@dataclass(frozen=True)
class IndexInfo:
    """What a report says about the index it was scanned against."""

    id: str
    path: str
    sources: tuple[IndexSource, ...]
    params: dict[str, Any]
    families: int
    files: int
    units: int
    restriction: str = ""  # e.g. "families first seen on or before 2025-07-01" (time travel)
    restricted_from: str = ""  # id of the whole index it was restricted from


@dataclass(frozen=True)
class ScanResult:
    """Everything a formatter needs; formatters never recompute."""

    target: str
    revision: str | None
    index: IndexInfo
    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    files_scanned: int
    units_scanned: int
    summary: Summary
    config: dict[str, Any]
    tool_version: str
