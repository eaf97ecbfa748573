"""Family names from declared targets, and declared parents followed to the root.

A *target* is whatever a declaration points at: a dotted transformers path
(``transformers.models.glm4_moe.modeling_glm4_moe.Glm4MoeMLP``), a URL to a modeling file,
an engine path (``vllm/model_executor/models/deepseek_v2.py``) or a bare family name.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

# `models/<name>` or `models.<name>` followed by a separator or the end: transformers,
# vLLM (both layouts), SGLang, LMDeploy and mlx-lm all keep one model per entry there.
_MODELS_ENTRY = re.compile(r"(?:^|[./])models[./]([A-Za-z0-9_]+)(?=[./]|$)")
_FILE_STEM = re.compile(r"([A-Za-z0-9_]+)\.py(?:[#?].*)?$")
_PREFIXES = ("modeling_", "modular_", "configuration_", "processing_", "tokenization_")
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Entries of a models directory that are infrastructure, not a model.
_NOT_FAMILIES = frozenset({"auto", "utils", "__init__", "registry", "interfaces", "interfaces_base", "base"})


def _strip_prefix(stem: str) -> str:
    for prefix in _PREFIXES:
        if stem.startswith(prefix) and len(stem) > len(prefix):
            return stem[len(prefix):]
    return stem


def family_of(target: str) -> str:
    """Best-effort family name of a declared target; ``""`` when nothing fits.

    >>> family_of("transformers.models.glm4_moe.modeling_glm4_moe.Glm4MoeMLP")
    'glm4_moe'
    >>> family_of("vllm/model_executor/models/deepseek_v2.py")
    'deepseek_v2'
    """
    text = target.strip().strip("`'\"<>()[]")
    for match in _MODELS_ENTRY.finditer(text):
        name = match.group(1)
        if name.lower() not in _NOT_FAMILIES:
            return _strip_prefix(name).lower()
    stem = _FILE_STEM.search(text)
    if stem:
        name = _strip_prefix(stem.group(1)).lower()
        return "" if name in _NOT_FAMILIES else name
    if _BARE.fullmatch(text):
        return _strip_prefix(text).lower()
    return ""


_PARTS = re.compile(r"[A-Za-z0-9_\-]+")


def package_named(target: str, libraries: Collection[str]) -> str:
    """The model library a declared target names, of the given import packages: the first part
    of its dotted path, engine path or URL that is one (``-`` read as ``_``, as a repository's
    name spells its package), ``""`` when it names none (a bare family name, a repository no
    reference comes from).

    >>> package_named("transformers.models.olmo.modeling_olmo.OlmoAttention", {"transformers", "vllm"})
    'transformers'
    >>> package_named("https://github.com/ml-explore/mlx-lm/blob/main/mlx_lm/models/llama.py", {"mlx_lm"})
    'mlx_lm'
    >>> package_named("sentence_transformers/models/Pooling.py", {"transformers"})
    ''
    """
    for part in _PARTS.findall(target):
        name = str(part).lower().replace("-", "_")
        if name in libraries:
            return name
    return ""


def marker_library(target: str, lines: Sequence[str], number: int, libraries: Collection[str]) -> str:
    """The model library a marker names: in its target, else in the words of its line before the
    target ("Adapted from the Transformers library's models/qwen2/modeling_qwen2.py": a stranger's
    review, the target alone naming none).  Words after it are another matter ("...; pooling as in
    transformers" names where something else came from), and a library's name inside a longer one
    is another project's (sentence_transformers, x-transformers, vllm_ascend: a second review)."""
    line = lines[number - 1] if 0 < number <= len(lines) else ""  # (the marker's line, 1-based)
    at = line.find(target) if target else -1
    return package_named(target, libraries) or (package_named(line[:at], libraries) if at > 0 else "")


def resolve_root(family: str, parents: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The chain from ``family`` through its declared parents to the root (the chain end).

    Each step follows the family's first (main) declared parent; a parent already on the
    chain is skipped in favour of the next one, so cycles end the chain instead of looping.
    ``resolve_root("solar_open", {"solar_open": ["glm4_moe"], "glm4_moe": ["glm4"]})`` is
    ``("solar_open", "glm4_moe", "glm4")``: the last element is the root.
    """
    chain = [family]
    seen = {family}
    current = family
    while True:
        step = next((p for p in parents.get(current, ()) if p and p not in seen), None)
        if step is None:
            return tuple(chain)
        chain.append(step)
        seen.add(step)
        current = step


def roots(family: str, parents: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Every ancestor with no further parent, depth first in declared order (cycle-safe).

    A family without parents is its own root. Ancestors reached only through a cycle, with
    no way out, are not roots; when nothing but cycles remain, the family itself is returned.
    """
    found: list[str] = []
    seen = {family}
    stack = [family]
    while stack:
        current = stack.pop()
        fresh = [p for p in parents.get(current, ()) if p]
        if not fresh:
            if current not in found:
                found.append(current)
            continue
        for parent in reversed(fresh):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return tuple(found) or (family,)
