"""Classification fixtures: our own reference "vendor" code, copies derived from it, one index.

``data/glm4_moe/`` holds a small mixture-of-experts modeling file and a tool-call parser
written for these tests (family ``glm4_moe``, Zhipu AI, so the shipped vestige facts in
corpora/vestiges.toml apply).  At session start, 25 other families of other organisations
are generated: each carries the reference's ``RMSNorm`` verbatim plus one small function of
its own, which makes RMSNorm a common idiom of the index.  Copies (identifiers renamed,
comments and docstrings stripped, headers swapped) are derived at test time with the
standard library's ``tokenize`` and ``ast``, so the oracle shares no code with the engine.
"""

from __future__ import annotations

import ast
import io
import keyword
import random
import tokenize
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from lineage.config import Config
from lineage.data import shipped_dir
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile
from tests.fixture_notices import with_notice

DATA = Path(__file__).parent / "data"
REF_DIR = DATA / "glm4_moe"
MODEL = REF_DIR / "modeling_glm4_moe.py"
PARSER = DATA / "scan" / "tool_parser.py"
REF_FAMILY = "cls:glm4_moe"
N_OTHER = 25
NOTICE = "# Copyright 2025 The ZhipuAI Inc. team."
SPDX = "# SPDX-License-Identifier: Apache-2.0"

# identifiers a copier would change: class-name prefix and some locals and attributes
RENAME_PREFIXES = (("ZetaMoe", "AcmeLM"), ("Zeta", "Acme"))
RENAME_NAMES = {
    "hidden_states": "h", "scores": "att", "probs": "p_attn", "chosen": "sel", "num_kv_heads": "n_kv",
    "num_heads": "n_q", "groups": "rep", "flat": "tok", "picked": "y_e", "bsz": "b", "seq_len": "t",
    "stacked_params_mapping": "fused_map", "loaded": "done", "tensor": "w", "skip": "ignore",
}

ATTENTION_MOE = ("rotate_half", "apply_partial_rotary", "ZetaMoeAttention", "ZetaMoeMLP", "ZetaMoeRouter",
                 "ZetaMoeSparseBlock")
IMPORTS = "import re\n\nimport torch\nimport torch.nn.functional as F\nfrom torch import nn\n"


# --- oracles and variant builders (stdlib only) -------------------------------------------


def strip_comments(source: str) -> str:
    """Drop comments, docstrings and blank lines; every code token stays where it was."""
    docs: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docs.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines = source.splitlines(keepends=True)
    for tok in reversed(list(tokenize.generate_tokens(io.StringIO(source).readline))):
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            lines[row - 1] = lines[row - 1][:col].rstrip() + "\n"
    kept = [line for n, line in enumerate(lines, 1) if n not in docs and line.strip()]
    text = "".join(kept)
    compile(text, "<stripped>", "exec")
    return text


def rename(source: str, names: dict[str, str] | None = None,
           prefixes: Sequence[tuple[str, str]] = RENAME_PREFIXES) -> str:
    """Rename identifiers (exact names, then class-name prefixes); strings and keywords stay."""
    names = RENAME_NAMES if names is None else names
    lines = source.splitlines(keepends=True)
    edits = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.NAME or keyword.iskeyword(tok.string):
            continue
        new = names.get(tok.string, tok.string)
        for old, repl in prefixes:
            if new.startswith(old):
                new = repl + new[len(old):]
                break
        if new != tok.string:
            edits.append((tok.start, tok.end, new))
    for (row, col), (_, end_col), new in reversed(edits):
        lines[row - 1] = lines[row - 1][:col] + new + lines[row - 1][end_col:]
    return "".join(lines)


def top_level(source: str, names: Sequence[str]) -> str:
    """The source of the named top-level definitions/assignments, in the order given."""
    lines = source.splitlines(keepends=True)
    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        name: str | None = getattr(node, "name", None)
        if name is None and isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        if name is not None and name in names:
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            found[name] = "".join(lines[start - 1: node.end_lineno])
    return "\n\n".join(found[n] for n in names) + "\n"


