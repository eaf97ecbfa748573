"""Which ``from ... import`` statements declare reuse of another model family's code.

Counted: transformers-style imports of another model's module (``from ..llama.modeling_llama
import LlamaAttention`` in a ``modular_*.py`` file, or the absolute
``transformers.models.llama...`` form anywhere), and imports of a serving engine's model
module (``vllm.model_executor.models.qwen2``, ``sglang.srt.models.deepseek_v2``, ...; inside
an engine's own models directory also the relative ``from .qwen2 import ...``).
Infrastructure modules of those directories (registries, utils, interfaces) are not families.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lineage.declared.family import family_of

# Module kinds that transformers keeps per model directory, named `<kind>_<model>`.
_TF_KINDS = (
    "modeling", "modular", "configuration", "processing", "image_processing", "video_processing",
    "tokenization", "feature_extraction",
)
_TF_ABSOLUTE = re.compile(r"transformers\.models\.([A-Za-z0-9_]+)(?:\.|$)")
ENGINE_ROOTS = (
    "vllm.model_executor.models", "vllm.models", "sglang.srt.models",
    "lmdeploy.pytorch.models", "mlx_lm.models",
)
_ENGINE_DIR = re.compile(
    r"(?:^|/)(vllm/model_executor/models|sglang/srt/models|lmdeploy/pytorch/models|mlx_lm/models)/[^/]+\.py$"
)
# Modules of the engines' model directories that hold shared plumbing, not a model.
INFRA = frozenset({
    "__init__", "adapters", "activations", "base", "cache", "config", "interfaces", "interfaces_base",
    "module_map", "module_mapping", "patch", "pipeline", "q_modules", "registry", "rope_utils",
    "ssm", "switch_layers", "transformers", "utils", "vision", "auto",
})


@dataclass(frozen=True)
class Imported:
    """One name bound by an import that points at another family's code."""

    alias: str  # the local name the import binds
    target: str  # dotted path of the imported object or module
    family: str
    line: int


def _is_tf_module(sub: str, model: str) -> bool:
    return any(sub.startswith(f"{kind}_{model}") for kind in _TF_KINDS)


def _engine_module(module: str) -> str | None:
    for root in ENGINE_ROOTS:
        if module.startswith(root + "."):
            entry = module[len(root) + 1:].split(".")[0]
            return None if entry in INFRA else f"{root}.{entry}"
    return None


def classify(
    path: str, level: int, module: str, names: Sequence[tuple[str, str | None, int]]
) -> list[Imported]:
    """The reuse declared by ``from <level dots><module> import <names>``.

    ``names`` holds ``(name, asname, line)``. ``path`` is the file's own path, used only to
    recognise relative imports inside an engine's models directory.
    """
    bases: list[tuple[str, str]] = []  # (module path, family) the names come from
    modules: list[tuple[str, str, str, int]] = []  # imported module objects: alias, path, family, line
    parts = module.split(".") if module else []
    if level == 2 and len(parts) == 2 and _is_tf_module(parts[1], parts[0]) and parts[0] != "auto":
        bases.append((f"transformers.models.{parts[0]}.{parts[1]}", parts[0]))
    elif level == 2 and len(parts) == 1 and parts[0] != "auto":
        for name, asname, line in names:
            if _is_tf_module(name, parts[0]):
                modules.append((asname or name, f"transformers.models.{parts[0]}.{name}", parts[0], line))
    elif level == 0 and (m := _TF_ABSOLUTE.match(module)) and m.group(1) != "auto":
        if module == f"transformers.models.{m.group(1)}":
            # the package: its submodules are modules, anything else an object it re-exports
            modules.extend((asname or name, f"{module}.{name}", m.group(1), line) for name, asname, line in names)
        else:
            bases.append((module, m.group(1)))
    elif level == 0 and (engine := _engine_module(module)):
        bases.append((module, family_of(engine)))
    elif level == 0 and module in ENGINE_ROOTS:
        for name, asname, line in names:
            if name not in INFRA:
                modules.append((asname or name, f"{module}.{name}", family_of(f"{module}.{name}"), line))
    elif level == 1 and (inside := _ENGINE_DIR.search(path)):
        root = inside.group(1).replace("/", ".")
        if parts and parts[0] not in INFRA:
            bases.append((f"{root}.{module}", family_of(f"{root}.{parts[0]}")))
        elif not parts:
            for name, asname, line in names:
                if name not in INFRA:
                    modules.append((asname or name, f"{root}.{name}", family_of(f"{root}.{name}"), line))
    out = [Imported(alias, target, family, line) for alias, target, family, line in modules if family]
    for base, family in bases:
        if not family:
            continue
        for name, asname, line in names:
            if name != "*":
                out.append(Imported(asname or name, f"{base}.{name}", family, line))
    return out
