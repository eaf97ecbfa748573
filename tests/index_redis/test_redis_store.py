"""The Redis-backed shared index against a real redis-server: same findings, shared, safe."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis

from lineage.api import scan_files
from lineage.config import Config
from lineage.errors import ConfigError, IndexError_
from lineage.fingerprint.params import FingerprintParams
from lineage.index.embedded import EmbeddedIndex, load_embedded
from lineage.index.lsh import unit_signatures
from lineage.index.manifest import load_manifest
from lineage.index.open import open_any, parse_url
from lineage.index.redis_store import (
    CHUNK_MAGIC, CURRENT, HEADER_MAGIC, RedisLookup, build_to_store, load_redis, publish,
)
from lineage.models import SourceFile
from lineage.report.jsonfmt import report_dict

from .conftest import RedisServer

CONFIG = Config(workers=1)


def findings(index: EmbeddedIndex, files: list[SourceFile]) -> list[dict[str, Any]]:
    result, _ = scan_files(files, index, CONFIG)
    return report_dict(result)["findings"]


def client(url: str) -> redis.Redis:
    t = parse_url(url)
    return redis.Redis(host=t.host, port=t.port, db=t.db)


def namespace(url: str) -> bytes:
    return b"lineage:" + client(url).get(CURRENT) + b":"


def test_scan_through_redis_equals_embedded(fresh_url: str, index_file: Path,
                                            target_files: list[SourceFile]) -> None:
    embedded = load_embedded(index_file, FingerprintParams())
    shared = load_redis(fresh_url, FingerprintParams())
    assert isinstance(shared.lookup, RedisLookup) and shared.header["id"] == embedded.header["id"]
    assert "lsh_keys" not in shared.arrays and not shared.forkable  # the bands stay in Redis
    expected = findings(embedded, target_files)
    assert expected and {f["path"] for f in expected} == {"pkg/copied.py"}
    assert findings(shared, target_files) == expected


def test_candidates_equal_embedded_and_lsh_query(fresh_url: str, index_file: Path) -> None:
    embedded = load_embedded(index_file)
    shared = load_redis(fresh_url)
    sigs = unit_signatures(embedded.arrays, embedded.params)
    want, got = embedded.candidates(sigs), shared.candidates(sigs)
    lookup = shared.lookup
    assert isinstance(lookup, RedisLookup)
    assert all(np.array_equal(a, b) for a, b in zip(want, got))
    for q in range(sigs.shape[0]):  # datasketch's own MinHashLSH.query agrees, unit by unit
        assert lookup.query(sigs[q]) == sorted(want[1][want[0] == q].tolist())
    assert lookup.lsh.prepickle is False and (lookup.lsh.b, lookup.lsh.r) == (32, 4)


SCANNER = """
import json, sys, time
from pathlib import Path
from lineage.api import scan_files
from lineage.config import Config
from lineage.index.redis_store import load_redis
from lineage.models import SourceFile
from lineage.report.jsonfmt import report_dict
root = Path(sys.argv[2])
files = [SourceFile(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted(root.rglob('*.py'))]
began = time.time()
index = load_redis(sys.argv[1])
runs = [report_dict(scan_files(files, index, Config(workers=1))[0])['findings'] for _ in range(15)]
print(json.dumps({'began': began, 'ended': time.time(), 'same': all(r == runs[0] for r in runs),
                  'findings': runs[0]}))
"""


def test_two_scanner_processes_share_one_index(fresh_url: str, index_file: Path, tmp_path: Path,
                                               target_files: list[SourceFile]) -> None:
    for f in target_files:
        (tmp_path / f.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f.path).write_bytes(f.data)
    procs = [subprocess.Popen([sys.executable, "-c", SCANNER, fresh_url, str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err.decode()[-2000:] for _, err in outs]
    a, b = (json.loads(out) for out, _ in outs)
    assert a["same"] and b["same"]
    assert a["findings"] == b["findings"] == findings(load_embedded(index_file), target_files)
    assert a["began"] < b["ended"] and b["began"] < a["ended"]  # they ran at the same time


def test_tampered_array_is_refused(fresh_url: str) -> None:
    r, ns = client(fresh_url), namespace(fresh_url)
    key = ns + b"array:u_start:0"
    value = bytearray(r.get(key))
    value[-1] ^= 0x01
    r.set(key, bytes(value))
    with pytest.raises(IndexError_, match="checksum mismatch in array 'u_start'"):
        load_redis(fresh_url)


def test_tampered_header_is_refused(fresh_url: str) -> None:
    r, ns = client(fresh_url), namespace(fresh_url)
    header = json.loads(r.get(ns + b"header")[len(HEADER_MAGIC):])
    header["arrays"]["evil"] = dict(header["arrays"]["u_kind"])  # an array the id does not cover
    r.set(ns + b"header", HEADER_MAGIC + json.dumps(header).encode())
    with pytest.raises(IndexError_, match="does not match its id"):
        load_redis(fresh_url)
    r.set(ns + b"header", b"\x80\x04\x95junk")  # pickle-looking bytes are not even parsed
    with pytest.raises(IndexError_, match="not ours"):
        load_redis(fresh_url)


def test_foreign_keys_are_ignored_or_refused(fresh_url: str, target_files: list[SourceFile]) -> None:
    r, ns = client(fresh_url), namespace(fresh_url)
    r.set(ns + b"array:evil:0", pickle.dumps({"x": 1}))  # unreferenced: ignored
    r.set(ns + b"stray", b"\x80\x05junk")
    assert findings(load_redis(fresh_url), target_files)
    for bad in (b"../../etc", b"0123456789abcdeg", b"\x80\x04junk"):
        r.set(CURRENT, bad)
        with pytest.raises(IndexError_, match="malformed index id"):
            load_redis(fresh_url)
    r.set(CURRENT, b"00000000deadbeef")
    with pytest.raises(IndexError_, match="missing, incomplete"):
        load_redis(fresh_url)


def test_foreign_member_in_an_lsh_bucket_is_refused(fresh_url: str, target_files: list[SourceFile]) -> None:
    index = load_redis(fresh_url)
    r, ns = client(fresh_url), namespace(fresh_url)
    buckets = [k for k in r.scan_iter(match=ns + b"lsh_bucket_*") if r.type(k) == b"set"]
    assert buckets
    for key in buckets:
        r.sadd(key, b"\x80\x04evil")
    with pytest.raises(IndexError_, match="foreign key"):
        findings(index, target_files)
    for key in buckets:
        r.srem(key, b"\x80\x04evil")
        r.sadd(key, b"u999999")  # well-formed but past the last unit
    with pytest.raises(IndexError_, match="foreign key"):
        findings(index, target_files)


def test_nothing_is_unpickled(fresh_url: str, target_files: list[SourceFile],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    r, ns = client(fresh_url), namespace(fresh_url)
    for key in r.scan_iter(match=ns + b"*"):
        kind = r.type(key)
        if kind == b"string":
            value = r.get(key)
            assert value.startswith((HEADER_MAGIC, CHUNK_MAGIC)) or key == ns + b"ready", key
        elif kind == b"set":
            assert all(re.fullmatch(rb"u[0-9]+", m) for m in r.smembers(key)), key

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("something was unpickled")

    for name in ("loads", "load", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    assert findings(load_redis(fresh_url), target_files)


def test_stopped_or_stuck_server_gives_index_error(spare_server: RedisServer, index_file: Path,
                                                   target_files: list[SourceFile]) -> None:
    server = spare_server
    publish(index_file, server.url())
    index = load_redis(server.url(), timeout=1.0)
    server.pause(True)
    with pytest.raises(IndexError_, match="did not answer in time"):
        load_redis(server.url(), timeout=0.5)
    with pytest.raises(IndexError_, match="did not answer in time"):
        findings(index, target_files)
    server.pause(False)
    server.stop()
    with pytest.raises(IndexError_, match="is the server running"):
        load_redis(server.url(), timeout=1.0)
    with pytest.raises(IndexError_, match="is the server running"):
        findings(index, target_files)
    with pytest.raises(IndexError_, match="is the server running"):
        build_to_store([load_manifest(index_file.parent / "fix.toml")], server.url())


def test_publish_is_idempotent_and_switches_current(redis_server: RedisServer, index_file: Path,
                                                    tmp_path: Path) -> None:
    url = redis_server.url(63)
    client(url).flushdb()
    first = publish(index_file, url)
    assert publish(load_embedded(index_file), url) == first == load_embedded(index_file).header["id"]
    other = load_embedded(index_file)
    changed = dict(other.arrays, u_start=other.arrays["u_start"] + 1)
    second = publish(EmbeddedIndex("mem", {"params": other.header["params"]}, changed, other.meta), url)
    assert second != first and load_redis(url).header["id"] == second
    assert load_redis(url, index_id=first).header["id"] == first  # the old one stays readable
    r = client(url)
    r.delete(f"lineage:{second}:ready".encode())  # as if a publish had been interrupted
    with pytest.raises(IndexError_, match="incomplete"):
        load_redis(url)
    assert publish(EmbeddedIndex("mem", {"params": other.header["params"]}, changed, other.meta), url) == second
    assert load_redis(url).header["id"] == second


def test_parameter_mismatch_is_refused(fresh_url: str) -> None:
    with pytest.raises(IndexError_, match="other fingerprint parameters"):
        load_redis(fresh_url, FingerprintParams(k=13))


def test_build_to_store(redis_server: RedisServer, corpus: Path, index_file: Path) -> None:
    url = redis_server.url(62)
    client(url).flushdb()
    report = build_to_store([load_manifest(corpus / "fix.toml")], url)
    assert report.path == url and report.index_id == load_embedded(index_file).header["id"]
    assert load_redis(url).n_units == report.units


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:6379/0", "redis://", "redis://:secret@host:6379/0", "redis://user@host/0",
    "redis://host:6379/0?db=1", "redis://host:6379/0#frag", "redis://host:notaport/0", "redis://host:0/0",
    "redis://host:6379/zero", "redis://host:6379/0/1", "redis://host:99999/0",
])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError):
        parse_url(url)


def test_a_missing_redis_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "datasketch" else real(name, *rest))
    with pytest.raises(ConfigError, match=r"needs datasketch: pip install 'lineage-scan\[redis\]'"):
        parse_url("redis://127.0.0.1:1/0").client(1.0)


def test_good_urls_and_open_any(fresh_url: str, index_file: Path) -> None:
    assert parse_url("redis://example.org").label == "redis://example.org:6379/0"
    assert parse_url("rediss://10.0.0.2:7000/3").tls
    assert parse_url("redis://[::1]:7000/2").label == "redis://[::1]:7000/2"
    assert isinstance(open_any(fresh_url, FingerprintParams()).lookup, RedisLookup)
    assert type(open_any(str(index_file), FingerprintParams())) is EmbeddedIndex
    with pytest.raises(ConfigError, match="unsupported index store"):
        open_any("s3://bucket/index.lineage")