def method(source: str, cls: str, name: str) -> str:
    """One method of a top-level class, with its indentation."""
    lines = source.splitlines(keepends=True)
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == cls)
    fn = next(n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == name)
    return "".join(lines[fn.lineno - 1: fn.end_lineno])


def unit_spans(source: str) -> dict[str, tuple[int, int]]:
    """qualname -> (first, last line) of every class, function and method, from ast."""
    spans: dict[str, tuple[int, int]] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qual = f"{prefix}.{child.name}" if prefix else child.name
                spans[qual] = (min([child.lineno] + [d.lineno for d in child.decorator_list]),
                               child.end_lineno or child.lineno)
                visit(child, qual)

    visit(ast.parse(source), "")
    return spans


def unique_function(i: int) -> str:
    """A small function of family i's own: statements drawn from templates by a seeded RNG."""
    rng = random.Random(7919 * (i + 1))
    templates = [
        "    total = total + item * {a}\n",
        "    if total > {a}:\n        total = total - {b}\n",
        "    for j in range({a}):\n        total += j % {b}\n",
        "    parts = [p * {a} for p in parts if p > {b}]\n",
        "    while total > {a}:\n        total //= {b}\n",
        "    table[{a}] = (total, len(parts))\n",
        "    try:\n        total = int(str(total)[:{a}])\n    except ValueError:\n        total = {b}\n",
        "    item = max(item, {a}) if parts else min(item, {b})\n",
        "    with open(name) as fh:\n        parts.append(fh.read({a}))\n",
        "    assert total != {a}, name\n",
    ]
    body = [templates[rng.randrange(len(templates))].format(a=rng.randint(2, 99), b=rng.randint(2, 99))
            for _ in range(12)]
    head = f"def family_{i:02d}_helper(name, item, parts, table):\n    total = {i}\n"
    return head + "".join(body) + "    return total, parts, table\n"


def other_orgs(n: int) -> list[str]:
    """n vendor organisations other than Zhipu AI, from the shipped table."""
    data = tomllib.loads((shipped_dir() / "organisations.toml").read_text(encoding="utf-8"))
    orgs = [name for name, e in data["org"].items()
            if e.get("kind", "vendor") == "vendor" and name not in ("Zhipu AI", "Unknown")]
    assert len(orgs) >= n
    return orgs[:n]


# --- copies of the reference --------------------------------------------------------------


@dataclass(frozen=True)
class Copies:
    """The reference text and the copies derived from it (bodies without headers)."""

    reference: str
    attention_moe: str  # renamed, comments stripped: attention, rotary, MLP, router, MoE block
    full_model: str  # the whole file, renamed and stripped (vestiges, summary)
    loader: str  # a class of our own holding the copied (renamed, stripped) load_weights
    rmsnorm: str  # only the shared RMSNorm, verbatim
    parser: str  # our own original tool-call parser

    @staticmethod
    def with_header(body: str, *header: str) -> str:
        return "".join(h + "\n" for h in header) + "\n" + body


def _copies() -> Copies:
    ref = with_notice(MODEL)
    attention_moe = rename(strip_comments(IMPORTS + "\n\n" + top_level(ref, ("RMSNorm",) + ATTENTION_MOE)))
    full = rename(strip_comments(ref))
    loader_cls = (
        "IGNORE_ON_LOAD = [r\"rotary\\.inv_freq$\"]\n\n\n"
        + top_level(ref, ("default_weight_loader",)) + "\n\n"
        + "class AcmeForCausalLM(nn.Module):\n"
        + "    def __init__(self, config, backbone, head):\n"
        + "        super().__init__()\n"
        + "        self.config = config\n"
        + "        self.backbone, self.head = backbone, head\n\n"
        + method(ref, "ZetaMoeForCausalLM", "load_weights")
    )
    loader = rename(strip_comments(IMPORTS + "\n\n" + loader_cls))
    rmsnorm = "import torch\nfrom torch import nn\n\n\n" + top_level(ref, ("RMSNorm",))
    return Copies(ref, attention_moe, full, loader, rmsnorm, with_notice(PARSER))


