"""Accuracy of attribution on real model files whose lineage is declared (`make eval`).

usage: python benchmarks/eval.py [--index INDEX] [--wheel WHEEL] [--later [WHEEL]] [--transforms plain,strip,...]
                                 [--limit N] [--out benchmarks/eval] [--seed S]

Ground truth is transformers 5.23.0's declared lineage: each ``modular_X.py`` names the
parent family of every class it generates (benchmarks/truth.py).  Leave-one-family-out with
time travel: for each family X the index holds only the transformers families first seen on
or before X, never X itself nor any family that descends from X.  The generated
``modeling_X.py`` is scanned as it ships ("plain") and after each obfuscation of our own
(benchmarks/obfuscate.py), and after the held-out obfuscator (``heldout``, benchmarks/obfuscate_heldout.py;
``heldout:methods+synonyms`` names some of its transformations, in order), and after a real
minifier (``minify``: python-minifier, every transformation on; benchmarks/minify.py), and the
tool's own verdicts are read from the scan result:

- file level: the file verdict's source is a declared parent of X (abstentions, "ambiguous"
  or no source, count as misses and are also shown apart);
- class level: each generated class whose declared parent is in the index, attributed to one
  of its declared parents; "distinctive" classes are those whose parent class is held (as
  identical code) by fewer than 5 model lines of the index;
- margin: cover of the best true parent minus that of the best unrelated family (neither an
  ancestor of X nor a descendant of one of X's ancestors, another organisation);
- a generic peer for comparison: whole-file MinHash similarity to every reference file, the
  most similar file's family (what a similarity tool that knows nothing of model code ranks first).

``--later``: held out.  The same, for the families whose ``modular_X.py`` a later release (the pinned
transformers 5.25.0) has and 5.23.0 has not: families made after the default corpus, and older ones
newly written as modular files, their code as that release ships it, their parents' as the index
holds it (5.23.0's).  Their lineage is declared by that release, and no rule or threshold was tuned
on them: what a user scanning next month's model files gets (`make eval` writes it to
``benchmarks/eval_later``).

Then the independent implementations (benchmarks/eval_independent.py), the padding kinds
(benchmarks/eval_padding.py: whole copies padded with one kind of no-op each) and the pair exhibits of
unrelated files (benchmarks/eval_pairs.py: `lineage verify` of one model file against another
whose maker is another company, with the default index as background; no unit whose code the
corpus holds in 5 or more families may stand above low).

Writes ``<out>.md`` and ``<out>.json``.  Never part of `make test`.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import minify as minifier  # noqa: E402
import obfuscate  # noqa: E402
from eval_independent import independent  # noqa: E402
from eval_pairs import HELD, pairs  # noqa: E402
from eval_padding import padding  # noqa: E402
import obfuscate_heldout  # noqa: E402
import obfuscate_names  # noqa: E402
import truth as truth_mod  # noqa: E402

from lineage.api import open_index, scan_files  # noqa: E402
from lineage.classify.cover import COMMON_LINES, cover_of  # noqa: E402
from lineage.config import Config, default_index_path  # noqa: E402
from lineage.compact.files import CompactFile  # noqa: E402
from lineage.index.embedded import EmbeddedIndex  # noqa: E402
from lineage.index.query import query_files  # noqa: E402
from lineage.index.restrict import restrict  # noqa: E402
from lineage.models import SourceFile  # noqa: E402

# (heldout:temps: every nested call bound first to a temporary, benchmarks/obfuscate_temps.py; heldout:respell:
# keywords shuffled, conditional expressions written out, names imported bare, methods cut midway,
# benchmarks/obfuscate_respell.py)
TRANSFORMS = ("plain", "strip", "rename", "reorder", "noop", "untype", "restyle", "all", "heldout", "heldout:temps",
              "heldout:nest", "heldout:imports", "heldout:paths", "heldout:respell", "minify")
MINIFY = "minify"  # python-minifier, every transformation on (benchmarks/minify.py)
HELDOUT = "heldout"  # the second obfuscator, all of its transformations (benchmarks/obfuscate_heldout.py)


@dataclass
class Tally:
    """Counts for one transformation."""

    files: int = 0
    file_hits: int = 0
    major_files: int = 0
    major_hits: int = 0
    abstained: int = 0
    abstained_with_truth: int = 0
    generic_hits: int = 0
    classes: int = 0
    class_hits: int = 0
    class_chain_hits: int = 0
    distinctive: int = 0
    distinctive_hits: int = 0
    distinctive_chain_hits: int = 0
    inheriting: int = 0  # distinctive classes whose generated code is mostly their parent's
    inheriting_hits: int = 0
    inheriting_chain_hits: int = 0
    miss_kinds: Counter[str] = field(default_factory=Counter)  # distinctive class misses by their evidence
    inheriting_miss_kinds: Counter[str] = field(default_factory=Counter)
    margins: list[float] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    class_misses: list[dict[str, Any]] = field(default_factory=list)
    accused: list[dict[str, Any]] = field(default_factory=list)  # files with a medium/high finding naming an unrelated family
    flagged: list[str] = field(default_factory=list)  # files with a medium/high finding naming an ancestor
    flagged_units: int = 0  # medium/high code-match units naming an ancestor
    seconds: float = 0.0

    def row(self, name: str) -> dict[str, Any]:
        def pct(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None
        m = np.asarray(self.margins) if self.margins else np.zeros(0)
        return {"transform": name, "files": self.files, "file_top1": pct(self.file_hits, self.files),
                "files_main_parent_indexed": self.major_files,
                "file_top1_main_parent_indexed": pct(self.major_hits, self.major_files),
                "abstained": self.abstained, "abstained_true_among_contenders": self.abstained_with_truth,
                "generic_top1": pct(self.generic_hits, self.files),
                "classes": self.classes, "class_accuracy": pct(self.class_hits, self.classes),
                "class_chain_accuracy": pct(self.class_chain_hits, self.classes),
                "distinctive_classes": self.distinctive,
                "distinctive_accuracy": pct(self.distinctive_hits, self.distinctive),
                "distinctive_chain_accuracy": pct(self.distinctive_chain_hits, self.distinctive),
                "distinctive_inheriting_classes": self.inheriting,
                "distinctive_inheriting_accuracy": pct(self.inheriting_hits, self.inheriting),
                "distinctive_inheriting_chain_accuracy": pct(self.inheriting_chain_hits, self.inheriting),
                "distinctive_misses_by_evidence": dict(sorted(self.miss_kinds.items())),
                "distinctive_inheriting_misses_by_evidence": dict(sorted(self.inheriting_miss_kinds.items())),
                "margin_p10": round(float(np.percentile(m, 10)), 3) if m.size else None,
                "margin_median": round(float(np.median(m)), 3) if m.size else None,
                "margin_positive": pct(int((m > 0).sum()), int(m.size)),
                "unrelated_accused": len(self.accused), "unrelated_accused_files": self.accused,
                "ancestor_flagged": len(self.flagged), "ancestor_flagged_units": self.flagged_units,
                "ancestor_flagged_files": self.flagged,
                "seconds": round(self.seconds, 1)}


def heldout_steps(variant: str) -> list[str]:
    """``heldout:methods+synonyms`` -> the held-out obfuscator's transformations it names, in order
    (``synonyms``, the renaming, only last: class names are followed through it)."""
    steps = [s for s in variant.split(":", 1)[1].split("+") if s]
    unknown = [s for s in steps if s not in obfuscate_heldout.TRANSFORMS or s == HELDOUT]
    if unknown or not steps or ("synonyms" in steps and steps[-1] != "synonyms"):
        raise SystemExit(f"eval.py: {variant}: name transformations of obfuscate_heldout.py, joined by +, "
                         "synonyms only last")
    return steps


def closure(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def lineage_graph(truth: dict[str, Any], index: EmbeddedIndex) -> dict[str, set[str]]:
    """family -> declared parents, from the modular files and the manifests together."""
    parents: dict[str, set[str]] = defaultdict(set)
    for t in truth.values():
        parents[t.family] |= set(t.parents)
    for f in index.meta["families"]:
        parents[f["name"]] |= set(f.get("lineage", []))
    return parents


def children_of(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for child, ps in parents.items():
        for p in ps:
            out[p].add(child)
    return out


def class_chain(truth: dict[str, Any], family: str, cls: str, limit: int = 12) -> set[str]:
    """Families on the declared chain of a generated class: its parent class's family, that
    class's own declared parent's family, and so on (modular files declare each step)."""
    found: set[str] = set()
    todo = [(family, cls)]
    while todo and len(found) < limit:
        fam, name = todo.pop()
        entry = truth.get(fam)
        if entry is None:
            continue
        for base in entry.class_bases.get(name, ()):
            parent, _, base_name = base.partition(":")
            if parent not in found:
                found.add(parent)
                todo.append((parent, base_name))
    return found


def class_map(text: str, transform: str, seed: int) -> dict[str, str]:
    """Original top-level class name -> its name after the transformation (renames followed)."""
    names = [n.name for n in ast.parse(text).body if isinstance(n, ast.ClassDef)]
    if transform == MINIFY:
        return minifier.class_order(text, minifier.minify(text))
    if transform == HELDOUT or transform.startswith(HELDOUT + ":"):  # its renaming runs last
        named = list(obfuscate_heldout.TRANSFORMS) if transform == HELDOUT else heldout_steps(transform)
        steps = obfuscate_heldout.BEFORE_RENAMING if transform == HELDOUT else \
            tuple(obfuscate_heldout.TRANSFORMS[s] for s in named if s != "synonyms")
        before = text
        for step in steps:
            before = step(before, seed)
        if "synonyms" not in named:
            return {n: n for n in names}
        renamed = obfuscate_heldout.class_names(before, seed)
        return {n: renamed.get(n, n) for n in names}
    if transform not in ("rename", "all"):
        return {n: n for n in names}
    before = obfuscate.strip(text, seed) if transform == "all" else text
    mapping = obfuscate_names.rename_tree(ast.parse(before), seed=seed)
    return {n: mapping.get(n, n) for n in names}


INHERITED = 0.5  # a class whose methods are at least this share (in lines) its parent's code "inherits"


def inherited_shares(text: str, own: dict[str, tuple[str, ...]]) -> dict[str, float]:
    """Per generated class: the share of its methods' lines that the modular file did not write
    itself (methods it inherits, or overrides with a ``super()`` call the generator inlines).
    A class that overrides every method has a parent in name only: its code is its own."""
    out: dict[str, float] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef) and node.name in own:
            sizes = [(m.name, (m.end_lineno or m.lineno) - m.lineno + 1) for m in node.body
                     if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
            total = sum(n for _, n in sizes)
            out[node.name] = sum(n for name, n in sizes if name not in own[node.name]) / total if total else 1.0
    return out


SAME_CODE = 0.9  # structural Jaccard at which another family holds "the same code"


class Holders:
    """How many model lines of an index hold (near-)identical code to a given reference unit."""

    def __init__(self, index: EmbeddedIndex) -> None:
        self.index = index
        off = index.arrays["s_off"].astype(np.int64)
        self.sizes = np.diff(off)
        owner = np.repeat(np.arange(index.n_units), self.sizes)
        order = np.argsort(index.arrays["s_hash"], kind="stable")
        self.keys, self.owners = index.arrays["s_hash"][order], owner[order]
        self.line = np.asarray([hash(index.meta["families"][int(f)]["name"]) for f in index.unit_family.tolist()])
        self.cache: dict[int, int] = {}

    def lines(self, u: int) -> int:
        if u not in self.cache:
            mine, _ = self.index.stream("s", u)
            lo = np.searchsorted(self.keys, mine, side="left")
            hi = np.searchsorted(self.keys, mine, side="right")
            counts = hi - lo
            pos = np.repeat(lo, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
            shared = np.bincount(self.owners[pos], minlength=self.index.n_units)
            jaccard = shared / np.maximum(mine.size + self.sizes - shared, 1)
            self.cache[u] = len(set(self.line[jaccard >= SAME_CODE].tolist()))
        return self.cache[u]


def parent_is_distinctive(holders: Holders, family: str, bases: Iterable[str]) -> bool | None:
    """Whether the declared parent class is held, as (near-)identical code, by fewer than
    COMMON_LINES model lines of the index; None when the parent class is not found there."""
    index = holders.index
    rows = [i for i, f in enumerate(index.meta["families"]) if f["name"] == family]
    if not rows:
        return None
    names = index.meta["units"]
    weights, counts = [], []
    for base in bases:
        for u in np.flatnonzero(np.isin(index.unit_family, rows)).tolist():
            if names[u] == base or names[u].startswith(base + "."):
                weights.append(float(index.arrays["u_nk"][u]))
                counts.append(holders.lines(u))
    if not weights:
        return None
    return float(np.average(counts, weights=weights)) < COMMON_LINES


def generic_peer(index: EmbeddedIndex, compacted: CompactFile) -> str | None:
    """The family of the reference file whose whole-file MinHash agrees most with the query's."""
    sigs = index.arrays["file_sig"]
    if sigs.shape[0] == 0:
        return None
    agree = (sigs == compacted.signature[None, :]).mean(axis=1)
    best = int(np.argmax(agree))
    return str(index.meta["families"][index.meta["files"][best]["family"]]["name"])


