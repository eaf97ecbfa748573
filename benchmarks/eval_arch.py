"""Accuracy of the architecture lookup on engine re-implementations (`make eval-arch`).

usage: python benchmarks/eval_arch.py [--engines vllm,sglang,mlx-lm,lmdeploy]
                                      [--transforms plain,strip,...] [--out benchmarks/eval_arch]

Reference: the architecture fingerprints of the transformers 5.23.0 families of the default
corpus (corpora/transformers.toml), nothing else: engine files are never in the table they are
looked up in.  Queries: every file an engine's own model registry names for an architecture
that transformers' auto mappings turn into an indexed family (benchmarks/arch_registry.py);
a query is right when its top-1 family is one of those.  Each query is run as it ships and
after each obfuscation of benchmarks/obfuscate.py, read as a scan reads it: with the interface of
the engine's model files it builds on (lineage/arch/imports.py), obfuscated the same way.

``rename`` (and ``all``) keep the checkpoint interface: a port that loads published weights
cannot rename what names them, so the attributes that hold submodules and parameters (the
state-dict names), the fields of a config or ``ModelArgs`` class (config.json keys) and any
name the file also spells as a string (mapping tables) keep their names; every other name the
file defines (classes, functions, locals, plain attributes) is renamed.

Calibration: every transformers family's own modeling file against every family *unrelated*
to it (declared lineages, transitively, share no family); the highest such score is what
`lineage.arch.lookup.THRESHOLD` must stay above.  False claims: engine queries whose top family
scores at or above the threshold yet is unrelated to every right answer.

Writes ``<out>.md`` and ``<out>.json``.  Never part of `make test`.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import arch_registry  # noqa: E402
import obfuscate  # noqa: E402

from lineage.arch.conversion import conversion_features  # noqa: E402
from lineage.arch.extract import _ARGS_CLASS, ArchPrint, _is_module_call, _Reader, arch_print  # noqa: E402
from lineage.arch.imports import Interfaces  # noqa: E402
from lineage.arch.lookup import THRESHOLD, best_architecture  # noqa: E402
from lineage.arch.section import is_config_of  # noqa: E402
from lineage.arch.table import ArchTable, family_prints  # noqa: E402
from lineage.data import shipped_path  # noqa: E402
from lineage.index.manifest import family_of, load_manifest  # noqa: E402

ENGINE_CALLED = ("load_weights", "sanitize")  # the weight loaders vllm/sglang/lmdeploy and mlx-lm call
TRANSFORMS = ("plain", "strip", "rename", "reorder", "noop", "all")


DECLARED = re.compile(r"(?:Copied from transformers\.models\.|from \.\.|transformers\.models\.)([a-z0-9_]+)\.(?:modeling|configuration)_")


def reference(tf: zipfile.ZipFile) -> tuple[ArchTable, dict[str, str], dict[str, set[str]]]:
    """The transformers families' table (keys "transformers:NAME"), each family's modeling file, and
    each family's declared parents: the manifest's `lineage`, the modular imports and the
    ``# Copied from`` markers of its files (transformers' own word on what derives from what)."""
    manifest = load_manifest(shipped_path("transformers.toml"))
    texts: list[tuple[str, str]] = []
    modeling: dict[str, str] = {}
    owner: dict[str, str] = {}
    for name in sorted(tf.namelist()):
        fam = family_of(name, manifest) if name.endswith(".py") else None
        if fam is not None:
            text = arch_registry.read(tf, name)
            texts.append((f"transformers:{fam.name}", text))
            owner[name.rpartition("/")[0]] = f"transformers:{fam.name}"
            if "/modeling_" in name and fam.name not in modeling:
                modeling[fam.name] = text
    folders = set(owner)  # the configuration modules beside them, as the index build takes them
    texts += [(owner[n.rpartition("/")[0]], arch_registry.read(tf, n)) for n in sorted(tf.namelist())
              if is_config_of(folders, n)]
    lineage = {f"transformers:{f.name}": tuple(f.lineage) for f in manifest.families}
    parents = {f.name: set(f.lineage) for f in manifest.families}
    for key, text in texts:
        name = ArchTable.line(key)
        parents[name].update(p for p in DECLARED.findall(text) if p != name and p in parents)
    prints = dict(family_prints(texts))
    conversion = conversion_features(arch_registry.read(tf, "transformers/conversion_mapping.py"))
    for model_type, feats in conversion.items():  # as the index build adds them (lineage/arch/section.py)
        if f"transformers:{model_type}" in prints:
            prints[f"transformers:{model_type}"] |= feats
    return ArchTable(prints, lineage), modeling, parents


