"""Manifests -> reference files -> compact fingerprints -> index arrays -> index file."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lineage import __version__
from lineage.arch.section import ArchCollector
from lineage.errors import ManifestError
from lineage.fingerprint.minhash import band_keys
from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import CompactFile, compact_all, leading_header
from lineage.index.clones import tables
from lineage.index.header import meta_array
from lineage.index.jobs import FileJob, run_job
from lineage.index.licence import READ, licence_notice
from lineage.index.manifest import INFRASTRUCTURE, Family, Manifest, family_of, is_infrastructure
from lineage.index.rows import FamilyRow
from lineage.index.store import FORMAT_VERSION, build_lock, write_index
from lineage.models import FileError, SourceFile
from lineage.pool import stream_map
from lineage.vocab import KIND_CODES, ROLE_CODES, is_licence_file

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    path: str
    index_id: str
    sources: int
    families: int
    files: int
    units: int
    source_bytes: int
    index_bytes: int
    seconds: float
    errors: tuple[FileError, ...]


def fetch_sources(manifest: Manifest) -> tuple[list[SourceFile], list[FileError], dict[str, Any]]:
    """Obtain the manifest's files, in memory; returns (files, errors, pinned inputs)."""
    from lineage.source.archive import read_archive
    from lineage.source.fetch import fetch_git, fetch_pypi
    from lineage.source.gitrev import read_revision
    from lineage.source.walk import walk_directory

    def wanted(path: str) -> bool:
        return path.endswith(".py") and family_of(path, manifest) is not None or is_licence_file(path)

    if manifest.kind == "pypi":
        artefact = fetch_pypi(
            manifest.package, manifest.version, sha256=manifest.sha256,
            filename=manifest.filename or None, python_version=manifest.python_version or None,
            platform=manifest.platform or None,
        )
        files, errors = read_archive(artefact, include=wanted)
        pinned: dict[str, Any] = {"kind": "pypi", "name": manifest.package, "version": manifest.version,
                                  "sha256": manifest.sha256}
    elif manifest.kind == "git":
        repo, commit = fetch_git(manifest.url, manifest.rev)
        files, errors, commit = read_revision(repo, commit, suffixes=READ)
        pinned = {"kind": "git", "url": manifest.url, "version": commit}
    else:
        files, errors = walk_directory(manifest.dir_path, suffixes=READ)
        pinned = {"kind": "dir", "path": manifest.dir_path, "version": ""}
    notice = licence_notice([f for f in files if is_licence_file(f.path)])
    if notice:
        pinned["licence_notice"] = notice  # (taken out again by the build: index/build.notice_files)
    return [f for f in files if not is_licence_file(f.path) and wanted(f.path)], list(errors), pinned


@dataclass
class _Acc:
    """Growing lists of index rows; turned into arrays once at the end."""

    families: list[dict[str, Any]]
    files: list[dict[str, Any]]
    quals: list[str]
    unit_cols: dict[str, list[int]]
    streams: dict[str, list[np.ndarray]]
    sigs: list[np.ndarray]
    file_sigs: list[np.ndarray]
    file_nk: list[int]


def _new_acc() -> _Acc:
    cols: dict[str, list[int]] = {k: [] for k in ("file", "start", "end", "kind", "nk", "role")}
    streams: dict[str, list[np.ndarray]] = {k: [] for k in ("s_hash", "s_line", "l_hash", "l_line")}
    return _Acc([], [], [], cols, streams, [], [], [])


def _add_file(acc: _Acc, cf: CompactFile, family_index: int, source_index: int, role: str | None = None) -> None:
    """Append one file's units; `role` (the manifest's label) overrides every unit's own."""
    file_id = len(acc.files)
    acc.files.append({
        "path": cf.path, "family": family_index, "source": source_index, "sha256": cf.sha256,
        "lines": cf.n_lines, "header": cf.header, **({"marks": list(cf.marks)} if cf.marks else {}),
    })
    acc.file_sigs.append(cf.signature)
    acc.file_nk.append(cf.n_kgrams)
    units = cf.units  # column by column: a build adds some 70,000 units
    acc.quals += [u.qualname for u in units]
    cols = acc.unit_cols
    cols["file"] += [file_id] * len(units)
    cols["start"] += [u.start_line for u in units]
    cols["end"] += [u.end_line for u in units]
    cols["kind"] += [KIND_CODES[u.kind] for u in units]
    cols["nk"] += [u.n_kgrams for u in units]
    cols["role"] += [ROLE_CODES[role or u.role] for u in units]
    for key, parts in acc.streams.items():
        parts += [getattr(u, key) for u in units]
    acc.sigs += [u.signature for u in units]


