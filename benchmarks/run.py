"""Speed and scale benchmark of lineage, with Dolos and copydetect side by side in the same run.

usage: python benchmarks/run.py --index INDEX [--quick] [--runs N] [--skip STEP ...]

Measures, each in fresh processes (wall time and peak RSS of the whole process tree, sampled
from /proc, and at least the kernel's ru_maxrss): build throughput of the index's own corpus
(artefacts cached, fetch excluded), index size and load time, scan throughput on the files of
the pinned transformers wheel that are not in the index, the raw tree-sitter parse floor of
the same files, pre-commit latency on a 5-file change, all-against-all Dolos and copydetect
over the first 200 `transformers/models/*/modeling_*.py` versus `lineage scan` of those files,
cost growth at 10/25/50/100% of the corpus with a power-law extrapolation to 100x, and a
profile of the scan.  A step that fails prints why and the run goes on.  Writes
benchmarks/results.md and benchmarks/results.json.  Never run by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_children import CHILDREN  # noqa: E402
from bench_measure import Run, measure, repeat  # noqa: E402
from bench_report import render  # noqa: E402

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("LINEAGE_BENCH_CACHE") or Path.home() / ".cache" / "lineage" / "bench")
PY = sys.executable
LINEAGE = str(Path(PY).parent / "lineage")
DOLOS_VERSION = "3.5.1"
COPYDETECT_VERSION = "0.5.0"
FRACTIONS = (0.1, 0.25, 0.5, 1.0)


def child(name: str, *args: str) -> list[str]:
    return [PY, str(Path(__file__).resolve()), "--child", name, *args]


def last_json(run: Run) -> dict[str, Any]:
    if run.rc != 0:
        raise RuntimeError(f"exit {run.rc}: {run.err.strip()[-600:] or run.out.strip()[-600:]}")
    for line in reversed(run.out.strip().splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    raise RuntimeError(f"no JSON in the output: {run.out[-300:]!r}")


def lineage_scan(target: Path, index: str, out: Path) -> list[str]:
    return [LINEAGE, "scan", str(target), "--index", index, "--format", "json", "-o", str(out), "--exit-zero", "-q"]


class Bench:
    def __init__(self, index: str, runs: int, quick: bool, work: Path) -> None:
        self.index, self.runs, self.quick, self.work = index, runs, quick, work
        self.results: dict[str, Any] = {}

    def step(self, name: str, fn: Callable[[], dict[str, Any]]) -> None:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            self.results[name] = fn()
        except Exception as exc:  # noqa: BLE001 - a failed step is reported, the run goes on
            reason = f"{type(exc).__name__}: {exc}"
            print(f"[bench] {name} FAILED: {reason}", file=sys.stderr, flush=True)
            if os.environ.get("LINEAGE_BENCH_DEBUG"):
                traceback.print_exc()
            self.results[name] = {"error": reason}
        print(f"[bench] {name} done in {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)

    # --- data -------------------------------------------------------------------------
    def prepare(self) -> dict[str, Any]:
        info = last_json(measure(child("prepare", self.index, str(self.work))))
        self.manifests: list[str] = info["manifests"]
        return info

    def dataset(self, name: str) -> tuple[Path, int, int]:
        d = self.results["prepare"]["sets"][name]
        return Path(d["dir"]), int(d["files"]), int(d["bytes"])

    # --- steps ------------------------------------------------------------------------
    def build(self) -> dict[str, Any]:
        out = self.work / "built.lineage"
        runs = repeat(child("build", json.dumps(self.manifests), "1.0", str(out)), self.runs)
        rows = [last_json(r) for r in runs.runs]
        best = rows[runs.median_index]
        mb = best["bytes"] / 1e6
        return {**best, "wall_s": runs.median_wall, "peak_mb": runs.median_peak, "runs": len(rows),
                "build_s": statistics.median(r["build_s"] for r in rows), "mb": mb,
                "mb_per_s": mb / statistics.median(r["build_s"] for r in rows),
                "files_per_s": best["files"] / statistics.median(r["build_s"] for r in rows), "path": str(out)}

    def usable_index(self) -> dict[str, Any]:
        probe = measure(child("load", self.index))
        if probe.rc == 0:
            return {"index": self.index, "fallback": False}
        built = self.results.get("build", {}).get("path")
        if not built:
            raise RuntimeError(f"index unusable and nothing built to fall back on: {probe.err.strip()[-300:]}")
        print(f"[bench] {self.index} is unusable ({probe.err.strip().splitlines()[-1:]}); the remaining "
              f"steps use the index just built at {built}", file=sys.stderr)
        self.index = built
        return {"index": built, "fallback": True, "reason": probe.err.strip()[-300:]}

    def load(self) -> dict[str, Any]:
        runs = repeat(child("load", self.index), 5)
        inner = [last_json(r)["seconds"] for r in runs.runs]
        size = os.path.getsize(self.index) if os.path.exists(self.index) else None
        return {"wall_s": runs.median_wall, "in_process_s": statistics.median(inner), "peak_mb": runs.median_peak,
                "size_mb": size / 1e6 if size is not None else None, "units": last_json(runs.runs[0])["units"]}

    def scan_large(self) -> dict[str, Any]:
        target, files, nbytes = self.dataset("rest")
        runs = repeat(lineage_scan(target, self.index, self.work / "rest.json"), self.runs)
        if runs.runs[-1].rc != 0:
            raise RuntimeError(runs.runs[-1].err[-400:])
        findings = len(json.loads((self.work / "rest.json").read_text())["findings"])
        return {"files": files, "mb": nbytes / 1e6, "wall_s": runs.median_wall, "peak_mb": runs.median_peak,
                "files_per_s": files / runs.median_wall, "mb_per_s": nbytes / 1e6 / runs.median_wall,
                "findings": findings, "walls": runs.walls}

    def floor(self) -> dict[str, Any]:
        out = {}
        for name in ("rest", "p200"):
            target, files, nbytes = self.dataset(name)
            run = repeat(child("parse", str(target)), self.runs)
            inner = statistics.median(last_json(r)["seconds"] for r in run.runs)
            out[name] = {"files": files, "mb": nbytes / 1e6, "parse_s": inner, "mb_per_s": nbytes / 1e6 / inner,
                         "wall_s": run.median_wall, "peak_mb": run.median_peak}
        return out

    def hook(self) -> dict[str, Any]:
        target, files, _ = self.dataset("five")
        runs = repeat(lineage_scan(target, self.index, self.work / "five.json"), 5, warmup=True)
        out: dict[str, Any] = {"scan5_wall_s": runs.median_wall, "scan5_peak_mb": runs.median_peak, "files": files}
        script = HERE / "hook_latency.py"
        if script.exists():
            run = measure([PY, str(script), self.index], timeout=900)
            out["hook_latency_output"] = (run.out.strip() or run.err.strip())[-500:]
            import re

            m = re.search(r"median ([0-9.]+) s", run.out)
            out["hook_median_s"] = float(m.group(1)) if m and run.rc == 0 else None
        return out

    def peers(self) -> dict[str, Any]:
        target, files, nbytes = self.dataset("p200")
        paths = self.results["prepare"]["sets"]["p200"]["paths"]
        tools: dict[str, Any] = {}
        runs = repeat(lineage_scan(target, self.index, self.work / "p200.json"), self.runs)
        tools["lineage"] = {"wall_s": runs.median_wall, "peak_mb": runs.median_peak, "walls": runs.walls,
                            "peak_rss_mb": runs.median_peak_rss, "rc": runs.runs[-1].rc}
        for name, setup, command in (("dolos", self.setup_dolos, lambda: self.dolos_cmd(paths)),
                                     ("copydetect", self.setup_copydetect, lambda: self.copydetect_cmd(target))):
            try:
                env = setup()
                r = repeat(command(), self.runs, env=env, timeout=3600)
                detail = last_json(r.runs[r.median_index])
                tools[name] = {"wall_s": r.median_wall, "peak_mb": r.median_peak, "walls": r.walls,
                               "peak_rss_mb": r.median_peak_rss, **detail}
            except Exception as exc:  # noqa: BLE001
                print(f"[bench] peer {name} FAILED: {exc}", file=sys.stderr)
                tools[name] = {"error": f"{type(exc).__name__}: {exc}"}
        base = tools["lineage"]
        for name in ("dolos", "copydetect"):
            if "wall_s" in tools[name] and base["wall_s"]:
                tools[name]["time_ratio"] = tools[name]["wall_s"] / base["wall_s"]
                tools[name]["peak_ratio"] = tools[name]["peak_mb"] / max(base["peak_mb"], 1e-9)
        return {"files": files, "mb": nbytes / 1e6, "tools": tools}

    def setup_dolos(self) -> dict[str, str]:
        prefix = CACHE / "node"
        modules = prefix / "node_modules"
        if not (modules / "@dodona" / "dolos-lib" / "package.json").exists():
            if not shutil.which("npm") or not shutil.which("node"):
                raise RuntimeError("node/npm not found on PATH")
            prefix.mkdir(parents=True, exist_ok=True)
            r = measure(["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                         f"@dodona/dolos-lib@{DOLOS_VERSION}"], timeout=1200)
            if r.rc != 0:
                raise RuntimeError(f"npm install failed: {r.err.strip()[-400:]}")
        return {**os.environ, "DOLOS_NODE_MODULES": str(modules)}

    def dolos_cmd(self, paths: list[str]) -> list[str]:
        return ["node", "--max-old-space-size=16384", str(HERE / "dolos_pairs.mjs"), *paths]

    def setup_copydetect(self) -> dict[str, str]:
        venv = CACHE / "venv"
        py = venv / "bin" / "python"
        probe = subprocess.run([str(py), "-c", "import copydetect"], capture_output=True) if py.exists() else None
        if probe is None or probe.returncode != 0:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            r = measure([str(py), "-m", "pip", "install", "-q", f"copydetect=={COPYDETECT_VERSION}"], timeout=1200)
            if r.rc != 0:
                raise RuntimeError(f"pip install copydetect failed: {r.err.strip()[-400:]}")
        return dict(os.environ)

    def copydetect_cmd(self, target: Path) -> list[str]:
        code = ("import json,sys,time\nfrom copydetect import CopyDetector\nt=time.perf_counter()\n"
                "d=CopyDetector(test_dirs=[sys.argv[1]],ref_dirs=[sys.argv[1]],extensions=['py'],display_t=0.5,"
                "autoopen=False,silent=True)\nd.run()\nn=len(d.get_copied_code_list())\n"
                "print(json.dumps({'pairs_at_least_0_5':n,'seconds':time.perf_counter()-t}))")
        return [str(CACHE / "venv" / "bin" / "python"), "-c", code, str(target)]

    def growth(self) -> dict[str, Any]:
        rows = []
        for frac in FRACTIONS:
            out = self.work / f"growth-{frac}.lineage"
            row = last_json(measure(child("build", json.dumps(self.manifests), str(frac), str(out))))
            rows.append({"fraction": frac, "files": row["files"], "mb": row["bytes"] / 1e6, "build_s": row["build_s"],
                         "index_mb": row["index_bytes"] / 1e6, "path": str(out)})
        target, _, _ = self.dataset("p200")
        q = last_json(measure(child("query", str(target), json.dumps([r["path"] for r in rows]))))
        for row, t in zip(rows, q["query_s"]):
            row["query_s"] = t
        return {"rows": rows, "fingerprint_200_s": q["fingerprint_s"], "fit": fit(rows)}

    def profile(self) -> dict[str, Any]:
        target, _, _ = self.dataset("p200")
        limit = "40" if self.quick else "100"
        return last_json(measure(child("profile", str(target), self.index, limit), timeout=3600))


def fit(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Power law y = c * x^b (least squares in log-log) of each cost against corpus MB; 100x prediction."""
    import math

    xs = [math.log(r["mb"]) for r in rows if r["mb"] > 0]
    out: dict[str, Any] = {}
    for key in ("build_s", "index_mb", "query_s"):
        ys = [math.log(max(r[key], 1e-6)) for r in rows if r["mb"] > 0]
        if len(xs) < 2:
            continue
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / max(sum((x - mx) ** 2 for x in xs), 1e-12)
        full = rows[-1][key]
        out[key] = {"exponent": b, "at_100x": full * 100 ** b}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description="lineage speed benchmark with peers (see module docstring)")
    ap.add_argument("--index", required=False, default=os.environ.get("LINEAGE_INDEX", ""))
    ap.add_argument("--quick", action="store_true", help="one run of each timing instead of --runs")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip", nargs="*", default=[], help="steps to leave out (e.g. growth peers profile)")
    ap.add_argument("--out-dir", default=str(HERE))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args, rest = ap.parse_known_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](*rest)))
        return 0
    if not args.index:
        ap.error("--index INDEX is required")
    index = args.index if "://" in args.index else os.path.abspath(args.index)
    work = Path(tempfile.mkdtemp(prefix="lineage-bench-"))
    bench = Bench(index, 1 if args.quick else max(1, args.runs), args.quick, work)
    began = time.time()
    try:
        steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("prepare", bench.prepare), ("build", bench.build), ("index", bench.usable_index),
            ("load", bench.load), ("scan_large", bench.scan_large), ("floor", bench.floor), ("hook", bench.hook),
            ("peers", bench.peers), ("growth", bench.growth), ("profile", bench.profile)]
        for name, fn in steps:
            if name in args.skip:
                continue
            if name != "prepare" and "error" in bench.results.get("prepare", {}):
                bench.results[name] = {"error": "no data sets (prepare failed)"}
                continue
            bench.step(name, fn)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "seconds": round(time.time() - began), "cpus": os.cpu_count(),
            "machine": platform.platform(), "python": platform.python_version(), "runs": bench.runs,
            "quick": args.quick, "index_arg": args.index, "node": shutil.which("node") and subprocess.run(
                ["node", "--version"], capture_output=True, text=True).stdout.strip()}
    results = {"meta": meta, **bench.results}
    text = render(results)
    print(text)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text, encoding="utf-8")
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"[bench] wrote {out / 'results.md'} and {out / 'results.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
