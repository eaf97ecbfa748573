"""ParsedFile -> fingerprinted units: the hand-off between parsing and the index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from lineage.fingerprint.deadstores import LOG_METHODS, STORES, flags_of, junk_mask_ids, unit_mode
from lineage.fingerprint.formatting import layout_masks
from lineage.fingerprint.idioms import canonical
from lineage.fingerprint.minhash import signatures
from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.qualified import qualified
from lineage.fingerprint.shingles import stream
from lineage.fingerprint.statements import statement_lines
from lineage.fingerprint.temporaries import read_through
from lineage.models import ParsedFile, Unit


@dataclass(frozen=True, eq=False)
class UnitPrint:
    """A unit with its two fingerprint streams and its MinHash signature."""

    unit: Unit
    structure: str  # hash of the structural token sequence: stable across renames and moves
    n_kgrams: int
    s_hash: np.ndarray = field(repr=False)  # winnowed structural hashes, sorted unique (uint32)
    s_line: np.ndarray = field(repr=False)  # line of each structural fingerprint
    l_hash: np.ndarray = field(repr=False)  # winnowed lexical hashes, sorted unique
    l_line: np.ndarray = field(repr=False)
    signature: np.ndarray = field(repr=False)  # uint32[num_perm], over the structural set


@dataclass(frozen=True, eq=False)
class FilePrint:
    """All fingerprinted units of one file, plus a file-level signature."""

    parsed: ParsedFile
    units: tuple[UnitPrint, ...]
    n_kgrams: int
    signature: np.ndarray = field(repr=False)


def distinct(values: np.ndarray) -> int:
    """How many distinct values: counted on a sorted copy, as ``np.unique(values).size`` is, but
    numpy 2's hashing ``np.unique`` is 10-40 times slower than a sort on these arrays."""
    if values.size == 0:
        return 0
    ordered = np.sort(values)
    return 1 + int(np.count_nonzero(ordered[1:] != ordered[:-1]))


def structure_hash(unit: Unit, kind_ids: np.ndarray | None = None) -> str:
    """A digest of the unit's token kinds (``kind_ids``: those left once formatting is out)."""
    kinds = unit.vocab.kinds.items
    ids = unit.kind_ids if kind_ids is None else kind_ids
    joined = "\x1f".join(map(kinds.__getitem__, ids.tolist()))
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _shaped(kinds: np.ndarray, shape: np.ndarray, start: int, length: int) -> np.ndarray:
    """One unit's token kinds (of units back to back) that its structure hash reads."""
    out: np.ndarray = kinds[start: start + length][shape[start: start + length]]
    return out


def fingerprint_file(parsed: ParsedFile, params: FingerprintParams) -> FilePrint:
    """Fingerprint every unit large enough to judge; MinHash over the winnowed set."""
    empty_sig = np.full(params.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    if not parsed.units:
        return FilePrint(parsed, (), 0, empty_sig)
    # every unit's tokens back to back: each step below is one numpy pass over the file
    units = parsed.units
    vocab = units[0].vocab  # one file, one vocabulary
    lengths = np.asarray([u.kind_ids.size for u in units], dtype=np.int64)
    kinds = np.concatenate([u.kind_ids for u in units])
    texts = np.concatenate([u.text_ids for u in units])
    lines = np.concatenate([u.token_lines for u in units])
    unit_of = np.repeat(np.arange(lengths.size), lengths)
    # statements are read on logical lines: a line a backslash continues is the same line; and one
    # statement a line, as a minifier's `a=1;return a` is written out (fingerprint/statements.py)
    logical = lines - np.searchsorted(np.asarray(parsed.joined, dtype=np.int64), lines, side="right")
    written, logical = statement_lines(kinds, vocab.kinds.ids, logical, unit_of)
    if not written.all():  # the ";" go
        kinds, texts, lines, unit_of, logical = kinds[written], texts[written], lines[written], unit_of[written], \
            logical[written]
        lengths = np.bincount(unit_of, minlength=lengths.size)
    # a library's name imported bare reads as spelt through the library, `Linear` as `nn.Linear`
    # (fingerprint/qualified.py)
    order, kinds, texts = qualified(kinds, texts, unit_of, logical, vocab, parsed.imports, parsed.rebound)
    if order.size != lines.size:
        lines, unit_of, logical = lines[order], unit_of[order], logical[order]
        lengths = np.bincount(unit_of, minlength=lengths.size)
    as_written = kinds
    flags = flags_of(vocab.kinds.items)[kinds]
    # annotations are a style in both streams: a copy with its hints stripped keeps every name it
    # had, and the names in the hints stay in the text, where vestiges are looked for
    bodies = np.asarray([unit_mode(u.kind) == STORES for u in units], dtype=bool)  # function and method units
    layout, annotations = layout_masks(kinds, vocab.kinds.ids, logical, unit_of, bodies)
    shape = ~layout & ~annotations  # what the structure hash reads
    logs = np.zeros(int(texts.max(initial=0)) + 1, dtype=bool)
    for name in LOG_METHODS:
        at_id = vocab.texts.ids.get(name)
        if at_id is not None and at_id < logs.size:
            logs[at_id] = True
    keep = junk_mask_ids(np.asarray([unit_mode(u.kind) for u in units]), lengths, flags, texts, logical, logs,
                         vocab.texts.items, annotations) & shape
    # equivalent spellings written one way (fingerprint/idioms.py): `x.shape[i]` for `x.size(i)`, ...
    kinds, texts, spelt, order, logical = canonical(kinds, texts, unit_of, logical, vocab, parsed.forwarders,
                                                    parsed.imports, layout)
    keep, lines = keep[order] & spelt, lines[order]
    # the structure reads a temporary bound once and read once where it is read (fingerprint/
    # temporaries.py); the names stay as written: a local's name is evidence of whose code it is
    moved, through = read_through(kinds, texts, keep, unit_of, logical, bodies, vocab)
    kept = lengths - np.bincount(unit_of[~through], minlength=lengths.size)
    st = stream(vocab.kinds.crcs()[kinds[moved][through]], lines[moved][through].astype(np.uint32), kept, params.k,
                params.window)
    kept = lengths - np.bincount(unit_of[~keep], minlength=lengths.size)
    lx = stream(vocab.texts.crcs()[texts[keep]], lines[keep].astype(np.uint32), kept, params.lexical_k, params.window)
    large = [i for i, nk in enumerate(st.n_kgrams.tolist()) if nk >= params.min_kgrams]
    if not large:
        return FilePrint(parsed, (), 0, empty_sig)
    sets = [st.hashes[st.offsets[i]: st.offsets[i + 1]] for i in large]
    offsets = np.cumsum([0] + [s.size for s in sets[:-1]]).astype(np.int64)
    sigs = signatures(np.concatenate(sets).astype(np.uint64), offsets, params.num_perm, params.seed)
    starts = np.cumsum(lengths) - lengths
    prints = tuple(
        UnitPrint(
            parsed.units[i],
            structure_hash(parsed.units[i], _shaped(as_written, shape, int(starts[i]), int(lengths[i]))),
            int(st.n_kgrams[i]),
            sets[j], st.lines[st.offsets[i]: st.offsets[i + 1]],
            lx.hashes[lx.offsets[i]: lx.offsets[i + 1]], lx.lines[lx.offsets[i]: lx.offsets[i + 1]],
            sigs[j],
        )
        for j, i in enumerate(large)
    )
    n_file = distinct(np.concatenate(sets))
    return FilePrint(parsed, prints, n_file, sigs.min(axis=0))  # union's MinHash = element-wise min
