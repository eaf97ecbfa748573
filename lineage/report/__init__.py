"""Formatters: one interface, `format(result) -> str`, chosen from an explicit registry."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from lineage.models import ScanResult


class Format(str, Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    HTML = "html"


def formatter(fmt: Format) -> Callable[..., str]:
    """The formatting function for a format (imported lazily: html pulls in jinja2)."""
    if fmt is Format.TEXT:
        from lineage.report.text import format_text
        return format_text
    if fmt is Format.JSON:
        from lineage.report.jsonfmt import format_json
        return format_json
    if fmt is Format.SARIF:
        from lineage.report.sarif import format_sarif
        return format_sarif
    from lineage.report.html import format_html
    return format_html


def render(result: ScanResult, fmt: Format, **extra: object) -> str:
    """The report; names that are not valid UTF-8 shown escaped (`\\xNN`) in every format."""
    from lineage.report.escape import escaped

    fn = formatter(fmt)
    return fn(escaped(result), **escaped(extra)) if fmt is Format.HTML else fn(escaped(result))
