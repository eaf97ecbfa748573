"""Scan time with and without the architecture section (part of `make eval-arch`).

usage: python benchmarks/arch_speed.py [--index INDEX] [--with-arch OUT] [--target DIR] [--repeat N]

An index built before the section existed (the shared default one, say) is copied to OUT with
the section added: the code arrays are kept as they are, the section is built from the same
manifests (pinned wheels from the download cache).  Then the same target is scanned against
both, alternately, in one process (no workers, so its CPU time is the whole scan's: on a
machine shared with other jobs, wall time measures the neighbours as much as the scan), and
the least CPU time of each is reported with the wall times, and the median of each round's ratio
(the two scans of a round run back to back, under the same load): the section's cost is the
extraction of every scanned file's interface and its lookup.  Writes nothing else.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from lineage import api
from lineage.arch.section import ArchCollector
from lineage.config import Config, default_index_path
from lineage.index.build import fetch_sources
from lineage.index.manifest import family_of, load_manifest
from lineage.index.store import read_index, write_index
from lineage.source.walk import walk_directory


def with_section(index: Path, out: Path, workers: int) -> Path:
    """A copy of `index` with the architecture section of its manifests added (kept if already there)."""
    if out.exists():
        return out
    header, arrays = read_index(index)
    arch = ArchCollector()
    for path in api.default_manifests():
        manifest = load_manifest(path)
        files, _, _ = fetch_sources(manifest)
        arch.add(manifest, [(f"{manifest.name}:{o.name}", f) for f in files if (o := family_of(f.path, manifest))])
    kept = {k: v for k, v in header.items() if k not in ("arrays", "format", "id")}
    write_index(out, kept, {**arrays, **arch.arrays(workers)})
    return out


def timed(index: Path, target: Path, config: Config) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, architecture findings) of one scan, the index load included."""
    files, _ = walk_directory(target)
    idx = api.open_index(index)
    began, cpu = time.perf_counter(), time.process_time()
    result, _ = api.scan_files(files, idx, config, target=str(target))
    return time.process_time() - cpu, time.perf_counter() - began, sum(f.kind == "architecture" for f in result.findings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", default=default_index_path())
    ap.add_argument("--with-arch", default="/tmp/lineage-arch/default-with-arch.lineage")
    ap.add_argument("--target", required=True, help="a directory of Python files to scan")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1, help="1: CPU time is the whole scan's (no workers)")
    args = ap.parse_args(argv)
    arch_index = with_section(Path(args.index), Path(args.with_arch), args.workers)
    config = Config(workers=args.workers)
    cpu: dict[str, list[float]] = {"code only": [], "with architecture": []}
    wall: dict[str, list[float]] = {"code only": [], "with architecture": []}
    claims = 0
    for _ in range(args.repeat):
        for name, path in (("code only", Path(args.index)), ("with architecture", arch_index)):
            c, w, n = timed(path, Path(args.target), config)
            cpu[name].append(round(c, 2))
            wall[name].append(round(w, 2))
            claims = n if name == "with architecture" else claims
    best = {k: min(v) for k, v in cpu.items()}
    report: dict[str, Any] = {"target": args.target, "files": len(walk_directory(Path(args.target))[0]),
                              "cpu_seconds": cpu, "wall_seconds": wall,
                              "cpu_ratio": round(best["with architecture"] / best["code only"], 3),
                              # each round's two scans ran back to back: their ratio shares the load of the moment
                              "cpu_ratio_rounds_median": round(statistics.median(
                                  a / c for a, c in zip(cpu["with architecture"], cpu["code only"])), 3),
                              "wall_ratio": round(min(wall["with architecture"]) / min(wall["code only"]), 3),
                              "architecture_findings": claims}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
