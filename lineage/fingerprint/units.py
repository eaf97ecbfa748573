"""ParsedFile -> fingerprinted units: the hand-off between parsing and the index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from lineage.fingerprint.deadstores import without_dead_stores
from lineage.fingerprint.minhash import signatures
from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.shingles import stream
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


def structure_hash(unit: Unit) -> str:
    digest = hashlib.blake2b("\x1f".join(unit.kinds).encode("utf-8", "surrogatepass"), digest_size=8)
    return digest.hexdigest()


def fingerprint_file(parsed: ParsedFile, params: FingerprintParams) -> FilePrint:
    """Fingerprint every unit large enough to judge; MinHash over the winnowed set."""
    empty_sig = np.full(params.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    if not parsed.units:
        return FilePrint(parsed, (), 0, empty_sig)
    tokens = [without_dead_stores(u.kind, u.kinds, u.texts, u.lines) for u in parsed.units]
    st = stream([(kinds, lines) for kinds, _, lines in tokens], params.k, params.window)
    lx = stream([(texts, lines) for _, texts, lines in tokens], params.lexical_k, params.window)
    keep = [i for i, n in enumerate(st.n_kgrams.tolist()) if n >= params.min_kgrams]
    if not keep:
        return FilePrint(parsed, (), 0, empty_sig)
    sets = [st.hashes[st.offsets[i]: st.offsets[i + 1]] for i in keep]
    offsets = np.cumsum([0] + [s.size for s in sets[:-1]]).astype(np.int64)
    sigs = signatures(np.concatenate(sets).astype(np.uint64), offsets, params.num_perm, params.seed)
    prints = tuple(
        UnitPrint(
            parsed.units[i], structure_hash(parsed.units[i]), int(st.n_kgrams[i]),
            sets[j], st.lines[st.offsets[i]: st.offsets[i + 1]],
            lx.hashes[lx.offsets[i]: lx.offsets[i + 1]], lx.lines[lx.offsets[i]: lx.offsets[i + 1]],
            sigs[j],
        )
        for j, i in enumerate(keep)
    )
    n_file = int(np.unique(np.concatenate(sets)).size)
    return FilePrint(parsed, prints, n_file, sigs.min(axis=0))  # union's MinHash = element-wise min
