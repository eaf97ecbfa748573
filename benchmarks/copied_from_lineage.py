"""Add the parents a pinned transformers wheel declares in ``# Copied from`` comments to
corpora/transformers.toml's ``lineage`` (maintainers' tool; run after bumping the pin).

    python benchmarks/copied_from_lineage.py WHEEL [corpora/transformers.toml] [--check]

transformers marks code copied from another model's module with a comment naming it
(``# Copied from transformers.models.bart.modeling_bart.BartAttention with Bart->Marian``),
and keeps it identical to its origin with a repository check.  That is lineage the code
itself declares, as the ``modular_*.py`` imports are (corpora/README.md), and families
written before modular files existed declare it only this way.  A cited family of the
manifest is added, after the parents already listed and the most copied first, when the
family's files copy at least MIN_LINES lines from it.  First-seen dates are model release
dates, not the dates of this code (Marian's models predate BART, its PyTorch code copies
BART's), so they do not veto a citation; they only order the edges, so that when two
families cite each other the one first seen earlier stays the parent: an
edge that would close a cycle is left out.  The
manifest's text is edited in place (comments kept).  ``--check`` changes nothing and exits
1 when a family lacks a declared parent.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

COPIED = re.compile(r"#\s*Copied from transformers\.models\.(\w+)\.")
MIN_LINES = 30  # lines of code a file copies from a family before that family is its parent
MODEL_FILE = re.compile(r"transformers/models/(\w+)/modeling_\w+\.py$")


def copied_lines(text: str) -> Counter[str]:
    """Per cited model folder, the lines of the definitions a ``# Copied from`` comment heads."""
    lines = text.splitlines()
    out: Counter[str] = Counter()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.end_lineno:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            m = COPIED.search(lines[first - 2]) if first >= 2 else None
            if m:
                out[m.group(1)] += node.end_lineno - node.lineno + 1
    return out


def cited_parents(wheel: Path) -> dict[str, Counter[str]]:
    """Per model folder, the other model folders its modeling files copy at least MIN_LINES
    lines from, with those lines: one copied helper (``drop_path``, ``shift_tokens_right``)
    is shared code, not lineage."""
    out: dict[str, Counter[str]] = {}
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            m = MODEL_FILE.match(name)
            if m:
                got = copied_lines(z.read(name).decode("utf-8", "replace"))
                out.setdefault(m.group(1), Counter()).update(
                    {p: n for p, n in got.items() if p != m.group(1)})
    return {fam: Counter({p: n for p, n in c.items() if n >= MIN_LINES}) for fam, c in out.items()}


def _reaches(graph: dict[str, list[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def extended_lineage(families: list[dict], cited: dict[str, Counter[str]]) -> dict[str, list[str]]:
    """Each family's lineage with the parents its files cite (see the module docstring)."""
    dates = {f["name"]: str(f.get("first_seen", "9999")) for f in families}
    graph = {f["name"]: list(f.get("lineage", [])) for f in families}
    edges = [(fam, parent) for fam in sorted(dates, key=lambda n: (dates[n], n))
             for parent, _ in sorted(cited.get(fam, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
             if parent in dates]
    # parents first seen no later than the family first: a mutual citation keeps the older parent
    for fam, parent in sorted(edges, key=lambda e: dates[e[1]] > dates[e[0]]):
        if parent not in graph[fam] and not _reaches(graph, parent, fam):
            graph[fam].append(parent)
    declared = {f["name"]: list(f.get("lineage", [])) for f in families}
    return {fam: declared[fam] + [p for f, p in edges if f == fam and p in graph[fam] and p not in declared[fam]]
            for fam in graph}


def rewrite(text: str, lineage: dict[str, list[str]]) -> str:
    """The manifest's text with each family's ``lineage`` line set (added after its
    ``first_seen`` line, or after ``org``, when it had none)."""
    blocks = re.split(r"(?m)^(?=\[\[)", text)
    out = []
    for block in blocks:
        m = re.search(r'(?m)^name = "([^"]+)"', block)
        if not block.startswith("[[family]]") or not m or not lineage.get(m.group(1)):
            out.append(block)
            continue
        line = "lineage = [" + ", ".join(f'"{p}"' for p in lineage[m.group(1)]) + "]"
        if re.search(r"(?m)^lineage = .*$", block):
            block = re.sub(r"(?m)^lineage = .*$", line, block, count=1)
        else:
            anchor = re.search(r"(?m)^first_seen = .*$", block) or re.search(r"(?m)^org = .*$", block)
            at = anchor.end() if anchor else len(block.rstrip("\n"))
            block = block[:at] + "\n" + line + block[at:]
        out.append(block)
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wheel", type=Path)
    ap.add_argument("manifest", type=Path, nargs="?", default=Path("corpora/transformers.toml"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    text = args.manifest.read_text(encoding="utf-8")
    families = tomllib.loads(text)["family"]
    lineage = extended_lineage(families, cited_parents(args.wheel))
    missing = {f["name"]: lineage[f["name"]] for f in families if lineage[f["name"]] != list(f.get("lineage", []))}
    if args.check:
        for name, parents in sorted(missing.items()):
            print(f"{name}: lineage should be {parents}")
        return 1 if missing else 0
    args.manifest.write_text(rewrite(text, lineage), encoding="utf-8")
    print(f"{len(missing)} families gained declared parents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
