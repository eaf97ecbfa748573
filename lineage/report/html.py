"""Self-contained HTML evidence report: one file that opens offline, for reviewers.

Python builds a small view model (lineage.report.htmlview: findings most severe first, code
panes for the top ones, charts by lines); the Jinja2 template shipped as package data lays it
out.  Autoescape is on because every string that comes from a finding is other people's code.
The page loads nothing: its style and script are inline and pinned by hash in a
Content-Security-Policy, so even a string that slipped past escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

from jinja2 import Environment, FunctionLoader, StrictUndefined, Template

from lineage import PROJECT_URL
from lineage.models import Finding, ScanResult
from lineage.report.htmlview import (
    MAX_EVIDENCE,
    MAX_ROWS,
    NONE_VALUE,
    chart,
    finding_view,
    label,
    options,
    ordered,
)
from lineage.report.labels import SEVERITIES, infrastructure_line, role_label
from lineage.report.upstream import repositories

TEMPLATE = "report.html.j2"
WEIGHTS_CAVEAT = (
    "Code evidence says nothing about model weights or training: matching code shows where "
    "source code came from, not whether a model's weights were trained independently. "
    "A separate weight check answers that question."
)
CHARTS = (("by_family", "Lines by model family"), ("by_role", "Lines by role"), ("by_country", "Lines by country"))
FILTERS = (("severity", "Severity"), ("role", "Role"), ("country", "Country"), ("attribution", "Attribution"))


def csp_hash(text: str) -> str:
    """A CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(str(text).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _load(name: str) -> str:
    return resources.files("lineage.report").joinpath("templates", name).read_text("utf-8")


@lru_cache(maxsize=1)
def _template() -> Template:
    env = Environment(loader=FunctionLoader(_load), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["csp_hash"] = csp_hash
    env.globals["label"] = label
    env.globals["role_label"] = role_label
    return env.get_template(TEMPLATE)


def wanted_references(result: ScanResult) -> set[tuple[str, str]]:
    """(source, path) of the reference files whose text the page would show."""
    return {(f.matches[0].ref.source, f.matches[0].ref.path)
            for f in ordered(result.findings)[:MAX_EVIDENCE] if f.matches}


def format_html(
    result: ScanResult,
    *,
    sources: Mapping[str, str] | None = None,
    references: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """Render the evidence report as one self-contained HTML page.

    ``sources`` maps scanned paths to their text and ``references`` maps
    ``(ref.source, ref.path)`` to reference text; missing texts show line ranges only.
    """
    repos = repositories(result.index)
    findings: list[Finding] = ordered(result.findings)
    listed = findings[:MAX_ROWS]
    views = [finding_view(n, f, sources or {}, references or {}, repos, n <= MAX_EVIDENCE)
             for n, f in enumerate(listed, start=1)]
    file_rows = [(path, row) for path, row in sorted(result.summary.files.items())
                 if not row.verdict.startswith("no lineage")]
    charts = [(title, chart(findings, key)) for key, title in CHARTS]
    return _visible(_template().render(
        result=result,
        main_views=[v for v in views if v.finding.severity != "info"],
        info_views=[v for v in views if v.finding.severity == "info"],
        evidence_views=[v for v in views if v.evidence],
        unlisted=len(findings) - len(listed),
        without_evidence=sum(1 for v in views if not v.evidence),
        file_rows=file_rows,
        infrastructure=infrastructure_line(result.summary.infrastructure),
        charts=[(title, bars) for title, bars in charts if bars],
        filters=[(key, title, options(views, key)) for key, title in FILTERS],
        severities=Counter(f.severity for f in findings),
        severity_order=SEVERITIES,
        kinds=Counter(f.kind for f in findings),
        none_value=NONE_VALUE,
        caveat=WEIGHTS_CAVEAT,
        project_url=PROJECT_URL,  # as text, not a link: the page makes no outbound references
    ))


_C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _visible(page: str) -> str:
    """The page with C0 control characters (ESC, NUL, ...) of the scanned code shown as ``\\xNN``, as
    the text and JSON reports show them: autoescaping leaves them raw, and HTML forbids them."""
    return _C0.sub(lambda m: f"\\x{ord(m.group()):02x}", page)
