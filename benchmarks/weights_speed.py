"""Throughput and peak memory of ``lineage weights`` on a generated multi-GB pair.

Writes a LLaMA-shaped bf16 reference (``--hidden``, ``--inter``, ``--layers``,
``--vocab``), a light fine-tune of it, the same fine-tune with every MLP's hidden units
permuted, and an independent model into DIR (skipped when present), then times each comparison in a fresh child process, which reports wall time,
bytes read and its own peak RSS.  ``--code DIR`` puts another checkout's ``lineage``
first on the child's path, to measure two versions on the same files.

usage: python benchmarks/weights_speed.py DIR [--code CHECKOUT] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

# Peak from VmHWM: ru_maxrss survives execve on Linux and would report the parent's peak.
CHILD = """
import json, resource, sys, time
from pathlib import Path
from lineage.weights.api import compare_checkpoints
start = time.perf_counter()
report = compare_checkpoints(Path(sys.argv[1]), Path(sys.argv[2]))
seconds = time.perf_counter() - start
status = Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "bytes_read": report.bytes_read,
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": int(status) / 1024, "summary": report.to_dict()["summary"]}))
"""


def _bf16(values: np.ndarray) -> bytes:
    bits = values.astype(np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2").tobytes()


def shapes(hidden: int, inter: int, layers: int, vocab: int) -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {"model.embed_tokens.weight": (vocab, hidden)}
    for i in range(layers):
        p = f"model.layers.{i}."
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            out[p + f"self_attn.{name}.weight"] = (hidden, hidden)
        out[p + "mlp.gate_proj.weight"] = (inter, hidden)
        out[p + "mlp.up_proj.weight"] = (inter, hidden)
        out[p + "mlp.down_proj.weight"] = (hidden, inter)
        out[p + "input_layernorm.weight"] = (hidden,)
        out[p + "post_attention_layernorm.weight"] = (hidden,)
    out["model.norm.weight"] = (hidden,)
    out["lm_head.weight"] = (vocab, hidden)
    return out


def write(
    path: Path, layout: dict[str, tuple[int, ...]], seed: int, base: int | None, permute: bool
) -> None:
    """Tensor by tensor: seed ``base`` plus, when ``seed`` differs, small noise of ``seed``;
    ``permute`` reorders every MLP's hidden units (up/gate rows, down columns)."""
    header: dict[str, object] = {}
    offset = 0
    for name, shape in layout.items():
        size = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        for index, (name, shape) in enumerate(layout.items()):
            rng = np.random.default_rng([base if base is not None else seed, index])
            values = rng.standard_normal(shape, dtype=np.float32) * 0.02
            if len(shape) == 1:
                values += 1.0
            if base is not None and seed != base:
                values += 1e-3 * np.random.default_rng([seed, index]).standard_normal(
                    shape, dtype=np.float32)
            if permute and ".mlp." in name:
                layer = int(name.split(".")[2])
                perm = np.random.default_rng([99, layer]).permutation(layout[name][
                    1 if "down_proj" in name else 0])
                values = values[:, perm] if "down_proj" in name else values[perm]
            handle.write(_bf16(np.ascontiguousarray(values)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--code", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--inter", type=int, default=5632)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--vocab", type=int, default=32000)
    args = parser.parse_args()
    args.dir = args.dir.resolve()
    layout = shapes(args.hidden, args.inter, args.layers, args.vocab)
    models = {
        "reference": (0, 0, False), "tuned": (1, 0, False), "independent": (2, None, False),
        "permuted": (1, 0, True),
    }
    for name, (seed, base, permute) in models.items():
        target = args.dir / name / "model.safetensors"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write(target, layout, seed, base, permute)
    env = dict(os.environ)
    if args.code is not None:
        env["PYTHONPATH"] = str(args.code.resolve())
    for suspect in ("tuned", "independent", "permuted"):
        size = sum(
            (args.dir / m / "model.safetensors").stat().st_size for m in (suspect, "reference")
        )
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(args.dir / suspect), str(args.dir / "reference")],
                check=True, capture_output=True, text=True, env=env,
                cwd=args.dir,  # not the checkout: ``-c`` puts the working directory first
            ).stdout
            run = json.loads(out)
            print(
                f"{suspect:<12} pair {size / 1e9:.2f} GB  {run['seconds']:.1f} s  "
                f"{size / 1e9 / run['seconds']:.2f} GB/s (pair size / wall)  cpu {run['cpu']:.1f} s  "
                f"{run['bytes_read'] / 1e9:.2f} GB read  peak {run['peak_mb']:.0f} MB  "
                f"{run['summary']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
