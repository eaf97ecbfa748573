"""Pair exhibits of unrelated files for `make eval`: `lineage verify` of one engine's model file
against another's, the two models made by different companies and neither declaring the other
among its parents (vLLM's `granitemoe.py`, IBM, against its `ernie45_moe.py`, Baidu: the issue's
own example of a false accusation), with the default index as the corpus background.

Both files are the indexed sources' own, so each is also in the background, as a user's would be
who verifies two published files.  The pairs are drawn at random (seeded) per source, from its
model files (infrastructure left out).  Per source: the pairs, their matched units, the units
rated above low, those of them whose code the corpus holds in 5 or more families or model lines
(the issue's target: none), and the files placed above the calibrated unrelated p99.  Code the two
engines' ports share with no one else (one port adapted from the other) may rightly stand above
low: the figure that must be 0 is the shared one.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lineage.api import open_index
from lineage.config import Config
from lineage.models import SourceFile
from lineage.vocab import company

SOURCES = ("vllm", "sglang", "transformers")
PAIRS_PER_SOURCE = 40
HELD = 5  # families or model lines: code this widely held never stands above low in an exhibit


def pairs(index_path: str, progress: Callable[[str], None], per_source: int = PAIRS_PER_SOURCE,
          seed: int = 1) -> dict[str, Any]:
    """Per source: how the exhibits of `per_source` unrelated pairs of its model files rate their units."""
    from lineage.api import default_manifests
    from lineage.index.build import fetch_sources
    from lineage.index.manifest import family_of, is_infrastructure, load_manifest
    from lineage.workflow.verify import verify

    background = open_index(index_path)
    rows: list[dict[str, Any]] = []
    for path in default_manifests():
        manifest = load_manifest(path)
        if manifest.name not in SOURCES:
            continue
        files, _, _ = fetch_sources(manifest)
        models = [(sf, fam) for sf in files if (fam := family_of(sf.path, manifest)) is not None
                  and not is_infrastructure(sf.path, manifest, fam)]
        chosen = _unrelated(models, per_source, random.Random(f"{seed}:{manifest.name}"))
        row: dict[str, Any] = {"source": manifest.name, "pairs": len(chosen), "matched_units": 0,
                               "above_low": 0, "above_low_held_5_families": 0, "above_low_held_5_lines": 0,
                               "pairs_above_low": 0, "files_above_p99": 0, "examples": []}
        for (a, fa), (b, fb) in chosen:
            exhibit = _exhibit(verify, a, b, background)
            severe = [m for m in exhibit["matches"] if m["severity"] in ("medium", "high")]
            row["matched_units"] += len(exhibit["matches"])
            row["above_low"] += len(severe)
            row["pairs_above_low"] += bool(severe)
            row["files_above_p99"] += sum(bool(f.get("above_unrelated_p99")) for f in exhibit["files"])
            for m in severe:
                held = m.get("corpus") or {}
                families = len(held.get("families") or ())
                wide_f, wide_l = families >= HELD, held.get("model_lines", 0) >= HELD
                row["above_low_held_5_families"] += wide_f
                row["above_low_held_5_lines"] += wide_l
                if len(row["examples"]) < 8:
                    row["examples"].append(f"{fa.name}/{m['unit']} ~ {fb.name} ({m['severity']}, held by "
                                           f"{families} families, {held.get('model_lines', '?')} lines)")
        rows.append(row)
        progress(f"pairs {manifest.name}: {row['pairs']} pairs, {row['above_low']} units above low, "
                 f"{row['above_low_held_5_families']} of them held by {HELD}+ families")
    return {"rows": rows, "per_source": per_source, "seed": seed}


def _unrelated(models: Sequence[tuple[SourceFile, Any]], n: int, rng: random.Random) -> list[tuple[Any, Any]]:
    """`n` pairs of files whose families' makers are different companies and neither of which
    declares the other among its parents: half the closest such pairs (by the share of the suspect's
    code lines the reference has too, each file a suspect once: the hard cases, two ports of one
    engine built alike), half drawn at random."""
    def related(fa: Any, fb: Any) -> bool:
        return company(fa.org) == company(fb.org) or fa.name in fb.lineage or fb.name in fa.lineage or fa.name == fb.name

    lines = [_code_lines(sf.data) for sf, _ in models]
    close: list[tuple[float, int, int]] = []
    for i in range(len(models)):
        for j in range(len(models)):
            if i != j and not related(models[i][1], models[j][1]) and lines[i] and lines[j]:
                close.append((len(lines[i] & lines[j]) / len(lines[i]), i, j))
    close.sort(key=lambda t: (-t[0], t[1], t[2]))
    out: list[tuple[int, int]] = []
    suspects: set[int] = set()
    for _, i, j in close:
        if len(out) == n // 2:
            break
        if i not in suspects and (j, i) not in out:
            suspects.add(i)
            out.append((i, j))
    rest = [(i, j) for _, i, j in close if (i, j) not in out and (j, i) not in out]
    out += rng.sample(rest, min(n - len(out), len(rest)))
    return [(models[i], models[j]) for i, j in out]


def _code_lines(data: bytes) -> set[str]:
    """A file's distinct code lines (stripped, comments and blanks left out)."""
    text = data.decode("utf-8", "replace")
    return {s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#") and len(s) > 8}


def _exhibit(verify: Callable[..., Any], a: SourceFile, b: SourceFile, background: Any) -> dict[str, Any]:
    """`lineage verify a --against b` with the background, as JSON would show it."""
    with tempfile.TemporaryDirectory(prefix="lineage-pair-") as tmp:
        sides = []
        for side, sf in (("suspect", a), ("reference", b)):
            where = Path(tmp) / side / Path(sf.path).name
            where.parent.mkdir(parents=True)
            where.write_bytes(sf.data)
            sides.append(str(where))
        exhibit = verify(sides[0], sides[1], Config(workers=1), background=background)
        return dict(exhibit.to_dict())
