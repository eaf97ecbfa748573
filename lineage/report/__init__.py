"""Formatters: one interface, `format(result, **options) -> str`, chosen from an explicit registry."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from lineage.models import ScanResult


class Format(str, Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    HTML = "html"
    MARKDOWN = "markdown"
    SPDX = "spdx"
    CYCLONEDX = "cyclonedx"


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
    if fmt is Format.MARKDOWN:
        from lineage.report.markdown import format_markdown
        return format_markdown
    if fmt is Format.SPDX:
        from lineage.report.spdx import format_spdx
        return format_spdx
    if fmt is Format.CYCLONEDX:
        from lineage.report.cyclonedx import format_cyclonedx
        return format_cyclonedx
    from lineage.report.html import format_html
    return format_html


def render(result: ScanResult, fmt: Format, **options: object) -> str:
    """The report in ``fmt``; ``options`` are that formatter's keyword arguments.  Names
    that are not valid UTF-8 are shown escaped (``\\xNN``) in every format."""
    from lineage.report.escape import escaped

    return formatter(fmt)(escaped(result), **escaped(options))
