"""A shared index on a Redis server: the embedded arrays plus a datasketch MinHashLSH.

``publish`` copies an embedded index under ``lineage:<id>:`` (a JSON header and each array
as raw chunks, every value prefixed with our own magic bytes, a sha256 per array in the
header) and a ``MinHashLSH`` (``prepickle=False``, keys ``u<unit>``) of every reference
unit's signature, then marks the namespace ready and points ``lineage:current`` at it with
one SET, so a scanner never sees a half-written index.  ``load_redis`` fetches and verifies
everything but the LSH tables and answers ``candidates`` from the LSH buckets in Redis, so
any number of scanner processes share one copy.  Nothing read from Redis is unpickled:
values are JSON or raw numeric bytes, bucket members must look like ``u<digits>``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lineage.errors import IndexError_
from lineage.fingerprint.minhash import band_keys
from lineage.fingerprint.params import FingerprintParams
from lineage.index.embedded import _REQUIRED, LSH_ARRAYS, EmbeddedIndex, from_arrays
from lineage.index.lsh import Pairs, band_arrays, pairs, unit_signatures
from lineage.index.deadline import MIN_RATE, deadline
from lineage.index.header import (
    MAX_ARRAY_BYTES,
    ArraySpec,
    array_entry,
    check_header,
    check_spec,
    index_digest,
    load_json,
)
from lineage.index.open import RedisTarget, parse_url, store_errors
from lineage.index.store import FORMAT_VERSION, read_index

if TYPE_CHECKING:
    from lineage.index.build import BuildReport
    from lineage.index.manifest import Manifest

CURRENT = b"lineage:current"
HEADER_MAGIC = b"LINEAGE-HEADER\x00"
CHUNK_MAGIC = b"LINEAGE-CHUNK\x00"
CHUNK_BYTES = 64 * 1024 * 1024  # well under Redis's 512 MB value limit
_ID = re.compile(r"[0-9a-f]{16}")
_MEMBER = re.compile(rb"u([0-9]{1,10})")
_BATCH = 8  # chunks per round trip: at most 512 MB in flight
_MAX_HEADER = 16 * 1024 * 1024


def _lsh(target: RedisTarget, ns: bytes, params: FingerprintParams, timeout: float) -> Any:
    connection = target.kwargs(timeout)  # first: a clear error if the `redis` extra is missing
    from datasketch import MinHashLSH

    # no MULTI around buffered inserts: nobody reads the namespace before "ready" is set
    config = {"type": "redis", "basename": ns + b"lsh", "redis": connection,
              "redis_buffer": {"transaction": False}}
    return MinHashLSH(num_perm=params.num_perm, params=(params.bands, params.rows),
                      storage_config=config, prepickle=False)


@dataclass(frozen=True, eq=False)
class RedisLookup:
    """An index's LSH candidates from MinHashLSH buckets in Redis (a ``CandidateLookup``)."""

    lsh: Any = field(repr=False)
    target: RedisTarget
    params: FingerprintParams
    n_units: int
    path: str
    timeout: float = 10.0  # overall deadline of one LSH round trip

    @property
    def forkable(self) -> bool:
        return False  # its open Redis connections must not be shared with forked workers

    def query(self, sig: np.ndarray) -> list[int]:
        """One signature through ``MinHashLSH.query``: reference units sharing a band."""
        from datasketch import LeanMinHash

        with store_errors(self.target, "querying the LSH"), deadline(self.timeout * self.params.bands):
            keys = self.lsh.query(LeanMinHash(seed=self.params.seed, hashvalues=sig, scheme="legacy"))
        return sorted(self._unit(k) for k in keys)

    def _unit(self, member: Any) -> int:
        m = _MEMBER.fullmatch(member) if isinstance(member, bytes) else None
        if m is None or int(m.group(1)) >= self.n_units:
            raise IndexError_(f"foreign key {member!r:.40} in an LSH bucket; republish the index",
                              source=self.path)
        return int(m.group(1))

    def candidates(self, sigs: np.ndarray, n_units: int) -> Pairs:
        """The embedded store's answer, from the LSH buckets in Redis.

        ``MinHashLSH.query`` costs one round trip per band per unit; this asks the same
        datasketch bucket storage (``lsh.hashtables[band].getmany``) for every unit of a band
        in one pipelined round trip, and counts colliding bands for ranking.  A test checks
        it against ``query`` unit by unit.
        """
        p = self.params
        empty = np.empty(0, dtype=np.int64)
        if sigs.shape[0] == 0 or n_units == 0:
            return empty, empty, empty
        hv = sigs.astype(np.uint64)  # as LeanMinHash holds them; the bucket key is big-endian
        width = 8 * p.rows
        qs: list[int] = []
        us: list[int] = []
        with store_errors(self.target, "querying the LSH"):
            for band, table in enumerate(self.lsh.hashtables):
                raw = np.ascontiguousarray(hv[:, band * p.rows:(band + 1) * p.rows]).astype(">u8").tobytes()
                keys = [raw[i * width:(i + 1) * width] for i in range(sigs.shape[0])]
                distinct = list(dict.fromkeys(keys))
                with deadline(self.timeout + len(distinct) * 0.001):
                    answers = table.getmany(*distinct)
                found = {k: [self._unit(m) for m in members] for k, members in zip(distinct, answers)}
                for q, key in enumerate(keys):
                    if units := found[key]:
                        qs.extend([q] * len(units))
                        us.extend(units)
        return pairs(np.asarray(qs, np.int64), np.asarray(us, np.int64), n_units)


