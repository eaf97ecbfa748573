"""Mutation fuzzing of parsing and fingerprinting, outside the test suite.

    python benchmarks/fuzz.py --seconds 300 [--seed N] [--out /tmp/lineage-fuzz]

Seeds are the standard library's own .py files (read from this interpreter's installation,
nothing is copied into the repository) plus the hostile-test seeds.  Each input is a seed
mutated by tests/hostile/mutate.py (byte and token insertions, deletions, splices,
truncation, deep nesting), a crossover of two seeds, or random bytes.  Every input goes
through ``parse_source`` and ``compact``; any exception is a crash, a broken invariant
(tests/hostile/mutate.py check_*) a failure, more than --timeout seconds a hang.  Each
distinct problem is saved once under --out as ``<kind>-<digest>.bin`` with a ``.txt``
holding the traceback.  The closing line gives the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sys
import sysconfig
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.hostile.mutate from a checkout

from lineage.fingerprint.params import FingerprintParams  # noqa: E402
from lineage.compact.files import compact  # noqa: E402
from lineage.models import SourceFile  # noqa: E402
from lineage.parse.units import parse_source  # noqa: E402
from tests.hostile.mutate import SEEDS, check_compact, check_parsed, mutate, same_compact  # noqa: E402

MAX_SEED_BYTES = 20_000


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


def stdlib_seeds(limit: int) -> list[bytes]:
    root = Path(sysconfig.get_paths()["stdlib"])
    paths = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    seeds = []
    for p in paths:
        try:
            data = p.read_bytes()
        except OSError:
            continue
        if 0 < len(data) <= MAX_SEED_BYTES:
            seeds.append(data)
        if len(seeds) >= limit:
            break
    return seeds


def make_input(rng: random.Random, seeds: list[bytes]) -> bytes:
    roll = rng.random()
    if roll < 0.80:
        return mutate(rng.choice(seeds), rng, rng.randrange(1, 16))
    if roll < 0.95:  # crossover: head of one seed, tail of another
        a, b = rng.choice(seeds), rng.choice(seeds)
        return a[: rng.randrange(len(a) + 1)] + b[rng.randrange(len(b) + 1) :]
    return rng.randbytes(rng.randrange(0, 4000))


def run_one(data: bytes, params: FingerprintParams, twice: bool) -> None:
    parsed = parse_source("fuzz.py", data)
    check_parsed(parsed, "fuzz.py", data)
    cf = compact(SourceFile("fuzz.py", data), params)
    check_compact(cf, params, parsed)
    if twice and not same_compact(cf, compact(SourceFile("fuzz.py", data), params)):
        raise AssertionError("compact is not deterministic")


def signature_of(exc: BaseException) -> str:
    """Type plus the innermost lineage frame: one saved example per distinct problem."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "lineage" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__}@{where}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=None, help="RNG seed (default: time based, printed)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/lineage-fuzz"))
    ap.add_argument("--timeout", type=int, default=20, help="seconds per input before it counts as a hang")
    ap.add_argument("--max-seeds", type=int, default=2000)
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    seeds = list(SEEDS) + stdlib_seeds(args.max_seeds)
    params = FingerprintParams()
    args.out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    print(f"fuzz: seed {seed}, {len(seeds)} seed files, {args.seconds:.0f} s, saving to {args.out}", flush=True)

    counts = {"inputs": 0, "crash": 0, "invariant": 0, "hang": 0}
    seen: dict[str, int] = {}
    began = time.monotonic()
    next_report = began + 30
    while time.monotonic() - began < args.seconds:
        data = make_input(rng, seeds)
        counts["inputs"] += 1
        signal.alarm(args.timeout)
        try:
            run_one(data, params, twice=counts["inputs"] % 8 == 0)  # determinism: a sample
            kind = ""
        except Hang as exc:
            kind, problem = "hang", exc
        except AssertionError as exc:
            kind, problem = "invariant", exc
        except Exception as exc:  # noqa: BLE001 - any exception is what we are looking for
            kind, problem = "crash", exc
        finally:
            signal.alarm(0)
        if kind:
            counts[kind] += 1
            sig = f"{kind}:{signature_of(problem)}:{str(problem)[:60] if kind == 'invariant' else ''}"
            seen[sig] = seen.get(sig, 0) + 1
            if seen[sig] == 1:
                digest = hashlib.sha256(data).hexdigest()[:12]
                (args.out / f"{kind}-{digest}.bin").write_bytes(data)
                (args.out / f"{kind}-{digest}.txt").write_text(
                    f"{sig}\n\n" + "".join(traceback.format_exception(problem)), encoding="utf-8")
                print(f"fuzz: new {sig} -> {kind}-{digest}.bin", flush=True)
        if time.monotonic() > next_report:
            next_report += 30
            rate = counts["inputs"] / (time.monotonic() - began)
            print(f"fuzz: {counts['inputs']} inputs ({rate:.0f}/s), {counts['crash']} crashes, "
                  f"{counts['invariant']} invariant failures, {counts['hang']} hangs", flush=True)
    elapsed = time.monotonic() - began
    print(f"fuzz: done in {elapsed:.0f} s (seed {seed}): {counts['inputs']} inputs tried, {counts['crash']} crashes, "
          f"{counts['invariant']} invariant failures, {counts['hang']} hangs, {len(seen)} distinct", flush=True)
    for sig, n in sorted(seen.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6d}  {sig}")
    return 1 if seen else 0


if __name__ == "__main__":
    sys.exit(main())
