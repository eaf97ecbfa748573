"""A real redis-server on loopback, a tiny reference corpus written here, and its index.

The server is started once per session on a free port (`--save '' --appendonly no`, so it
writes nothing to disk); when the binary is missing it is installed from Debian packages
if we are root, else the tests are skipped with the reason.  Never a fake Redis.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lineage.index.build import build_index
from lineage.index.manifest import load_manifest
from lineage.models import SourceFile

ATTENTION = '''"""Toy attention block for the alpha family (written for lineage's tests)."""

import math


def softmax(row):
    peak = max(row)
    exps = [math.exp(v - peak) for v in row]
    total = sum(exps)
    return [e / total for e in exps]


class AlphaAttention:
    def __init__(self, width, heads, scale=None):
        self.width = width
        self.heads = heads
        self.head_dim = width // heads
        self.scale = scale if scale is not None else 1.0 / math.sqrt(self.head_dim)
        self.cache = {}

    def split_heads(self, vector):
        out = []
        for h in range(self.heads):
            start = h * self.head_dim
            out.append(vector[start:start + self.head_dim])
        return out

    def scores(self, query, keys):
        result = []
        for key in keys:
            dot = 0.0
            for a, b in zip(query, key):
                dot += a * b
            result.append(dot * self.scale)
        return result

    def forward(self, queries, keys, values, mask=None):
        outputs = []
        for i, query in enumerate(queries):
            row = self.scores(query, keys)
            if mask is not None:
                row = [s if mask[i][j] else -1e9 for j, s in enumerate(row)]
            weights = softmax(row)
            mixed = [0.0] * len(values[0])
            for w, value in zip(weights, values):
                for d in range(len(value)):
                    mixed[d] += w * value[d]
            outputs.append(mixed)
        return outputs
'''

MLP = '''"""Toy gated MLP and norm for the alpha family (written for lineage's tests)."""

import math


def silu(x):
    return x / (1.0 + math.exp(-x))


class AlphaNorm:
    def __init__(self, width, eps=1e-6):
        self.weight = [1.0] * width
        self.eps = eps

    def forward(self, vector):
        mean_square = sum(v * v for v in vector) / len(vector)
        inv = 1.0 / math.sqrt(mean_square + self.eps)
        return [w * v * inv for w, v in zip(self.weight, vector)]


class AlphaMLP:
    def __init__(self, gate, up, down):
        self.gate = gate
        self.up = up
        self.down = down

    def project(self, matrix, vector):
        out = []
        for row in matrix:
            acc = 0.0
            for a, b in zip(row, vector):
                acc += a * b
            out.append(acc)
        return out

    def forward(self, vector):
        gated = [silu(g) for g in self.project(self.gate, vector)]
        lifted = self.project(self.up, vector)
        hidden = [g * u for g, u in zip(gated, lifted)]
        return self.project(self.down, hidden)
'''

# The scanned side: alpha's attention with every name changed, plus code of its own.
COPIED = ATTENTION.replace("AlphaAttention", "BetaSelfAttention").replace("softmax", "normalise") \
    .replace("queries", "qs").replace("values", "vs").replace("mixed", "acc").replace("weights", "probs")
OWN = '''"""Unrelated helper code (written for lineage's tests)."""


def parse_pairs(text):
    pairs = {}
    for line in text.splitlines():
        if "=" not in line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        pairs[key.strip()] = value.strip()
    return pairs


def render_table(rows, widths):
    lines = []
    for row in rows:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        lines.append(" | ".join(cells))
    return "\\n".join(lines)
'''


_DATABASES = itertools.count()


@dataclass(frozen=True)
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def pause(self, paused: bool) -> None:
        """SIGSTOP/SIGCONT: a server that is up but does not answer."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run("apt-get update -qq && apt-get install -y -qq redis-server", shell=True,
                       check=False, capture_output=True, timeout=600)
        found = shutil.which("redis-server")
    if not found:
        pytest.skip("redis-server is not installed and cannot be installed here (not root)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> RedisServer:
    """A throwaway server; the caller stops it."""
    import redis

    port = free_port()
    proc = subprocess.Popen([redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--databases", "64"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    for _ in range(100):
        try:
            client.ping()
            return RedisServer(port, proc)
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    pytest.fail("redis-server did not start")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def spare_server() -> Iterator[RedisServer]:
    """A server of the test's own, to stop or freeze."""
    server = start_server()
    yield server
    server.pause(False)
    server.stop()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("redis-corpus")
    (root / "alpha").mkdir()
    (root / "alpha" / "attention.py").write_text(ATTENTION)
    (root / "alpha" / "mlp.py").write_text(MLP)
    (root / "fix.toml").write_text(
        f'[source]\nname = "fix"\nkind = "dir"\npath = "{root}"\nlicence = "Apache-2.0"\n\n'
        '[[family]]\nname = "alpha"\ninclude = ["alpha/*.py"]\norg = "Meta"\n')
    return root


@pytest.fixture(scope="session")
def index_file(corpus: Path) -> Path:
    report = build_index([load_manifest(corpus / "fix.toml")], corpus / "fix.lineage")
    assert report.units > 5 and not report.errors
    return Path(report.path)


@pytest.fixture(scope="session")
def target_files() -> list[SourceFile]:
    return [SourceFile("pkg/copied.py", COPIED.encode()), SourceFile("pkg/own.py", OWN.encode())]


@pytest.fixture
def fresh_url(redis_server: RedisServer, index_file: Path) -> str:
    """The index published into a database of its own, so a test may damage it freely."""
    import redis

    from lineage.index.redis_store import publish

    db = 1 + next(_DATABASES) % 63
    redis.Redis(port=redis_server.port, db=db).flushdb()
    url = redis_server.url(db)
    publish(index_file, url)
    return url
