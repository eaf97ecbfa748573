"""Wall time and peak memory of a command's whole process tree, for benchmarks/run.py.

Peak memory is the larger of two readings: the summed PSS (proportional set size) of the
process and all its descendants, sampled from /proc every 50 ms in a thread, and the
kernel's ru_maxrss from wait4 (exact, but for the single largest process).  PSS splits a
page shared by N processes N ways, so forked workers that share their parent's loaded index
count once, not once per worker, while a worker's own memory counts in full.  The summed
RSS, which counts shared pages once per process, is kept alongside (`peak_rss_mb`).  The
main thread blocks in wait4, so the wall time is not rounded to the sampling period.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    wall: float
    peak_mb: float  # summed PSS of the process tree (or ru_maxrss, if larger)
    rc: int
    out: str
    err: str
    peak_rss_mb: float = 0.0  # summed RSS: shared pages counted in every process


@dataclass(frozen=True)
class Runs:
    runs: list[Run]

    @property
    def walls(self) -> list[float]:
        return [round(r.wall, 3) for r in self.runs]

    @property
    def median_wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def median_peak(self) -> float:
        return statistics.median(r.peak_mb for r in self.runs)

    @property
    def median_peak_rss(self) -> float:
        return statistics.median(r.peak_rss_mb for r in self.runs)

    @property
    def median_index(self) -> int:
        order = sorted(range(len(self.runs)), key=lambda i: self.runs[i].wall)
        return order[(len(order) - 1) // 2]


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _field_kb(path: str, name: str) -> int:
    try:
        with open(path) as f:
            return next((int(line.split()[1]) for line in f if line.startswith(name)), 0)
    except (OSError, ValueError):
        return 0


def tree_memory_kb(root: int) -> tuple[int, int]:
    """(summed VmRSS, summed Pss) of a process and its descendants (0 where /proc is missing)."""
    if not os.path.isdir("/proc"):
        return 0, 0
    kids, todo, rss, pss = _children(), [root], 0, 0
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, []))
        rss += _field_kb(f"/proc/{pid}/status", "VmRSS:")
        pss += _field_kb(f"/proc/{pid}/smaps_rollup", "Pss:")
    return rss, pss


def measure(cmd: list[str], *, env: dict[str, str] | None = None, cwd: str | None = None,
            timeout: float = 7200) -> Run:
    """Run a command to completion (killed after `timeout`), timing it and sampling its memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        except OSError as exc:
            return Run(0.0, 0.0, 127, "", f"cannot start {cmd[0]}: {exc}")
        peak = [0, 0]  # RSS, PSS
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak[:] = map(max, peak, tree_memory_kb(proc.pid))
                if time.perf_counter() - began > timeout:
                    proc.kill()

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(wall, max(peak[1], usage.ru_maxrss) / 1024, proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   max(peak[0], usage.ru_maxrss) / 1024)


def repeat(cmd: list[str], runs: int, *, env: dict[str, str] | None = None, timeout: float = 7200,
           warmup: bool = False) -> Runs:
    """`runs` measurements (after one uncounted warm-up run when asked); stops at the first failure."""
    if warmup:
        measure(cmd, env=env, timeout=timeout)
    done: list[Run] = []
    for _ in range(max(1, runs)):
        done.append(measure(cmd, env=env, timeout=timeout))
        if done[-1].rc != 0:
            break
    return Runs(done)
