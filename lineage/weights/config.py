"""Red flags in ``config.json``: foreign sub-architectures, freeze switches, declared origins.

These are pointers for a reviewer, never verdicts: a sub-config naming another family's
architecture is how a frozen external encoder usually shows up in a config, but a team may
also reuse open architecture code legitimately.  Weight evidence decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lineage.weights.files import read_json
from lineage.weights.models import RedFlag

_STEM = re.compile(r"[a-z]+")
_FREEZE = re.compile(r"^(freeze|frozen)|_frozen$")


def stem(name: str) -> str:
    """Family stem of a model_type or class name: ``Qwen2_5_VLForX`` -> ``qwen``."""
    match = _STEM.match(name.lower())
    return match.group(0) if match else name.lower()


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def _names(config: dict[str, Any]) -> list[str]:
    names = [config["model_type"]] if isinstance(config.get("model_type"), str) else []
    archs = config.get("architectures")
    if isinstance(archs, list):
        names += [a for a in archs if isinstance(a, str)]
    return names


def _family(config: dict[str, Any]) -> set[str]:
    return {stem(name) for _, node in _walk(config) for name in _names(node)}


def config_flags(suspect: Path, reference: Path) -> tuple[RedFlag, ...]:
    """Red flags of the suspect's config.json, read against the reference's."""
    ours = read_json(suspect, "config.json")
    theirs = read_json(reference, "config.json")
    if not isinstance(ours, dict):
        return (RedFlag("config", "info", "suspect has no readable config.json"),)
    theirs = theirs if isinstance(theirs, dict) else {}
    flags: list[RedFlag] = []
    top = {stem(name) for name in _names(ours)}
    reference_families = _family(theirs)
    foreign_paths: set[str] = set()
    for path, node in _walk(ours):
        names = _names(node)
        if not path or not names:
            continue
        stems = {stem(name) for name in names}
        if top and not stems & top:
            foreign_paths.add(path)
            hit = stems & reference_families
            severity = "high" if hit else "medium"
            tail = f"; names the reference's family {sorted(hit)}" if hit else ""
            flags.append(RedFlag(
                "foreign-subconfig", severity,
                f"{path} declares {', '.join(names)}, foreign to {', '.join(_names(ours))}{tail}",
            ))
    for path, node in _walk(ours):
        for key, value in node.items():
            if value is True and _FREEZE.search(key.lower()):
                inside_foreign = any(path == p or path.startswith(p + ".") for p in foreign_paths)
                where = f"{path}.{key}" if path else key
                flags.append(RedFlag(
                    "freeze-switch", "high" if inside_foreign else "medium",
                    f"{where} is true: a component was kept frozen in training",
                ))
            if key == "_name_or_path" and isinstance(value, str) and value.strip():
                where = f"{path}._name_or_path" if path else "_name_or_path"
                flags.append(RedFlag("declared-origin", "medium", f"{where} records {value!r}"))
    shared = sorted(set(_names(ours)) & set(_names(theirs)))
    if shared:
        flags.append(RedFlag(
            "same-architecture", "info",
            f"same architecture as the reference ({', '.join(shared)}): expected when "
            "architecture code is reused; not weight evidence",
        ))
    return tuple(flags)
