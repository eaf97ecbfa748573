"""HTML report: escaping, self-containment and content, then the page in headless Chromium.

The browser tests open the rendered file from disk, check that it logs no console error,
drive the filters and read back which rows are visible, check the side-by-side lines, and
leave ``tests/artifacts/report.png`` (and the page itself) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from lineage import PROJECT_URL
from lineage.models import ScanResult
from lineage.report.html import WEIGHTS_CAVEAT, csp_hash, format_html
from lineage.report.htmlview import MAX_EVIDENCE, MAX_ROWS
from lineage.summary import FileVerdict, Summary

HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
Maker = Callable[..., ScanResult]
Texts = dict[str, str]
RefTexts = dict[tuple[str, str], str]


@pytest.fixture
def page_html(result: ScanResult, sources: Texts, references: RefTexts) -> str:
    return format_html(result, sources=sources, references=references)


def test_template_ships_as_package_data() -> None:
    template = resources.files("lineage.report").joinpath("templates", "report.html.j2")
    assert template.is_file()


def test_hostile_code_is_escaped(page_html: str) -> None:
    assert HOSTILE not in page_html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert "&lt;img src=x onerror=alert(2)&gt;" in page_html
    assert page_html.count("<script") == 1 and page_html.count("</script>") == 1
    assert "<img" not in page_html


def test_control_characters_of_the_scanned_code_are_shown_not_written(result: ScanResult, sources: Texts,
                                                                       references: RefTexts) -> None:
    """An ESC or NUL in a scanned line reaches the page as ``\\x1b`` (as in the text and JSON
    reports), never raw: HTML forbids C0 controls and autoescaping leaves them (a stranger's
    review); tabs and newlines stay."""
    hostile = dict(sources)
    hostile["serve/loader.py"] = sources["serve/loader.py"].replace("line_9 = 9", "line_9 = '\x1b[2J\x00\tx'")
    page = format_html(result, sources=hostile, references=references)
    assert "\x1b" not in page and "\x00" not in page
    assert "\\x1b[2J\\x00\tx" in page


def test_page_is_self_contained(page_html: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page_html, re.I)
    assert "@import" not in page_html and "url(" not in page_html
    assert "default-src 'none'" in page_html


def test_footer_names_this_project_as_text(page_html: str) -> None:
    assert f"({PROJECT_URL})" in page_html  # text, not a link: test_page_is_self_contained


def test_csp_pins_the_inline_script_and_style(page_html: str) -> None:
    script = re.search(r"<script>(.*?)</script>", page_html, re.S)
    style = re.search(r"<style>(.*?)</style>", page_html, re.S)
    assert script and style
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page_html)
    assert csp
    policy = csp.group(1).replace("&#39;", "'")
    assert f"script-src {csp_hash(script.group(1))}" in policy
    assert f"style-src {csp_hash(style.group(1))}" in policy


def test_plain_language_summary(page_html: str) -> None:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page_html))
    assert "compares the code in /work/solar (revision abc123), 12 files and 140 code units" in text
    assert "reference index idx-2026-11" in text
    assert "It found 6 findings: 1 high, 2 medium, 1 low, 2 info." in text
    assert WEIGHTS_CAVEAT.replace("'", "&#39;") in page_html
    assert "vllm 0.33.0; transformers 5.23.0" in text


def test_charts_count_lines_without_info(page_html: str) -> None:
    for label in ("vllm:glm4_moe", "transformers:llama", "core-architecture", "inference-glue", "no role", "CN", "US"):
        assert f'data-bar="{label}"' in page_html
    for info_only in ("transformers:exaone4", "transformers:mistral", "boilerplate", "common-idiom", "KR", "FR"):
        assert f'data-bar="{info_only}"' not in page_html
    assert 'data-bar="vllm:glm4_moe" data-lines="25"' in page_html  # lines 10-30 and 33-36
    assert "(none)" not in page_html and "unclassified" not in page_html


def test_filters_offer_every_value(page_html: str) -> None:
    for key, values in {
        "severity": ["high", "medium", "low", "info"],
        "role": ["boilerplate", "common-idiom", "core-architecture", "inference-glue", "-"],
        "country": ["CN", "FR", "KR", "US", "-"],
        "attribution": ["declared", "none-needed", "removed", "replaced", "retained", "-"],
    }.items():
        select = re.search(rf'<select data-filter="{key}".*?</select>', page_html, re.S)
        assert select, key
        assert re.findall(r'<option value="([^"]*)"', select.group(0)) == ["", *values]


def test_side_by_side_and_notices(page_html: str) -> None:
    assert '<tr data-line="12" class="hl r0" data-region="0"><td class="ln">12</td><td class="src">    scan_12 = layer(12)</td></tr>' in page_html
    assert '<tr data-line="60" class="hl r1" data-region="1"><td class="ln">60</td><td class="src">    ref_60 = layer(60)</td></tr>' in page_html
    assert "# Copyright 2025 Zhipu AI" in page_html and "# Copyright 2026 Upstage" in page_html


def test_missing_texts_show_line_ranges(result: ScanResult) -> None:
    page = format_html(result)
    assert "only lines 10-30 are known" in page and "only lines 35-70 are known" in page
    assert 'data-line="12"' not in page


def test_empty_results_render(make_result: Maker) -> None:
    page = format_html(make_result(findings=(), errors=(), summary=Summary()))
    assert "no findings" in page and "<table class=\"findings\"" not in page
    bare = format_html(make_result(summary=Summary()))
    assert 'data-bar="core-architecture"' in bare  # charts come from the findings themselves


def test_panes_show_the_lines_their_caption_names(make_result: Maker, findings: Any) -> None:
    """A notice at line 1 whose match aligns lines 12-18 and 22-25: the pane shows 1-25, not line 1 alone."""
    notice = replace(findings[0], id="n", kind="notice", start_line=1, end_line=1, severity="high")
    page = format_html(make_result(findings=(notice,)), sources={"model/solar_open.py": "x = 1\n" * 40},
                       references={})
    scanned = re.search(r'<div class="pane" data-side="scanned">.*?</div>\s*</div>', page, re.S)
    assert scanned
    numbers = [int(n) for n in re.findall(r'<tr data-line="(\d+)"', scanned.group(0))]
    assert numbers == list(range(1, 26))


def test_long_file_lists_fold_after_twenty(make_result: Maker) -> None:
    files = {f"pkg/m{i:02d}.py": FileVerdict(f"copy of x{i}") for i in range(30)}
    page = format_html(make_result(summary=Summary(files=files)))
    folded = page.index('<details id="more-files"><summary>10 more files</summary>')
    assert page[:folded].count("<tr data-file=") == 20 and page[folded:].count("<tr data-file=") == 10
    assert "no single source" in page


def test_page_size_is_bounded(make_result: Maker, findings: Any) -> None:
    """Thousands of findings: code for the top ones, a row for the first MAX_ROWS, a count for the rest."""
    text = "\n".join(f"    line_{n} = compute({n}) + other_value" for n in range(1, 400)) + "\n"
    many = tuple(replace(findings[0], id=f"f{i}", path=f"pkg/mod_{i:05d}.py", end_line=300,
                         severity="high" if i % 3 else "info") for i in range(MAX_ROWS + 500))
    sources = {f.path: text for f in many}
    refs = {(findings[0].matches[0].ref.source, findings[0].matches[0].ref.path): text}
    page = format_html(make_result(findings=many), sources=sources, references=refs)
    assert len(page.encode()) < 12_000_000
    assert page.count('<section class="finding"') == MAX_EVIDENCE
    assert page.count("<tr data-finding=") == MAX_ROWS
    assert "500 more findings (the least severe) are not listed" in page
    first_info = page.index('id="findings-info"')
    assert 'data-severity="info"' not in page[:first_info]  # high rows first, info after


# --- in the browser -------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(
    browser: Any, artifacts: Path, result: ScanResult, sources: Texts, references: RefTexts
) -> Any:
    path = artifacts / "report.html"
    path.write_text(format_html(result, sources=sources, references=references), "utf-8")
    browser.goto(path.as_uri())
    return browser


VISIBLE_ROWS = ("Array.from(document.querySelectorAll('table.findings tr[data-finding]'))"
                ".filter(function(r){return r.checkVisibility();})"  # false inside a closed <details>
                ".map(function(r){return Number(r.getAttribute('data-finding'));})")


def _filter(page: Any, **wanted: str) -> list[int]:
    for key in ("severity", "role", "country", "attribution"):
        value = wanted.get(key, "")
        page.js(f"(function(){{var s=document.getElementById('filter-{key}');s.value={value!r};"
                "s.dispatchEvent(new Event('change',{bubbles:true}));}())")
    rows: list[int] = page.js(VISIBLE_ROWS)
    return rows


def test_page_loads_cleanly(loaded: Any) -> None:
    assert loaded.problems() == []
    assert loaded.js("document.documentElement.classList.contains('js')")
    assert loaded.js("document.images.length") == 0
    assert loaded.js("document.scripts.length") == 1
    assert loaded.js(VISIBLE_ROWS) == [1, 2, 3, 4]  # most severe first, info hidden until asked


def test_filters_change_visible_rows(loaded: Any) -> None:
    assert _filter(loaded, severity="medium") == [2, 3]
    assert _filter(loaded, country="CN") == [1, 2]
    assert _filter(loaded, role="-") == [4]
    assert _filter(loaded, country="CN", attribution="removed") == [1]
    assert _filter(loaded, role="core-architecture", severity="medium") == [2]
    assert loaded.js("document.getElementById('shown-count').textContent") == "1"
    assert loaded.js("document.getElementById('finding-1').offsetParent === null")
    assert _filter(loaded, severity="info", country="CN") == []
    assert loaded.js("document.getElementById('info-findings').open")  # asking for info opens them
    assert loaded.js("document.getElementById('no-rows').offsetParent !== null")
    loaded.click("#reset-filters")
    assert loaded.js(VISIBLE_ROWS) == [1, 2, 3, 4, 5, 6]
    assert loaded.js("document.getElementById('no-rows').offsetParent === null")
    loaded.js("document.getElementById('info-findings').open = false")
    assert loaded.problems() == []


def test_info_findings_shown_when_asked(loaded: Any) -> None:
    _filter(loaded)
    assert loaded.js(VISIBLE_ROWS) == [1, 2, 3, 4]
    loaded.click("#info-findings > summary")
    assert loaded.js(VISIBLE_ROWS) == [1, 2, 3, 4, 5, 6]
    loaded.click("#info-findings > summary")
    assert loaded.js(VISIBLE_ROWS) == [1, 2, 3, 4]


def test_table_sorts_by_a_clicked_column(loaded: Any) -> None:
    _filter(loaded)
    similarity = "#findings-main th:nth-child(9) button"
    loaded.click(similarity)
    assert loaded.js(VISIBLE_ROWS) == [4, 2, 3, 1]  # no match (-1), 0.70, 0.82, 0.97
    loaded.click(similarity)
    assert loaded.js(VISIBLE_ROWS) == [1, 3, 2, 4]
    loaded.click("#findings-main th:nth-child(1) button")
    assert loaded.js(VISIBLE_ROWS) == [1, 2, 3, 4]
    assert loaded.js("document.querySelector('#findings-main th:nth-child(1)').getAttribute('aria-sort')") == "ascending"
    assert loaded.problems() == []


def test_filters_answer_the_keyboard(loaded: Any) -> None:
    _filter(loaded)
    loaded.key("#filter-severity", "ArrowDown", 40)  # All -> high
    assert loaded.js("document.getElementById('filter-severity').value") == "high"
    assert loaded.js(VISIBLE_ROWS) == [1]
    loaded.key("#filter-severity", "ArrowDown", 40)  # high -> medium
    assert loaded.js(VISIBLE_ROWS) == [2, 3]
    loaded.click("#reset-filters")
    assert loaded.js(VISIBLE_ROWS) == [1, 2, 3, 4]


def _pane(page: Any, side: str) -> dict[str, Any]:
    pane: dict[str, Any] = page.js(
        "(function(){var p=document.querySelector('#finding-1 [data-match=\"1\"] "
        f".pane[data-side=\"{side}\"]');var rows=Array.from(p.querySelectorAll('tr[data-line]'));"
        "return {lines: rows.map(function(r){return Number(r.dataset.line);}),"
        "hl: rows.filter(function(r){return r.classList.contains('hl');})"
        ".map(function(r){return [Number(r.dataset.line), r.dataset.region,"
        " getComputedStyle(r).backgroundColor];}),"
        "text: rows.map(function(r){return r.querySelector('.src').textContent;}),"
        "width: p.getBoundingClientRect().width, left: p.getBoundingClientRect().left};}())")
    return pane


def test_side_by_side_shows_the_right_lines(loaded: Any) -> None:
    scanned, reference = _pane(loaded, "scanned"), _pane(loaded, "reference")
    assert scanned["lines"] == list(range(10, 31)) and reference["lines"] == list(range(35, 71))
    assert [h[0] for h in scanned["hl"]] == [*range(12, 19), *range(22, 26)]
    assert [h[0] for h in reference["hl"]] == [*range(40, 47), *range(60, 64)]
    assert scanned["text"][2] == "    scan_12 = layer(12)" and reference["text"][5] == "    ref_40 = layer(40)"
    colour = {region: bg for _, region, bg in scanned["hl"]}
    assert colour == {region: bg for _, region, bg in reference["hl"]} and len(set(colour.values())) == 2
    assert scanned["width"] > 300 and reference["left"] > scanned["left"] + scanned["width"] - 1
    hostile = loaded.js("document.querySelector('#finding-3 tr[data-line=\"8\"] .src').textContent")
    assert hostile == f'html = "{HOSTILE}"'


def test_long_family_names_stay_readable(browser: Any, artifacts: Path, make_result: Maker, findings: Any) -> None:
    long_name = "vendor-with-a-long-name:" + "very_long_model_family_name_" * 4 + "v2"
    ref = replace(findings[0].matches[0].ref, family=long_name)
    one = replace(findings[0], matches=(replace(findings[0].matches[0], ref=ref),))
    path = artifacts / "report-long-names.html"
    path.write_text(format_html(make_result(findings=(one,))), "utf-8")
    browser.goto(path.as_uri())
    cell = browser.js(
        f"(function(){{var c=document.querySelector('tr[data-bar=\"{long_name}\"] td.bar-label');"
        "return [c.textContent, c.scrollWidth <= c.clientWidth, c.getBoundingClientRect().height];}())")
    assert cell[0] == long_name and cell[1] is True and cell[2] > 20  # wrapped, not cut
    assert browser.problems() == []
    browser.goto((artifacts / "report.html").as_uri())  # the module's page, for the tests after this one


def test_screenshot_for_people(loaded: Any, artifacts: Path) -> None:
    loaded.js("window.scrollTo(0, 0)")
    shot, full = artifacts / "report.png", artifacts / "report-full.png"
    loaded.screenshot(shot, max_height=2000)  # summary, charts, table, first evidence
    loaded.screenshot(full)
    assert shot.stat().st_size > 20_000 and full.stat().st_size > shot.stat().st_size
    assert loaded.problems() == []
