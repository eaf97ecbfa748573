"""Crafted Redis headers and a trickling server, through the CLI against real sockets:
every case exits 2 with one clear line, before fetching what a header merely claims."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from lineage.index.header import index_digest
from lineage.index.redis_store import CHUNK_BYTES, CURRENT, HEADER_MAGIC
from lineage.models import SourceFile

from .conftest import RedisServer


def lineage(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lineage", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def _published(fresh_url: str) -> tuple[redis.Redis, dict[str, Any]]:
    db = int(fresh_url.rsplit("/", 1)[1])
    port = int(fresh_url.rsplit(":", 1)[1].split("/")[0])
    r = redis.Redis(port=port, db=db)
    ns = b"lineage:" + r.get(CURRENT) + b":"
    return r, json.loads(r.get(ns + b"header")[len(HEADER_MAGIC):])


def _install(r: redis.Redis, header: dict[str, Any], ident: str | None = None) -> str:
    """Publish a crafted header under its own (valid) id and make it current."""
    ident = ident or index_digest(header, header["arrays"])
    header["id"] = ident
    ns = f"lineage:{ident}:".encode()
    r.set(ns + b"header", HEADER_MAGIC + json.dumps(header).encode())
    r.set(ns + b"ready", b"1")
    r.set(CURRENT, ident.encode())
    return ident


def _scan_refused(url: str, tmp_path: Path, target_files: list[SourceFile], *words: str) -> str:
    (tmp_path / "t.py").write_bytes(target_files[0].data)
    run = lineage("scan", str(tmp_path / "t.py"), "--index", url, "-q", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("lineage: error: "), run.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def test_a_deeply_nested_header_is_refused(fresh_url: str, tmp_path: Path, target_files: list[SourceFile]) -> None:
    r, _ = _published(fresh_url)
    ns = b"lineage:" + b"0123456789abcdef" + b":"
    r.set(ns + b"header", HEADER_MAGIC + b"[" * 100_000 + b"]" * 100_000)
    r.set(ns + b"ready", b"1")
    r.set(CURRENT, b"0123456789abcdef")
    _scan_refused(fresh_url, tmp_path, target_files, "nests deeper")


def test_a_header_claiming_millions_of_chunks_is_refused_before_fetching(
        fresh_url: str, tmp_path: Path, target_files: list[SourceFile]) -> None:
    r, header = _published(fresh_url)
    claimed = 3_000_000 * CHUNK_BYTES
    header["arrays"]["s_hash"].update(shape=[claimed // 4], nbytes=claimed, chunks=3_000_000)
    _install(r, header)
    _scan_refused(fresh_url, tmp_path, target_files, "'s_hash'", "out of range")


def test_short_chunks_are_refused(fresh_url: str, tmp_path: Path, target_files: list[SourceFile]) -> None:
    """A header whose sizes are consistent but whose stored chunk is shorter than claimed."""
    r, header = _published(fresh_url)
    ns = b"lineage:" + r.get(CURRENT) + b":"
    key = ns + b"array:s_hash:0"
    r.set(key, r.get(key)[:-4])
    _scan_refused(fresh_url, tmp_path, target_files, "s_hash", "wrong size")


@pytest.mark.parametrize("edit", ["sources", "params"])
def test_edited_provenance_or_params_are_refused(edit: str, fresh_url: str, tmp_path: Path,
                                                 target_files: list[SourceFile]) -> None:
    r, header = _published(fresh_url)
    ident = header["id"]
    if edit == "sources":
        header["sources"][0]["licence"] = "MIT"
    else:
        header["params"]["min_kgrams"] = 1
    _install(r, header, ident)  # the old id kept: the edit must be noticed
    _scan_refused(fresh_url, tmp_path, target_files, "does not match its id")


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """Answers every connection with a bulk reply that never ends, one byte every 0.3 s:
    each socket read succeeds, so only an overall deadline stops a reader."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"$1000000\r\n")
            while not stop.wait(0.3):
                try:
                    conn.sendall(b"x")
                except OSError:
                    return

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    listener.close()


def test_a_trickling_server_is_cut_off_by_the_overall_deadline(
        trickling_server: str, tmp_path: Path, target_files: list[SourceFile]) -> None:
    message = _scan_refused(trickling_server, tmp_path, target_files, "did not answer in time")
    assert "within 10 s" in message, message  # the deadline's own words: not a socket timeout


def test_fuzzed_headers_are_refused_or_load_cleanly(fresh_url: str) -> None:
    """Header mutations (tests/hostile/mutate_index.py) installed under a valid id: loading
    raises IndexError_ or gives an index every lookup works on, never anything else."""
    import random

    from lineage.errors import IndexError_
    from lineage.index.lsh import unit_signatures
    from lineage.index.redis_store import load_redis
    from tests.hostile.mutate_index import check_loaded, mutate_json

    r, header = _published(fresh_url)
    good = load_redis(fresh_url)
    probe = unit_signatures(good.arrays, good.params)[:3]
    outcomes = {"refused": 0, "loaded": 0}
    for seed in range(60):
        rng = random.Random(seed)
        crafted = mutate_json(header, rng, rng.randrange(1, 4))
        if not isinstance(crafted, dict):
            crafted = {"arrays": crafted}
        if not isinstance(crafted.get("arrays"), dict):
            crafted["arrays"] = {}
        try:
            _install(r, crafted)
        except (TypeError, ValueError, AttributeError):
            continue  # a mutation json cannot encode, or whose table cannot be digested
        try:
            index = load_redis(fresh_url, timeout=5.0)
        except IndexError_:
            outcomes["refused"] += 1
            continue
        check_loaded(index, probe)
        outcomes["loaded"] += 1
    assert outcomes["refused"] > 30, outcomes
