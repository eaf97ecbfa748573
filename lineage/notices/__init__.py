"""lineage.notices: copyright notices, holders, attribution states and licence obligations.

Importing this package costs almost nothing: names resolve on first use (PEP 562), and
scancode-toolkit is imported only inside ``lineage.notices.engine`` functions, on the
first detect_notices() call that uses it (or warm_up()).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lineage.notices.compare import compare_notices
    from lineage.notices.detect import detect_notices, detect_repo_notices
    from lineage.notices.engine import warm_up
    from lineage.notices.findings import notice_findings
    from lineage.notices.holders import holder_org, holder_orgs
    from lineage.notices.licences import obligations
    from lineage.notices.records import Attribution, FileNotices, Notice

_EXPORTS = {
    "Attribution": "records",
    "FileNotices": "records",
    "Notice": "records",
    "compare_notices": "compare",
    "detect_notices": "detect",
    "detect_repo_notices": "detect",
    "holder_org": "holders",
    "holder_orgs": "holders",
    "notice_findings": "findings",
    "obligations": "licences",
    "warm_up": "engine",
}
__all__ = [
    "Attribution",
    "FileNotices",
    "Notice",
    "compare_notices",
    "detect_notices",
    "detect_repo_notices",
    "holder_org",
    "holder_orgs",
    "notice_findings",
    "obligations",
    "warm_up",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lineage.notices' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lineage.notices.{module}"), name)
    globals()[name] = value
    return value