# --- the index ----------------------------------------------------------------------------


def _manifest(root: Path, orgs: Sequence[str]) -> str:
    out = [
        "[source]", 'name = "cls"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
        'released = "2026-01-01"', "",
        "[[family]]", 'name = "glm4_moe"', 'include = ["glm4_moe/*.py"]', 'org = "Zhipu AI"',
        'first_seen = "2025-07-28"', "",
    ]
    for i, org in enumerate(orgs):
        out += ["[[family]]", f'name = "other_{i:02d}"', f'include = ["other_{i:02d}/*.py"]', f'org = "{org}"',
                f'first_seen = "2024-{1 + i % 12:02d}-01"', ""]
    return "\n".join(out)


HEADERS: dict[str, tuple[str, ...]] = {
    "kept": (NOTICE, SPDX),
    "removed": (SPDX,),
    "replaced": ("# Copyright 2025 Acme Inc.", SPDX),
    "adapted": (NOTICE, SPDX, "# Adapted from transformers/models/glm4_moe/modeling_glm4_moe.py"),
    "chinese": ("# 版权所有 (c) 2025 智谱AI", SPDX),
}


@pytest.fixture(scope="session")
def headers() -> dict[str, tuple[str, ...]]:
    """Header variants of a copy: upstream notice kept, removed, replaced, declared, in Chinese."""
    return HEADERS


@pytest.fixture(scope="session")
def copies() -> Copies:
    return _copies()


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reference tree in tmp (our glm4_moe files + 25 generated families), indexed once."""
    from lineage import api

    root = tmp_path_factory.mktemp("cls-ref")
    (root / "glm4_moe").mkdir()
    for path in REF_DIR.glob("*.py"):
        (root / "glm4_moe" / path.name).write_text(with_notice(path), encoding="utf-8")
    ref = with_notice(MODEL)
    norm = top_level(ref, ("RMSNorm",))
    orgs = other_orgs(N_OTHER)
    for i, org in enumerate(orgs):
        fam = root / f"other_{i:02d}"
        fam.mkdir()
        text = (f"# Copyright 2025 {org}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n"
                f"{norm}\n\n{unique_function(i)}")
        compile(text, str(fam), "exec")
        (fam / f"modeling_other_{i:02d}.py").write_text(text, encoding="utf-8")
    manifest = tmp_path_factory.mktemp("cls-manifest") / "cls.toml"
    manifest.write_text(_manifest(root, orgs), encoding="utf-8")
    out = tmp_path_factory.mktemp("cls-index") / "cls.lineage"
    report = api.build([manifest], out, workers=1)
    assert report.families == N_OTHER + 1 and not report.errors
    return out


@pytest.fixture(scope="session")
def index(built_index: Path) -> EmbeddedIndex:
    from lineage.api import open_index

    return open_index(built_index)


Scan = Callable[..., ScanResult]


@pytest.fixture(scope="session")
def scan(index: EmbeddedIndex) -> Scan:
    """scan({path: text}, config=Config()) -> ScanResult, through lineage.api.scan_files."""
    from lineage import api

    def run(files: dict[str, str], config: Config | None = None) -> ScanResult:
        sources = [SourceFile(p, t.encode("utf-8")) for p, t in files.items()]
        result, _ = api.scan_files(sources, index, config or Config(), target="cases")
        return result

    return run


@dataclass(frozen=True)
class Oracle:
    """The stdlib helpers above, handed to tests as a fixture (no conftest imports)."""

    ref_dir: Path = REF_DIR
    strip: Callable[[str], str] = strip_comments
    rename: Callable[..., str] = rename
    spans: Callable[[str], dict[str, tuple[int, int]]] = unit_spans


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    return Oracle()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No LINEAGE_* settings from the developer's shell, and no default index from their cache."""
    import os

    for key in list(os.environ):
        if key.startswith("LINEAGE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    yield
