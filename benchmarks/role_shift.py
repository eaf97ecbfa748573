"""How many units of the default corpus change role between two role tables.

Role rules decide whether a unit counts as core architecture; a new rule (the infrastructure
role, issue 19) must not turn real model code into something else.  This script parses every
model file of the default manifests (pinned wheels, cached), classifies each unit with both
tables and prints the transitions with examples.

    PYTHONPATH=$PWD python benchmarks/role_shift.py --old /tmp/roles_old.toml [--new corpora/roles.toml]

`--features CACHE.json` keeps the parsed units (name, bases, tokens, path) so that trying
another table costs seconds, not a parse of the corpus.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from lineage.api import default_manifests
from lineage.compact.roles import classify, load_rules


def unit_features(manifests: list[Path]) -> list[list[Any]]:
    """[path, qualname, kind, bases, text] for every unit of every indexed model file."""
    from lineage.index.build import fetch_sources
    from lineage.index.manifest import load_manifest
    from lineage.parse.units import parse_source

    out: list[list[Any]] = []
    for path in manifests:
        files, _, _ = fetch_sources(load_manifest(path))
        for f in files:
            parsed = parse_source(f.path, f.data)
            classes = {u.qualname: u.bases for u in parsed.units if u.kind == "class"}
            for u in parsed.units:
                if u.kind == "module":
                    continue
                bases = u.bases if u.kind == "class" else classes.get(u.qualname.rpartition(".")[0], ())
                out.append([f.path, u.qualname, u.kind, list(bases), "".join(u.texts)])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="the role table before the change")
    ap.add_argument("--new", default="", help="the role table after (default: the shipped one)")
    ap.add_argument("--features", default="", help="cache of parsed units (JSON), written when absent")
    ap.add_argument("--examples", type=int, default=8)
    args = ap.parse_args()
    cache = Path(args.features) if args.features else None
    if cache is not None and cache.exists():
        units = json.loads(cache.read_text())
    else:
        units = unit_features(default_manifests())
        if cache is not None:
            cache.write_text(json.dumps(units))
    old, new = load_rules(args.old), load_rules(args.new)
    moves: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for path, qual, _kind, bases, text in units:
        a = classify(qual, bases, text, path, old).role or "none"
        b = classify(qual, bases, text, path, new).role or "none"
        totals[b] += 1
        if a != b:
            moves[(a, b)] += 1
            examples[(a, b)].append(f"{path}::{qual}")
    print(f"{len(units)} units (module bodies left out); roles after: "
          + ", ".join(f"{r} {n}" for r, n in totals.most_common()))
    print(f"{sum(moves.values())} change role")
    for (a, b), n in moves.most_common():
        print(f"  {a} -> {b}: {n}")
        for e in examples[(a, b)][: args.examples]:
            print(f"      {e}")


if __name__ == "__main__":
    main()