def evidence_of(index: EmbeddedIndex, compacted: CompactFile) -> dict[int, Any]:
    """Per unit position of the file: its evidence against the index."""
    return {ui: e for (fi, ui), e in query_files(index, [compacted]).evidence.items()}


def class_covers(index: EmbeddedIndex, compacted: CompactFile, ev: dict[int, Any], cls: str) -> dict[str, float]:
    """Per family holding any of a top-level class (its own unit and what it defines): the share
    of the class it holds, strength-weighted (the tool's cover)."""
    units = [(u, ev.get(i)) for i, u in enumerate(compacted.units)
             if u.kind != "module" and u.qualname.split(".", 1)[0] == cls]
    cov = cover_of(index, units) if units else None
    if cov is None:
        return {}
    covers = cov.cover(np.arange(cov.weight.size), float(sum(u.n_kgrams for u, _ in units)))
    return {index.meta["families"][int(f)]["name"]: float(c) for f, c in zip(cov.families.tolist(), covers)}


MISS_TIE = 0.02  # a declared parent holding a missed class within this of the named family: a tie in code


def miss_kind(covers: dict[str, float], true: set[str], got: str) -> str:
    """Why a class missed, in code: its declared parent holds the class as closely as the family
    named ("tie": the tie-breaks chose), less closely ("closer elsewhere"), or not at all."""
    parent = max((covers.get(t, 0.0) for t in true), default=0.0)
    named = covers.get(got, max(covers.values(), default=0.0))
    if parent <= 0.0:
        return "parent holds none"
    return "tie" if parent >= named - MISS_TIE else "closer elsewhere"


