"""Which packages of lineage may import which, read from the source with ``ast``.

The fingerprint-and-classify step (``lineage.compact``) sits below both the index and the
classifiers: index -> compact <- classify.  Every import counts, lazy and type-only ones
too, so a cycle cannot come back through a function-level import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "lineage"

# Package edges that still point back down the layers, each with where it comes from.  The
# rest of the package graph has no cycle; this list may shrink, and must not grow.
KNOWN_BACK_EDGES = {
    ("index", "arch"),  # index/build.py and index/restrict.py: arch/section.py, the index's architecture section
    ("index", "source"),  # index/build.py and index/coverage.py read the sources that an index is built from
    ("models", "parse"),  # models.py: a Unit's Vocab type, imported for type checking only
}


def package_of(module: str) -> str:
    """`lineage.index.build` -> `index`; `lineage.api` -> `api`; `lineage` itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> Iterator[str]:
    """The lineage modules (or package attributes) that a file imports, wherever the import sits."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("lineage."))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "lineage":  # `from lineage import api` names a module; `__version__` the root
                yield from (f"lineage.{a.name}" for a in node.names)
            elif node.module.startswith("lineage."):
                yield node.module


@cache
def module_imports() -> dict[str, frozenset[str]]:
    return {_module_name(p): frozenset(imported(p)) for p in sorted(ROOT.rglob("*.py"))}


def package_graph() -> dict[str, set[str]]:
    packages = {package_of(m) for m in module_imports()} - {""}
    graph: dict[str, set[str]] = {p: set() for p in packages}
    for module, targets in module_imports().items():
        for target in targets:
            source, dest = package_of(module), package_of(target)
            if source and dest in packages and dest != source:
                graph[source].add(dest)
    return graph


def importers_of(package: str, imported_package: str) -> list[str]:
    return sorted(m for m, targets in module_imports().items()
                  if package_of(m) == package and any(package_of(t) == imported_package for t in targets))


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a path of nodes, or [] when it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_the_graph_is_read_from_the_source() -> None:
    graph = package_graph()
    assert {"compact", "index", "classify", "pipeline", "workflow", "api"} <= set(graph)
    assert {"compact", "index"} <= graph["classify"]  # classify builds on both
    assert "compact" in graph["index"]


def test_index_does_not_import_classify() -> None:
    assert importers_of("index", "classify") == []


def test_compact_imports_neither_index_nor_classify() -> None:
    graph = package_graph()
    assert importers_of("compact", "index") == []
    assert importers_of("compact", "classify") == []
    # nor anything built on them, which would bring them back in
    for package in ("arch", "pipeline", "api", "workflow", "cli", "source", "report"):
        assert importers_of("compact", package) == [], package
    assert not graph["compact"] & {"index", "classify"}


def test_no_package_cycle_beyond_the_known_back_edges() -> None:
    graph = package_graph()
    for source, dest in KNOWN_BACK_EDGES:
        graph[source].discard(dest)
    assert cycle(graph) == []


def test_the_pipeline_does_not_reach_back_to_its_callers() -> None:
    """api names the pipeline, workflow and cli call it: the pipeline imports none of them."""
    for caller in ("api", "workflow", "cli"):
        assert importers_of("pipeline", caller) == [], caller
    assert importers_of("workflow", "api") == []  # workflow imports the pipeline directly
