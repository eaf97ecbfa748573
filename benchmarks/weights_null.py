"""False-positive run of ``lineage weights`` with every disguise applied to the null side.

N independently initialised VLM-shaped models (the test builders' architecture, seeds
1..N) are each disguised (renamed keys, permuted hidden units, fused or split
projections, transposes, extended vocabulary, re-sharded head, or all at once, in turn)
and compared with the reference (seed 0).  Each comparison gives 5 component verdicts;
any "identical", "identical up to permutation", "derived (fine-tuned)" or "derived,
permuted" among them is a false positive.  Also counts content matches, which must be
none.  Writes a JSON summary.

usage: python benchmarks/weights_null.py [--models 200] [--out benchmarks/weights_null.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lineage.weights.api import compare_checkpoints  # noqa: E402
from tests.weights import conftest as builders  # noqa: E402
from tests.weights.disguises import DISGUISES, all_disguises  # noqa: E402

REUSE = {"identical", "identical up to permutation", "derived (fine-tuned)", "derived, permuted"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/weights_null.json"))
    args = parser.parse_args()
    kinds = [*DISGUISES.items(), ("all", all_disguises)]
    verdicts: Counter[str] = Counter()
    by_disguise: dict[str, Counter[str]] = {name: Counter() for name, _ in kinds}
    false_positives: list[dict[str, object]] = []
    matches = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reference = builders.write_model(root / "reference", builders.reference_tensors(0))
        for seed in range(1, args.models + 1):
            name, disguise = kinds[seed % len(kinds)]
            suspect = builders.write_model(
                root / f"s{seed}", disguise(builders.reference_tensors(seed))
            )
            report = compare_checkpoints(suspect, reference)
            matches += len(report.content_matches)
            for component in report.components:
                verdicts[component.verdict] += 1
                by_disguise[name][component.verdict] += 1
                if component.verdict in REUSE:
                    false_positives.append(
                        {"seed": seed, "disguise": name, "component": component.component,
                         "verdict": component.verdict, "reason": component.reason}
                    )
            for path in suspect.iterdir():
                path.unlink()
            suspect.rmdir()
    summary = {
        "models": args.models,
        "components": sum(verdicts.values()),
        "false_positives": len(false_positives),
        "content_matches": matches,
        "verdicts": dict(verdicts),
        "by_disguise": {name: dict(counts) for name, counts in by_disguise.items()},
        "details": false_positives,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print(
        f"{summary['false_positives']} of {summary['components']} independent components "
        f"called identical or derived; {matches} content matches; verdicts {dict(verdicts)}"
    )
    return 1 if false_positives or matches else 0


if __name__ == "__main__":
    sys.exit(main())
