"""An index restricted to some of its families: time travel (`--as-of`) and leave-out.

A family first seen after the scanned code cannot be its source, and an evaluation must not
find a family's own code or its descendants.  Restricting rebuilds what depends on which
families are present (LSH tables, document frequencies, unit and file numbering) from the
loaded arrays: nothing is fetched again and the fingerprints are not recomputed, so matches
against the restricted index are exactly those of an index built from the kept families.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lineage.arch.section import kept_arrays
from lineage.data import load_table, table_error
from lineage.index.build import document_frequency
from lineage.index.clones import restricted_tables
from lineage.index.embedded import EmbeddedIndex, from_arrays
from lineage.index.header import meta_array
from lineage.index.lsh import band_arrays, unit_signatures

FamilyRow = dict[str, Any]


def _slices(off: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the kept units' stream entries, and the new offsets."""
    lo, hi = off[units].astype(np.int64), off[units + 1].astype(np.int64)
    lengths = hi - lo
    new_off = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    owner = np.repeat(np.arange(units.size), lengths)
    pos = lo[owner] + (np.arange(owner.size) - new_off[:-1][owner])
    return pos, new_off


def restrict(index: EmbeddedIndex, keep: Callable[[FamilyRow], bool], why: str,
             keep_file: Callable[[FamilyRow, FamilyRow], bool] | None = None) -> EmbeddedIndex:
    """The index with only the families for which ``keep(row)`` is true, and of them only the files
    for which ``keep_file(family row, file row)`` is (a family left with no file goes too);
    ``why`` is recorded."""
    meta = index.meta
    fam_keep = np.asarray([bool(keep(f)) for f in meta["families"]], dtype=bool)
    file_fam = np.asarray([row["family"] for row in meta["files"]], dtype=np.int64)
    file_keep = fam_keep[file_fam] if file_fam.size else np.zeros(0, dtype=bool)
    if keep_file is not None and file_fam.size:
        file_keep &= np.asarray([keep_file(meta["families"][row["family"]], row) for row in meta["files"]], dtype=bool)
        had, has = np.zeros(fam_keep.size, dtype=bool), np.zeros(fam_keep.size, dtype=bool)
        had[file_fam], has[file_fam[file_keep]] = True, True
        fam_keep &= has | ~had
    if fam_keep.all() and file_keep.all():
        return index
    a = index.arrays
    fam_new = np.cumsum(fam_keep) - 1
    file_new = np.cumsum(file_keep) - 1
    units = np.flatnonzero(file_keep[a["u_file"].astype(np.int64)]) if a["u_file"].size else np.empty(0, np.int64)
    unit_new = np.full(index.n_units, -1, dtype=np.int64)
    unit_new[units] = np.arange(units.size)

    families = [f for f, k in zip(meta["families"], fam_keep) if k]
    files = [dict(row, family=int(fam_new[row["family"]])) for row, k in zip(meta["files"], file_keep) if k]
    out: dict[str, np.ndarray] = {}
    for col in ("u_start", "u_end", "u_kind", "u_nk", "u_role"):
        out[col] = a[col][units]
    out["u_file"] = file_new[a["u_file"][units].astype(np.int64)].astype(np.uint32)
    for name in ("s", "l"):
        pos, off = _slices(a[f"{name}_off"], units)
        out[f"{name}_off"], out[f"{name}_hash"], out[f"{name}_line"] = off, a[f"{name}_hash"][pos], a[f"{name}_line"][pos]
    if "lsh_ids" in a:
        ids = a["lsh_ids"].astype(np.int64)
        kept = unit_new[ids] >= 0  # each band row keeps its sorted order: a row-wise filter stays sorted
        out["lsh_keys"] = a["lsh_keys"][kept].reshape(ids.shape[0], units.size)
        out["lsh_ids"] = unit_new[ids[kept]].reshape(ids.shape[0], units.size).astype(np.uint32)
    else:  # a store (Redis) serves the full index's LSH: the kept units get bands of their own
        out["lsh_keys"], out["lsh_ids"] = band_arrays(unit_signatures(out, index.params), index.params)
    out["file_sig"], out["file_nk"] = a["file_sig"][file_keep], a["file_nk"][file_keep]
    names = sorted({f["name"] for f in families})
    code = {n: i for i, n in enumerate(names)}
    line_of_file = np.asarray([code[families[row["family"]]["name"]] for row in files], dtype=np.int64)
    line_of_unit = line_of_file[out["u_file"].astype(np.int64)] if units.size else np.empty(0, np.int64)
    out["df_hash"], out["df_count"] = document_frequency(out["s_hash"], out["s_off"], line_of_unit)
    new_meta = {"families": families, "files": files, "units": [meta["units"][u] for u in units.tolist()]}
    out.update(kept_arrays(a, families))
    out.update(restricted_tables(a, units))
    out["meta"] = meta_array(new_meta)
    digest = hashlib.sha256(json.dumps([index.header.get("id"), fam_keep.tolist()]).encode()).hexdigest()[:16]
    said = index.header.get("restriction")  # (a restriction of a restriction says both, from the first index)
    header = dict(index.header, id=digest, restricted_from=index.header.get("restricted_from") or index.header.get("id"),
                  restriction=f"{said}; {why}" if said else why, restricted_families=len(families))
    return from_arrays(index.path, header, out)


