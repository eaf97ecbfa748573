"""Engine fixtures: original fixture code, case variants derived from it, one tiny index per session.

The reference files under ``data/`` were written for these tests (no third-party code).
Variants (renamed, re-wrapped, reordered, embedded) are derived at test time with the
standard library's tokenizer and ``ast``, and their expected spans come from ``ast`` too,
so the oracle never shares code with the engine under test.
"""

from __future__ import annotations

import ast
import io
import keyword
import shutil
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from lineage.config import Config
from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import fingerprint_file
from lineage.index.build import build_index
from lineage.index.embedded import EmbeddedIndex
from lineage.index.manifest import load_manifest
from lineage.parse.units import parse_source

DATA = Path(__file__).parent / "data"
MODEL = DATA / "alpha" / "model.py"
PARSER = DATA / "beta" / "exprparse.py"
LEDGER = DATA / "scan" / "ledger.py"
RENAME_SHIFT = 4  # lines prepended to the renamed copy, so scanned != reference lines

Spans = dict[str, tuple[int, int]]


# --- oracles and variant builders (stdlib only) -------------------------------------------


def ast_spans(source: str) -> tuple[Spans, dict[str, str]]:
    """qualname -> (first line incl. decorators, last line) and qualname -> kind, from ast."""
    spans: Spans = {}
    kinds: dict[str, str] = {}

    def visit(node: ast.AST, prefix: str, parent_kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qual = f"{prefix}.{child.name}" if prefix else child.name
                start = min([child.lineno] + [d.lineno for d in child.decorator_list])
                spans[qual] = (start, child.end_lineno or child.lineno)
                if isinstance(child, ast.ClassDef):
                    kind = "class"
                else:
                    kind = "method" if parent_kind == "class" else "function"
                kinds[qual] = kind
                visit(child, qual, kind)
            else:
                visit(child, prefix, parent_kind)

    visit(ast.parse(source), "", "module")
    return spans, kinds


def rename_identifiers(source: str) -> tuple[str, dict[str, str]]:
    """Rename every identifier (names, attributes, parameters, imports) consistently."""
    mapping: dict[str, str] = {}
    lines = source.splitlines(keepends=True)
    edits = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string) and not keyword.issoftkeyword(tok.string):
            new = mapping.setdefault(tok.string, f"q{len(mapping):03d}_{tok.string[::-1].lower()}")
            edits.append((tok.start, tok.end, new))
    for (row, col), (_, end_col), new in reversed(edits):
        lines[row - 1] = lines[row - 1][:col] + new + lines[row - 1][end_col:]
    return "".join(lines), mapping


def _docstring_ranges(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.append(((first.lineno, first.col_offset), (first.end_lineno or 0, first.end_col_offset or 0)))
    return out


def rewrap(source: str) -> str:
    """Black-like re-layout that keeps every token: drop comments and docstrings, indent by
    two, one space between tokens, and break the line after every comma inside brackets."""
    docs = _docstring_ranges(source)
    out: list[str] = []
    parts: list[str] = []
    indent = depth = 0

    def flush() -> None:
        if parts:
            out.append("  " * indent + " ".join(parts))
            parts.clear()

    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER):
            continue
        if tok.type == tokenize.INDENT:
            indent += 1
            continue
        if tok.type == tokenize.DEDENT:
            indent -= 1
            continue
        if tok.type == tokenize.NEWLINE:
            flush()
            continue
        if any(a <= tok.start and tok.end <= b for a, b in docs):
            continue
        parts.append(tok.string)
        if tok.string in "([{" and tok.type == tokenize.OP:
            depth += 1
        elif tok.string in ")]}" and tok.type == tokenize.OP:
            depth -= 1
        elif tok.string == "," and depth > 0:
            out.append("  " * indent + " ".join(parts))
            parts.clear()
            parts.append("  " * 2)  # continuation indent
    flush()
    text = "\n".join(out) + "\n"
    compile(text, "<rewrapped>", "exec")
    return text


def reorder_methods(source: str, class_name: str) -> str:
    """Reverse the order of a class's methods; everything else stays where it was."""
    lines = source.splitlines(keepends=True)
    cls = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == class_name)
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef)]
    blocks = [
        "".join(lines[min([m.lineno] + [d.lineno for d in m.decorator_list]) - 1 : m.end_lineno])
        for m in methods
    ]
    first = min([methods[0].lineno] + [d.lineno for d in methods[0].decorator_list])
    last = methods[-1].end_lineno or 0
    body = "\n".join(reversed(blocks))
    text = "".join(lines[: first - 1]) + body + "".join(lines[last:])
    compile(text, "<reordered>", "exec")
    return text


