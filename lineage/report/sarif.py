"""SARIF 2.1.0 formatter, shaped for GitHub code scanning.

One rule per finding kind (``lineage/<kind>``); each result carries the scanned location,
one related location per reference match (the reference lives outside the repository, so
its path is given against a per-source ``uriBaseId`` and named in the message), and a
partial fingerprint taken from the finding's stable id so alerts survive edits.  Per-file
errors become tool execution notifications.

The log is built as plain dicts and checked against the official schema in the tests:
``sarif-om`` (last released 2019) is untyped and needs ``jschema-to-python`` and
``jsonpickle`` to serialise, which buys nothing a schema test does not.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from lineage import PROJECT_URL
from lineage.models import FileError, Finding, Match, ScanResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "lineage"
INFORMATION_URI = PROJECT_URL  # where people read about the tool
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "lineageFindingId/v1"
# GitHub accepts up to 1,000 locations per result and shows 100: keep the best ones.
MAX_RELATED = 100

LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}

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
}
KIND_ORDER = tuple(RULE_TEXT)


def rule_id(kind: str) -> str:
    """The stable SARIF rule id for a finding kind."""
    return f"{TOOL_NAME}/{kind}"


def _uri(path: str) -> str:
    """A relative URI reference for a repository path (forward slashes, percent-encoded)."""
    posix = str(PurePosixPath(path.replace("\\", "/")))
    return quote(posix.lstrip("/"), safe="/")


def _pascal(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.replace("_", "-").split("-") if part)


def _rule(kind: str) -> dict[str, Any]:
    short, full = RULE_TEXT.get(
        kind, (f"lineage finding: {kind}", f"A lineage finding of kind '{kind}'.")
    )
    return {
        "id": rule_id(kind),
        "name": _pascal(kind) or "Finding",
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {
            "text": f"{full} Code evidence says nothing about model weights or training.",
        },
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["lineage", "provenance", kind]},
    }


def _region(start: int, end: int) -> dict[str, int]:
    first = max(1, start)
    return {"startLine": first, "endLine": max(first, end)}


def _ref_base_ids(findings: tuple[Finding, ...]) -> dict[str, str]:
    """One uriBaseId per reference source, in order of first appearance."""
    ids: dict[str, str] = {}
    for finding in findings:
        for match in finding.matches:
            ids.setdefault(match.ref.source, f"REF{len(ids) + 1}")
    return ids


def _match_text(match: Match) -> str:
    ref = match.ref
    return (
        f"{ref.source}: {ref.path} lines {ref.start_line}-{ref.end_line} "
        f"({ref.unit}; family {ref.family}, {ref.org}, {ref.country}, licence "
        f"{ref.licence}; similarity {match.similarity:.2f}). Outside this repository."
    )


def _related(match: Match, ident: int, base_id: str) -> dict[str, Any]:
    ref = match.ref
    return {
        "id": ident,
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(ref.path), "uriBaseId": base_id},
            "region": _region(ref.start_line, ref.end_line),
        },
        "message": {"text": "Reference " + _match_text(match)},
    }


def _match_props(match: Match) -> dict[str, Any]:
    ref = match.ref
    return {
        "family": ref.family,
        "org": ref.org,
        "country": ref.country,
        "licence": ref.licence,
        "source": ref.source,
        "path": ref.path,
        "unit": ref.unit,
        "similarity": round(match.similarity, 4),
        "containment": round(match.containment, 4),
        "rarity": round(match.rarity, 4),
        "regions": [
            [r.start_line, r.end_line, r.ref_start_line, r.ref_end_line] for r in match.regions
        ],
    }


def _result(finding: Finding, rule_index: int, base_ids: dict[str, str]) -> dict[str, Any]:
    matches = finding.matches[:MAX_RELATED]
    text = finding.explanation.strip() or f"{finding.kind} finding in {finding.unit}."
    if matches:
        text += " Closest reference: " + _match_text(matches[0])
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": SRCROOT},
            "region": _region(finding.start_line, finding.end_line),
        }
    }
    if finding.unit:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.unit}]
    result: dict[str, Any] = {
        "ruleId": rule_id(finding.kind),
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "note"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.id},
        "properties": {
            "findingId": finding.id,
            "kind": finding.kind,
            "severity": finding.severity,
            "role": finding.role,
            "attribution": finding.attribution,
            "matches": [_match_props(m) for m in matches],
        },
    }
    if matches:
        result["relatedLocations"] = [
            _related(m, i, base_ids[m.ref.source]) for i, m in enumerate(matches, start=1)
        ]
    return result


def _notification(error: FileError) -> dict[str, Any]:
    return {
        "level": "warning",
        "message": {"text": f"{error.path}: {error.stage} failed: {error.reason}"},
        "descriptor": {"id": f"{TOOL_NAME}/file-error/{error.stage}"},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": _uri(error.path), "uriBaseId": SRCROOT}}}
        ],
        "properties": {"stage": error.stage},
    }


def _srcroot(target: str) -> dict[str, Any]:
    described: dict[str, Any] = {"description": {"text": f"The scanned root: {target}"}}
    if PurePosixPath(target).is_absolute():
        described["uri"] = "file://" + quote(target.rstrip("/") + "/", safe="/")
    return described


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _kinds(findings: tuple[Finding, ...]) -> list[str]:
    present = {f.kind for f in findings}
    known = [k for k in KIND_ORDER if k in present]
    return known + sorted(present - set(KIND_ORDER))


def sarif_log(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as a dict (what ``format_sarif`` serialises)."""
    kinds = _kinds(result.findings)
    index_of = {kind: i for i, kind in enumerate(kinds)}
    base_ids = _ref_base_ids(result.findings)
    uri_bases: dict[str, Any] = {SRCROOT: _srcroot(result.target)}
    for source, base_id in base_ids.items():
        uri_bases[base_id] = {
            "description": {"text": f"Reference corpus source {source} (not in this repository)"}
        }
    idx = result.index
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(kind) for kind in kinds],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(e) for e in result.errors],
                "properties": {"config": _json_safe(result.config)},
            }
        ],
        "originalUriBaseIds": uri_bases,
        "results": [_result(f, index_of[f.kind], base_ids) for f in result.findings],
        "columnKind": "utf16CodeUnits",
        "properties": {
            "target": result.target,
            "revision": result.revision,
            "filesScanned": result.files_scanned,
            "unitsScanned": result.units_scanned,
            "index": {
                "id": idx.id,
                "sources": [
                    {"name": s.name, "kind": s.kind, "version": s.version} for s in idx.sources
                ],
                "families": idx.families,
                "files": idx.files,
                "units": idx.units,
            },
            "summary": _json_safe(result.summary),
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def format_sarif(result: ScanResult) -> str:
    """Render a scan result as a SARIF 2.1.0 log (JSON text ending in a newline)."""
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"
