"""Wall time of `lineage hook` on a 5-file commit, interpreter start included (median of runs).

A temporary git repository gets five staged Python files: four of lineage's own modules
(original code, the clean path every commit takes) and one that copies a unit from the
index's first reference file, so the matching path is timed too.  Each run is a fresh
process, exactly as pre-commit starts it, with lineage's bytecode written as an install writes it
(the first run, not counted, writes it where PYTHONDONTWRITEBYTECODE had kept it from being).

usage: python benchmarks/hook_latency.py INDEX [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lineage.errors import LineageError

ROOT = Path(__file__).resolve().parents[1]
OWN = ["lineage/config.py", "lineage/models.py", "lineage/index/query.py", "lineage/source/walk.py"]
CORE = re.compile(r"(MoE|Experts|Router|Attention)\w*\.forward$")
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "bench",
           "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.com"}


def hook_command(index: str) -> list[str]:
    """`lineage hook` when registered on the main group, else the same command object."""
    exe = Path(sys.executable).parent / "lineage"
    probe = subprocess.run([str(exe), "hook", "--help"], capture_output=True, text=True) if exe.exists() else None
    if probe is not None and probe.returncode == 0:
        return [str(exe), "hook", "--index", index]
    code = "from lineage.cli.hook import hook; hook(prog_name='lineage hook')"
    return [sys.executable, "-c", code, "--index", index]


def _reference_text(header: dict[str, object], source_index: int, path: str) -> str:
    """A reference file's text: from disk (dir sources) or the fetch cache (PyPI sources)."""
    from lineage.data import shipped_dir
    from lineage.index.manifest import load_manifest
    from lineage.source.archive import read_archive
    from lineage.source.fetch import fetch_pypi

    source = header["sources"][source_index]  # type: ignore[index]
    if source.get("kind") == "dir":
        full = Path(source["path"]) / path
        return full.read_text(encoding="utf-8") if full.is_file() else ""
    if source.get("kind") != "pypi" or not source.get("manifest"):
        return ""
    m = load_manifest(shipped_dir() / source["manifest"])
    artefact = fetch_pypi(m.package, m.version, sha256=m.sha256, filename=m.filename or None,
                          python_version=m.python_version or None, platform=m.platform or None)
    files, _ = read_archive(artefact, include=lambda name: name == path)
    return files[0].data.decode("utf-8", "replace") if files else ""


def copied_unit(index: str) -> str:
    """Source of a large core unit of some reference file, so the matching path is timed too."""
    from lineage.api import open_index

    idx = open_index(index)
    sizes = idx.arrays["u_end"].astype(int) - idx.arrays["u_start"].astype(int)
    for u in sizes.argsort(kind="stable")[::-1]:
        if 25 <= sizes[u] <= 70 and CORE.search(idx.ref_unit(int(u)).unit):
            ref = idx.ref_unit(int(u))
            file_id = int(idx.arrays["u_file"][u])
            text = _reference_text(idx.header, idx.meta["files"][file_id]["source"], ref.path)
            if text:
                return "\n".join(text.splitlines()[ref.start_line - 1: ref.end_line]) + "\n"
            break
    return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    index = os.path.abspath(args.index)
    work = Path(tempfile.mkdtemp(prefix="lineage-hook-bench-"))
    # as installed: pip writes a wheel's bytecode at install, so the uncounted first run may write it here
    # (an environment with PYTHONDONTWRITEBYTECODE set compiled every module of lineage on every run)
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **GIT_ENV}
    try:
        subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True, env=env)
        names = []
        for rel in OWN:
            dest = work / "src" / Path(rel).name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / rel, dest)
            names.append(f"src/{dest.name}")
        try:
            copy = copied_unit(index)
        except LineageError as exc:
            print(f"hook_latency: {exc}", file=sys.stderr)
            return 2
        body = "class Copied:\n" + copy if copy.startswith("    ") else (copy or "X = 1\n")
        (work / "src" / "copied.py").write_text('"""Copied unit."""\n\n\n' + body, encoding="utf-8")
        names.append("src/copied.py")
        subprocess.run(["git", "add", *names], cwd=work, check=True, env=env)
        command = hook_command(index) + names
        times, cpu, code = [], [], 0
        for _ in range(args.runs + 1):  # the first run warms the page cache and is not counted
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            done = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
            code = done.returncode
            if code not in (0, 1):
                print(done.stderr, file=sys.stderr)
                return 2
        runs = times[1:]
        print(f"lineage hook, 5 staged files ({'one copied unit' if copy else 'clean'}), exit {code}: "
              f"median {statistics.median(runs):.3f} s wall over {len(runs)} runs "
              f"(min {min(runs):.3f}, max {max(runs):.3f}); median CPU {statistics.median(cpu[1:]):.3f} s; "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