def embed(host: str, guest: str, after: str) -> str:
    """Insert ``guest`` (top-level code) into ``host`` after the top-level def ``after``."""
    lines = host.splitlines(keepends=True)
    node = next(n for n in ast.parse(host).body if getattr(n, "name", None) == after)
    end = node.end_lineno or 0
    text = "".join(lines[:end]) + "\n\n" + guest.rstrip("\n") + "\n" + "".join(lines[end:])
    compile(text, "<embedded>", "exec")
    return text


def segment(source: str, qualname: str) -> str:
    spans, _ = ast_spans(source)
    start, end = spans[qualname]
    return "".join(source.splitlines(keepends=True)[start - 1 : end])


# --- fixtures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cases:
    """The reference source, its spans and every derived scan case."""

    model: str
    model_spans: Spans
    model_kinds: dict[str, str]
    renamed: str
    rename_map: dict[str, str]
    rewrapped: str
    reordered: str
    embedded: str
    ledger: str
    rename_shift: int = RENAME_SHIFT  # comment lines prepended to the renamed copy


@dataclass(frozen=True)
class Oracle:
    """The stdlib helpers above, handed to tests as a fixture (no conftest imports)."""

    spans: Callable[[str], tuple[Spans, dict[str, str]]] = ast_spans
    rename: Callable[[str], tuple[str, dict[str, str]]] = rename_identifiers
    rewrap: Callable[[str], str] = rewrap
    reorder: Callable[[str, str], str] = reorder_methods
    embed: Callable[[str, str, str], str] = embed
    segment: Callable[[str, str], str] = segment


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    return Oracle()


@pytest.fixture(scope="session")
def cases() -> Cases:
    model = MODEL.read_text(encoding="utf-8")
    spans, kinds = ast_spans(model)
    renamed, mapping = rename_identifiers(model)
    renamed = "# renamed copy\n" * RENAME_SHIFT + renamed
    ledger = LEDGER.read_text(encoding="utf-8")
    return Cases(
        model=model, model_spans=spans, model_kinds=kinds, renamed=renamed, rename_map=mapping,
        rewrapped=rewrap(model), reordered=reorder_methods(model, "GroupedAttention"),
        embedded=embed(ledger, segment(model, "count_parameters"), after="format_cents"), ledger=ledger,
    )


MANIFEST = """\
[source]
name = "fix"
kind = "dir"
path = "{path}"
licence = "Apache-2.0"

[[family]]
name = "alpha"
include = ["alpha/*.py"]
org = "Meta"
first_seen = "2023-02-24"
weights_licence = "alpha-community"

[[family]]
name = "beta"
include = ["beta/*.py"]
org = "DeepSeek"
licence = "MIT"
"""


@pytest.fixture(scope="session")
def manifest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("manifest") / "fix.toml"
    path.write_text(MANIFEST.format(path=DATA.as_posix()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, manifest_path: Path) -> Path:
    """The session's index; never modify it (use ``index_copy``)."""
    out = tmp_path_factory.mktemp("index") / "fix.lineage"
    build_index([load_manifest(manifest_path)], out, params=FingerprintParams(), workers=1)
    return out


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy.lineage"
    shutil.copyfile(built_index, dest)
    return dest


@pytest.fixture(scope="session")
def index(built_index: Path) -> EmbeddedIndex:
    from lineage.api import open_index

    return open_index(built_index)


@pytest.fixture
def config() -> Config:
    return Config(workers=1)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No LINEAGE_* from the developer's shell, and no default index in their cache."""
    import os

    for key in list(os.environ):
        if key.startswith("LINEAGE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    yield


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write files under tmp_path/target and return that directory."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "target"
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return root

    return write


def unit_texts(source: str, unit: str) -> list[str]:
    """The token texts one unit of ``source`` reads as, after every reading of the parse."""
    parsed = parse_source("m.py", source.encode())
    found = next(u for u in parsed.units if u.qualname == unit)
    return [found.vocab.texts.items[t] for t in found.text_ids.tolist()]


def unit_prints(source: str) -> dict[str, tuple[np.ndarray, str]]:
    """Per unit of ``source``: its structural fingerprint set and structure hash."""
    parsed = parse_source("m.py", source.encode())
    return {u.unit.qualname: (u.s_hash, u.structure) for u in fingerprint_file(parsed, FingerprintParams()).units}


def same_unit(a: str, b: str, unit: str = "f") -> bool:
    """Whether ``unit`` of sources ``a`` and ``b`` has the same structural fingerprints and structure hash."""
    left, right = unit_prints(a)[unit], unit_prints(b)[unit]
    return bool(np.array_equal(left[0], right[0])) and left[1] == right[1]
