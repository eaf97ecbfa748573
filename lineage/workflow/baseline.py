"""The baseline: findings a team has already seen, keyed by line-free finding ids.

A baseline is versioned JSON recording the tool version, index id and fingerprint
parameters that produced it, and one entry per finding id (kind, path, unit, reference,
severity and an optional audit verdict with its reason).  Finding ids leave out line
numbers, so editing around a recorded unit does not churn the file.  Older schema versions
are upgraded on load; a baseline made with other fingerprint parameters is refused,
because its ids could never match.  Reading and writing files is the caller's job.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lineage import __version__
from lineage.errors import LineageError
from lineage.models import Finding, ScanResult
from lineage.report.labels import SEVERITIES, severity_rank

SCHEMA_VERSION = 2
VERDICTS = ("accepted", "rejected", "false-positive")
#: Verdicts that keep a recorded finding failing the hook: the reviewer wants it fixed.
STILL_FAILING = frozenset({"rejected"})


class BaselineError(LineageError):
    """An unreadable, newer or incompatible baseline, or an unknown finding id."""


@dataclass(frozen=True)
class Entry:
    """One recorded finding, identified by its id."""

    kind: str
    path: str
    unit: str
    reference: str
    severity: str
    verdict: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Baseline:
    """Recorded findings plus what made them; built complete by create/update/loads."""

    tool_version: str
    index_id: str
    params: dict[str, Any]
    entries: dict[str, Entry] = field(default_factory=dict)


def reference_of(f: Finding) -> str:
    """The reference a finding points at, e.g. ``vllm:glm4_moe:vllm/.../glm4_moe.py:Glm4MoE``."""
    if f.matches:
        r = f.matches[0].ref
        return f"{r.family}:{r.path}:{r.unit}"
    return ""  # no kind of finding without matches names a reference in its details


def entry_of(f: Finding) -> Entry:
    return Entry(f.kind, f.path, f.unit, reference_of(f), f.severity)


def create(result: ScanResult) -> Baseline:
    """A fresh baseline holding every finding of ``result``."""
    entries = {f.id: entry_of(f) for f in result.findings}
    return Baseline(result.tool_version, result.index.id, dict(result.index.params), entries)


def carried(new: Baseline, old: Baseline) -> Baseline:
    """``new`` with ``old``'s audit verdicts of findings still found (the same id: the same finding);
    a fresh baseline made after a tool upgrade dropped every verdict silently (a stranger's review)."""
    entries = {fid: replace(e, verdict=old.entries[fid].verdict, reason=old.entries[fid].reason)
               if fid in old.entries and old.entries[fid].verdict else e for fid, e in new.entries.items()}
    return replace(new, entries=entries)


def check_params(baseline: Baseline, params: Mapping[str, Any], *, source: str = "") -> None:
    """Refuse a baseline whose ids were computed with other fingerprint parameters."""
    diff = [f"{k}: baseline {baseline.params.get(k)!r} != index {params.get(k)!r}"
            for k in sorted(set(baseline.params) | set(params)) if baseline.params.get(k) != params.get(k)]
    if diff:
        raise BaselineError(
            "baseline was made with other fingerprint parameters (" + "; ".join(diff) + "); its finding "
            "ids cannot match this index: recreate it with `lineage baseline create`", source=source)


def update(old: Baseline, result: ScanResult, *, source: str = "", scope: str = "") -> Baseline:
    """Record the findings of ``result``; audit verdicts of ids still present are kept.  ``scope``:
    the repository-root path the scan covered ("" the whole tree): entries of files outside it
    are kept as they are (a stranger's review: `lineage baseline update` run in a subdirectory
    rewrote the root's baseline with that subtree alone, 2,219 entries to 10, audit verdicts lost)."""
    check_params(old, result.index.params, source=source)
    outside = {fid: e for fid, e in old.entries.items() if scope and not within(e.path, scope)}
    fresh = carried(create(result), old)
    return replace(fresh, entries={**outside, **fresh.entries})


def within(path: str, scope: str) -> bool:
    """A repository-root path lies in ``scope`` (a directory or a file of the same tree)."""
    return not scope or path == scope or path.startswith(scope.rstrip("/") + "/")


def resolve_id(baseline: Baseline, finding_id: str, *, source: str = "") -> str:
    """A full id from a full id or a unique prefix of at least 6 characters."""
    if finding_id in baseline.entries:
        return finding_id
    hits = [i for i in baseline.entries if len(finding_id) >= 6 and i.startswith(finding_id)]
    if len(hits) == 1:
        return hits[0]
    short = len(finding_id) < 6 and any(i.startswith(finding_id) for i in baseline.entries)
    why = ("is ambiguous" if hits else
           "is too short: give at least 6 characters of the id (or all of it)" if short else
           "is not in the baseline (run `lineage baseline update` first)")
    raise BaselineError(f"finding id {finding_id!r} {why}", source=source)


def audit(baseline: Baseline, finding_id: str, verdict: str, reason: str, *, source: str = "") -> Baseline:
    """Record a reviewer's verdict and reason on one recorded finding."""
    if verdict not in VERDICTS:
        raise BaselineError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}", source=source)
    if not reason.strip():
        raise BaselineError("an audit verdict needs a reason", source=source)
    full = resolve_id(baseline, finding_id, source=source)
    entries = dict(baseline.entries)
    entries[full] = replace(entries[full], verdict=verdict, reason=reason.strip())
    return replace(baseline, entries=entries)


