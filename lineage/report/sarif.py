"""SARIF 2.1.0 formatter, shaped for GitHub code scanning.

One rule per finding kind (``lineage/<kind>``); each result carries the scanned location
(its path from the git repository's top level, against ``SRCROOT``, so a scan of a
subdirectory maps onto the repository's files), one related location per reference match
(the upstream file and lines when the source is public, otherwise the package URL in the
message: nothing points at a path outside the repository), and a partial fingerprint taken
from the finding's stable id so alerts survive edits.  Only findings at or above a minimum
severity become results (default: low, so info findings do not flood code scanning), at
most GitHub's 25,000, most severe first.  Per-file errors become tool execution
notifications; ``versionControlProvenance`` names the remote, commit and branch.

The log is built as plain dicts and checked against the official schema in the tests:
``sarif-om`` (last released 2019) is untyped and needs ``jschema-to-python`` and
``jsonpickle`` to serialise, which buys nothing a schema test does not.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from lineage import PROJECT_URL
from lineage.models import FileError, Finding, Match, ScanResult
from lineage.report.labels import SEVERITIES, severity_rank
from lineage.report.sarifrules import KIND_ORDER, rule
from lineage.report.upstream import Upstream, repositories, upstream
from lineage.source.provenance import Provenance

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "lineage"
INFORMATION_URI = PROJECT_URL  # where people read about the tool
SRCROOT = "SRCROOT"
FINGERPRINT_KEY = "lineageFindingId/v1"
# GitHub accepts up to 1,000 locations per result and shows 100; ties beyond a few add only bytes.
MAX_RELATED = 20
MAX_RESULTS = 25_000  # GitHub code scanning's limit per run
DEFAULT_MIN_SEVERITY = "low"

LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}

def rule_id(kind: str) -> str:
    """The stable SARIF rule id for a finding kind."""
    return f"{TOOL_NAME}/{kind}"


def _uri(path: str) -> str:
    """A relative URI reference for a repository path (forward slashes, percent-encoded)."""
    posix = str(PurePosixPath(path.replace("\\", "/")))
    return quote(posix.lstrip("/"), safe="/")


def _region(start: int, end: int) -> dict[str, int]:
    first = max(1, start)
    return {"startLine": first, "endLine": max(first, end)}


def _maker(org: str, country: str) -> str:
    """"Acme, US", "Acme" or "maker unknown": an unknown field left out, never ", ,"."""
    return ", ".join(w for w in (org, country) if w) or "maker unknown"


def _match_text(match: Match, up: Upstream) -> str:
    ref = match.ref
    text = (
        f"{ref.source}: {ref.path} lines {ref.start_line}-{ref.end_line} "
        f"({ref.unit}; family {ref.family}, {_maker(ref.org, ref.country)}, licence "
        f"{ref.licence}; similarity {match.similarity:.2f}; {up.purl})"
    )
    return text + (f" [upstream]({up.url})" if up.url else "")


def _related(match: Match, ident: int, up: Upstream) -> dict[str, Any]:
    """A reference match: the upstream file and lines when public, else the message alone
    (a path against no repository would point outside this one)."""
    ref = match.ref
    related: dict[str, Any] = {"id": ident, "message": {"text": "Reference " + _match_text(match, up)},
                               "properties": {"purl": up.purl}}
    if up.url and up.of_file:
        related["physicalLocation"] = {
            "artifactLocation": {"uri": up.url.split("#", 1)[0]},
            "region": _region(ref.start_line, ref.end_line),
        }
    return related


def _match_props(match: Match, up: Upstream) -> dict[str, Any]:
    ref = match.ref
    return {
        "family": ref.family,
        "org": ref.org,
        "country": ref.country,
        "licence": ref.licence,
        "source": ref.source,
        "path": ref.path,
        "unit": ref.unit,
        "purl": up.purl,
        "upstreamUrl": up.url,
        "similarity": round(match.similarity, 4),
        "containment": round(match.containment, 4),
        "rarity": round(match.rarity, 4),
        "regions": [
            [r.start_line, r.end_line, r.ref_start_line, r.ref_end_line] for r in match.regions
        ],
    }


def _result(finding: Finding, rule_index: int, where: Provenance | None,
            repos: dict[str, str]) -> dict[str, Any]:
    matches = finding.matches[:MAX_RELATED]
    ups = [upstream(m.ref, repos) for m in matches]
    text = finding.explanation.strip() or f"{finding.kind} finding in {finding.unit}."
    if matches:
        text += " Closest reference: " + _match_text(matches[0], ups[0])
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(_repo_path(finding.path, where)), "uriBaseId": SRCROOT},
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
            "matches": [_match_props(m, up) for m, up in zip(matches, ups)],
        },
    }
    if matches:
        result["relatedLocations"] = [_related(m, i, up) for i, (m, up) in enumerate(zip(matches, ups), start=1)]
    return result


def _repo_path(path: str, where: Provenance | None) -> str:
    return where.repo_path(path) if where is not None else path


def _notification(error: FileError, where: Provenance | None) -> dict[str, Any]:
    if error.unchecked:  # nothing is known about the file: an error, not a caveat
        return {**_notification(replace(error, unchecked=False), where), "level": "error",
                "message": {"text": f"{error.path}: NOT CHECKED, {error.stage} failed: {error.reason}"},
                "properties": {"stage": error.stage, "unchecked": True}}
    return {
        "level": "warning",
        "message": {"text": f"{error.path}: {error.stage} failed: {error.reason}"},
        "descriptor": {"id": f"{TOOL_NAME}/file-error/{error.stage}"},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": _uri(_repo_path(error.path, where)),
                                                       "uriBaseId": SRCROOT}}}
        ],
        "properties": {"stage": error.stage},
    }


def _srcroot(target: str, where: Provenance | None) -> dict[str, Any]:
    if where is not None:
        text = f"The git repository's top level (the scan covered {where.prefix or 'all of it'})"
        return {"description": {"text": text}, "uri": "file://" + quote(where.top.rstrip("/") + "/", safe="/")}
    described: dict[str, Any] = {"description": {"text": f"The scanned root: {target}"}}
    if PurePosixPath(target).is_absolute():
        described["uri"] = "file://" + quote(target.rstrip("/") + "/", safe="/")
    return described


def _provenance(where: Provenance | None) -> list[dict[str, Any]]:
    if where is None or not where.uri:
        return []
    entry: dict[str, Any] = {"repositoryUri": where.uri, "mappedTo": {"uriBaseId": SRCROOT}}
    if where.revision:
        entry["revisionId"] = where.revision
    if where.branch:
        entry["branch"] = where.branch
    return [entry]


def kept(findings: tuple[Finding, ...], min_severity: str) -> tuple[list[Finding], int]:
    """Findings at or above ``min_severity``, most severe first, at most ``MAX_RESULTS``;
    and how many at or above it were left out by that cap."""
    floor = severity_rank(min_severity)
    wanted = sorted((f for f in findings if severity_rank(f.severity) <= floor),
                    key=lambda f: (severity_rank(f.severity), f.path, f.start_line, f.id))
    return wanted[:MAX_RESULTS], max(0, len(wanted) - MAX_RESULTS)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _kinds(findings: tuple[Finding, ...]) -> list[str]:
    present = {f.kind for f in findings}
    known = [k for k in KIND_ORDER if k in present]
    return known + sorted(present - set(KIND_ORDER))


def sarif_log(result: ScanResult, *, min_severity: str = DEFAULT_MIN_SEVERITY,
              provenance: Provenance | None = None) -> dict[str, Any]:
    """The SARIF log as a dict (what ``format_sarif`` serialises)."""
    if min_severity not in SEVERITIES:
        raise ValueError(f"min_severity must be one of {', '.join(SEVERITIES)}")
    findings, capped = kept(result.findings, min_severity)
    kinds = _kinds(tuple(findings))
    index_of = {kind: i for i, kind in enumerate(kinds)}
    repos = repositories(result.index)
    idx = result.index
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [rule(kind, rule_id(kind)) for kind in kinds],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(e, provenance) for e in result.errors],
                "properties": {"config": _json_safe(result.config)},
            }
        ],
        "originalUriBaseIds": {SRCROOT: _srcroot(result.target, provenance)},
        "results": [_result(f, index_of[f.kind], provenance, repos) for f in findings],
        "columnKind": "utf16CodeUnits",
        "properties": {
            "target": result.target,
            "revision": result.revision,
            "filesScanned": result.files_scanned,
            "unitsScanned": result.units_scanned,
            "minimumSeverity": min_severity,
            "findingsBelowMinimum": sum(1 for f in result.findings
                                        if severity_rank(f.severity) > severity_rank(min_severity)),
            "findingsOverResultLimit": capped,
            "index": {
                "id": idx.id,
                "sources": [
                    {"name": s.name, "kind": s.kind, "version": s.version} for s in idx.sources
                ],
                "families": idx.families,
                "files": idx.files,
                "units": idx.units,
            },
            "summary": _json_safe(result.summary.to_json()),
        },
    }
    if provenance is not None and provenance.uri:
        run["versionControlProvenance"] = _provenance(provenance)
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def format_sarif(result: ScanResult, *, min_severity: str = DEFAULT_MIN_SEVERITY,
                 provenance: Provenance | None = None) -> str:
    """Render a scan result as a SARIF 2.1.0 log (JSON text ending in a newline)."""
    log = sarif_log(result, min_severity=min_severity, provenance=provenance)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
