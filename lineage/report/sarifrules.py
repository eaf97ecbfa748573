"""SARIF rules: one reporting descriptor per finding kind, with its descriptions."""

from __future__ import annotations

from typing import Any

# (short description, full description) per known kind; unknown kinds get a generic rule.
RULE_TEXT: dict[str, tuple[str, str]] = {
    "code-match": (
        "Code matches a reference implementation",
        "A unit of the scanned code matches third-party reference code after rarity "
        "weighting; the related locations name the reference files and lines.",
    ),
    "notice": (
        "Copyright notice kept, removed or replaced",
        "The copyright or licence notice of reused code was compared with the upstream "
        "notice: retained, removed or replaced by another holder.",
    ),
    "licence": (
        "Licence obligation of reused code",
        "Reused reference code carries a licence whose obligations apply to this file.",
    ),
    "vestige": (
        "Vestige of another model's code",
        "A distinctive trace of the source (constants or code paths for features this "
        "model lacks) that the new code does not need.",
    ),
    "architecture": (
        "Implements a published architecture",
        "The file reads the config keys, creates or maps the parameter names and builds the "
        "module tree of an indexed architecture (its checkpoint interface); a separate "
        "finding from code lineage, which says whether the code itself was copied.",
    ),
    "anachronism": (
        "Code first seen after the scanned commit's date",
        "A unit of the scanned commit holds code of a model line the index first saw after the "
        "commit's date: either that line took this code in later, or the commit's date is false.",
    ),
}
KIND_ORDER = tuple(RULE_TEXT)


def _pascal(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.replace("_", "-").split("-") if part)


def rule(kind: str, ident: str) -> dict[str, Any]:
    """The SARIF reporting descriptor of one finding kind."""
    short, full = RULE_TEXT.get(
        kind, (f"lineage finding: {kind}", f"A lineage finding of kind '{kind}'.")
    )
    return {
        "id": ident,
        "name": _pascal(kind) or "Finding",
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {
            "text": f"{full} Code evidence says nothing about model weights or training.",
        },
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["lineage", "provenance", kind]},
    }
