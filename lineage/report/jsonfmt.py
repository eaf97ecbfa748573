"""ScanResult -> the versioned JSON report of DESIGN.md §4 (schema_version 1)."""

from __future__ import annotations

import json
from typing import Any

from lineage.models import Finding, Match, ScanResult
from lineage.report.upstream import repositories, source_label, source_purl, upstream
from lineage.scoring import SCORING

SCHEMA_VERSION = 1
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(value, ensure_ascii=False)


def match_dict(m: Match, repos: dict[str, str] | None = None) -> dict[str, Any]:
    r = m.ref
    up = upstream(r, repos)
    return {
        "family": r.family, "org": r.org, "country": r.country, "licence": r.licence,
        "weights_licence": r.weights_licence or None, "source": r.source, "path": r.path,
        "unit": r.unit, "start_line": r.start_line, "end_line": r.end_line, "purl": up.purl, "upstream_url": up.url,
        "first_seen": r.first_seen or None, "similarity": m.similarity, "containment": m.containment,
        "ref_containment": m.ref_containment, "lexical": m.lexical, "rarity": m.rarity, "shared": m.shared, "ties": m.ties,
        "regions": [
            {"start_line": g.start_line, "end_line": g.end_line,
             "ref_start_line": g.ref_start_line, "ref_end_line": g.ref_end_line}
            for g in m.regions
        ],
    }


def finding_dict(f: Finding, repos: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f.id, "kind": f.kind, "path": f.path, "start_line": f.start_line, "end_line": f.end_line,
        "unit": f.unit, "role": f.role, "attribution": f.attribution, "severity": f.severity,
        "matches": [match_dict(m, repos) for m in f.matches], "explanation": f.explanation,
    }
    if f.details is not None:
        out["details"] = f.details.to_json()
    return out


def report_dict(result: ScanResult) -> dict[str, Any]:
    repos = repositories(result.index)
    return _report(result, [finding_dict(f, repos) for f in result.findings])


def _report(result: ScanResult, findings: list[Any]) -> dict[str, Any]:
    info = result.index
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "lineage", "version": result.tool_version},
        "target": {"path": result.target, "revision": result.revision},
        "index": {
            "id": info.id, "path": info.path, "families": info.families, "files": info.files,
            "units": info.units, "params": info.params,
            **({"restriction": info.restriction, "restricted_from": info.restricted_from} if info.restriction else {}),
            "sources": [{"name": s.name, "kind": s.kind, "version": s.version, "sha256": s.sha256 or None,
                         "url": s.url or None, "purl": source_purl(source_label(s)),
                         **({"repository": s.repository} if s.repository else {})} for s in info.sources],
        },
        "config": result.config,
        "scoring": SCORING.to_dict(),  # the cut-offs that rated the findings
        "findings": findings,
        "errors": [{"path": e.path, "stage": e.stage, "reason": e.reason, "unchecked": e.unchecked,
                    **({"partly": True} if e.partly else {})} for e in result.errors],
        "summary": result.summary.to_json(),
    }


class Encoded(list[str]):
    """List elements already written as JSON text, one per line of the report."""


def format_json(result: ScanResult) -> str:
    """The report with one finding (and one error) per line: still easy to read, diff and grep,
    and written by json's C encoder (indenting every level takes the pure-Python one, 4x slower
    and half again as large on a scan with thousands of findings).  Each finding is encoded as
    soon as its dict is built: holding every dict of a large report at once cost as much again
    in garbage collection as building them."""
    repos = repositories(result.index)
    return layout(_report(result, Encoded(_ENCODE(finding_dict(f, repos)) for f in result.findings)))


def layout(doc: dict[str, Any], depth: int = 1) -> str:
    """JSON text of `doc`: lists one element per line, and so are mappings of records (the
    summary's verdict of each file) in the top-level mappings; other values indented."""
    out: list[str] = []
    _lay_out(doc, depth, out)
    out.append("\n")
    return "".join(out)  # one join: the findings' 50 MB are copied once, not once per level


def _lay_out(doc: dict[str, Any], depth: int, out: list[str]) -> None:
    pad = "  " * depth
    out.append("{\n")
    for i, (key, value) in enumerate(doc.items()):
        out.append(f",\n{pad}{_ENCODE(key)}: " if i else f"{pad}{_ENCODE(key)}: ")
        if isinstance(value, list) and value:
            rows = value if isinstance(value, Encoded) else [_ENCODE(v) for v in value]
            out += [f"[\n{pad}  ", f",\n{pad}  ".join(rows), f"\n{pad}]"]
        elif isinstance(value, dict) and value and depth == 1:
            _lay_out(value, depth + 1, out)
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            rows = [f"{pad}  {_ENCODE(k)}: {_ENCODE(v)}" for k, v in value.items()]
            out += ["{\n", ",\n".join(rows), f"\n{pad}}}"]
        else:
            out.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad))
    out.append("\n" + "  " * (depth - 1) + "}")
