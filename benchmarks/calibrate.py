"""Calibrate file-level scores on the corpus itself: unrelated vs declared-derived family pairs.

For every reference file of family F, every unit is matched against the index; for every
other family G the file's score against G is the kgram-weighted mean over its units of the
best match in G, computed two ways: plain structural similarity, and rare evidence (the
share of the unit's fingerprints shared with G *and* rare across model lines).  Pairs are
"derived" when one family declares the other as an ancestor (manifest `lineage`,
transitively) and "unrelated" when their organisations differ and neither derives from the
other.  "copy" is a file's score against its own family with itself included: the score a
renamed, reformatted copy gets, since the structural stream ignores names and layout.  Prints percentiles and writes them as TOML (corpora/calibration.toml by default).

usage: python benchmarks/calibrate.py INDEX [--out corpora/calibration.toml] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from lineage.api import open_index
from lineage.data import shipped_dir
from lineage.index.build import fetch_sources
from lineage.index.header import scores_digest
from lineage.compact.files import compact_all
from lineage.index.manifest import load_manifest
from lineage.index.query import QueryOptions, match_files


def closure(parents: dict[str, list[str]], name: str) -> set[str]:
    seen: set[str] = set()
    todo = list(parents.get(name, []))
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(parents.get(p, []))
    return seen


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3) if values else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("index")
    ap.add_argument("--out", default=str(shipped_dir() / "calibration.toml"))
    ap.add_argument("--limit", type=int, default=0, help="files per source (0: all)")
    args = ap.parse_args()
    index = open_index(args.index)
    fams = index.meta["families"]
    parents: dict[str, list[str]] = {}
    org: dict[str, str] = {}
    for f in fams:
        key = f"{f['source']}:{f['name']}"
        parents[key] = [f"{f['source']}:{p}" for p in f.get("lineage", [])]
        org[key] = f["org"]
    manifests = {Path(s["manifest"]).name: s for s in index.header["sources"]}
    scores: dict[str, list[float]] = defaultdict(list)
    began = time.perf_counter()
    n_files = 0
    for name in manifests:
        manifest = load_manifest(shipped_dir() / name)
        files, _, _ = fetch_sources(manifest)
        files.sort(key=lambda f: f.path)
        if args.limit:
            files = files[: args.limit]
        compacted = list(compact_all(files, index.params, workers=2))
        matches = match_files(index, compacted, QueryOptions(top=400, max_candidates=400, min_similarity=0.1))
        from lineage.index.manifest import family_of

        for fi, cf in enumerate(compacted):
            fam = family_of(cf.path, manifest)
            if fam is None or not cf.units:
                continue
            me = f"{manifest.name}:{fam.name}"
            weights = np.asarray([u.n_kgrams for u in cf.units], dtype=float)
            best_plain: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(cf.units)))
            best_rare: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(cf.units)))
            for ui in range(len(cf.units)):
                for m in matches.get((fi, ui), ()):
                    g = m.ref.family
                    if g == me and m.ref.path != cf.path:
                        continue  # only the file itself stands for "a renamed copy of this file"
                    best_plain[g][ui] = max(best_plain[g][ui], m.similarity)
                    best_rare[g][ui] = max(best_rare[g][ui], m.rarity)
            mine = closure(parents, me)
            for g in best_plain:
                if g == me:  # the structural stream is rename-invariant: this is a renamed copy's score
                    scores["copy_plain"].append(float(weights @ best_plain[g] / weights.sum()))
                    scores["copy_rare"].append(float(weights @ best_rare[g] / weights.sum()))
                    continue
                derived = g in mine or me in closure(parents, g)
                unrelated = not derived and org.get(g) != org.get(me)
                if not (derived or unrelated):
                    continue
                kind = "derived" if derived else "unrelated"
                scores[f"{kind}_plain"].append(float(weights @ best_plain[g] / weights.sum()))
                scores[f"{kind}_rare"].append(float(weights @ best_rare[g] / weights.sum()))
            n_files += 1
    elapsed = time.perf_counter() - began
    lines = ["# File-level score distributions measured on the default corpus by benchmarks/calibrate.py.",
             f"# index {index.header['id']}, {n_files} files, {elapsed:.0f} s. Regenerate after corpus changes.",
             "[calibration]", f'index = "{index.header["id"]}"', f'scores = "{scores_digest(index.header)}"',
             f"files = {n_files}"]
    for key in sorted(scores):
        vals = scores[key]
        for q in (1, 5, 10, 50, 90, 95, 99):
            lines.append(f"{key}_p{q} = {pct(vals, q)}")
        lines.append(f"{key}_max = {round(max(vals), 3) if vals else 'nan'}")
        lines.append(f"{key}_pairs = {len(vals)}")
        print(f"{key:18s} pairs {len(vals):6d}  p5 {pct(vals, 5):.3f}  p10 {pct(vals, 10):.3f}  p50 {pct(vals, 50):.3f}  p90 {pct(vals, 90):.3f}  "
              f"p99 {pct(vals, 99):.3f}  max {max(vals) if vals else float('nan'):.3f}")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