@dataclass(frozen=True)
class Relations:
    """Declared derivation between transformers families; unrelated = no common ancestor (self included)."""

    parents: dict[str, set[str]]

    def ancestors(self, name: str) -> set[str]:
        seen, todo = {name}, [name]
        while todo:
            for p in self.parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    def unrelated(self, a: str, b: str) -> bool:
        return not self.ancestors(a) & self.ancestors(b)

    def kin(self, a: str, b: str) -> bool:
        """One derives from the other (or they are the same)."""
        return a in self.ancestors(b) or b in self.ancestors(a)


def calibrate(table: ArchTable, modeling: dict[str, str], rel: Relations) -> dict[str, Any]:
    """The highest score of a family's modeling file against an unrelated family."""
    worst: list[tuple[float, str, str]] = []
    for name, text in sorted(modeling.items()):
        fp = arch_print(text)
        for score, fam in table.scores(fp.features):
            other = ArchTable.line(fam)
            if other != name and rel.unrelated(name, other):
                worst.append((score, name, other))
                break  # scores come best first: the first unrelated one is this file's worst
    worst.sort(reverse=True)
    return {"pairs_max": [[round(s, 3), a, b] for s, a, b in worst[:10]], "files": len(modeling),
            "max_unrelated": round(worst[0][0], 3) if worst else 0.0}


