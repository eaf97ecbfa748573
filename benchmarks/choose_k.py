"""Measure the structural k-gram length: robustness to edits against noise between strangers.

For each k, over units of real transformers modeling files: (a) the structural Jaccard of a
unit with an edited copy of itself (every 50th token replaced, as small local edits do),
and (b) for each unit, the best Jaccard against units of the Python standard library (noise:
unrelated code that merely looks alike; other model directories are no baseline, since
transformers copies the same code into many of them).  A good k keeps (a) high while (b) stays low.

usage: python benchmarks/choose_k.py [--files 80]
"""

from __future__ import annotations

import argparse
import random
import sys

import numpy as np

from lineage.data import shipped_dir
from lineage.fingerprint.shingles import kgram_hashes, token_ids
from lineage.index.build import fetch_sources
from lineage.index.manifest import load_manifest
from lineage.parse.units import parse_source


def kset(kinds: list[str], k: int) -> set[int]:
    return set(kgram_hashes(token_ids(kinds), k).tolist())


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=80)
    args = ap.parse_args()
    files, _, _ = fetch_sources(load_manifest(shipped_dir() / "transformers.toml"))
    files = sorted((f for f in files if "/modeling_" in f.path), key=lambda f: f.path)
    rng = random.Random(0)
    files = rng.sample(files, min(args.files, len(files)))
    units = []
    for f in files:
        for u in parse_source(f.path, f.data).units:
            if u.kind != "module" and len(u.kinds) >= 60:
                units.append((f.path.split("/")[-2], list(u.kinds)))
    sample = rng.sample(units, min(300, len(units)))
    import glob
    import os

    stdlib = []
    for path in sorted(glob.glob(os.path.join(os.path.dirname(os.__file__), "*.py")))[:400]:
        with open(path, "rb") as handle:
            for u in parse_source(path, handle.read()).units:
                if u.kind != "module" and len(u.kinds) >= 60:
                    stdlib.append(list(u.kinds))
    print(f"{len(stdlib)} standard-library units as the unrelated baseline")
    print(f"{len(units)} units from {len(files)} files; {len(sample)} sampled")
    print("k   edited-copy J (p10 / p50)   best unrelated J (p50 / p90 / p99)")
    for k in (6, 8, 10, 12, 16, 20, 24):
        sets = [kset(kinds, k) for kinds in stdlib]
        edited, noise = [], []
        for d, kinds in sample:
            copy = [("ID" if t != "ID" else "NUM") if i % 50 == 25 else t for i, t in enumerate(kinds)]
            edited.append(jaccard(kset(kinds, k), kset(copy, k)))
            mine = kset(kinds, k)
            noise.append(max((jaccard(mine, s) for s in sets), default=0.0))
        e, n = np.asarray(edited), np.asarray(noise)
        print(f"{k:<3d} {np.percentile(e, 10):.2f} / {np.percentile(e, 50):.2f}             "
              f"{np.percentile(n, 50):.2f} / {np.percentile(n, 90):.2f} / {np.percentile(n, 99):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
