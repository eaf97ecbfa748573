"""How much of a framework port the structural channel finds (issue 19): mlx-lm's models
(ports of transformers implementations to MLX) against their transformers counterparts.

    # an index of transformers + mlx-lm, optionally with the experimental API table applied
    python benchmarks/port_match.py build /tmp/x/plain.lineage
    python benchmarks/port_match.py build /tmp/x/neutral.lineage --neutral benchmarks/api_neutral.toml
    # each mlx-lm model file scanned against the transformers families of that index
    python benchmarks/port_match.py ports /tmp/x/plain.lineage [--neutral TABLE] [--out report.json]
    # unrelated-pair scores (benchmarks/calibrate.py) under the same table
    python benchmarks/port_match.py calibrate /tmp/x/neutral.lineage --neutral TABLE --limit 60 --out /tmp/x/c.toml

Per mlx-lm file whose family has a transformers family of the same name: the share of its
units (classes, functions, methods) that get a code match, the share matched to the right
family (the best match, or a family holding the same code), and the file's source family.
`--neutral` rewrites the lexer's output (framework call chains -> neutral tokens, see
benchmarks/api_neutral.toml) in this process and its forked workers; an index and the scans
compared with it must be made with the same table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from lineage import api
from lineage.config import Config
from lineage.data import shipped_dir
from lineage.details import CodeMatchDetails
from lineage.index.manifest import family_of, load_manifest

Lexed = tuple[list[str], list[str], np.ndarray]


def neutral_lexer(table: Path, lex: Callable[[bytes], Lexed]) -> Callable[[bytes], Lexed]:
    """`lex` followed by the table: `fw.a.b.name` chains -> one token (`@neutral` when the name
    is in the table, else a plain ID), and the table's plain names renamed in the lexical stream."""
    data = tomllib.loads(table.read_text(encoding="utf-8"))
    fws, calls, names = set(data["frameworks"]), dict(data["calls"]), dict(data["names"])

    def rewritten(source: bytes) -> Lexed:
        kinds, texts, starts = lex(source)
        out_k: list[str] = []
        out_t: list[str] = []
        keep: list[int] = []
        i, n = 0, len(kinds)
        while i < n:
            after_dot = i > 0 and texts[i - 1] == "."
            if kinds[i] == "ID" and texts[i] in fws and not after_dot and i + 2 < n and texts[i + 1] == "." \
                    and kinds[i + 2] == "ID":
                j = i + 2
                while j + 2 < n and texts[j + 1] == "." and kinds[j + 2] == "ID":
                    j += 2
                last = texts[j]
                token = f"@{calls[last]}" if last in calls else "ID"
                out_k.append(token)
                out_t.append(token if last in calls else last)
                keep.append(i)
                i = j + 1
                continue
            out_k.append(kinds[i])
            out_t.append(names.get(texts[i], texts[i]) if kinds[i] == "ID" else texts[i])
            keep.append(i)
            i += 1
        return out_k, out_t, starts[np.asarray(keep, dtype=np.int64)] if keep else starts[:0]

    return rewritten


def use_table(table: str) -> None:
    if table:
        import lineage.parse.units as units

        setattr(units, "lex", neutral_lexer(Path(table), getattr(units, "lex")))  # this process and its forks


def expected_families() -> dict[str, str]:
    """mlx-lm family -> transformers family of the same name (underscores ignored)."""
    tf = {f.name.replace("_", ""): f.name for f in load_manifest(shipped_dir() / "transformers.toml").families}
    return {f.name: tf[f.name.replace("_", "")] for f in load_manifest(shipped_dir() / "mlx-lm.toml").families
            if f.name.replace("_", "") in tf}


def ports(index_path: str, out: str) -> None:
    from lineage.index.build import fetch_sources
    from lineage.index.restrict import restrict

    index = restrict(api.open_index(index_path), lambda row: row["source"] == "transformers", "transformers only")
    manifest = load_manifest(shipped_dir() / "mlx-lm.toml")
    files, _, _ = fetch_sources(manifest)
    expect = expected_families()
    rows: list[dict[str, Any]] = []
    for f in sorted(files, key=lambda f: f.path):
        fam = family_of(f.path, manifest)
        if fam is None or fam.name not in expect:
            continue
        want = f"transformers:{expect[fam.name]}"
        result, compacted = api.scan_files([f], index, Config(), target="mlx-lm", architectures=False)
        units = [u for cf in compacted for u in cf.units if u.kind != "module" and u.n_kgrams > 0]
        code = {x.unit: x for x in result.findings if x.kind == "code-match" and x.unit != "<module>"}
        right = [q for q, x in code.items()
                 if x.matches[0].ref.family == want or want in (x.details.equivalent_families if isinstance(x.details, CodeMatchDetails) else ())]
        lines = {u.qualname: u.end_line - u.start_line + 1 for u in units}
        row = result.summary.files.get(f.path)
        verdict = row.source if row is not None else None
        source = verdict.source.to_dict() if verdict is not None and verdict.source is not None else {}
        rows.append({"file": f.path, "expected": want, "units": len(units), "matched": len(code),
                     "right": len(right), "lines": sum(lines.values()),
                     "right_lines": sum(lines.get(q, 0) for q in right),
                     "top": source.get("family"), "top_right": source.get("family") == want})
        print(f"{f.path:42s} units {len(units):3d} matched {len(code):3d} right {len(right):3d} "
              f"top {source.get('family')}", flush=True)
    n_units = sum(r["units"] for r in rows) or 1
    n_lines = sum(r["lines"] for r in rows) or 1
    per_file = [r["right"] / r["units"] for r in rows if r["units"]]
    totals = {"files": len(rows), "units": n_units,
              "matched_share": round(sum(r["matched"] for r in rows) / n_units, 3),
              "right_share": round(sum(r["right"] for r in rows) / n_units, 3),
              "right_line_share": round(sum(r["right_lines"] for r in rows) / n_lines, 3),
              "right_share_per_file_p50": round(float(np.median(per_file)), 3) if per_file else 0.0,
              "files_any_right": sum(1 for r in rows if r["right"]),
              "files_top_right": sum(1 for r in rows if r["top_right"])}
    print(json.dumps(totals))
    if out:
        Path(out).write_text(json.dumps({"totals": totals, "files": rows}, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("build", "ports", "calibrate"))
    ap.add_argument("index")
    ap.add_argument("--neutral", default="", help="API normalisation table (TOML) applied to the lexer")
    ap.add_argument("--out", default="")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="calibrate: files per source (0: all)")
    args = ap.parse_args()
    use_table(args.neutral)
    if args.mode == "build":
        report = api.build([shipped_dir() / "transformers.toml", shipped_dir() / "mlx-lm.toml"], args.index,
                           workers=args.workers)
        print(f"{report.files} files, {report.units} units, {report.seconds:.0f} s")
    elif args.mode == "ports":
        ports(args.index, args.out)
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        import calibrate

        sys.argv = ["calibrate.py", args.index, "--limit", str(args.limit), "--out", args.out or "/dev/null"]
        return int(calibrate.main())
    return 0


if __name__ == "__main__":
    sys.exit(main())
