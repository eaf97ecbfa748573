"""Licence obligations and restrictions, read from corpora/licences.toml.

Ids are SPDX ids for code licences and short lineage ids for model licences
("llama3.1-community", "gemma-terms"); scancode keys and LicenseRef names resolve through
each entry's aliases.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lineage.data import load_table, table_error

UNKNOWN_NOTE = "unknown licence: check manually"
_OPERATORS = re.compile(r"\s+(?:AND|OR|WITH)\s+|[()]", re.IGNORECASE)


@functools.cache
def load_licences(table: Path | None = None) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """(entries by id, id by casefolded id or alias)."""
    data = load_table("licences.toml", table)
    entries: dict[str, dict[str, Any]] = {}
    index: dict[str, str] = {}
    for licence_id, entry in data.get("licence", {}).items():
        if not isinstance(entry, dict) or entry.get("kind") not in ("code", "model"):
            raise table_error("licences.toml", f"licence {licence_id!r} needs kind code|model", table)
        entries[licence_id] = entry
        for name in [licence_id, *entry.get("aliases", [])]:
            index.setdefault(str(name).casefold(), licence_id)
    return entries, index


def canonical_licence(name: str) -> str:
    """The table id for a licence name, SPDX id or scancode key; "" when unknown."""
    _, index = load_licences()
    return index.get(name.strip().casefold(), "")


def licence_keys(expression: str) -> set[str]:
    """Licences named in an SPDX expression, as table ids (unknown names kept as written)."""
    parts = (p.strip() for p in _OPERATORS.split(expression))
    return {canonical_licence(p) or p for p in parts if p}


def obligations(licence_id: str) -> dict[str, Any]:
    """{"licence", "name", "kind", "obligations", "restrictions", "notes"} for a licence."""
    entries, _ = load_licences()
    key = canonical_licence(licence_id) if licence_id else ""
    if not key:
        return {
            "licence": licence_id,
            "name": "",
            "kind": "unknown",
            "obligations": [UNKNOWN_NOTE],
            "restrictions": [],
            "notes": "",
        }
    entry = entries[key]
    return {
        "licence": key,
        "name": str(entry.get("name", key)),
        "kind": str(entry["kind"]),
        "obligations": [str(o) for o in entry.get("obligations", [])],
        "restrictions": [str(r) for r in entry.get("restrictions", [])],
        "notes": str(entry.get("notes", "")),
    }


def sublicensable(licence_id: str) -> bool:
    """True when copied code may sit under other file terms as long as its notice is kept."""
    entries, _ = load_licences()
    key = canonical_licence(licence_id)
    return bool(key and entries[key].get("sublicense", False))


def licence_conflict(scanned: Iterable[str], reference: str) -> bool:
    """True when a file declares licences that leave out the licence of the code it copies.

    Notice-only licences (MIT, BSD) allow other file terms; everything else conflicts.
    A file that declares nothing does not conflict here (the notice findings cover it).
    """
    declared: set[str] = set()
    for expression in scanned:
        declared |= licence_keys(expression)
    if not declared or not reference:
        return False
    ref_keys = licence_keys(reference)
    if ref_keys & declared:
        return False
    return not all(sublicensable(key) for key in ref_keys)
