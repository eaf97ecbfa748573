"""Hostile-input fixtures: one tiny reference index per session, an isolated environment,
and helpers to run the CLI in-process (CliRunner) or as a real process (signals).

The reference under ``data/ref/`` was written for these tests; nothing third-party.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lineage.cli.main import cli
from lineage.fingerprint.params import FingerprintParams
from lineage.index.build import build_index
from lineage.index.manifest import load_manifest

DATA = Path(__file__).parent / "data"
REF = DATA / "ref" / "ringcache.py"
LINEAGE = Path(sys.executable).with_name("lineage")
GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_")},
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.com",
}  # fmt: skip

MANIFEST = """\
[source]
name = "hostile"
kind = "dir"
path = "{path}"
licence = "Apache-2.0"

[[family]]
name = "ring"
include = ["{glob}"]
org = "Meta"
"""


def write_manifest(path: Path, ref_dir: Path, glob: str = "ref/*.py") -> Path:
    path.write_text(MANIFEST.format(path=ref_dir.as_posix(), glob=glob), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def manifest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_manifest(tmp_path_factory.mktemp("manifest") / "hostile.toml", DATA)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, manifest_path: Path) -> Path:
    """The session's index; never modify it (use ``index_copy``)."""
    out = tmp_path_factory.mktemp("index") / "hostile.lineage"
    build_index([load_manifest(manifest_path)], out, params=FingerprintParams(), workers=1)
    return out


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy.lineage"
    shutil.copyfile(built_index, dest)
    return dest


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No LINEAGE_* from the developer's shell, no default index in their cache, and a
    working directory without a pyproject.toml (so no [tool.lineage] leaks in)."""
    for key in list(os.environ):
        if key.startswith("LINEAGE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    yield


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def report(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


def assert_clean_failure(run: Run, *needles: str) -> None:
    """Exit 2, one short message on stderr naming the problem, no traceback."""
    assert run.code == 2, (run.code, run.stderr)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("lineage: error: ") or lines[0].startswith("Error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def invoke_cli(*args: str, env: dict[str, str] | None = None) -> Run:
    """The CLI in-process, stdout and stderr kept apart; an escaped exception re-raised."""
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an escaped exception is a failure with its traceback
    return Run(result.exit_code, result.stdout, result.stderr)


def scan_cli(index: Path, target: str | Path, *extra: str, env: dict[str, str] | None = None) -> Run:
    """``lineage scan TARGET --index INDEX --format json`` in-process."""
    return invoke_cli("scan", str(target), "--index", str(index), "--format", "json", "-q",
                      "--workers", "1", *extra, env=env)


@pytest.fixture
def invoke() -> Callable[..., Run]:
    """``invoke(*args, env=None)``: see ``invoke_cli``."""
    return invoke_cli


@pytest.fixture
def scan_json(built_index: Path) -> Callable[..., Run]:
    """``scan_json(target, *extra, env=None)``: a JSON scan on the session index."""

    def run(target: str | Path, *extra: str, env: dict[str, str] | None = None) -> Run:
        return scan_cli(built_index, target, *extra, env=env)

    return run


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def run_git() -> Callable[..., str]:
    return git


def subprocess_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg-cache")
    env.update(extra)
    return env


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """A directory holding one verbatim copy of the reference file."""
    root = tmp_path / "target"
    root.mkdir()
    (root / "copy.py").write_bytes(REF.read_bytes())
    return root
