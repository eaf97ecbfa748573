"""The hook against hostile staged names, links and line separators, through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

from tests.workflow.conftest import Repo, run, unit_source


def test_pragma_after_a_form_feed_line_still_accepts(repo: Repo, index_path: Path) -> None:
    """Units are numbered on '\\n': a form feed (or \\u2028) earlier in the file must not
    shift the line a pragma is looked for on."""
    body = unit_source("alpha_partial_rotary")
    pragma = '# lineage: accept reason="rotary helper reused under Apache-2.0, notice kept in NOTICE"\n'
    for separator in ("\f", "\u2028", "\x1c"):
        text = f'"""Rotary helper."""\n\nimport torch  # page{separator}break\n\n\n{pragma}{body}'
        repo.write("models/rope.py", text)
        repo.add("models/rope.py")
        ok = run("hook", "--index", index_path, "models/rope.py")
        assert ok.exit_code == 0, (repr(separator), ok.stdout)
        assert "1 accepted by pragma" in ok.stdout
    # the same file without the pragma fails: the pragma is what lets it through
    repo.write("models/rope.py", f'"""Rotary helper."""\n\nimport torch  # page\fbreak\n\n\n{body}')
    repo.add("models/rope.py")
    assert run("hook", "--index", index_path, "models/rope.py").exit_code == 1