def _offsets(parts: list[np.ndarray]) -> np.ndarray:
    return np.cumsum([0] + [p.size for p in parts]).astype(np.int64)


def document_frequency(s_hash: np.ndarray, s_off: np.ndarray, line_of_unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each structural fingerprint, in how many model lines it occurs (capped at 65535)."""
    if s_hash.size == 0:
        return np.empty(0, np.uint32), np.empty(0, np.uint16)
    owner = np.repeat(np.arange(s_off.size - 1), np.diff(s_off))
    # distinct (hash, line) pairs, then runs of one hash, on one sorted array: what np.unique
    # gives, without numpy 2's hashing unique (4 s on the default corpus, where this takes 0.15)
    pairs = np.sort(s_hash.astype(np.uint64) << np.uint64(16) | line_of_unit[owner].astype(np.uint64))
    hashes = (pairs >> np.uint64(16)).astype(np.uint32)[_starts(pairs)]
    first = np.flatnonzero(_starts(hashes))
    counts = np.diff(np.append(first, hashes.size))
    return hashes[first], np.minimum(counts, 65535).astype(np.uint16)


def _starts(ordered: np.ndarray) -> np.ndarray:
    """Where a sorted array's runs of equal values begin (a boolean mask)."""
    mask = np.empty(ordered.size, dtype=bool)
    mask[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=mask[1:])
    return mask


def _arrays(acc: _Acc, params: FingerprintParams) -> dict[str, np.ndarray]:
    n_perm = params.num_perm
    sigs = np.vstack(acc.sigs) if acc.sigs else np.empty((0, n_perm), np.uint32)
    keys = band_keys(sigs, params.bands, params.rows).T if acc.sigs else np.empty((params.bands, 0), np.uint64)
    order = np.argsort(keys, axis=1, kind="stable")
    line = {n: i for i, n in enumerate(sorted({f["name"] for f in acc.families}))}
    line_of_file = np.asarray([line[acc.families[f["family"]]["name"]] for f in acc.files], dtype=np.int64)
    s_off = _offsets(acc.streams["s_hash"])
    s_hash = np.concatenate(acc.streams["s_hash"]).astype(np.uint32) if acc.streams["s_hash"] else np.empty(0, np.uint32)
    line_of_unit = line_of_file[np.asarray(acc.unit_cols["file"], dtype=np.int64)] if acc.quals else np.empty(0, np.int64)
    df_hash, df_count = document_frequency(s_hash, s_off, line_of_unit)
    arrays: dict[str, np.ndarray] = {
        "u_file": np.asarray(acc.unit_cols["file"], np.uint32),
        "u_start": np.asarray(acc.unit_cols["start"], np.uint32),
        "u_end": np.asarray(acc.unit_cols["end"], np.uint32),
        "u_kind": np.asarray(acc.unit_cols["kind"], np.uint8),
        "u_nk": np.asarray(acc.unit_cols["nk"], np.uint32),
        "u_role": np.asarray(acc.unit_cols["role"], np.uint8),
        "s_off": _offsets(acc.streams["s_hash"]),
        "l_off": _offsets(acc.streams["l_hash"]),
        "lsh_keys": np.take_along_axis(keys, order, axis=1),
        "lsh_ids": order.astype(np.uint32),
        "file_sig": np.vstack(acc.file_sigs) if acc.file_sigs else np.empty((0, n_perm), np.uint32),
        "file_nk": np.asarray(acc.file_nk, np.uint32),
        "df_hash": df_hash,
        "df_count": df_count,
    }
    for key, parts in acc.streams.items():
        arrays[key] = np.concatenate(parts).astype(np.uint32) if parts else np.empty(0, np.uint32)
    meta = {"families": acc.families, "files": acc.files, "units": acc.quals}
    arrays["meta"] = meta_array(meta)
    arrays.update(tables(arrays))  # (read by every scan and hook: computed once, here)
    return arrays


_COPYRIGHT = re.compile(r"copyright|\(c\)|©|版权", re.IGNORECASE)
_HEAD_BYTES = 16_384


def notice_files(files: Sequence[SourceFile], model: dict[str, str],
                 configs: Sequence[tuple[str, SourceFile]], licence: dict[str, str] | None = None,
                 ) -> dict[str, dict[str, str]]:
    """Family key -> {"path", "header"} of the configuration module beside its model files, for
    each family none of whose model files' headers holds a copyright line while that module's
    does: transformers generates modeling files from modular ones without their notices
    (deepseek_v3, qwen2, mistral, phi: eleven of 530), and its configuration file keeps the
    model's holders ("The Qwen team, Alibaba Group and the HuggingFace Inc. team").  A copy of
    such a file is judged against that notice (classify/attribution.py).  A family with neither
    has the source's ``licence`` notice (`licence_notice`), when there is one."""
    noted = {model[f.path] for f in files if f.path in model and holds_notice(f)}
    out: dict[str, dict[str, str]] = {}
    for family, f in sorted(configs, key=lambda c: c[1].path):
        header = _head(f)
        if family not in noted and family not in out and _COPYRIGHT.search(header):
            out[family] = {"path": f.path, "header": header}
    for family in sorted(set(model.values()) - noted - set(out)) if licence else ():
        out[family] = dict(licence or {})
    return out


def holds_notice(f: SourceFile) -> bool:
    """Whether the file's header holds a copyright line."""
    return bool(_COPYRIGHT.search(_head(f)))


def _head(f: SourceFile) -> str:
    return leading_header(f.data[:_HEAD_BYTES].decode("utf-8", "replace"))  # (a header is at the top)


def _family_row(manifest: Manifest, fam: Family) -> dict[str, Any]:
    return FamilyRow(fam.name, manifest.name, manifest.label, fam.org, fam.country, fam.licence,
                     fam.weights_licence, fam.first_seen, fam.lineage).to_dict()


def index_from_files(
    files: Sequence[SourceFile],
    *,
    family: str,
    source: str,
    org: str = "",
    country: str = "",
    licence: str = "",
    params: FingerprintParams | None = None,
    workers: int = 1,
    pinned: dict[str, Any] | None = None,
    notice: dict[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """An in-memory index (header, arrays) of one reference side, e.g. for `lineage verify`;
    ``notice``: the side's notice file ({"path", "header"}), as ``notice_files`` finds one."""
    params = params or FingerprintParams()
    acc = _new_acc()
    acc.families.append(FamilyRow(family, source, source, org, country, licence).to_dict()
                        | ({"notice_file": notice} if notice else {}))
    for cf in compact_all(sorted(files, key=lambda f: f.path), params, workers=workers):
        _add_file(acc, cf, 0, 0)
    arrays = _arrays(acc, params)
    header = {"tool_version": __version__, "params": params.to_dict(), "format": FORMAT_VERSION, "id": "in-memory",
              "sources": [dict(pinned or {}, name=source)]}
    return header, arrays


@dataclass(frozen=True)
class _Fetched:
    """What a source's fetch gave besides its files: the build's bookkeeping for it."""

    errors: list[FileError]
    pinned: dict[str, Any]
    files: int  # indexed files
    size: int  # their bytes
    notices: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)  # family -> notice file


def build_index(
    manifests: Sequence[Manifest],
    out: Path,
    *,
    params: FingerprintParams | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    extra_header: dict[str, Any] | None = None,
) -> BuildReport:
    """Fetch, fingerprint and write an index for the given manifests, atomically.

    One pool of workers serves the whole build: sources are fetched one after the other while
    the workers fingerprint the files of the ones before, and each file's architecture features
    are read in the same task as its fingerprints (lineage/index/jobs.py).  Results come back in
    input order, so the index is the same whatever the number of workers."""
    if not manifests:
        raise ManifestError("no manifests given")
    params = params or FingerprintParams()
    began = time.perf_counter()
    acc = _new_acc()
    errors: list[FileError] = []
    sources: list[dict[str, Any]] = []
    total_bytes = 0
    arch = ArchCollector()  # the optional architecture section (lineage/arch)
    fetched: list[_Fetched] = []  # appended by `jobs` before it hands out a source's first file
    failed: list[Exception] = []

    def jobs() -> Iterator[tuple[FileJob, FingerprintParams]]:
        """Each source's files in path order, then its configuration modules (architecture only).
        With workers this runs in the pool's feeder thread: an error is kept and raised by the
        build itself, not sent through a worker."""
        try:
            for source_index, manifest in enumerate(manifests):
                files, errs, pinned = fetch_sources(manifest)
                licence = pinned.pop("licence_notice", None)
                files.sort(key=lambda f: f.path)
                model = {f.path: f"{manifest.name}:{o.name}" for f in files if (o := family_of(f.path, manifest))}
                configs = arch.extras(manifest, [(model[f.path], f) for f in files if f.path in model])
                fetched.append(_Fetched(list(errs), pinned, len(files), sum(len(f.data) for f in files),
                                        notice_files(files, model, configs, licence)))
                for f in files:
                    yield FileJob(f, source_index, True, model.get(f.path, "")), params
                for family, f in configs:
                    yield FileJob(f, source_index, False, family), params
        except Exception as exc:  # noqa: BLE001 - re-raised below, in the build's own thread
            failed.append(exc)

    fam_index: dict[str, int] = {}
    started = done = 0  # sources whose bookkeeping is done; files of the current one fingerprinted

    def start_sources(upto: int) -> None:
        """Bookkeeping of every source before `upto` not yet started, in order (a source may have no files)."""
        nonlocal started, done, total_bytes
        while started < upto:
            manifest, info = manifests[started], fetched[started]
            errors.extend(info.errors)
            total_bytes += info.size
            sources.append(dict(info.pinned, name=manifest.name, manifest=Path(manifest.path).name,
                                licence=manifest.licence, released=manifest.released,
                                # only when given: indexes of manifests without it stay byte-identical
                                **({"repository": manifest.repository, "label": manifest.label}
                                   if manifest.repository else {}),
                                **({"since": manifest.since} if manifest.since else {})))
            fam_index.clear()
            for fam in manifest.families:
                fam_index[fam.name] = len(acc.families)
                notice = info.notices.get(f"{manifest.name}:{fam.name}")
                acc.families.append(_family_row(manifest, fam) | ({"notice_file": notice} if notice else {}))
            started, done = started + 1, 0

    for result in stream_map(run_job, jobs(), workers):
        start_sources(result.source_index + 1)
        if result.family:
            arch.read(result.family, result.features)
        cf = result.compact
        if cf is None:
            continue
        manifest = manifests[result.source_index]
        errors.extend(cf.errors)
        owner = family_of(cf.path, manifest)
        if owner is not None:  # always: files were filtered by the same rule
            infra = is_infrastructure(cf.path, manifest, owner)
            _add_file(acc, cf, fam_index[owner.name], result.source_index, INFRASTRUCTURE if infra else None)
        done += 1
        if progress:
            progress("fingerprint", done, fetched[result.source_index].files)
    if failed:
        raise failed[0]
    start_sources(len(manifests))
    arrays = _arrays(acc, params) | arch.arrays(workers)
    header = {"tool_version": __version__, "params": params.to_dict(), "sources": sources,
              "created_by": f"lineage {__version__}", **(extra_header or {})}
    with build_lock(out):
        index_id = write_index(out, header, arrays)
    return BuildReport(
        str(out), index_id, len(manifests), len(acc.families), len(acc.files), len(acc.quals),
        total_bytes, out.stat().st_size, time.perf_counter() - began, tuple(errors),
    )
