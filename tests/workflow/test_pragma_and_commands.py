"""Inline pragmas on hand-built findings, malformed baselines, and help text for every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.models import Finding
from lineage.workflow.pragma import apply_pragmas, find_pragmas
from tests.workflow.conftest import Repo, cli, run

TEXT = '''import torch


@torch.no_grad()  # lineage: accept reason='vendored under Apache-2.0, see NOTICE'
def decorated(x):
    return x


# lineage: accept reason="kept upstream notice in the header"
class Above:
    def method(self):  # lineage: accept
        return 1


def plain(y):  # lineage: accept reason=""
    return y
'''


def _finding(unit: str, start: int) -> Finding:
    return Finding(f"id-{unit}", "code-match", "m.py", start, start + 2, unit, "core-architecture", None, "high",
                   (), "test")


def test_pragmas_accept_units_with_a_reason_only() -> None:
    marks = find_pragmas(TEXT)
    assert marks[4].reason == "vendored under Apache-2.0, see NOTICE" and marks[11].reason == ""
    findings = [_finding("decorated", 4), _finding("Above", 10), _finding("Above.method", 11),
                _finding("plain", 15), _finding("<module>", 1)]
    kept, accepted, problems = apply_pragmas(findings, {"m.py": TEXT})
    assert [a.finding.unit for a in accepted] == ["decorated", "Above"]
    assert accepted[1].reason == "kept upstream notice in the header" and accepted[1].line == 9
    assert [f.unit for f in kept] == ["Above.method", "plain", "<module>"]  # a class pragma is not its methods'
    assert [(p.path, p.stage) for p in problems] == [("m.py", "pragma"), ("m.py", "pragma")]
    assert "line 11" in problems[0].reason and "line 15" in problems[1].reason


def test_malformed_baseline_is_a_usage_error(repo: Repo, index_path: Path) -> None:
    (repo.path / ".lineage-baseline.json").write_text('{"schema_version": 2, "entries": [1]}')
    bad = run("hook", "--index", index_path, "--all-files")
    assert bad.exit_code == 2 and "lacks its entries" in bad.stderr
    (repo.path / ".lineage-baseline.json").write_text("{not json")
    assert "not valid JSON" in run("hook", "--index", index_path, "--all-files").stderr


@pytest.mark.parametrize("args", [["hook"], ["baseline"], ["baseline", "create"], ["baseline", "update"],
                                  ["audit"], ["verify"], ["history"]])
def test_every_command_has_help(args: list[str]) -> None:
    shown = run(*args, "--help")
    assert shown.exit_code == 0 and shown.stderr == ""
    summary = shown.stdout.split("\n\n")[1].strip()
    assert len(summary) > 20, shown.stdout
    assert not cli.commands[args[0]].hidden