def public_dates(index: EmbeddedIndex, shipped: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, str]:
    """Per family ("source:name"), the earliest date its code can have been public: its model's
    first-seen date, but never before its source's first public release (the manifest's `since`:
    vLLM's Whisper port is no older than vLLM, 2023, though Whisper is of 2022), nor before the
    first release of its source's package that shipped a file of it (``shipped``: per pinned
    artefact's sha256, family -> date; corpora/shipped.toml: SGLang's Pixtral port is no older
    than SGLang 0.4.6.post4, 2025-05-13, though Pixtral is of 2024-09-11); "" unknown."""
    sources = {str(s.get("name", "")): s for s in index.header.get("sources", [])}
    ports = shipped_dates() if shipped is None else shipped
    out = {}
    for f in index.meta["families"]:
        source = sources.get(str(f["source"]), {})
        seen, since = str(f.get("first_seen", "") or ""), str(source.get("since", "") or "")
        port = ports.get(str(source.get("sha256") or ""), {}).get(str(f["name"]), "")
        out[f"{f['source']}:{f['name']}"] = max(seen, since, port)
    return out


@functools.cache
def shipped_dates(path: str | None = None) -> dict[str, dict[str, str]]:
    """Pinned artefact sha256 -> {family: the upload date of the first release of its package that
    held a file of the family} (corpora/shipped.toml, written by benchmarks/shipped_dates.py from
    the package index; a section applies to the pinned release it names, and to no other)."""
    out: dict[str, dict[str, str]] = {}
    for source, section in load_table("shipped.toml", path).items():
        families = section.get("family") if isinstance(section, dict) else None
        digest = section.get("sha256") if isinstance(section, dict) else None
        if not isinstance(families, dict) or not isinstance(digest, str) or not _SHA.fullmatch(digest):
            raise table_error("shipped.toml", f"[{source}] needs sha256 = the pinned artefact's and family.NAME entries",
                              path)
        for name, entry in families.items():
            date = entry.get("shipped") if isinstance(entry, dict) else None
            if not isinstance(date, str) or not _DATE.fullmatch(date):
                raise table_error("shipped.toml", f"{source}.{name}: shipped must be a date as YYYY-MM-DD", path)
            out.setdefault(digest, {})[name] = date
    return out


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA = re.compile(r"[0-9a-f]{64}")


def as_of(index: EmbeddedIndex, date: str, why: str = "") -> EmbeddedIndex:
    """Only families whose code can have been public on ``date`` (ISO: first seen by then, in a
    source public by then, shipped by it by then); families without a date stay.  ``why``: where the date comes from."""
    dates = public_dates(index)
    return restrict(index, lambda f: not dates[f"{f['source']}:{f['name']}"]
                    or dates[f"{f['source']}:{f['name']}"] <= date,
                    f"families first seen on or before {date}" + (f", the date of {why}" if why else ""))


def _package(name: str) -> str:
    """A package name as the package index compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def source_packages(index: EmbeddedIndex) -> dict[str, str]:
    """Per source of the package index ("pypi"), the package it pins (normalised): the shipped
    manifest's of that file name and artefact, else the source's own name."""
    from lineage.data import shipped_path
    from lineage.errors import ManifestError
    from lineage.index.manifest import load_manifest

    out: dict[str, str] = {}
    for s in index.header.get("sources", []):
        if s.get("kind") != "pypi":
            continue
        package = str(s.get("name", ""))
        path = shipped_path(str(s.get("manifest", ""))) if s.get("manifest") else None
        if path is not None and path.is_file():
            try:
                manifest = load_manifest(path)
            except (ManifestError, OSError):  # (a user's index may name a file we do not ship: the name stands)
                manifest = None
            if manifest is not None and manifest.sha256 == s.get("sha256"):
                package = manifest.package
        out[str(s.get("name", ""))] = _package(package)
    return out


def _own_sources(index: EmbeddedIndex, package: str) -> set[str]:
    """The index's sources that pin releases of ``package``."""
    return {name for name, pinned in source_packages(index).items() if pinned == _package(package)}


def own_file_dates(index: EmbeddedIndex, package: str) -> dict[str, str]:
    """Per file path of the sources that pin releases of ``package``: when its code was public
    in the project (its family's date: the first release of the project that shipped a file of
    it, corpora/shipped.toml, or later); files without a known date are left out."""
    own = _own_sources(index, package)
    if not own:
        return {}
    dates = public_dates(index)
    families = index.meta["families"]
    out: dict[str, str] = {}
    for row in index.meta["files"]:
        f = families[row["family"]]
        day = dates.get(f"{f['source']}:{f['name']}", "") if f["source"] in own else ""
        if day and (str(row["path"]) not in out or day < out[str(row["path"])]):
            out[str(row["path"])] = day
    return out


def without_own_project(index: EmbeddedIndex, package: str, release: str) -> EmbeddedIndex:
    """The index without the sources that pin releases of ``package``, the scanned release's own
    project: its other releases hold its own code, earlier or later (notices added since, files
    rewritten), never a source it copied from.  Nor the files of other sources whose headers
    credit that project (its notice kept, or "adapted from" it): the project's code, carried
    (a stranger's review: with vLLM left out, SGLang's port of vLLM's solar.py, under "Copyright
    contributors to the vLLM project", read as the source of vLLM's own exaone.py and nemotron.py)."""
    own = _own_sources(index, package)
    if not own:
        return index
    credits = re.compile(r"(?<![\w])" + r"[-_. ]?".join(map(re.escape, re.split(r"[-_.]+", _package(package))))
                         + r"(?![\w])", re.IGNORECASE)

    def not_crediting(family: FamilyRow, file: FamilyRow) -> bool:
        return not credits.search(index.header_of(f"{family['source']}:{family['name']}", str(file["path"])) or "")

    return restrict(index, lambda f: f["source"] not in own, f"the sources {', '.join(sorted(own))} left out: the "
                    f"target is {release}, a release of their own project, whose code is its own; so are the "
                    "files of other sources whose headers credit that project", keep_file=not_crediting)
