"""An index header read from a file or from Redis, checked before anything in it is used.

A header (and the metadata array) is JSON someone else may have written: nesting is
bounded before it is parsed (no RecursionError), every array entry is checked for type,
range and size before bytes are read or allocated, and the index id is a digest of the
provenance (sources, parameters, build labels) as well as of every array, so editing the
``sources`` a report shows as provenance is detected like editing an array.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lineage.errors import IndexError_
from lineage.fingerprint.params import FingerprintParams

MAX_DEPTH = 32  # our headers nest 4 deep; JSON deeper than this was not written by lineage
MAX_ARRAY_BYTES = 1 << 34  # 16 GiB: an array claiming more is refused before any allocation
DTYPES = frozenset({"|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "<f4", "<f8"})  # never "O"
# what the id digest leaves out: the id itself, store details, and the writer's version (an
# index rebuilt from the same corpus by the next release keeps its id, as before format 2)
UNCOVERED = frozenset({"id", "arrays", "format", "store", "tool_version", "created_by"})
_STEP = np.zeros(256, np.int8)  # per byte: +1 opens a bracket, -1 closes one
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1
_PARAM_INTS = ("k", "lexical_k", "window", "num_perm", "seed", "bands", "rows", "min_kgrams")


@dataclass(frozen=True)
class ArraySpec:
    """One checked entry of a header's array table."""

    dtype: np.dtype[Any]
    shape: tuple[int, ...]
    nbytes: int
    offset: int  # 0 where the store does not use offsets (Redis)


def _depth_upper_bound(raw: bytes) -> int:
    """Deepest bracket nesting, counting brackets inside strings too (so never too low)."""
    steps = _STEP[np.frombuffer(raw, np.uint8)]
    brackets = steps[steps != 0]  # the running depth changes at brackets only
    return int(np.cumsum(brackets, dtype=np.int64).max(initial=0))


def _depth(raw: bytes) -> int:
    """Exact nesting outside strings: only run when the cheap bound is suspicious."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def meta_array(meta: dict[str, Any]) -> np.ndarray:
    """An index's metadata as its ``meta`` array (UTF-8 JSON).  A file name that is not UTF-8, held
    as surrogates, round-trips: ``load_json`` reads bytes as json.loads does, with surrogatepass."""
    return np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogatepass"), dtype=np.uint8)


def load_json(raw: bytes, what: str, src: str) -> Any:
    """JSON from an index, refusing nesting deeper than MAX_DEPTH before parsing it."""
    if _depth_upper_bound(raw) > MAX_DEPTH and _depth(raw) > MAX_DEPTH:
        raise IndexError_(f"{what} nests deeper than {MAX_DEPTH} levels: crafted, not written by lineage",
                          source=src)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise IndexError_(f"{what} is not valid JSON (corrupt file)", source=src) from None


def array_entry(arr: np.ndarray, raw: bytes | None = None) -> dict[str, Any]:
    """An array's row in an index header, as every store writes it (the id covers dtype,
    shape and sha256); ``raw`` is ``arr``'s bytes when the caller has them already."""
    data = np.ascontiguousarray(arr).tobytes() if raw is None else raw
    return {"dtype": arr.dtype.str, "shape": list(arr.shape), "nbytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def index_digest(header: dict[str, Any], table: dict[str, Any]) -> str:
    """The index id: every header field but those in UNCOVERED, and each array's dtype,
    shape and sha256.  Store-independent, so a published index keeps its file's id."""
    covered = {k: v for k, v in header.items() if k not in UNCOVERED}
    hashes = {k: [v.get("dtype"), v.get("shape"), v.get("sha256")] if isinstance(v, dict) else None
              for k, v in table.items()}
    digest = json.dumps([covered, hashes], sort_keys=True)
    return hashlib.sha256(digest.encode()).hexdigest()[:16]


SCORE_FREE = frozenset({"arch"})  # arrays no code score reads: the architecture section


def scores_digest(header: dict[str, Any]) -> str:
    """What code scores depend on: the fingerprint parameters and every array but the
    architecture section.  Two indexes with the same scores digest give the same code scores,
    so a calibration measured on one holds for the other."""
    arrays = header.get("arrays") or {}
    hashes = {k: v.get("sha256") for k, v in arrays.items() if isinstance(v, dict) and k not in SCORE_FREE}
    digest = json.dumps([header.get("params"), hashes], sort_keys=True)
    return hashlib.sha256(digest.encode()).hexdigest()[:16]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_header(header: Any, src: str, *, version: int) -> dict[str, Any]:
    """Types of the fields every reader uses; a wrong format gets a rebuild message."""
    if not isinstance(header, dict):
        raise IndexError_("index header is not a table (corrupt or crafted file)", source=src)
    found = header.get("format")
    if found != version:
        older = isinstance(found, int) and found < version
        raise IndexError_(
            f"index format {found!r} is {'older than' if older else 'not'} the supported format {version}; "
            "rebuild it with `lineage corpus build` (the default index: `lineage corpus ensure`)", source=src)
    params = header.get("params")
    if not isinstance(params, dict) or not all(_is_int(params.get(k)) and params[k] > 0 for k in _PARAM_INTS) \
            or not isinstance(params.get("normaliser"), str):
        raise IndexError_("index header: fingerprint parameters are missing or malformed", source=src)
    p = FingerprintParams.from_dict(params)
    if p.bands * p.rows > p.num_perm or p.num_perm > 4096:
        raise IndexError_("index header: LSH bands and rows do not fit the signature", source=src)
    sources = header.get("sources", [])
    if not isinstance(sources, list) or not all(
            isinstance(s, dict) and all(isinstance(v, str) for v in s.values()) for s in sources):
        raise IndexError_("index header: sources must be a list of tables of strings", source=src)
    if not isinstance(header.get("arrays"), dict) or not isinstance(header.get("id"), str):
        raise IndexError_("index header: array table or id is missing or malformed", source=src)
    return header


def check_spec(name: str, spec: Any, src: str, *, offsets: bool) -> ArraySpec:
    """One array entry: a known dtype, a shape of non-negative ints whose size matches the
    claimed byte count, bounded, and (in files) an offset."""
    ok = isinstance(spec, dict) and isinstance(spec.get("dtype"), str) and spec["dtype"] in DTYPES \
        and isinstance(spec.get("shape"), list) \
        and isinstance(spec.get("sha256"), str) and _is_int(spec.get("nbytes"))
    shape = spec["shape"] if ok else []
    ok = ok and len(shape) <= 3 and all(_is_int(d) and d >= 0 for d in shape)
    if ok:
        dtype = np.dtype(spec["dtype"])
        nbytes = math.prod(shape) * dtype.itemsize
        ok = spec["nbytes"] == nbytes <= MAX_ARRAY_BYTES
    offset = spec.get("offset", 0) if ok else 0
    if ok and offsets:
        ok = _is_int(offset) and 0 <= offset <= MAX_ARRAY_BYTES * 64
    if not ok:
        raise IndexError_(f"header entry for array {name!r} is malformed or out of range", source=src)
    return ArraySpec(dtype, tuple(shape), nbytes, int(offset) if offsets else 0)