def checkpoint_names(text: str) -> set[str]:
    """Names a port cannot rename: attributes holding submodules or parameters (state-dict names),
    keys of config classes and ``ModelArgs`` (config.json keys), identifiers spelt as strings, and
    the methods engines call by name (`ENGINE_CALLED`, as obfuscate keeps ``forward``)."""
    tree = ast.parse(text)
    reader = _Reader()
    reader.visit(tree)
    keep = {attr for attrs in reader.attrs.values() for attr, callee, _, _ in attrs if _is_module_call(callee)}
    keep |= {k for keys in reader.keys.values() for k in keys}
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef) and _ARGS_CLASS.search(cls.name):
            keep |= {st.target.id for st in cls.body if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            keep.update(p for p in re.split(r"[^A-Za-z0-9_]+", node.value) if p.isidentifier())
    return keep | set(ENGINE_CALLED)


def transform(text: str, t: str) -> str:
    """`text` after transform `t`; ``rename`` keeps the checkpoint interface (module docstring)."""
    if t == "plain":
        return text
    steps = obfuscate.parse_spec(t)
    steps = ("strip", "rename", "reorder", "noop") if steps == ("all",) else steps
    for step in steps:
        if step == "rename":
            text = obfuscate.rename(text, seed=1, keep=(*obfuscate.KEEP, *checkpoint_names(text)))
        else:
            text = obfuscate.apply(text, (step,), seed=1)
    return text


def engine_files(engine: str) -> tuple[zipfile.ZipFile, list[str]]:
    package, version = arch_registry.ENGINES[engine][:2]
    zf = zipfile.ZipFile(arch_registry.wheel(package, version))
    return zf, [n for n in zf.namelist() if n.endswith(".py")]


def evaluate(engine: str, tf: zipfile.ZipFile, table: ArchTable, rel: Relations, transforms: tuple[str, ...],
             say: Any) -> dict[str, Any]:
    families = {ArchTable.line(k) for k in table.prints}
    zf, paths = engine_files(engine)

    def reader(t: str) -> Any:
        def read(path: str) -> ArchPrint:
            try:
                return arch_print(transform(arch_registry.read(zf, path), t))
            except (SyntaxError, ValueError, RecursionError):
                return arch_print("")
        return read

    interfaces = {t: Interfaces(paths, reader(t)) for t in transforms}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: dict[str, list[str]] = defaultdict(list)
    for path, text, truth in arch_registry.labelled(engine, tf, families):
        for t in transforms:
            try:
                source = transform(text, t)
            except (SyntaxError, ValueError, RecursionError):
                counts[t]["unparsable"] += 1
                continue
            c = counts[t]
            c["queries"] += 1
            claim = best_architecture(table, interfaces[t].resolved(path, arch_print(source)))
            if claim is None:
                c["no_interface"] += 1
                misses[t].append(f"{path}: too little interface (truth {sorted(truth)})")
                continue
            top = ArchTable.line(claim.family)
            c["claimed"] += claim.claimed
            c["kin"] += any(rel.kin(top, x) for x in truth)
            if top in truth:
                c["top1"] += 1
                c["claimed_right"] += claim.claimed
            else:
                misses[t].append(f"{path}: {top} {claim.score:.2f} (truth {sorted(truth)})")
                if claim.claimed and all(rel.unrelated(top, x) for x in truth):
                    c["false_claims"] += 1
                    misses[t][-1] += " FALSE CLAIM"
    say(f"{engine}: " + ", ".join(f"{t} {c['top1']}/{c['queries']}" for t, c in counts.items()))
    return {"counts": {t: dict(c) for t, c in counts.items()}, "misses": {t: m for t, m in misses.items()}}


def markdown(report: dict[str, Any]) -> str:
    transforms = report["transforms"]
    lines = ["# Architecture lookup on engine re-implementations", "",
             "benchmarks/eval_arch.py: engine files labelled by the engines' own model registries, "
             "looked up in the architecture fingerprints of the transformers 5.23.0 families of the "
             "default corpus. top-1: the best family is one the registry names; claimed: and at or above "
             f"the threshold {report['threshold']}; false claims: above the threshold and unrelated to the truth. "
             "Each file is read with the engine's model files it subclasses or builds whole (as a scan reads it). "
             "`rename` renames every name the file defines *except the checkpoint interface* (attributes holding "
             "submodules and parameters, config and ModelArgs fields, names also spelt as strings, `load_weights`/"
             "`sanitize`): a port that loads published weights cannot rename those. It renames the classes, so "
             "the architecture names (`a:`/`m:`) are gone: the rename column measures the interface alone.", "",
             "| engine | queries | " + " | ".join(f"top-1 {t}" for t in transforms) + " | claimed right (strip, else plain) | false claims (all transforms) |",
             "|---|---|" + "---|" * len(transforms) + "---|---|"]
    for engine, row in report["engines"].items():
        c = row["counts"]
        q = c.get("plain", c.get(transforms[0], {})).get("queries", 0)
        cells = [f"{c[t].get('top1', 0) / max(1, c[t].get('queries', 0)):.0%}" for t in transforms if t in c]
        strip = c.get("strip", c.get("plain", {}))
        false = sum(c[t].get("false_claims", 0) for t in c)
        lines.append(f"| {engine} | {q} | " + " | ".join(cells)
                     + f" | {strip.get('claimed_right', 0)}/{strip.get('queries', 0)} | {false} |")
    cal = report["calibration"]
    lines += ["", f"Calibration: {cal['files']} transformers modeling files against unrelated families; "
              f"highest score {cal['max_unrelated']} (threshold {report['threshold']}).", "",
              "| score | file's family | unrelated family |", "|---|---|---|"]
    lines += [f"| {s} | {a} | {b} |" for s, a, b in cal["pairs_max"]]
    shown = "strip" if "strip" in transforms else transforms[0]
    lines += ["", f"Misses ({shown}):", ""]
    for engine, row in report["engines"].items():
        lines += [f"- {engine}: {m}" for m in row["misses"].get(shown, [])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default=",".join(arch_registry.ENGINES))
    ap.add_argument("--transforms", default=",".join(TRANSFORMS))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "eval_arch"))
    args = ap.parse_args(argv)
    say = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    transforms = tuple(t for t in args.transforms.split(",") if t)
    with zipfile.ZipFile(arch_registry.wheel("transformers", "5.23.0")) as tf:
        table, modeling, parents = reference(tf)
        rel = Relations(parents)
        say(f"{len(table.prints)} transformers families, {len(table.weight)} features")
        report: dict[str, Any] = {"threshold": THRESHOLD, "transforms": list(transforms),
                                  "calibration": calibrate(table, modeling, rel), "engines": {}}
        say(f"calibration: highest unrelated score {report['calibration']['max_unrelated']}")
        for engine in (e for e in args.engines.split(",") if e):
            report["engines"][engine] = evaluate(engine, tf, table, rel, transforms, say)
    Path(args.out + ".json").write_text(json.dumps(report, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    text = markdown(report)
    Path(args.out + ".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
