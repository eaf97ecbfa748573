"""What the SPDX and CycloneDX formatters share: the reference sources behind the findings,
licence ids checked against the SPDX licence list, and stable identifiers.

Both documents are inventories of evidence, not verdicts: they list the findings at or above
a minimum severity (default: low, like SARIF) that have a reference match, the reference
source each match comes from, and its licence and upstream copyright lines as recorded.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from lineage.details import NoticeDetails
from lineage.errors import ConfigError
from lineage.models import Finding, Match, ScanResult, read_in_part
from lineage.report.labels import SEVERITIES, severity_rank
from lineage.report.upstream import repositories, source_purl

DEFAULT_MIN_SEVERITY = "low"
NAMESPACE = uuid.UUID("6f1d6a52-2b1e-4c53-9b5a-4f0d8c1e7a11")  # lineage's own uuid5 namespace


@dataclass(frozen=True)
class Source:
    """One reference source (a pinned package or commit) that some finding matched."""

    label: str
    name: str
    version: str
    purl: str
    licence: str
    repository: str | None


@lru_cache(maxsize=1)
def _licensing() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def spdx_id(licence: str) -> str | None:
    """The SPDX licence id of ``licence`` when it is one (``apache-2.0`` -> ``Apache-2.0``), else None."""
    if not licence or not re.fullmatch(r"[A-Za-z0-9.+-]+", licence):
        return None
    info = _licensing().validate(licence)
    return str(info.normalized_expression) if not info.errors and info.normalized_expression else None


def licence_ref(licence: str) -> str:
    """An SPDX ``LicenseRef-`` id for a licence the SPDX list does not have."""
    return "LicenseRef-" + (re.sub(r"[^A-Za-z0-9.-]+", "-", licence).strip("-") or "unknown")


def listed(result: ScanResult, min_severity: str) -> list[Finding]:
    """Findings with a reference match at or above ``min_severity``, most severe first."""
    if min_severity not in SEVERITIES:
        raise ValueError(f"min_severity must be one of {', '.join(SEVERITIES)}")
    floor = severity_rank(min_severity)
    return sorted((f for f in result.findings if f.matches and severity_rank(f.severity) <= floor),
                  key=lambda f: (severity_rank(f.severity), f.path, f.start_line, f.id))


def sources(result: ScanResult, findings: list[Finding]) -> dict[str, Source]:
    """Reference sources by label, in order of first use."""
    repos = repositories(result.index)
    out: dict[str, Source] = {}
    for f in findings:
        m = f.matches[0]
        label = m.ref.source
        if label not in out:
            name, version = _name_version(label)
            git_url = label.rpartition("@")[0] if "==" not in label and label.startswith("https://") else None
            out[label] = Source(label, name, version, source_purl(label), m.ref.licence,
                                repos.get(label) or git_url)
    return out


def _name_version(label: str) -> tuple[str, str]:
    if "==" in label:
        name, _, version = label.partition("==")
        return name, version
    if "@" in label:
        url, _, rev = label.rpartition("@")
        return url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") or url, rev
    return label.removeprefix("dir:"), ""


def best(f: Finding) -> Match:
    return f.matches[0]


def copyright_lines(f: Finding) -> list[str]:
    """The upstream notices recorded for the reference file, as found."""
    compared = f.details.comparison if isinstance(f.details, NoticeDetails) else None
    return list(compared.reference_notices) if compared is not None else []


def document_uuid(result: ScanResult, kind: str) -> uuid.UUID:
    """The same scan gives the same id: tool, index, target, revision and finding ids."""
    key = "\n".join([kind, result.tool_version, result.index.id, result.target, result.revision or "",
                     *sorted(f.id for f in result.findings)])
    return uuid.uuid5(NAMESPACE, key)


def timestamp(created: datetime | None) -> str:
    return (created or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def source_date(environ: Mapping[str, str]) -> datetime | None:
    """The creation time ``SOURCE_DATE_EPOCH`` asks for (reproducible-builds.org: whole seconds
    since 1970 UTC), None when it is unset or empty; a malformed value is an error rather than
    silently the current time, which would make a document that claims to be reproducible not so."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise ConfigError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, not {value!r}")
    try:
        return datetime.fromtimestamp(int(value), timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ConfigError(f"SOURCE_DATE_EPOCH is out of range: {value!r}") from None


def unchecked_note(result: ScanResult) -> str:
    """The files that could not be scanned at all, for a document-level comment ("" if none):
    an SBOM without them would read as a complete account of the scanned code."""
    missed, partly = read_in_part(result.errors)
    said = [f"NOT CHECKED: {len(missed)} file(s) could not be scanned, so nothing is known about them: "
            + "; ".join(f"{e.path} ({e.stage}: {e.reason})" for e in missed)] if missed else []
    said += [f"READ IN PART: {len(partly)} file(s) scanned, but part of what they run could not be read; the "
             "findings cover only what was read: " + "; ".join(f"{e.path} ({e.stage}: {e.reason})" for e in partly)
             ] if partly else []
    return " ".join(said)
