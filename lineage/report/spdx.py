"""ScanResult -> an SPDX 2.3 JSON document for compliance pipelines.

One package per reference source (its purl as an external reference, its declared licence),
one file per scanned file with findings (SHA-1 and SHA-256 of its bytes), and one Snippet per
finding: its line range in the scanned file (``snippetFromFile``), the reference's licence
and upstream copyright lines, and a ``DESCENDANT_OF`` relationship to the reference package
with the reference file and lines in its comment.  Licences the SPDX list does not have
become ``LicenseRef-`` ids with their names in ``hasExtractedLicensingInfos``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lineage.models import Finding, ScanResult
from lineage.report.sbom import (
    DEFAULT_MIN_SEVERITY,
    best,
    copyright_lines,
    document_uuid,
    licence_ref,
    listed,
    spdx_id,
    timestamp,
    unchecked_note,
)
from lineage.report.sbom import sources as reference_sources
from lineage.report.upstream import repositories, upstream

Checksums = Mapping[str, tuple[str, str]]  # scanned path -> (sha1, sha256) of its bytes


def _ident(prefix: str, text: str, n: int) -> str:
    return f"SPDXRef-{prefix}-{n}-" + (re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-")[:60] or "x")


class _Licences:
    """SPDX ids as they are, other licences as LicenseRef- ids collected for the document."""

    def __init__(self) -> None:
        self.extracted: dict[str, str] = {}

    def __call__(self, licence: str) -> str:
        if not licence:
            return "NOASSERTION"
        known = spdx_id(licence)
        if known:
            return known
        ref = licence_ref(licence)
        self.extracted[ref] = licence
        return ref


def byte_range(text: str, start_line: int, end_line: int) -> tuple[int, int]:
    """1-based inclusive byte offsets (UTF-8) of lines [start_line, end_line], newline excluded."""
    lines = text.split("\n")
    first = max(1, min(start_line, len(lines)))
    last = max(first, min(end_line, len(lines)))
    before = sum(len(line.encode("utf-8")) + 1 for line in lines[: first - 1])
    size = sum(len(line.encode("utf-8")) + 1 for line in lines[first - 1: last]) - 1
    return before + 1, before + max(1, size)


def _snippet(n: int, f: Finding, file_id: str, text: str, licences: _Licences) -> dict[str, Any]:
    m = best(f)
    lic = licences(m.ref.licence)
    pointer = {"reference": file_id}
    notices = copyright_lines(f)
    first, last = max(1, f.start_line), max(1, f.start_line, f.end_line)
    offsets = byte_range(text, first, last)
    return {
        "SPDXID": _ident("Snippet", f.unit, n),
        "snippetFromFile": file_id,
        "ranges": [{"startPointer": {**pointer, "offset": offsets[0]}, "endPointer": {**pointer, "offset": offsets[1]}},
                   {"startPointer": {**pointer, "lineNumber": first}, "endPointer": {**pointer, "lineNumber": last}}],
        "name": f.unit or f.path,
        "licenseConcluded": "NOASSERTION",
        "licenseInfoInSnippets": [lic],
        "copyrightText": "\n".join(notices) if notices else "NOASSERTION",
        "comment": (f"{f.severity} {f.kind} ({f.role or 'no role'}, attribution {f.attribution or 'none'}): "
                    f"{f.explanation}").strip(),
    }


def spdx_document(result: ScanResult, *, checksums: Checksums | None = None, sources: Mapping[str, str] | None = None,
                  min_severity: str = DEFAULT_MIN_SEVERITY, created: datetime | None = None) -> dict[str, Any]:
    """The SPDX 2.3 document as a dict; findings in files without checksums or text are left out
    (an SPDX file needs the SHA-1 of its bytes, a snippet its byte range) and counted in the
    document comment."""
    checksums = checksums or {}
    texts = sources or {}
    findings = listed(result, min_severity)
    kept = [f for f in findings if f.path in checksums and f.path in texts]
    refs = reference_sources(result, kept)
    repos = repositories(result.index)
    licences = _Licences()
    packages = []
    package_id: dict[str, str] = {}
    for n, src in enumerate(refs.values(), start=1):
        package_id[src.label] = _ident("Package", src.name, n)
        package: dict[str, Any] = {
            "SPDXID": package_id[src.label], "name": src.name, "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False, "licenseConcluded": "NOASSERTION",
            "licenseDeclared": licences(src.licence), "copyrightText": "NOASSERTION",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": src.purl}],
            "comment": f"Reference source {src.label} of the lineage index {result.index.id}.",
        }
        if src.version:
            package["versionInfo"] = src.version
        if src.repository:
            package["homepage"] = src.repository
        packages.append(package)
    files: dict[str, str] = {}
    file_rows = []
    for f in kept:
        if f.path not in files:
            files[f.path] = _ident("File", f.path, len(files) + 1)
            sha1, sha256 = checksums[f.path]
            file_rows.append({"SPDXID": files[f.path], "fileName": f"./{f.path.lstrip('./')}",
                              "checksums": [{"algorithm": "SHA1", "checksumValue": sha1},
                                            {"algorithm": "SHA256", "checksumValue": sha256}],
                              "licenseConcluded": "NOASSERTION", "copyrightText": "NOASSERTION"})
    snippets = [_snippet(n, f, files[f.path], texts[f.path], licences) for n, f in enumerate(kept, start=1)]
    relationships = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                      "relatedSpdxElement": fid} for fid in files.values()]
    for f, snip in zip(kept, snippets):
        m = best(f)
        up = upstream(m.ref, repos)
        relationships.append({
            "spdxElementId": snip["SPDXID"], "relationshipType": "DESCENDANT_OF",
            "relatedSpdxElement": package_id[m.ref.source],
            "comment": f"matches {up.purl} lines {m.ref.start_line}-{m.ref.end_line} ({m.ref.unit}), "
                       f"similarity {m.similarity:.2f}" + (f"; upstream {up.url}" if up.url else ""),
        })
    left_out = len(findings) - len(kept)
    doc: dict[str, Any] = {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"lineage scan of {result.target}",
        "documentNamespace": f"https://spdx.org/spdxdocs/lineage-{document_uuid(result, 'spdx')}",
        "creationInfo": {"created": timestamp(created), "creators": [f"Tool: lineage-{result.tool_version}"],
                         "comment": f"Code lineage evidence against index {result.index.id}; findings of "
                                    f"{min_severity} severity and above"
                                    + (f"; {left_out} findings in files without checksums or text left out" if left_out else "")},
        "packages": packages, "files": file_rows, "snippets": snippets, "relationships": relationships,
    }
    if unchecked_note(result):
        doc["comment"] = unchecked_note(result)
    if licences.extracted:
        doc["hasExtractedLicensingInfos"] = [
            {"licenseId": ref, "name": name, "extractedText": f"The licence the reference corpus names {name!r}."}
            for ref, name in sorted(licences.extracted.items())]
    return doc


def format_spdx(result: ScanResult, *, checksums: Checksums | None = None, sources: Mapping[str, str] | None = None,
                min_severity: str = DEFAULT_MIN_SEVERITY, created: datetime | None = None) -> str:
    doc = spdx_document(result, checksums=checksums, sources=sources, min_severity=min_severity, created=created)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
