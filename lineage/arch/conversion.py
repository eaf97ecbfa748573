"""Checkpoint names a library renames on load: transformers' ``conversion_mapping.py``.

transformers 5 renames some published weight names when it loads them (Mixtral's
``block_sparse_moe`` becomes ``mlp``, per-expert ``w1``/``w3`` become one ``gate_up_proj``).
Its modeling files then no longer spell the checkpoint's names, but ports still do, so the
renaming table's *source* names are added to each model type's fingerprint.  The table is
read from the syntax tree (never imported): ``mapping = {"type": [WeightRenaming(src, dst),
WeightConverter(source_patterns=[...], ...)]}``, ``mapping["x"] = mapping["y"].copy()``,
``mapping["x"] += [...]`` and ``_MODEL_TO_CONVERSION_PATTERN = {"x": "y"}``.
"""

from __future__ import annotations

import ast
import re

from lineage.arch.extract import weight_name_features

FILENAME = "conversion_mapping.py"
_REGEX_BITS = re.compile(r"\(\?<?[!=][^)]*\)|\\[.]|[\\^$()?+|\[\]]")


def _sources(node: ast.expr) -> list[str]:
    """Source patterns of the rules in a list literal."""
    out: list[str] = []
    if not isinstance(node, ast.List):
        return out
    for call in node.elts:
        if not isinstance(call, ast.Call):
            continue
        src: ast.expr | None = call.args[0] if call.args else None
        for kw in call.keywords:
            if kw.arg == "source_patterns":
                src = kw.value
        items = src.elts if isinstance(src, (ast.List, ast.Tuple)) else [src] if src is not None else []
        out += [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return out


def _key(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return ""


def _pattern(text: str) -> str:
    """A weight-name pattern with its regex syntax removed: ``\\.experts\\.*\\.w1`` -> ``.experts.*.w1``."""
    def one(m: re.Match[str]) -> str:
        bit = m.group(0)
        return "." if bit == "\\." else " " if bit in "|()" else ""

    return _REGEX_BITS.sub(one, text)


def conversion_features(text: str) -> dict[str, frozenset[str]]:
    """Model type -> features of the checkpoint names its conversion rules rename from."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    rules: dict[str, list[str]] = {}
    alias: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(value, ast.Dict):
                for k, v in zip(value.keys, value.values):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        if isinstance(v, ast.Constant) and isinstance(v.value, str):
                            alias[k.value] = v.value
                        else:
                            rules.setdefault(k.value, []).extend(_sources(v))
            elif _key(target) and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                alias.setdefault(_key(target), _key(value.func.value))  # mapping["x"] = mapping["y"].copy()
        elif isinstance(node, ast.AugAssign) and _key(node.target):
            rules.setdefault(_key(node.target), []).extend(_sources(node.value))
    out: dict[str, frozenset[str]] = {}
    for model_type in set(rules) | set(alias):
        seen, names, cur = set(), [], model_type
        while cur and cur not in seen:  # follow aliases to the rules they share
            seen.add(cur)
            names += rules.get(cur, [])
            cur = alias.get(cur, "")
        feats = {f for n in names for f in weight_name_features(_pattern(n))}
        if feats:
            out[model_type] = frozenset(feats)
    return out
