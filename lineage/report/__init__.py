"""Formatters: one interface, `format(result, **options) -> str`, chosen from an explicit registry."""

from __future__ import annotations

import importlib
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


# each format's module and function, imported when asked for (html pulls in jinja2)
_FORMATTERS = {
    Format.TEXT: ("text", "format_text"), Format.JSON: ("jsonfmt", "format_json"),
    Format.SARIF: ("sarif", "format_sarif"), Format.HTML: ("html", "format_html"),
    Format.MARKDOWN: ("markdown", "format_markdown"), Format.SPDX: ("spdx", "format_spdx"),
    Format.CYCLONEDX: ("cyclonedx", "format_cyclonedx"),
}


def formatter(fmt: Format) -> Callable[..., str]:
    """The formatting function for a format, its module imported lazily."""
    module, name = _FORMATTERS[fmt]
    fn: Callable[..., str] = getattr(importlib.import_module(f"lineage.report.{module}"), name)
    return fn


def render(result: ScanResult, fmt: Format, **options: object) -> str:
    """The report in ``fmt``; ``options`` are that formatter's keyword arguments.  Names
    that are not valid UTF-8 are shown escaped (``\\xNN``) in every format: a report that
    holds one as it is (a lone surrogate in its text, or a formatter refusing to encode one) is
    formatted again from a copy of the result with every string escaped.  Escaping every
    string first cost the scan of 200 modeling files about 3 s in this process, for names that
    are almost always valid."""
    from lineage.report.escape import escaped, has_surrogate

    fn = formatter(fmt)
    try:
        out: str | None = fn(result, **options)
    except UnicodeError:
        out = None
    if out is not None and not has_surrogate(out):
        return out
    return fn(escaped(result), **escaped(options))
