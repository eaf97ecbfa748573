"""Exits with real processes: SIGTERM/SIGHUP during a pooled scan, a worker count far past
the cores, reports into places that cannot take them, and a reader that goes away."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import LINEAGE, REF, Run, assert_clean_failure, subprocess_env
from tests.hostile.test_hostile_interrupt import children, cpu_seconds, finish, generate_tree, start, wait_until

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to watch the child")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_tree(tmp_path_factory.mktemp("busy"), 300)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("to", ["group", "parent"])
def test_sigterm_and_sighup_exit_quietly_with_128_plus_the_signal(
        signum: int, to: str, tree: Path, built_index: Path, tmp_path: Path) -> None:
    proc = start(["scan", str(tree / "gen"), "--index", str(built_index), "--format", "json", "-q",
                  "--workers", "2"], tmp_path)
    wait_until(proc, lambda: len(children(proc.pid)) >= 2 and all(cpu_seconds(c) > 0.3 for c in children(proc.pid)))
    workers = children(proc.pid)
    if to == "group":
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    code, out, err = finish(proc)
    assert code == 128 + signum, err
    assert "Traceback" not in err and out == ""
    assert err in ("", f"lineage: terminated by {signal.Signals(signum).name}\n"), err
    for pid in workers:  # no orphaned worker keeps running
        assert _gone_or_zombie(pid)


def _gone_or_zombie(pid: int) -> bool:
    try:  # (reaped between a check and the read: gone)
        return "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]
    except OSError:
        return True


def test_workers_are_capped_at_twice_the_cores(tree: Path, built_index: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen([str(LINEAGE), "scan", str(tree / "gen"), "--index", str(built_index), "-q",
                             "--format", "json", "-o", str(tmp_path / "r.json"), "--workers", "200"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=subprocess_env(tmp_path), cwd=tmp_path)
    most = 0
    while proc.poll() is None:
        most = max(most, len(children(proc.pid)))
        time.sleep(0.01)
    _, err = proc.communicate()
    assert proc.returncode in (0, 1), err
    assert 1 <= most <= 2 * (os.cpu_count() or 1), most


def test_a_report_into_a_missing_directory_is_a_clear_error(
        tmp_path: Path, built_index: Path, invoke: Callable[..., Run]) -> None:
    (tmp_path / "t.py").write_bytes(REF.read_bytes())
    out = tmp_path / "no" / "such" / "dir" / "report.json"
    run = invoke("scan", str(tmp_path / "t.py"), "--index", str(built_index), "--format", "json", "-o", str(out))
    assert_clean_failure(run, "report.json")
    assert not out.parent.exists()


def test_a_report_onto_a_full_disk_is_a_clear_error(tmp_path: Path, built_index: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    (tmp_path / "t.py").write_bytes(REF.read_bytes())
    done = subprocess.run([str(LINEAGE), "scan", str(tmp_path / "t.py"), "--index", str(built_index), "-q",
                           "--format", "json", "-o", "/dev/full"], capture_output=True, text=True, timeout=120,
                          env=subprocess_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith("lineage: error: ")


def test_a_closed_pipe_is_a_quiet_exit(tree: Path, built_index: Path, tmp_path: Path) -> None:
    """`lineage scan ... | head -c 1`: the reader leaves early; no traceback, no exit 3."""
    env = subprocess_env(tmp_path)
    args = f"'{LINEAGE}' scan '{tree / 'gen' / 'pkg1'}' --index '{built_index}' --format json -q --workers 1 --fail-on high"
    whole = subprocess.run(["bash", "-c", args], capture_output=True, text=True, timeout=300, env=env)
    assert len(whole.stdout) > 1 << 17, "the report must overflow the pipe for the test to mean anything"
    shell = f"{args} | head -c 1 >/dev/null; echo \" ${{PIPESTATUS[0]}}\""
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=300, env=env)
    assert done.stdout.split()[-1] in ("0", "141"), done.stdout
    assert done.stderr == "", done.stderr
