"""The scancode-toolkit adapter: every scancode import in lineage lives in this module.

Imports happen inside functions so `import lineage.notices` stays free.  Copyright
detection needs only cluecode (under a second to import); licence detection needs the
licence index (several seconds to load, once per process), so callers ask for it only
when a header holds licence text without an SPDX tag.  scancode keeps its own licence
index cache on disk in its own (pickle) format; lineage itself never unpickles anything.

scancode makes a directory of its own in the system's temp directory when it is imported
(`scancode-tk-<version>-*`, one per process) and never removes it: a hook run at every commit
left one behind each time.  It is removed as soon as scancode is imported, while still empty;
the detectors lineage calls write nothing there, and scancode makes it again if it ever does.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any

from lineage.notices.fallback import RawNotice

_LOCK = threading.Lock()
#: Seconds spent on one-time costs in this process: "copyright_import", "licence_index".
TIMINGS: dict[str, float] = {}
_CACHE: dict[str, Any] = {}


def _import_scancode() -> None:
    """Import scancode's settings, and remove the empty temp directory the import makes."""
    if "config" in _CACHE:
        return
    import scancode_config

    _CACHE["config"] = scancode_config
    try:
        os.rmdir(scancode_config.scancode_temp_dir)
    except OSError:  # (gone already, or something was put there: left alone)
        pass


def _copyright_detector() -> Any:
    """cluecode's line-based detector, imported on first use."""
    with _LOCK:
        if "copyrights" not in _CACHE:
            start = time.perf_counter()
            _import_scancode()
            from cluecode import copyrights

            _CACHE["copyrights"] = copyrights.detect_copyrights_from_lines
            TIMINGS["copyright_import"] = time.perf_counter() - start
        return _CACHE["copyrights"]


def _licence_index() -> tuple[Any, Any]:
    """(index, detect_licenses), loading scancode's licence index on first use."""
    with _LOCK:
        if "licences" not in _CACHE:
            start = time.perf_counter()
            _import_scancode()
            from licensedcode import cache
            from licensedcode.detection import detect_licenses

            _CACHE["licences"] = (cache.get_index(), detect_licenses)
            TIMINGS["licence_index"] = time.perf_counter() - start
        index, detect = _CACHE["licences"]
        return index, detect


def warm_up(*, licences: bool = True) -> dict[str, float]:
    """Pay scancode's one-time costs now (import, and the licence index if asked)."""
    _copyright_detector()
    if licences:
        _licence_index()
    return dict(TIMINGS)


def licence_index_loaded() -> bool:
    """True once the licence index is in memory."""
    return "licences" in _CACHE


def detect_copyrights(
    numbered_lines: Sequence[tuple[int, str]], deadline: float
) -> list[RawNotice]:
    """Holders scancode finds in (line number, text) pairs, up to a time.time() deadline."""
    detect = _copyright_detector()
    statements: dict[int, str] = {}
    holders: list[tuple[int, str]] = []
    for detection in detect(
        numbered_lines=list(numbered_lines),
        include_copyrights=True,
        include_holders=True,
        include_authors=False,
        deadline=deadline,
    ):
        line = int(detection.start_line)
        if hasattr(detection, "copyright"):
            statements.setdefault(line, str(detection.copyright))
        elif hasattr(detection, "holder"):
            holders.append((line, str(detection.holder)))
    return [RawNotice(line, statements.get(line, holder), holder) for line, holder in holders]


def detect_licence_expressions(query: str, deadline: float) -> list[str]:
    """SPDX licence expressions scancode finds in a text, up to a time.time() deadline."""
    index, detect = _licence_index()
    found: list[str] = []
    for detection in detect(index=index, query_string=query, deadline=deadline):
        expression = detection.license_expression_spdx or detection.license_expression
        if expression and expression not in found:
            found.append(str(expression))
    return found
