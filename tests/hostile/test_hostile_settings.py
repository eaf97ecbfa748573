"""A stranger's settings (`cd stranger && lineage scan .`): a found lineage.toml or
[tool.lineage] may tighten a scan but not loosen it, redirect the index or receive
credentials, unless the user trusts it; the report says what applied and from where."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lineage.index.edition import edition

from tests.hostile.conftest import LINEAGE, REF, Run, subprocess_env


@pytest.fixture
def stranger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "stranger"
    root.mkdir()
    (root / "copy.py").write_bytes(REF.read_bytes())
    monkeypatch.chdir(root)
    return root


def _settings(run: Run) -> dict[str, dict[str, object]]:
    """The records of settings given by a file (not the command line), by name."""
    return {s["name"]: s for s in run.report()["config"]["settings"] if s["from"] != "command line"}


def test_a_loosening_cap_is_refused_and_reported(stranger: Path, built_index: Path,
                                                 invoke: Callable[..., Run]) -> None:
    (stranger / "lineage.toml").write_text("max_file_bytes = 10\n", encoding="utf-8")
    args = ("scan", ".", "--index", str(built_index), "--format", "json", "-q", "--fail-on", "low")
    run = invoke(*args)
    assert run.code == 1, run.stderr
    assert run.report()["config"]["max_file_bytes"] == 2_000_000
    record = _settings(run)["max_file_bytes"]
    assert record["status"] == "refused" and record["value"] == 10
    assert str(record["from"]).endswith("lineage.toml") and "skip files" in str(record["reason"])
    assert "setting `max_file_bytes` refused" in run.stderr and "--trust-config" in run.stderr
    trusted = invoke("--trust-config", *args)
    assert _settings(trusted)["max_file_bytes"]["status"] == "applied"
    # trusted, the cap applies and leaves the copy unread, but never silently: no finding, and
    # the file is reported unchecked and fails the scan
    assert trusted.code == 1 and trusted.report()["findings"] == []
    assert trusted.report()["errors"] and all(e["unchecked"] for e in trusted.report()["errors"])
    assert "could not be checked" in trusted.stderr


def test_tightening_applies_and_loosening_is_refused_in_one_file(stranger: Path, built_index: Path,
                                                                 invoke: Callable[..., Run]) -> None:
    (stranger / "pyproject.toml").write_text(
        '[tool.lineage]\nfail_on = "low"\nexclude = ["*"]\nmin_similarity = 0.9\nrole_rules = "mine.toml"\n'
        'as_of = "2001-01-01"\nmin_containment = 0.1\n', encoding="utf-8")
    run = invoke("scan", ".", "--index", str(built_index), "--format", "json", "-q")
    assert run.code == 1, "fail_on = low (tighter) applied, exclude refused: the copy fails the scan"
    settings = _settings(run)
    assert {n for n, s in settings.items() if s["status"] == "applied"} == {"fail_on", "min_containment"}
    assert {n for n, s in settings.items() if s["status"] == "refused"} == {
        "exclude", "min_similarity", "role_rules", "as_of"}
    assert run.report()["config"]["exclude"] == [] and run.report()["config"]["fail_on"] == "low"


def test_the_command_line_overrides_and_the_record_says_so(stranger: Path, built_index: Path,
                                                           invoke: Callable[..., Run]) -> None:
    (stranger / "lineage.toml").write_text('fail_on = "low"\n', encoding="utf-8")
    run = invoke("scan", ".", "--index", str(built_index), "--format", "json", "-q", "--fail-on", "medium")
    records = run.report()["config"]["settings"]
    assert sorted((r["name"], r["from"], r["status"]) for r in records) == sorted([
        ("fail_on", str(stranger / "lineage.toml"), "overridden"), ("fail_on", "command line", "applied"),
        ("index", "command line", "applied")])


def test_a_named_config_file_is_trusted(stranger: Path, tmp_path: Path, built_index: Path,
                                        invoke: Callable[..., Run]) -> None:
    team = tmp_path / "team.toml"
    team.write_text(f'[lineage]\nindex = "{built_index}"\nexclude = ["copy.py"]\n', encoding="utf-8")
    (stranger / "lineage.toml").write_text('fail_on = "info"\n', encoding="utf-8")  # not read: --config wins
    run = invoke("--config", str(team), "scan", ".", "--format", "json", "-q", "--fail-on", "low")
    assert run.code == 0 and run.report()["findings"] == [], run.stderr
    assert {(s["name"], s["status"]) for s in run.report()["config"]["settings"]} >= {
        ("index", "applied"), ("exclude", "applied")}
    missing = invoke("--config", str(tmp_path / "nope.toml"), "scan", ".")
    assert missing.code == 2 and "no such settings file" in missing.stderr


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP port that records what any client sends and answers every line with an error."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.2)
    heard: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(65536)
                    heard.append(data)
                    conn.sendall(b"-ERR not redis\r\n")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], heard
    stop.set()
    thread.join()
    server.close()


def test_a_strangers_index_never_receives_the_password(stranger: Path, built_index: Path, tmp_path: Path,
                                                       listener: tuple[int, list[bytes]]) -> None:
    port, heard = listener
    (stranger / "lineage.toml").write_text(f'index = "redis://127.0.0.1:{port}/0"\n', encoding="utf-8")
    env = subprocess_env(tmp_path, LINEAGE_REDIS_PASSWORD="s3cret-pw")
    default = Path(env["XDG_CACHE_HOME"]) / "lineage" / f"default-{edition()}.lineage"
    default.parent.mkdir(parents=True)
    shutil.copyfile(built_index, default)

    def scan(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(LINEAGE), *extra, "scan", ".", "-q", "--fail-on", "low"], cwd=stranger,
                              env=env, capture_output=True, text=True, timeout=120)

    refused = scan()
    assert refused.returncode == 1, refused.stderr  # the default index was used and found the copy
    assert "setting `index` refused" in refused.stderr and "redirect the index" in refused.stderr
    assert heard == [], "nothing was sent to the stranger's server"
    trusted = scan("--trust-config")  # the guard: trusted, the same file does send it
    assert trusted.returncode == 2
    assert any(b"s3cret-pw" in h for h in heard)
