"""One line splitter: lines numbered on '\\n' as units are (never ``str.splitlines``), and the
``ast`` numbering that declared-lineage markers read."""

from __future__ import annotations

import ast

import pytest

from lineage.compact.files import leading_header
from lineage.models import Finding
from lineage.parse.lines import ast_lines, line_count, numbered_lines
from lineage.parse.units import parse_source
from lineage.workflow.pragma import apply_pragmas, find_pragmas

SEPARATORS = ("\f", "\u2028", "\x1c", "\x85", "\v")


@pytest.mark.parametrize("separator", SEPARATORS)
def test_numbered_lines_break_on_newline_only(separator: str) -> None:
    text = f"a = 1  # page{separator}break\r\nb = 2\n"
    assert len(text.splitlines()) == 3  # what the old helpers counted
    assert numbered_lines(text) == [f"a = 1  # page{separator}break", "b = 2"]
    assert line_count(text) == 2


def test_ast_lines_number_as_python_does() -> None:
    text = "a = 1\rb = 2\r\nc = 3\n\fd = 4\n"
    lines = ast_lines(text)
    for node in ast.parse(text).body:
        assert isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        assert lines[node.lineno - 1].lstrip("\f").startswith(node.targets[0].id)


def _finding(path: str, unit: str, start: int, end: int) -> Finding:
    return Finding("id1", "code-match", path, start, end, unit, "core-architecture", None, "high", (), "copied")


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_pragma_after_a_form_feed_still_covers_its_unit(separator: str) -> None:
    text = (f'"""Helper."""\nimport os  # page{separator}break\n\n'
            '# lineage: accept reason="reused under Apache-2.0"\ndef rotate(x):\n    return x\n')
    unit = next(u for u in parse_source("m.py", text.encode()).units if u.qualname == "rotate")
    assert unit.start_line == 5
    assert list(find_pragmas(text)) == [4]
    kept, accepted, problems = apply_pragmas([_finding("m.py", "rotate", unit.start_line, unit.end_line)],
                                             {"m.py": text})
    assert kept == [] and problems == []
    assert [(a.line, a.reason) for a in accepted] == [(4, "reused under Apache-2.0")]


def test_leading_header_keeps_a_form_feed_line_whole() -> None:
    text = "# Copyright 2024 Acme\f Corp\n# Licensed under MIT\nimport os\n"
    assert leading_header(text) == "# Copyright 2024 Acme\f Corp\n# Licensed under MIT"


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n", "a\n\nb", "\na = 1\n\f\n", "x\u2028y\nz\x85\n",
                                  "a\rb", "a\r\nb\n", "\r", "a\n\r\n"])
def test_ast_lines_split_as_the_parser_does_with_or_without_carriage_returns(text: str) -> None:
    import re

    assert ast_lines(text) == re.split(r"\r\n|\r|\n", text)
