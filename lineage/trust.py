"""Whose settings may do what: a settings file found in the working directory may belong
to a stranger (``cd stranger && lineage scan .``), so it may tighten a scan but not loosen
it, redirect the index (which would receive LINEAGE_REDIS_PASSWORD) or point at other
files, unless the user trusts it explicitly (``--config FILE`` or ``--trust-config``).

Each setting that was given is recorded with its value, where it came from and whether it
applied, so reports can say which settings shaped them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEVERITY_ORDER = ("info", "low", "medium", "high")
APPLIED, REFUSED, OVERRIDDEN = "applied", "refused", "overridden"


@dataclass(frozen=True)
class Setting:
    """One setting as given: its value, its origin, and what became of it."""

    name: str
    value: Any
    origin: str  # a file path, "environment" or "command line"
    status: str  # APPLIED, REFUSED or OVERRIDDEN
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        out = {"name": self.name, "value": value, "from": self.origin, "status": self.status}
        return out | ({"reason": self.reason} if self.reason else {})


def loosening(name: str, default: Any, value: Any) -> str:
    """Why an untrusted file may not set ``name`` to ``value`` ("" when it may)."""
    if value == default:
        return ""
    if name == "index":
        return "would redirect the index (and send it LINEAGE_REDIS_PASSWORD)"
    if name in ("baseline", "role_rules"):
        return "would point the scan at files of the settings' author"
    if name == "exclude":
        return "would leave files out of the scan"
    if name == "as_of":
        return "would rule families out as sources"
    if name == "owner":
        return "would excuse matches to the named organisations' models as their own code"
    if name == "fail_on" and SEVERITY_ORDER.index(value) > SEVERITY_ORDER.index(default):
        return "would fail on fewer findings"
    if name == "max_file_bytes" and value < default:
        return "would skip files the default scans"
    if name in ("min_similarity", "min_containment", "report_similarity") and value > default:
        return "would report fewer matches"
    return ""


def refusal_note(setting: Setting) -> str:
    return (f"{setting.origin}: setting `{setting.name}` refused: it {setting.reason}; this file is not "
            "trusted (pass --trust-config, or --config FILE, to apply it)")