def _source(path_or_index: str | Path | EmbeddedIndex) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    if isinstance(path_or_index, EmbeddedIndex):
        return dict(path_or_index.header), dict(path_or_index.arrays)
    return read_index(Path(path_or_index))


def publish(path_or_index: str | Path | EmbeddedIndex, url: str, *, timeout: float = 30.0,
            make_current: bool = True) -> str:
    """Copy an embedded index into Redis and (by default) make it current; returns its id."""
    target = parse_url(url)
    header, arrays = _source(path_or_index)
    params = FingerprintParams.from_dict(header["params"])
    if not set(LSH_ARRAYS) <= set(arrays):  # an index served from a store: its bands, rebuilt
        arrays.update(zip(LSH_ARRAYS, band_arrays(unit_signatures(arrays, params), params)))
    raws = {n: np.ascontiguousarray(arrays[n]) for n in sorted(arrays)}
    table = {n: dict(array_entry(a), chunks=math.ceil(a.nbytes / CHUNK_BYTES)) for n, a in raws.items()}
    ident = index_digest(header, table)  # rows and id as store.write_index makes them: the file's id
    if header.get("id") not in (ident, "in-memory", None):
        raise IndexError_("index arrays do not match its id; refusing to publish", source=str(path_or_index))
    sigs = unit_signatures(arrays, params)
    if not np.array_equal(np.sort(band_keys(sigs, params.bands, params.rows).T, axis=1), arrays["lsh_keys"]):
        raise IndexError_("unit signatures cannot be reproduced from the index", source=str(path_or_index))
    ns = f"lineage:{ident}:".encode()
    r = target.client(timeout)
    with store_errors(target, "publishing the index"):
        if r.get(ns + b"ready") != b"1":
            for batch in _batched(r.scan_iter(match=ns + b"*", count=10_000), 10_000):
                r.unlink(*batch)  # leftovers of an interrupted publish
            for name, arr in raws.items():
                data = arr.tobytes()
                for i in range(table[name]["chunks"]):
                    r.set(ns + f"array:{name}:{i}".encode(), CHUNK_MAGIC + data[i * CHUNK_BYTES:(i + 1) * CHUNK_BYTES])
            head = {k: v for k, v in header.items() if k != "arrays"}
            head.update(format=FORMAT_VERSION, id=ident, arrays=table, store="redis")
            r.set(ns + b"header", HEADER_MAGIC + json.dumps(head, sort_keys=True).encode())
            lsh = _lsh(target, ns, params, timeout)
            with lsh.insertion_session(buffer_size=20_000) as session:
                from datasketch import LeanMinHash

                for u, sig in enumerate(sigs):
                    session.insert(b"u%d" % u, LeanMinHash(seed=params.seed, hashvalues=sig, scheme="legacy"),
                                   check_duplication=False)  # fresh namespace: skip a round trip per key
            r.set(ns + b"ready", b"1")
        if make_current:
            r.set(CURRENT, ident.encode())
    return ident