def margin(index: EmbeddedIndex, compacted: CompactFile, true: set[str], unrelated: set[str],
           ev: dict[int, Any] | None = None) -> float | None:
    ev = evidence_of(index, compacted) if ev is None else ev
    units = [(u, ev.get(i)) for i, u in enumerate(compacted.units) if u.kind != "module"]
    cov = cover_of(index, units)
    if cov is None:
        return None
    covers = cov.cover(np.arange(cov.weight.size), float(sum(u.n_kgrams for u, _ in units)))
    names = [index.meta["families"][int(f)]["name"] for f in cov.families.tolist()]
    t = max((c for n, c in zip(names, covers) if n in true), default=0.0)
    u = max((c for n, c in zip(names, covers) if n in unrelated), default=0.0)
    return float(t - u)


def run(index_path: str, wheel: Path, transforms: tuple[str, ...], limit: int, seed: int,
        progress: Callable[[str], None], only: frozenset[str] = frozenset()) -> dict[str, Any]:
    full = open_index(index_path)
    base = restrict(full, lambda f: f["source"] == "transformers", "transformers only")
    rows = {f["name"]: f for f in base.meta["families"]}
    truth = truth_mod.declared_lineage(wheel)
    graph = lineage_graph(truth, base)
    kids = children_of(graph)
    texts = truth_mod.read_members(wheel, [t.modeling_path for t in truth.values()])
    tallies = {t: Tally() for t in transforms}
    skipped: Counter[str] = Counter()
    config = Config(workers=1)
    # a family asked for by name is evaluated though the corpus lacks it (a later release's: `--later`), against
    # every transformers family of the index, all of them first seen before it
    queries = [k for k in sorted(truth) if (truth[k].family in only if only else truth[k].family in rows)]
    skipped["family not in the default corpus" if not only else "not asked for"] = len(truth) - len(queries)
    done = 0
    for key in queries:
        t = truth[key]
        x = t.family
        date = str(rows.get(x, {}).get("first_seen", "")) or "9999"
        descendants = closure(kids, x)
        index = restrict(base, lambda f, x=x, d=date, desc=descendants: f["name"] != x and f["name"] not in desc
                         and str(f.get("first_seen") or "") <= d, f"leave out {x}")
        present = {f["name"] for f in index.meta["families"]}
        holders = Holders(index)
        true = set(t.parents) & present
        if not true:
            skipped["no declared parent first seen on or before it"] += 1
            continue
        ancestors = closure(graph, x)
        related = ancestors | {d for a in ancestors for d in closure(kids, a)} | {x} | descendants
        org = rows.get(x, {}).get("org")  # (a family the corpus lacks: every other maker's is unrelated)
        unrelated = {n for n in present if n not in related and (org is None or rows.get(n, {}).get("org") != org)}
        text = texts[t.modeling_path]
        inherited = inherited_shares(text, t.class_own)
        major = sum(1 for ps in t.class_parents.values() if set(ps) & present) * 2 >= max(1, len(t.class_parents))
        for name in transforms:
            tally = tallies[name]
            began = time.perf_counter()
            src = text if name == "plain" else minifier.minify(text) if name == MINIFY \
                else obfuscate_heldout.heldout(text, seed) if name == HELDOUT \
                else obfuscate_heldout.apply(text, heldout_steps(name), seed) if name.startswith(HELDOUT + ":") \
                else obfuscate.apply(text, obfuscate.parse_spec(name), seed)
            path = f"modeling_{key}.py"
            result, compacted = scan_files([SourceFile(path, src.encode())], index, config)
            row = result.summary.files.get(path)
            named = {f.matches[0].ref.family.split(":", 1)[-1] for f in result.findings
                     if f.kind in ("code-match", "notice") and f.severity in ("medium", "high") and f.matches}
            if named & unrelated:  # (another maker's family, outside the file's declared lineage)
                tally.accused.append({"family": x, "named": sorted(named & unrelated)})
            if named & ancestors:  # (the copy seen as one)
                tally.flagged.append(x)
            tally.flagged_units += sum(1 for f in result.findings if f.kind == "code-match" and f.matches
                                       and f.severity in ("medium", "high")
                                       and f.matches[0].ref.family.split(":", 1)[-1] in ancestors)
            source = row.source.to_dict() if row is not None and row.source is not None else {}
            got = (source.get("source") or {}).get("family", "").split(":", 1)[-1] or None
            status = source.get("status", "none")
            tally.files += 1
            hit = status == "source" and got in true
            tally.file_hits += hit
            tally.major_files += major
            tally.major_hits += hit and major
            if status != "source":
                tally.abstained += 1
                tally.abstained_with_truth += any(c.split(":", 1)[-1] in true for c in source.get("contenders", []))
            if not hit:
                tally.misses.append({"family": x, "got": got, "status": status, "truth": sorted(true),
                                     "decided_by": source.get("decided_by"),
                                     "runner_up": ((source.get("runner_up") or {}).get("family") or "").split(":")[-1]})
            ev = evidence_of(index, compacted[0]) if compacted and compacted[0].units else {}
            if compacted and compacted[0].units:
                tally.generic_hits += generic_peer(index, compacted[0]) in true
                m = margin(index, compacted[0], true, unrelated, ev)
                if m is not None and unrelated:
                    tally.margins.append(m)
            names = class_map(text, name, seed)
            for cls, parents in t.class_parents.items():
                avail = set(parents) & present
                if not avail:
                    continue
                found = row.classes.get(names.get(cls, cls)) if row is not None else None
                verdict = found.to_dict() if found is not None else {}
                got_cls = ((verdict.get("source") or {}).get("family") or "").split(":", 1)[-1]
                ok = verdict.get("status") == "source" and got_cls in avail
                tally.classes += 1
                tally.class_hits += ok
                chain_ok = verdict.get("status") == "source" and got_cls in (class_chain(truth, key, cls) | avail)
                tally.class_chain_hits += chain_ok
                bases = [b.split(":", 1)[1] for b in t.class_bases.get(cls, ()) if b.split(":", 1)[0] == parents[0]]
                dist = parents[0] in present and parent_is_distinctive(holders, parents[0], bases)
                if dist:
                    tally.distinctive += 1
                    tally.distinctive_hits += ok
                    tally.distinctive_chain_hits += chain_ok
                    if inherited.get(cls, 1.0) >= INHERITED:
                        tally.inheriting += 1
                        tally.inheriting_hits += ok
                        tally.inheriting_chain_hits += chain_ok
                kind = ""
                if not ok and dist:
                    kind = miss_kind(class_covers(index, compacted[0], ev, names.get(cls, cls)), avail, got_cls) \
                        if compacted else "parent holds none"
                    tally.miss_kinds[kind] += 1
                    tally.inheriting_miss_kinds[kind] += inherited.get(cls, 1.0) >= INHERITED
                if not ok:
                    tally.class_misses.append({"family": x, "class": cls, "truth": sorted(avail), "got": got_cls,
                                               "status": verdict.get("status"), "distinctive": bool(dist), "on_chain": bool(chain_ok),
                                               "inherited": round(inherited.get(cls, 1.0), 2), "evidence": kind,
                                               "decided_by": verdict.get("decided_by"),
                                               "cover": (verdict.get("source") or {}).get("cover")})
            tally.seconds += time.perf_counter() - began
        done += 1
        if limit and done >= limit:
            break
        progress(f"{done}/{len(queries)} {x}: " + ", ".join(
            f"{n} {tallies[n].file_hits}/{tallies[n].files}" for n in transforms))
    return {"index": full.header.get("id"), "wheel": wheel.name, "seed": seed, "families_evaluated": done,
            "release": wheel.name.split("-")[1] if wheel.name.count("-") >= 2 else wheel.name,
            "skipped": dict(skipped), "rows": [tallies[n].row(n) for n in transforms],
            "misses": {n: tallies[n].misses for n in transforms},
            "class_misses": {n: [m for m in tallies[n].class_misses if m["distinctive"]] for n in ("plain",)
                             if n in tallies}}


