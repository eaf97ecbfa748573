"""ScanResult -> a CycloneDX 1.6 JSON BOM for compliance pipelines.

The reference sources are components (a library per pinned package or commit, with its purl,
licence and repository); each scanned file with findings is a file component whose
``pedigree.ancestors`` are the reference files it matches (purl with the file as subpath,
licence, upstream copyright lines) and whose ``evidence.occurrences`` give the matched lines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lineage.models import Finding, ScanResult
from lineage.report.sbom import (
    DEFAULT_MIN_SEVERITY,
    best,
    copyright_lines,
    document_uuid,
    listed,
    sources,
    spdx_id,
    timestamp,
)
from lineage.report.upstream import repositories, upstream

Checksums = Mapping[str, tuple[str, str]]  # scanned path -> (sha1, sha256) of its bytes


def _licences(licence: str) -> list[dict[str, Any]]:
    if not licence:
        return []
    known = spdx_id(licence)
    return [{"license": {"id": known} if known else {"name": licence}}]


def _ancestor(f: Finding, repos: dict[str, str]) -> dict[str, Any]:
    m = best(f)
    up = upstream(m.ref, repos)
    ancestor: dict[str, Any] = {"type": "file", "name": m.ref.path, "purl": up.purl,
                                "description": f"{m.ref.family} ({m.ref.org}, {m.ref.country or 'unknown country'})"}
    version = m.ref.source.partition("==")[2] or m.ref.source.rpartition("@")[2]
    if version and version != m.ref.source:
        ancestor["version"] = version
    if m.ref.licence:
        ancestor["licenses"] = _licences(m.ref.licence)
    notices = copyright_lines(f)
    if notices:
        ancestor["copyright"] = "\n".join(notices)
    if up.url:
        ancestor["externalReferences"] = [{"type": "vcs", "url": up.url}]
    return ancestor


def _file_component(path: str, found: list[Finding], checksums: Checksums, repos: dict[str, str]) -> dict[str, Any]:
    ancestors: dict[str, dict[str, Any]] = {}
    for f in found:
        a = _ancestor(f, repos)
        ancestors.setdefault(a["purl"], a)
    component: dict[str, Any] = {
        "type": "file", "bom-ref": f"file:{path}", "name": path,
        "pedigree": {"ancestors": list(ancestors.values()),
                     "notes": "; ".join(f"lines {f.start_line}-{f.end_line} {f.unit}: {f.severity} {f.kind}, "
                                        f"attribution {f.attribution or 'none'}" for f in found[:50])},
        "evidence": {"occurrences": [
            {"location": path, "line": max(1, f.start_line),
             "additionalContext": f"{f.unit} lines {f.start_line}-{f.end_line} ~ {best(f).ref.path} "
                                  f"lines {best(f).ref.start_line}-{best(f).ref.end_line}, "
                                  f"similarity {best(f).similarity:.2f}"} for f in found]},
    }
    if path in checksums:
        sha1, sha256 = checksums[path]
        component["hashes"] = [{"alg": "SHA-1", "content": sha1}, {"alg": "SHA-256", "content": sha256}]
    return component


def cyclonedx_bom(result: ScanResult, *, checksums: Checksums | None = None,
                  min_severity: str = DEFAULT_MIN_SEVERITY, created: datetime | None = None) -> dict[str, Any]:
    """The CycloneDX 1.6 BOM as a dict."""
    findings = listed(result, min_severity)
    repos = repositories(result.index)
    components: list[dict[str, Any]] = []
    for src in sources(result, findings).values():
        lib: dict[str, Any] = {"type": "library", "bom-ref": src.purl, "name": src.name, "purl": src.purl}
        if src.version:
            lib["version"] = src.version
        if src.licence:
            lib["licenses"] = _licences(src.licence)
        if src.repository:
            lib["externalReferences"] = [{"type": "vcs", "url": src.repository}]
        components.append(lib)
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    components += [_file_component(p, found, checksums or {}, repos) for p, found in by_file.items()]
    subject: dict[str, Any] = {"type": "application", "bom-ref": "scanned", "name": result.target}
    if result.revision:
        subject["version"] = result.revision
    return {
        "bomFormat": "CycloneDX", "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{document_uuid(result, 'cyclonedx')}", "version": 1,
        "metadata": {"timestamp": timestamp(created),
                     "tools": {"components": [{"type": "application", "name": "lineage",
                                               "version": result.tool_version}]},
                     "component": subject,
                     "properties": [{"name": "lineage:index", "value": result.index.id},
                                    {"name": "lineage:min-severity", "value": min_severity}]
                     + [{"name": "lineage:not-checked", "value": f"{e.path}: {e.stage}: {e.reason}"}
                        for e in result.errors if e.unchecked]},
        "components": components,
    }


def format_cyclonedx(result: ScanResult, *, checksums: Checksums | None = None,
                     min_severity: str = DEFAULT_MIN_SEVERITY, created: datetime | None = None) -> str:
    return json.dumps(cyclonedx_bom(result, checksums=checksums, min_severity=min_severity, created=created),
                      indent=2, ensure_ascii=False) + "\n"