def _batched(items: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fetch(r: Any, keys: list[bytes], sizes: list[int], timeout: float) -> list[Any]:
    """Chunks in batches, each batch under an overall deadline that grows with its claimed
    size; a chunk longer than claimed is refused as soon as it arrives."""
    out: list[Any] = []
    for lo in range(0, len(keys), _BATCH):
        claimed = sum(sizes[lo:lo + _BATCH])
        with deadline(timeout + claimed / MIN_RATE):
            parts = r.mget(keys[lo:lo + _BATCH])
        for part, size in zip(parts, sizes[lo:lo + _BATCH]):
            if not isinstance(part, bytes) or len(part) != len(CHUNK_MAGIC) + size or not part.startswith(CHUNK_MAGIC):
                return []
        out.extend(parts)
    return out


def _chunk_sizes(nbytes: int, chunks: int) -> list[int]:
    return [min(CHUNK_BYTES, nbytes - i * CHUNK_BYTES) for i in range(chunks)]


def _checked_header(head: bytes, ident: str, src: str) -> tuple[dict[str, Any], dict[str, ArraySpec]]:
    header = check_header(load_json(head[len(HEADER_MAGIC):], f"index {ident}: header", src), src,
                          version=FORMAT_VERSION)
    table: dict[str, Any] = header["arrays"]
    if header["id"] != ident or index_digest(header, table) != ident or not set(_REQUIRED) <= set(table):
        raise IndexError_(f"index {ident}: header does not match its id (foreign or tampered)", source=src)
    specs = {name: check_spec(name, spec, src, offsets=False) for name, spec in table.items()}
    if any(table[n].get("chunks") != math.ceil(s.nbytes / CHUNK_BYTES) for n, s in specs.items()):
        raise IndexError_(f"index {ident}: chunk counts disagree with array sizes", source=src)
    if sum(s.nbytes for n, s in specs.items() if n not in LSH_ARRAYS) > MAX_ARRAY_BYTES:
        raise IndexError_(f"index {ident}: header claims more data than an index can hold", source=src)
    return header, specs


def load_redis(url: str, expected: FingerprintParams | None = None, *, index_id: str | None = None,
               timeout: float = 10.0) -> EmbeddedIndex:
    """Fetch and verify the current (or the given) index; LSH queries stay in Redis.

    Every round trip has an overall deadline (``timeout``, plus a second per MIN_RATE bytes
    claimed), not only a per-read socket timeout: a server that trickles a byte every few
    seconds is cut off.  The header is checked (nesting, types, sizes, id) before any array
    is fetched, and nothing is allocated beyond what it claims.
    """
    target = parse_url(url)
    src = target.label
    r = target.client(timeout)
    with store_errors(target, "loading the index"):
        with deadline(timeout):
            raw_id = index_id.encode() if index_id else r.get(CURRENT)
        if raw_id is None:
            raise IndexError_("no current lineage index published here; publish one with `lineage corpus publish "
                              "INDEX_FILE URL` or `lineage corpus build --store URL`", source=src)
        ident = raw_id.decode("ascii", "replace") if isinstance(raw_id, bytes) else ""
        if not _ID.fullmatch(ident):
            raise IndexError_(f"malformed index id {raw_id!r:.40}", source=src)
        ns = f"lineage:{ident}:".encode()
        with deadline(timeout + _MAX_HEADER / MIN_RATE):
            if (r.strlen(ns + b"header") or 0) > _MAX_HEADER:
                raise IndexError_(f"index {ident}: header is larger than any lineage writes", source=src)
            head, ready = r.mget([ns + b"header", ns + b"ready"])
        if ready != b"1" or not isinstance(head, bytes) or not head.startswith(HEADER_MAGIC):
            raise IndexError_(f"index {ident} is missing, incomplete or not ours", source=src)
        header, specs = _checked_header(head, ident, src)
        arrays: dict[str, np.ndarray] = {}
        for name, spec in specs.items():
            if name in LSH_ARRAYS:
                continue  # the LSH stays in Redis (RedisLookup)
            sizes = _chunk_sizes(spec.nbytes, int(header["arrays"][name]["chunks"]))
            parts = _fetch(r, [ns + f"array:{name}:{i}".encode() for i in range(len(sizes))], sizes, timeout)
            if len(parts) != len(sizes):
                raise IndexError_(f"index {ident}: array {name!r} is missing, of the wrong size or not ours",
                                  source=src)
            data = b"".join(p[len(CHUNK_MAGIC):] for p in parts)
            if hashlib.sha256(data).hexdigest() != header["arrays"][name]["sha256"]:
                raise IndexError_(f"index {ident}: checksum mismatch in array {name!r} (tampered)", source=src)
            arrays[name] = np.frombuffer(data, dtype=spec.dtype).reshape(spec.shape)
    params = FingerprintParams.from_dict(header["params"])
    n_units = int(specs["u_file"].shape[0]) if "u_file" in specs else 0
    lookup = RedisLookup(_lsh(target, ns, params, timeout), target, params, n_units, src, timeout)
    return from_arrays(src, header, arrays, expected, remote=lookup)


def build_to_store(manifests: Sequence[Manifest], store_url: str, **build_kwargs: Any) -> BuildReport:
    """Build to a temporary embedded file, publish it, return the BuildReport (path = store)."""
    from lineage.index.build import build_index

    target = parse_url(store_url)
    r = target.client(10.0)
    with store_errors(target, "checking the store before building"):
        r.ping()  # fail before minutes of fingerprinting, not after
    with tempfile.TemporaryDirectory(prefix="lineage-publish-") as tmp:
        report = build_index(manifests, Path(tmp) / "index.lineage", **build_kwargs)
        ident = publish(report.path, store_url)
    return dataclasses.replace(report, path=target.label, index_id=ident)
