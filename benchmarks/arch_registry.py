"""Labelled queries for benchmarks/eval_arch.py: the engines' own model registries.

Every engine keeps a table from architecture class names (``Qwen2ForCausalLM``) or model
types to the module that implements them; transformers' auto mappings turn class names into
model types, and a model type names a transformers family.  So each engine file registered
for an indexed transformers architecture is a query whose right answers are known.  All
tables are read from the wheels' syntax trees (parsed, never imported).
"""

from __future__ import annotations

import ast
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lineage.source.fetch import cache_dir


def wheel(package: str, version: str) -> Path:
    """The pinned wheel in lineage's download cache (`make index` puts it there)."""
    found = sorted((cache_dir() / "pypi" / f"{package}-{version}").glob("*/*.whl"))
    if not found:
        raise SystemExit(f"{package}=={version} is not in {cache_dir() / 'pypi'}: run `make index` first")
    return found[0]


def read(zf: zipfile.ZipFile, name: str) -> str:
    return zf.read(name).decode("utf-8", "replace")


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [s for e in node.elts for s in _strings(e)]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))]
    return []


def _dict_pairs(tree: ast.AST) -> Iterator[tuple[str, list[str]]]:
    """(key, string values) of every dict literal and OrderedDict([...]) pair list in a tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    yield k.value, _strings(v)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and _strings(node.elts[0]) and _strings(node.elts[1]):
            first = node.elts[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value, _strings(node.elts[1])


def model_types(tf: zipfile.ZipFile) -> dict[str, set[str]]:
    """Architecture class name -> transformers model types (transformers' auto mappings)."""
    tree = ast.parse(read(tf, "transformers/models/auto/modeling_auto.py"))
    out: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("MAPPING_NAMES")
                                                for t in node.targets):
            for model_type, classes in _dict_pairs(node.value):
                for cls in classes:
                    out.setdefault(cls, set()).add(model_type)
    return out


def module_name(model_type: str) -> str:
    return model_type.replace("-", "_")


def vllm_files(zf: zipfile.ZipFile) -> dict[str, set[str]]:
    """vllm file -> architecture class names registered for it."""
    base = "vllm/model_executor/models/"
    out: dict[str, set[str]] = {}
    for arch, value in _dict_pairs(ast.parse(read(zf, base + "registry.py"))):
        if len(value) == 2 and re.fullmatch(r"[A-Za-z0-9_.]+", value[0]):
            out.setdefault(base + value[0].rpartition(".")[2] + ".py", set()).add(arch)
    return out


def sglang_files(zf: zipfile.ZipFile) -> dict[str, set[str]]:
    """sglang file -> the class names of its ``EntryClass`` (the registry takes them as architectures)."""
    out: dict[str, set[str]] = {}
    for name in zf.namelist():
        if not re.fullmatch(r"sglang/srt/models/[^/]+\.py", name):
            continue
        try:
            tree = ast.parse(read(zf, name))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EntryClass" for t in node.targets):
                elts = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
                out.setdefault(name, set()).update(e.id for e in elts if isinstance(e, ast.Name))
    return out


def mlx_files(zf: zipfile.ZipFile) -> dict[str, set[str]]:
    """mlx-lm file -> model types it serves (its own name, and MODEL_REMAPPING's keys to it)."""
    base = "mlx_lm/models/"
    remap: dict[str, str] = {}
    for node in ast.parse(read(zf, "mlx_lm/utils.py")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "MODEL_REMAPPING" for t in node.targets):
            remap.update({k: v[0] for k, v in _dict_pairs(node.value) if v})
    out: dict[str, set[str]] = {}
    for name in zf.namelist():
        m = re.fullmatch(re.escape(base) + r"([^/_][^/]*)\.py", name)
        if m:
            out[name] = {m.group(1)} | {k for k, v in remap.items() if v == m.group(1)}
    return out


def lmdeploy_files(zf: zipfile.ZipFile) -> dict[str, set[str]]:
    """lmdeploy file -> architecture class names of its pytorch engine's MODULE_MAP."""
    tree = ast.parse(read(zf, "lmdeploy/pytorch/models/module_map.py"))
    out: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
            for arch, value in _dict_pairs(node):
                if value and value[0].count(".") >= 1:
                    module = value[0].rsplit(".", 2)[-2]
                    out.setdefault(f"lmdeploy/pytorch/models/{module}.py", set()).add(arch)
    return out


ENGINES = {
    "vllm": ("vllm", "0.33.0", vllm_files, False),
    "sglang": ("sglang", "0.5.23", sglang_files, False),
    "mlx-lm": ("mlx-lm", "0.32.2", mlx_files, True),  # labels are model types already
    "lmdeploy": ("lmdeploy", "0.18.0", lmdeploy_files, False),
}


def labelled(engine: str, tf: zipfile.ZipFile, families: set[str]) -> Iterator[tuple[str, str, set[str]]]:
    """(path, text, transformers families it implements) for an engine's registered files."""
    package, version, files_of, by_type = ENGINES[engine]
    types = model_types(tf)
    with zipfile.ZipFile(wheel(package, version)) as zf:
        names = set(zf.namelist())
        for path, keys in sorted(files_of(zf).items()):
            mts = keys if by_type else {mt for k in keys for mt in types.get(k, ())}
            truth = {module_name(mt) for mt in mts} & families
            if truth and path in names:
                yield path, read(zf, path), truth