def escalated(f: Finding, entry: Entry | None) -> bool:
    """The finding is recorded at a lesser severity than it now has: what was seen (declared reuse,
    info) is not what it has become (its declaration dropped, medium), and was never reviewed so (a
    stranger's review: a file's "Adapted from" line deleted left its medium copy "in the baseline")."""
    return entry is not None and entry.severity in SEVERITIES and f.severity in SEVERITIES \
        and severity_rank(f.severity) < severity_rank(entry.severity)


def subtract(result: ScanResult | Iterable[Finding], baseline: Baseline | None) -> list[Finding]:
    """Findings not covered by the baseline; recorded ones audited ``rejected`` stay, and so do
    recorded ones that became more severe than recorded (`escalated`)."""
    findings = result.findings if isinstance(result, ScanResult) else tuple(result)
    if baseline is None:
        return list(findings)
    out = []
    for f in findings:
        entry = baseline.entries.get(f.id)
        if entry is None or entry.verdict in STILL_FAILING or escalated(f, entry):
            out.append(f)
    return out


def notes(baseline: Baseline, result: ScanResult) -> list[str]:
    """Harmless differences worth a message (another index or tool version)."""
    out = []
    if baseline.index_id != result.index.id:
        out.append(f"baseline was made against index {baseline.index_id}, this scan used {result.index.id}; "
                   "findings against references the old index lacked will show as new")
    if baseline.tool_version != result.tool_version:
        out.append(f"baseline was made by lineage {baseline.tool_version}, this is {result.tool_version}")
    return out


# --- serialisation -------------------------------------------------------------------------


def to_dict(baseline: Baseline) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for fid, e in sorted(baseline.entries.items()):
        row: dict[str, Any] = {"kind": e.kind, "path": e.path, "unit": e.unit, "reference": e.reference,
                               "severity": e.severity}
        if e.verdict:
            row["audit"] = {"verdict": e.verdict, "reason": e.reason}
        entries[fid] = row
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "lineage", "version": baseline.tool_version},
            "index": {"id": baseline.index_id}, "fingerprint": dict(baseline.params), "entries": entries}


def dumps(baseline: Baseline) -> str:
    """Deterministic JSON: sorted keys, no timestamps, so diffs show only real changes."""
    return json.dumps(to_dict(baseline), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v1 (draft) kept a list of results and a separate audits table."""
    audits = data.get("audits") or {}
    entries = {}
    for row in data.get("results") or []:
        entry = {k: row.get(k, "") for k in ("kind", "path", "unit", "reference", "severity")}
        if row.get("id") in audits:
            entry["audit"] = dict(audits[row["id"]])
        entries[row["id"]] = entry
    return {"schema_version": 2, "tool": {"name": "lineage", "version": data.get("tool_version", "")},
            "index": {"id": data.get("index_id", "")}, "fingerprint": data.get("params") or {},
            "entries": entries}


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def upgrade(data: dict[str, Any], *, source: str = "") -> dict[str, Any]:
    """Bring a parsed baseline of any known schema version to the current one."""
    version = data.get("schema_version", data.get("version"))
    if not isinstance(version, int):
        raise BaselineError("not a lineage baseline (no schema_version)", source=source)
    if version > SCHEMA_VERSION:
        raise BaselineError(f"baseline schema {version} is newer than this lineage ({__version__}) "
                            f"reads ({SCHEMA_VERSION}): upgrade lineage", source=source)
    while version < SCHEMA_VERSION:
        step = _UPGRADES.get(version)
        if step is None:
            raise BaselineError(f"no upgrade from baseline schema {version}", source=source)
        data = step(data)
        version = data["schema_version"]
    return data


def _entry(fid: str, row: Any, source: str) -> Entry:
    if not isinstance(row, dict):
        raise BaselineError(f"entry {fid!r} is not an object", source=source)
    audit_row = row.get("audit")
    verdict_row: dict[str, Any] = audit_row if isinstance(audit_row, dict) else {}
    verdict = verdict_row.get("verdict") or None
    if verdict is not None and verdict not in VERDICTS:
        raise BaselineError(f"entry {fid!r}: unknown verdict {verdict!r}", source=source)
    return Entry(str(row.get("kind", "")), str(row.get("path", "")), str(row.get("unit", "")),
                 str(row.get("reference", "")), str(row.get("severity", "")), verdict,
                 str(verdict_row.get("reason", "")))


def loads(text: str, *, source: str = "") -> Baseline:
    """Parse (and upgrade) a baseline's JSON text."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"baseline is not valid JSON: {exc}", source=source) from None
    if not isinstance(data, dict):
        raise BaselineError("not a lineage baseline (top level is not an object)", source=source)
    data = upgrade(data, source=source)
    entries = data.get("entries")
    if not isinstance(entries, dict) or not isinstance(data.get("fingerprint"), dict):
        raise BaselineError("baseline lacks its entries or fingerprint parameters", source=source)
    tool, index = data.get("tool"), data.get("index")
    return Baseline(str(tool.get("version", "")) if isinstance(tool, dict) else "",
                    str(index.get("id", "")) if isinstance(index, dict) else "",
                    dict(data["fingerprint"]), {str(k): _entry(k, v, source) for k, v in entries.items()})