def markdown(report: dict[str, Any]) -> str:
    head = ("| variant | files | file top-1 | top-1, main parent indexed | abstained | generic peer top-1 | classes "
            "| class: parent / chain | distinctive classes | distinctive: parent / chain | distinctive, inheriting: parent / chain (n) "
            "| margin p10 / median | seconds |")
    later = f", the families {report['later']} declares that {truth_mod.VERSION} does not" if report.get("later") else ""
    lines = [f"# lineage evaluation: declared lineage of transformers {report.get('release', truth_mod.VERSION)}{later} "
             f"({report['families_evaluated']} families, leave-one-family-out, time travel)", "", head, "|" + "---|" * 13]
    for r in report["rows"]:
        def f(v: Any) -> str:
            return "-" if v is None else (f"{v:.1%}" if isinstance(v, float) else str(v))
        lines.append(f"| {r['transform']} | {r['files']} | {f(r['file_top1'])} | "
                     f"{f(r['file_top1_main_parent_indexed'])} ({r['files_main_parent_indexed']}) | {r['abstained']} | "
                     f"{f(r['generic_top1'])} | {r['classes']} | {f(r['class_accuracy'])} / "
                     f"{f(r['class_chain_accuracy'])} | {r['distinctive_classes']} | {f(r['distinctive_accuracy'])} / "
                     f"{f(r['distinctive_chain_accuracy'])} | {f(r.get('distinctive_inheriting_accuracy'))} / "
                     f"{f(r.get('distinctive_inheriting_chain_accuracy'))} ({r.get('distinctive_inheriting_classes', '-')}) | "
                     f"{r['margin_p10']} / {r['margin_median']} | {r['seconds']} |")
    lines += ["", f"Skipped: {report['skipped']}.", ""]
    lines += ["Files with a medium or high finding that names an unrelated family (another maker's, outside "
              "the file's declared lineage, ancestors' other descendants included): "
              + ", ".join(f"{r['transform']} {r.get('unrelated_accused', '-')}" for r in report["rows"])
              + "; " + "; ".join(f"{r['transform']}: " + ", ".join(f"{a['family']} -> {'/'.join(a['named'])}"
                                                                    for a in r.get("unrelated_accused_files", []))
                                 for r in report["rows"] if r.get("unrelated_accused_files")) + ".", ""]
    lines += ["Copies seen as copies (files with a medium or high finding that names one of their declared "
              "ancestors; medium or high code-match units naming one): "
              + ", ".join(f"{r['transform']} {r.get('ancestor_flagged', '-')} ({r.get('ancestor_flagged_units', '-')})"
                          for r in report["rows"]) + ".", ""]
    lines += ["Distinctive classes missed, by what the code says (the declared parent holds the class as closely "
              "as the family named, within 0.02 of cover: a tie the tie-breaks settled; less closely; not at all), "
              "all / those inheriting most of their code:", ""]
    lines += [f"- {r['transform']}: {r.get('distinctive_misses_by_evidence')} / "
              f"{r.get('distinctive_inheriting_misses_by_evidence')}" for r in report["rows"]]
    lines.append("")
    if report.get("independent"):
        lines += ["Independent implementations (each vendor's own reference code against transformers, vLLM and "
                  "SGLang, and against every other indexed source but the vendors' own), as a third party scans "
                  "its published package (knowing of its maker only what the wheel's METADATA says) and as its "
                  "maker does with `--owner` (engines and frameworks took some of this code in: a match to the "
                  "maker's own model is its own code):", "",
                  "| source | against | maker by its metadata | files | units | medium/high code findings "
                  "| copy verdicts (medium/high) | with --owner: medium/high | with --owner: copy verdicts |",
                  "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['source']} | {r.get('against', 'engines')} | "
                  f"{'; '.join(r.get('makers', [])).replace('|', '/') or 'none'} | {r['files']} | {r['units']} | "
                  f"{r['medium_high_code_findings']} | "
                  f"{r['copy_verdicts']} | {r.get('owner_medium_high_code_findings', '')} | "
                  f"{r.get('owner_copy_verdicts', '')} |" for r in report["independent"]["rows"]]
        lines.append("")
    if report.get("pairs"):
        lines += [f"Pair exhibits of unrelated files (`lineage verify` of one model file against another of the same "
                  f"source, their makers different companies, neither declaring the other among its parents; "
                  f"{report['pairs']['per_source']} pairs per source, half the closest such pairs by shared code "
                  f"lines, half at random; the default index as background). Units above low whose code the "
                  f"corpus holds in {HELD} or more families or model lines: the target is none. Units above low "
                  f"held by fewer are code the two files share with few others (one port adapted from the other):",
                  "", "| source | pairs | matched units | units above low | of them held by 5+ families | "
                  "held by 5+ model lines | pairs with a unit above low | files above unrelated p99 |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['source']} | {r['pairs']} | {r['matched_units']} | {r['above_low']} | "
                  f"{r['above_low_held_5_families']} | {r['above_low_held_5_lines']} | {r['pairs_above_low']} | "
                  f"{r['files_above_p99']} |" for r in report["pairs"]["rows"]]
        lines.append("")
    if report.get("padding"):
        rows = report["padding"]["rows"]
        lines += [f"Padding kinds (benchmarks/eval_padding.py): whole copies of {rows[0]['files']} modeling files, one "
                  "no-op statement of the kind after every statement of every function body, each scanned against "
                  "the full default index; files read as their family, and the cover that family has of them:",
                  "", "| kind | statement | read as their family | median cover | least cover |", "|---|---|---|---|---|"]
        lines += [f"| {r['kind']} | `{r['statement'].replace(chr(10), '; ') or '(none: the rewrite alone)'}` | "
                  f"{r['read_as_family']}/{r['files']} | "
                  f"{r['median_cover']} | {r['min_cover']} |" for r in rows]
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", default=default_index_path())
    ap.add_argument("--wheel", help="transformers 5.23.0 wheel (default: the pinned, cached download)")
    ap.add_argument("--transforms", default=",".join(TRANSFORMS))
    ap.add_argument("--limit", type=int, default=0, help="families to evaluate (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "eval"))
    ap.add_argument("--queries", help="file of family names, one per line: evaluate only these")
    ap.add_argument("--no-independent", action="store_true", help="skip the independent-implementations check")
    ap.add_argument("--no-pairs", action="store_true", help="skip the pair exhibits of unrelated files")
    ap.add_argument("--no-padding", action="store_true", help="skip the padding kinds")
    ap.add_argument("--later", nargs="?", const="", metavar="WHEEL",
                    help=f"held out: only the families whose modular file a later release (default: the pinned "
                         f"transformers {truth_mod.LATER_VERSION}) has and {truth_mod.VERSION} has not, its declared "
                         "lineage their truth (no rule was tuned on them); implies the three --no- options")
    args = ap.parse_args(argv)
    transforms = tuple(t for t in args.transforms.split(",") if t)
    wheel = Path(args.wheel) if args.wheel else truth_mod.pinned_wheel()
    say = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    only = frozenset(Path(args.queries).read_text(encoding="utf-8").split()) if args.queries else frozenset()
    if args.later is not None:
        later = Path(args.later) if args.later else truth_mod.pinned_later_wheel()
        new = truth_mod.modular_families(later) - truth_mod.modular_families(wheel)
        only, wheel = (only & new if only else frozenset(new)), later
        if not only:
            ap.error(f"no family to evaluate: {later.name} declares none in modular files that {truth_mod.VERSION} "
                     "does not" + (" among those --queries names" if args.queries else ""))
        args.no_independent = args.no_pairs = args.no_padding = True
    report = run(args.index, wheel, transforms, args.limit, args.seed, say, only)
    if args.later is not None:
        report["later"] = f"transformers {report['release']}"
    if not args.no_independent:
        report["independent"] = independent(args.index, say)
    if not args.no_pairs:
        report["pairs"] = pairs(args.index, say, seed=args.seed)
    if not args.no_padding:
        report["padding"] = padding(args.index, wheel, say)
    Path(args.out + ".json").write_text(json.dumps(report, sort_keys=True, separators=(",", ":")) + "\n",
                                        encoding="utf-8")
    text = markdown(report)
    Path(args.out + ".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
