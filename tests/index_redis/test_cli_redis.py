"""The command line on a shared Redis index: publish, build straight to the store, scan, hook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from lineage.index.embedded import load_embedded
from lineage.index.open import parse_url
from lineage.index.redis_store import CURRENT
from lineage.models import SourceFile

from .conftest import RedisServer


def lineage(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lineage", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def empty_db(server: RedisServer, db: int) -> str:
    redis.Redis(port=server.port, db=db).flushdb()
    return server.url(db)


def write_target(root: Path, files: list[SourceFile]) -> Path:
    for f in files:
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    return root


def scan_json(index: str, target: Path, cwd: Path) -> dict[str, object]:
    run = lineage("scan", str(target), "--index", index, "--format", "json", "--exit-zero", "-q", cwd=cwd)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def comparable(report: dict[str, object]) -> list[tuple[object, ...]]:
    return sorted((f["id"], f["kind"], f["path"], f["start_line"], f["severity"],
                   tuple((m["family"], m["path"], m["start_line"], m["similarity"]) for m in f["matches"]))
                  for f in report["findings"])  # type: ignore[attr-defined, index]


def test_publish_then_scan_by_url_equals_scan_of_the_file(redis_server: RedisServer, index_file: Path,
                                                          target_files: list[SourceFile], tmp_path: Path) -> None:
    url = empty_db(redis_server, 60)
    run = lineage("corpus", "publish", str(index_file), url, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    ident = load_embedded(index_file).header["id"]
    assert ident in run.stderr and "current" in run.stderr
    assert redis.Redis(port=redis_server.port, db=60).get(CURRENT) == ident.encode()

    target = write_target(tmp_path / "target", target_files)
    shared, local = scan_json(url, target, tmp_path), scan_json(str(index_file), target, tmp_path)
    assert comparable(shared) and comparable(shared) == comparable(local)
    assert {f["path"] for f in shared["findings"]} == {"pkg/copied.py"}  # type: ignore[attr-defined]

    listing = lineage("corpus", "list", "--index", url, cwd=tmp_path)
    assert listing.returncode == 0 and ident in listing.stdout and "alpha" in listing.stdout


def test_keep_current_uploads_without_switching(redis_server: RedisServer, index_file: Path,
                                                tmp_path: Path) -> None:
    url = empty_db(redis_server, 59)
    run = lineage("corpus", "publish", "--keep-current", str(index_file), url, cwd=tmp_path)
    assert run.returncode == 0 and "not current" in run.stderr
    assert redis.Redis(port=redis_server.port, db=59).get(CURRENT) is None
    scan = lineage("scan", str(tmp_path), "--index", url, cwd=tmp_path)
    assert scan.returncode == 2 and "no current lineage index" in scan.stderr


@pytest.mark.parametrize("option", ["--store", "--out"])
def test_build_with_a_store_url_publishes(option: str, redis_server: RedisServer, corpus: Path,
                                          tmp_path: Path) -> None:
    url = empty_db(redis_server, 58)
    run = lineage("corpus", "build", str(corpus / "fix.toml"), option, url, "-q", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert parse_url(url).label in run.stderr
    current = redis.Redis(port=redis_server.port, db=58).get(CURRENT)
    assert current is not None and current.decode() in run.stderr
    assert not list(tmp_path.iterdir())  # nothing left behind in the working directory


def test_scan_with_the_server_down_is_a_clear_error(tmp_path: Path) -> None:
    from .conftest import free_port

    run = lineage("scan", str(tmp_path), "--index", f"redis://127.0.0.1:{free_port()}/0", cwd=tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "redis" in run.stderr.lower()


@pytest.mark.parametrize("spec", ["s3://user:s3cr3t-pw@bucket/index", "redis://user:s3cr3t-pw@127.0.0.1:6379/0",
                                  "redis://user:s3cr3t-pw@127.0.0.1:notaport/0"])
def test_unsupported_or_credentialed_specs_are_refused(spec: str, tmp_path: Path) -> None:
    run = lineage("scan", str(tmp_path), "--index", spec, cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "s3cr3t" not in run.stderr and "user" not in run.stderr  # a password typed into a URL is never echoed back


def test_store_option_takes_only_a_store(corpus: Path, tmp_path: Path) -> None:
    run = lineage("corpus", "build", str(corpus / "fix.toml"), "--store", str(tmp_path / "x.lineage"), cwd=tmp_path)
    assert run.returncode == 2 and "--store takes redis://" in run.stderr
    both = lineage("corpus", "build", str(corpus / "fix.toml"), "--store", "redis://127.0.0.1/0",
                   "--out", "x.lineage", cwd=tmp_path)
    assert both.returncode == 2 and "not both" in both.stderr
    assert not list(tmp_path.iterdir())
