"""Structural checks of an index's arrays and metadata: types, shapes and ranges.

Checksums prove an index is what its writer wrote, not that the writer was lineage: a
crafted file with valid checksums must still be refused with a clear message before any
value is used as an id, an offset or a label (a negative LSH id once hid every match).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lineage.fingerprint.params import FingerprintParams
from lineage.index.clones import tables_problem
from lineage.vocab import INDEX_ROLES, UNIT_KINDS

KIND_NAMES = UNIT_KINDS
ROLE_NAMES = INDEX_ROLES
_DIMS = {"u_file": 1, "u_start": 1, "u_end": 1, "u_kind": 1, "u_nk": 1, "u_role": 1, "s_off": 1, "l_off": 1,
         "s_hash": 1, "s_line": 1, "l_hash": 1, "l_line": 1, "lsh_keys": 2, "lsh_ids": 2, "file_sig": 2,
         "file_nk": 1, "df_hash": 1, "df_count": 1, "meta": 1}
_FAMILY_TEXT = ("name", "source", "org", "country", "licence", "source_label")
_FAMILY_OPTIONAL = ("first_seen", "weights_licence")


def _below(a: np.ndarray, limit: int) -> bool:
    """Every value in [0, limit)."""
    return a.size == 0 or (int(a.min()) >= 0 and int(a.max()) < limit)


def _array_problem(a: dict[str, np.ndarray]) -> str:
    for name, ndim in _DIMS.items():
        if name not in a:
            continue  # LSH bands a store serves (from_arrays has checked which may be absent)
        arr = a[name]
        if arr.dtype.kind not in "iu" or arr.ndim != ndim:
            return f"array {name} must be a {ndim}-D integer array, not {arr.ndim}-D {arr.dtype}"
    return ""


def _meta_problem(meta: Any, n_fams: int) -> str:
    if not set(map(type, meta["units"])) <= {str}:  # (JSON's strings: one look per type, not per unit)
        return "unit names must be strings"
    for row in meta["files"]:
        if not isinstance(row, dict) or type(row.get("family")) is not int or not 0 <= row["family"] < n_fams:
            return "a file names a family that does not exist"
        if not isinstance(row.get("path"), str) or not isinstance(row.get("header", ""), str):
            return "a file has no path, or a header that is not text"
        marks = row.get("marks", [])
        if not isinstance(marks, list) or not all(isinstance(m, str) for m in marks):
            return "a file's origin markers must be a list of text lines"
    for fam in meta["families"]:
        if not isinstance(fam, dict) or not all(isinstance(fam.get(k), str) for k in _FAMILY_TEXT):
            return "a family lacks its name, source, organisation, country, licence or label"
        if not all(isinstance(fam.get(k, ""), str) for k in _FAMILY_OPTIONAL):
            return "a family's first-seen date or weights licence is not text"
        parents = fam.get("lineage", [])
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            return "a family's declared lineage must be a list of names"
        notice = fam.get("notice_file", {"path": "", "header": ""})
        if not isinstance(notice, dict) or not all(isinstance(notice.get(k), str) for k in ("path", "header")):
            return "a family's notice file must give a path and a header as text"
    return ""


def inconsistency(header: dict[str, Any], a: dict[str, np.ndarray], meta: Any, p: FingerprintParams) -> str:
    """The first structural inconsistency found, or ""."""
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), list) for k in ("families", "files", "units")):
        return "metadata must hold lists of families, files and units"
    sources = header.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(x, dict) for x in sources):
        return "header sources must be a list of tables"
    if problem := _array_problem(a):
        return problem
    n, n_files, n_fams = a["u_file"].size, len(meta["files"]), len(meta["families"])
    if any(a[k].size != n for k in ("u_start", "u_end", "u_kind", "u_nk", "u_role")) or len(meta["units"]) != n:
        return "unit columns disagree in length"
    for off, data in (("s_off", "s_hash"), ("l_off", "l_hash")):
        o = a[off]
        if o.size != n + 1 or (n and (o[0] != 0 or np.any(np.diff(o.astype(np.int64)) < 0))) \
                or int(o[-1]) != a[data].size:
            return f"{off} offsets do not cover {data}"
        if a[data].size != a[data.replace("hash", "line")].size:
            return f"{data} and its lines disagree in length"
        if not _below(a[data.replace("hash", "line")], 1 << 31):
            return f"{data} lines out of range"
    local_lsh = "lsh_keys" in a or "lsh_ids" in a
    if local_lsh and (a["lsh_keys"].shape != (p.bands, n) or a["lsh_ids"].shape != (p.bands, n)):
        return "LSH tables do not match the index's bands and units"
    if (local_lsh and not _below(a["lsh_ids"], max(n, 1))) or not _below(a["u_file"], max(n_files, 1)) \
            or (n and not n_files):
        return "unit or file ids out of range"
    if not _below(a["u_role"], len(ROLE_NAMES)) or not _below(a["u_kind"], len(KIND_NAMES)):
        return "unit roles or kinds out of range"
    if not _below(a["u_start"], 1 << 31) or not _below(a["u_end"], 1 << 31) or not _below(a["u_nk"], 1 << 31):
        return "unit lines or sizes out of range"
    if a["file_sig"].shape != (n_files, p.num_perm) or a["file_nk"].size != n_files:
        return "file signatures do not match the file table"
    if a["df_hash"].size != a["df_count"].size or not _below(a["df_count"], 1 << 31):
        return "document-frequency arrays disagree in length or hold negative counts"
    return tables_problem(a, n) or _meta_problem(meta, n_fams)
