"""The work benchmarks/run.py times, each run in a fresh process (`run.py --child NAME ARGS`).

Every function returns a JSON-able dict that run.py reads from the child's last output line.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MODELING = re.compile(r"transformers/models/[^/]+/modeling_[^/]+\.py")


def _index_header(index: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and metadata, from a stale index too (only the build manifests are needed)."""
    if "://" in index:
        from lineage.index.open import open_any

        idx = open_any(index)
        return idx.header, idx.meta
    from lineage.index.store import read_index

    header, arrays = read_index(Path(index), verify=False)
    return header, json.loads(arrays["meta"].tobytes())


def _write(root: Path, files: list[Any]) -> dict[str, Any]:
    for f in files:
        dest = root / f.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
    return {"dir": str(root), "files": len(files), "bytes": sum(len(f.data) for f in files)}


def prepare(index: str, work: str) -> dict[str, Any]:
    """Manifests of the index's corpus, and the data sets cut from the pinned transformers wheel."""
    from lineage.api import default_manifests
    from lineage.data import shipped_dir
    from lineage.index.manifest import load_manifest
    from lineage.source.archive import read_archive
    from lineage.source.fetch import fetch_pypi

    header, meta = _index_header(index)
    named = [shipped_dir() / s["manifest"] for s in header.get("sources", []) if s.get("manifest")]
    manifests = [str(p) for p in named if p.exists()] or [str(p) for p in default_manifests()]
    indexed = {f["path"] for f in meta.get("files", [])}
    m = load_manifest(shipped_dir() / "transformers.toml")
    wheel = fetch_pypi(m.package, m.version, sha256=m.sha256, filename=m.filename or None,
                       python_version=m.python_version or None, platform=m.platform or None)
    files, _ = read_archive(wheel, include=lambda name: name.startswith("transformers/") and name.endswith(".py"))
    files.sort(key=lambda f: f.path)
    p200 = [f for f in files if MODELING.fullmatch(f.path)][:200]
    root = Path(work)
    sets = {"rest": _write(root / "rest", [f for f in files if f.path not in indexed]),
            "p200": _write(root / "p200", p200), "five": _write(root / "five", p200[:5])}
    sets["p200"]["paths"] = [str(root / "p200" / f.path) for f in p200]
    return {"manifests": manifests, "indexed_files": len(indexed), "wheel": Path(wheel).name,
            "index_id": header.get("id"), "sets": sets}


def build(manifests: str, fraction: str, out: str) -> dict[str, Any]:
    """build_index with the sources fetched beforehand (cached artefacts; fetch not timed)."""
    import lineage.index.build as b
    from lineage.pool import default_workers
    from lineage.index.manifest import load_manifest

    share = float(fraction)
    loaded = [load_manifest(p) for p in json.loads(manifests)]
    fetched: dict[str, tuple[list[Any], list[Any], dict[str, Any]]] = {}
    began = time.perf_counter()
    for m in loaded:
        files, errors, pinned = b.fetch_sources(m)
        # deterministic nested subsets: a file in the 10% sample is in the 25% one too
        keep = [f for f in files if int(hashlib.sha256(f.path.encode()).hexdigest()[:12], 16) < share * 16 ** 12]
        fetched[m.path] = (keep, errors, pinned)
    fetch_s = time.perf_counter() - began
    b.fetch_sources = lambda m: (list(fetched[m.path][0]), list(fetched[m.path][1]), dict(fetched[m.path][2]))
    began = time.perf_counter()
    report = b.build_index(loaded, Path(out), workers=default_workers())
    return {"files": report.files, "bytes": report.source_bytes, "build_s": time.perf_counter() - began,
            "fetch_s": fetch_s, "index_bytes": report.index_bytes, "units": report.units,
            "workers": default_workers(), "errors": len(report.errors), "sources": len(loaded)}


def load(index: str) -> dict[str, Any]:
    began = time.perf_counter()
    from lineage.api import open_index

    idx = open_index(index)
    return {"seconds": time.perf_counter() - began, "units": idx.n_units}


def parse(directory: str) -> dict[str, Any]:
    """The floor: read and tree-sitter-parse every file, one process, trees not kept."""
    import tree_sitter_python
    from tree_sitter import Language, Parser

    parser = Parser(Language(tree_sitter_python.language()))
    paths = sorted(Path(directory).rglob("*.py"))
    began = time.perf_counter()
    nbytes = errors = 0
    for p in paths:
        data = p.read_bytes()
        nbytes += len(data)
        errors += parser.parse(data).root_node.has_error
    return {"files": len(paths), "bytes": nbytes, "seconds": time.perf_counter() - began, "with_errors": errors}


def _sources(directory: str, limit: int = 0) -> list[Any]:
    from lineage.models import SourceFile

    root = Path(directory)
    paths = sorted(root.rglob("*.py"))[: limit or None]
    return [SourceFile(p.relative_to(root).as_posix(), p.read_bytes()) for p in paths]


def query(directory: str, indexes: str) -> dict[str, Any]:
    """Fingerprint the files once, then time the index query alone against each index."""
    from lineage.api import findings_for, fingerprint_files, open_index
    from lineage.config import Config

    config = Config()
    began = time.perf_counter()
    compacted = fingerprint_files(_sources(directory), config)
    fingerprint_s = time.perf_counter() - began
    times, loads = [], []
    for path in json.loads(indexes):
        began = time.perf_counter()
        idx = open_index(path)
        loads.append(time.perf_counter() - began)
        began = time.perf_counter()
        findings_for(idx, compacted, config)
        times.append(time.perf_counter() - began)
    return {"fingerprint_s": fingerprint_s, "query_s": times, "load_s": loads}


def profile(directory: str, index: str, limit: str) -> dict[str, Any]:
    """cProfile of `lineage scan` itself, run in this process with one worker, on `limit` files."""
    import cProfile
    import io
    import pstats
    import shutil
    import sys
    import tempfile
    from contextlib import redirect_stdout

    from lineage.cli.main import main

    files = _sources(directory, int(limit))
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            (Path(tmp) / f.path).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / f.path).write_bytes(f.data)
        sys.argv = ["lineage", "scan", tmp, "--index", index, "--format", "json", "--exit-zero", "-q", "--workers", "1"]
        prof = cProfile.Profile()
        began = time.perf_counter()
        try:
            with redirect_stdout(io.StringIO()):
                prof.runcall(main)
        except SystemExit:
            pass
        wall = time.perf_counter() - began
        shutil.rmtree(tmp, ignore_errors=True)
    rows = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    mine = [(k, v) for k, v in rows.items() if "/lineage/" in k[0] and "/site-packages/" not in k[0]]
    # leave out the wrappers around everything (main, the command, api.scan)
    cum = sorted((kv for kv in mine if kv[1][3] < 0.8 * wall), key=lambda kv: kv[1][3], reverse=True)[:10]
    top = sorted(rows.items(), key=lambda kv: kv[1][2], reverse=True)[:12]

    def name(k: tuple[str, int, str]) -> str:
        return f"{Path(k[0]).name}:{k[1]}:{k[2]}"

    return {"files": len(files), "mb": sum(len(f.data) for f in files) / 1e6, "wall_s": wall,
            "cumulative": [{"function": name(k), "cum_s": round(v[3], 2)} for k, v in cum],
            "top_own_time": [{"function": name(k), "own_s": round(v[2], 3), "cum_s": round(v[3], 3), "calls": v[1]}
                             for k, v in top]}


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "prepare": prepare, "build": build, "load": load, "parse": parse, "query": query, "profile": profile,
}
