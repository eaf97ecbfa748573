"""The embedded index, loaded: arrays plus labels, and LSH candidate retrieval.

LSH bands are kept as sorted key arrays (one row per band), so retrieving candidates for
every unit of a scan is a handful of vectorised ``searchsorted`` calls, and loading is a
read plus checksum: no table is rebuilt and nothing is unpickled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from lineage.errors import IndexError_
from lineage.fingerprint.params import FingerprintParams
from lineage.index.clones import Classes, gathered, has_tables, index_classes, index_twins
from lineage.index.consistency import ROLE_NAMES, inconsistency
from lineage.index.header import load_json
from lineage.index.lsh import BandArrays, CandidateLookup, Pairs
from lineage.index.packages import libraries, source_packages
from lineage.index.texts import file_headers, file_marks, notice_files
from lineage.index.store import read_index
from lineage.models import IndexInfo, IndexSource, RefUnit
from lineage.vocab import UNDATED, UNKNOWN_MAKERS, company, first_seen_key

LSH_ARRAYS = ("lsh_keys", "lsh_ids")  # absent when a store serves the LSH (``remote``)
_REQUIRED = ("u_file", "u_start", "u_end", "u_kind", "u_nk", "u_role", "s_off", "l_off", "s_hash", "s_line",
             "l_hash", "l_line", *LSH_ARRAYS, "file_sig", "file_nk", "df_hash", "df_count", "meta")


@dataclass(frozen=True, eq=False)
class EmbeddedIndex:
    """An index, loaded: its arrays and labels, and where its LSH bands are looked up (the
    index's own band arrays unless a store such as Redis serves them)."""

    path: str
    header: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(repr=False)
    meta: dict[str, Any] = field(repr=False)
    remote: CandidateLookup | None = field(default=None, repr=False)  # LSH served by a store

    @cached_property
    def lookup(self) -> CandidateLookup:
        if self.remote is not None:
            return self.remote
        return BandArrays(self.arrays["lsh_keys"], self.arrays["lsh_ids"], self.params)

    @property
    def forkable(self) -> bool:
        """Forked workers may share it (read-only arrays, no open connections)."""
        return self.lookup.forkable

    @property
    def params(self) -> FingerprintParams:
        return FingerprintParams.from_dict(self.header["params"])

    @property
    def n_units(self) -> int:
        return int(self.arrays["u_file"].size)

    @cached_property
    def n_lines(self) -> int:
        """Distinct model lines (family names without their source), for rarity; an index that
        borrows its document frequencies from a corpus (`verify`) counts the corpus's lines."""
        borrowed = self.header.get("df_lines")
        if isinstance(borrowed, int) and not isinstance(borrowed, bool) and borrowed > 0:
            return borrowed
        return len({f["name"] for f in self.meta["families"]}) or 1

    def info(self) -> IndexInfo:
        sources = tuple(
            IndexSource(s.get("name", ""), s.get("kind", ""), s.get("version", ""), s.get("sha256", ""),
                        s.get("url", s.get("path", "")), s.get("label", ""), s.get("repository", ""))
            for s in self.header.get("sources", [])
        )
        return IndexInfo(self.header["id"], self.path, sources, dict(self.header["params"]),
                         len(self.meta["families"]), len(self.meta["files"]), self.n_units,
                         str(self.header.get("restriction", "")), str(self.header.get("restricted_from", "")))

    def family(self, file_id: int) -> dict[str, Any]:
        row: dict[str, Any] = self.meta["families"][self.meta["files"][file_id]["family"]]
        return row

    @cached_property
    def family_keys(self) -> list[str]:
        """"source:name" of every family row, as findings and verdicts name families."""
        return [f"{f['source']}:{f['name']}" for f in self.meta["families"]]

    @cached_property
    def family_maker(self) -> np.ndarray:
        """Per family row, a code for its maker as a company (vocab.company), -1 where that is not known."""
        names = [company(str(f.get("org", ""))) for f in self.meta["families"]]
        codes = {n: i for i, n in enumerate(sorted(set(names) - UNKNOWN_MAKERS))}
        return np.asarray([codes.get(n, -1) for n in names], dtype=np.int64)

    @cached_property
    def line_names(self) -> list[str]:
        """Model line names, each at its code in ``family_line``."""
        return sorted({f["name"] for f in self.meta["families"]})

    @cached_property
    def line_codes(self) -> dict[str, int]:
        """Model line name -> its code in ``family_line``."""
        return {n: i for i, n in enumerate(self.line_names)}

    @cached_property
    def public_dates(self) -> np.ndarray:
        """``public`` as an array of ISO dates ("" undated), for comparing many rows at once."""
        return np.asarray(self.public, dtype="<U10")

    @cached_property
    def first_seen_dates(self) -> np.ndarray:
        """Per family row, its model's first-seen date as an ISO date ("" undated)."""
        return np.asarray([str(f.get("first_seen") or "")[:10] for f in self.meta["families"]], dtype="<U10")

    @cached_property
    def family_rows(self) -> dict[str, int]:
        """Family key -> its row."""
        return {key: row for row, key in enumerate(self.family_keys)}

    @cached_property
    def public(self) -> list[str]:
        """Per family row, the earliest its code can have been public where the index holds it
        (restrict.public_dates: an engine's port is no older than the engine's release that
        shipped it, whatever its model's date); "" when its model is undated (its source's dates
        bound it from below only).  Who had code first is ordered by it."""
        from lineage.index.restrict import public_dates  # (restrict builds indexes from this module)

        dates = public_dates(self)
        return [dates[k] if f.get("first_seen") else "" for k, f in zip(self.family_keys, self.meta["families"])]

    @cached_property
    def earliest_order(self) -> list[int]:
        """Per family row, its place when families are ordered by who had the code first: by `public`,
        then by its model's first-seen date (undated last, either), then source and name.  Rows of
        equal keys share a place, so a stable sort by it keeps them as given."""
        rows = self.meta["families"]
        keys = [(first_seen_key(public), first_seen_key(row.get("first_seen")), row["source"], row["name"])
                for public, row in zip(self.public, rows)]
        place = {key: i for i, key in enumerate(sorted(set(keys)))}
        return [place[key] for key in keys]

    @cached_property
    def model_lines(self) -> frozenset[str]:
        """The name of every model line the index holds (in any source): ``qwen2_5_vl``."""
        return frozenset(str(f["name"]) for f in self.meta["families"])

    @cached_property
    def _unit_ids(self) -> dict[tuple[str, str, int, str], int]:
        keys = self.family_keys
        file_key = [keys[row["family"]] for row in self.meta["files"]]
        file_path = [row["path"] for row in self.meta["files"]]
        files = self.arrays["u_file"].tolist()
        return {(file_key[f], file_path[f], start, unit): u
                for u, (f, start, unit) in enumerate(zip(files, self.arrays["u_start"].tolist(), self.meta["units"]))}

    def unit_id(self, family: str, path: str, start_line: int, unit: str) -> int | None:
        """The index row of a reference unit named in a Match (built on first use)."""
        return self._unit_ids.get((family, path, start_line, unit))

    @cached_property
    def _first_seen(self) -> list[str]:
        by_family = [str(f.get("first_seen", "")) for f in self.meta["families"]]
        return [by_family[f] for f in self.unit_family.tolist()]

    def first_seen_of(self, u: int) -> str:
        return self._first_seen[u]

    @cached_property
    def first_seen_rank(self) -> np.ndarray:
        """Per reference unit, the place of its first-seen date among the index's (undated: UNDATED,
        as pairs are ranked): places compare as the dates do, for ranking pairs in arrays."""
        dates = [str(f.get("first_seen", "")) or UNDATED for f in self.meta["families"]]
        place = {d: i for i, d in enumerate(sorted(set(dates)))}
        out: np.ndarray = np.asarray([place[d] for d in dates], dtype=np.int64)[self.unit_family]
        return out

    @cached_property
    def _ref_units(self) -> dict[int, RefUnit]:
        return {}

    def ref_unit(self, u: int) -> RefUnit:
        """The reference unit of index row ``u``, built once (a scan names the same units over and over)."""
        ref = self._ref_units.get(u)
        if ref is None:
            ref = self._ref_units[u] = self._build_ref_unit(u)
        return ref

    def _build_ref_unit(self, u: int) -> RefUnit:
        a = self.arrays
        file_id = int(a["u_file"][u])
        fam = self.family(file_id)
        return RefUnit(
            family=f"{fam['source']}:{fam['name']}", org=fam["org"], country=fam["country"],
            licence=fam["licence"], source=fam["source_label"], path=self.meta["files"][file_id]["path"],
            unit=self.meta["units"][u], start_line=int(a["u_start"][u]), end_line=int(a["u_end"][u]),
            first_seen=fam.get("first_seen", ""), weights_licence=fam.get("weights_licence", ""),
            role=ROLE_NAMES[int(a["u_role"][u])] if int(a["u_role"][u]) < len(ROLE_NAMES) else None,
        )

    @cached_property
    def _headers(self) -> dict[tuple[str, str], str]:
        return file_headers(self.meta)

    @cached_property
    def _notice_files(self) -> dict[str, str]:
        return notice_files(self.meta)

    def notice_file_of(self, family: str) -> str:
        """The path of the file whose header holds the family's notice when none of its model
        files' headers does (its configuration module, its source's licence file), or ""."""
        return self._notice_files.get(family, "")

    @cached_property
    def _marks(self) -> dict[tuple[str, str], frozenset[str]]:
        return file_marks(self.meta)

    def marks_of(self, family: str, path: str) -> frozenset[str]:
        """The origin-marker lines a reference file carries (declared/carried.py)."""
        return self._marks.get((family, path), frozenset())

    @cached_property
    def declared_parents(self) -> list[tuple[tuple[str, ...], bool]]:
        """Per family row, its declared parents (manifest `lineage`, else its files' headers:
        index/parents.py) and whether the headers gave them."""
        from lineage.index.parents import declared_parents

        return declared_parents(self.meta)

    @cached_property
    def _declared(self) -> dict[str, dict[str, list[str]]]:
        """Per source, each family's declared parents."""
        out: dict[str, dict[str, list[str]]] = {}
        for f, (parents, _) in zip(self.meta["families"], self.declared_parents):
            out.setdefault(f["source"], {})[f["name"]] = list(parents)
        return out

    @cached_property
    def _lineage_cache(self) -> dict[str, tuple[str, ...]]:
        return {}

    @cached_property
    def _dated(self) -> dict[str, tuple[dict[str, tuple[int, dict[str, Any]]], dict[str, list[str]]]]:
        return {}

    def dated_lineage(self, source: str) -> tuple[dict[str, tuple[int, dict[str, Any]]], dict[str, list[str]]]:
        """The families of one source (name -> (row, metadata)), and per family its declared parents
        first seen no later than it (either date unknown: kept).  Computed once per source."""
        if source not in self._dated:
            rows = {f["name"]: (i, f) for i, f in enumerate(self.meta["families"]) if f["source"] == source}
            seen = {n: str(f.get("first_seen") or "") for n, (_, f) in rows.items()}
            self._dated[source] = rows, {
                n: [p for p in self.declared_parents[i][0] if not seen.get(p) or not seen[n] or seen[p] <= seen[n]]
                for n, (i, _) in rows.items()}
        return self._dated[source]

    @cached_property
    def libraries(self) -> frozenset[str]:
        """The model libraries among the index's import packages (index/packages.libraries)."""
        return libraries(self.meta, self.family_maker)

    @cached_property
    def source_packages(self) -> dict[str, str]:
        """Per source name, the import package its reference files belong to (`libraries`)."""
        return source_packages(self.meta)

    def package_of(self, family: str) -> str:
        """The import package of a family ("source:name"), "" for a source unknown here."""
        return self.source_packages.get(family.partition(":")[0], "")

    def lineage_of(self, family: str) -> tuple[str, ...]:
        """Declared ancestors of a family (same source), transitively, nearest first."""
        cached = self._lineage_cache.get(family)
        if cached is not None:
            return cached
        source, _, name = family.partition(":")
        parents = self._declared.get(source, {})
        seen: list[str] = []
        todo = list(parents.get(name, []))
        while todo:
            p = todo.pop(0)
            if p not in seen and p != name:
                seen.append(p)
                todo.extend(parents.get(p, []))
        self._lineage_cache[family] = out = tuple(seen)
        return out

    def header_of(self, family: str, path: str) -> str:
        """The stored leading comment block of a reference file (for notice comparison)."""
        return self._headers.get((family, path), "")

    def stream(self, name: str, u: int) -> tuple[np.ndarray, np.ndarray]:
        """(hashes, lines) of unit u for stream "s" (structural) or "l" (lexical)."""
        off = self.arrays[f"{name}_off"]
        lo, hi = int(off[u]), int(off[u + 1])
        return self.arrays[f"{name}_hash"][lo:hi], self.arrays[f"{name}_line"][lo:hi]

    def gather(self, name: str, units: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The streams of several units at once: (hashes, owner position in `units`, offset in its unit)."""
        return gathered(self.arrays[f"{name}_off"], self.arrays[f"{name}_hash"], units)

    @cached_property
    def unit_family(self) -> np.ndarray:
        """Family row of every reference unit."""
        file_family = np.asarray([row["family"] for row in self.meta["files"]], dtype=np.int64)
        out: np.ndarray = file_family[self.arrays["u_file"].astype(np.int64)] if self.n_units else file_family[:0]
        return out

    @cached_property
    def family_line(self) -> np.ndarray:
        """Per family row, a code for its model line (its name, whatever the source)."""
        codes = self.line_codes
        return np.asarray([codes[f["name"]] for f in self.meta["families"]], dtype=np.int64)

    @cached_property
    def _clones(self) -> Classes:
        """Units with identical structural fingerprint sets form a clone class: any query scores
        the same against each of them (transformers' modular copies put one class in 60 families).
        Returns (class of each unit, units sorted by class, start of each class in that order): as the
        build stored them (index/clones.py `tables`), or computed for an index without them."""
        return index_classes(self.arrays)

    @property
    def has_clone_tables(self) -> bool:
        """Whether the build stored the clone tables (index/clones.py `tables`)."""
        return has_tables(self.arrays)

    @cached_property
    def twins(self) -> np.ndarray:
        """Per reference unit, the first unit of its clone class whose structural stream is the same
        hash for hash (itself when none): a query scores a unit as it scores its twin, so a unit's
        candidates are scored once per twin (index/query.score_unit)."""
        return index_twins(self.arrays, "s", None if self.has_clone_tables else self._clones)

    @cached_property
    def lexical_twins(self) -> np.ndarray:
        """`twins` of the lexical streams (names kept: fewer units share one)."""
        return index_twins(self.arrays, "l")

    def with_clones(self, units: np.ndarray) -> np.ndarray:
        """The given reference units and every other unit of their clone classes (unique)."""
        if units.size == 0:
            return units
        klass, order, starts = self._clones
        cls = klass[units]
        counts = starts[cls + 1] - starts[cls]
        if not (counts > 1).any():
            return units  # no unit has a clone: nothing to add (the common case)
        cls = np.unique(cls[counts > 1])
        lo, counts = starts[cls], starts[cls + 1] - starts[cls]
        pos = np.repeat(lo, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
        return np.unique(np.concatenate([units, order[pos]]))

    def document_frequency(self, hashes: np.ndarray) -> np.ndarray:
        """How many model lines contain each structural hash (0 if none)."""
        keys, counts = self.arrays["df_hash"], self.arrays["df_count"]
        if keys.size == 0:
            return np.zeros(hashes.size, dtype=np.int64)
        pos = np.minimum(np.searchsorted(keys, hashes), keys.size - 1)
        return np.where(keys[pos] == hashes, counts[pos], 0).astype(np.int64)

    def candidates(self, sigs: np.ndarray) -> Pairs:
        """(query row, reference unit, colliding bands) for every pair sharing a band."""
        return self.lookup.candidates(sigs, self.n_units)


def load_embedded(path: str | Path, expected: FingerprintParams | None = None) -> EmbeddedIndex:
    """Load and check an index; a parameter mismatch is refused with the differences."""
    header, arrays = read_index(Path(path))
    return from_arrays(str(path), header, arrays, expected)


def from_arrays(
    src: str, header: dict[str, Any], arrays: dict[str, np.ndarray], expected: FingerprintParams | None = None,
    remote: CandidateLookup | None = None,
) -> EmbeddedIndex:
    """Check arrays from any store (file, Redis, memory) and wrap them as an index; with a
    ``remote`` lookup the store serves the LSH and the band arrays are not needed."""
    missing = [k for k in _REQUIRED if k not in arrays and not (remote is not None and k in LSH_ARRAYS)]
    if missing:
        raise IndexError_(f"index lacks arrays {missing}: corrupt or from another version", source=src)
    if not isinstance(header, dict) or not isinstance(header.get("params"), dict):
        raise IndexError_("index header lacks its fingerprint parameters", source=src)
    meta = load_json(arrays["meta"].tobytes(), "index metadata", src)
    try:
        params = FingerprintParams.from_dict(header["params"])
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexError_(f"index metadata is malformed: {exc}", source=src) from None
    if expected is not None and (diff := expected.mismatch(params)):
        raise IndexError_(
            "index was built with other fingerprint parameters (" + "; ".join(diff) + "), by another version of "
            "lineage: rebuild it with this one (`lineage corpus ensure --out FILE` for the default corpus, "
            "`lineage corpus build` for your own manifests), or use the version that built it (each version's "
            "default index is a file of its own: `lineage corpus path`)", source=src)
    problem = inconsistency(header, arrays, meta, params)
    if problem:
        raise IndexError_(f"index content is inconsistent ({problem}): corrupt or crafted file", source=src)
    return EmbeddedIndex(src, header, arrays, meta, remote)
