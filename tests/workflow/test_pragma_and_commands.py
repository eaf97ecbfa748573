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


ONE = """import torch


def rope(x):  # lineage: accept reason=REASON
    return x
"""


def _file_finding(kind: str, attribution: str | None) -> Finding:
    return Finding(f"id-{kind}-{attribution}", kind, "m.py", 1, 1, "<module>", None, attribution, "medium", (), "t")


@pytest.mark.parametrize("reason", ['"x"', '"ok"', "'.'", '"12345"'])
def test_a_reason_nobody_can_read_accepts_nothing(reason: str) -> None:
    kept, accepted, problems = apply_pragmas([_finding("rope", 4)], {"m.py": ONE.replace("REASON", reason)})
    assert not accepted and [f.unit for f in kept] == ["rope"] and problems


def test_a_units_pragma_carries_its_removed_notice_but_never_a_replaced_one() -> None:
    text = ONE.replace("REASON", '"rotary helper vendored under Apache-2.0"')
    findings = [_finding("rope", 4), _file_finding("notice", "removed"), _file_finding("licence", None),
                _file_finding("notice", "replaced")]
    kept, accepted, _ = apply_pragmas(findings, {"m.py": text})
    assert [(a.finding.kind, a.finding.attribution) for a in accepted] == [
        ("code-match", None), ("notice", "removed"), ("licence", None)]
    assert [(f.kind, f.attribution) for f in kept] == [("notice", "replaced")]


def test_a_units_pragma_carries_its_vestiges_not_another_units() -> None:
    """A vestige finding stands at the lines inside a unit that carry the reference's feature names:
    the unit's accepted code match carries it; another unit's vestige stays."""
    body = "".join(f"    x = x * {i}\n" for i in range(8))
    text = ONE.replace("REASON", '"rotary helper vendored under Apache-2.0"')
    text = text.replace("    return x\n", body + "    return x\n")
    text += "\n\ndef other(y):\n    y = y + 1\n    y = y * 2\n    return y\n"
    vestige = Finding("id-v", "vestige", "m.py", 11, 11, "rope", "core-architecture", None, "medium", (), "t")
    stray = Finding("id-w", "vestige", "m.py", 19, 19, "other", "core-architecture", None, "medium", (), "t")
    kept, accepted, _ = apply_pragmas([_finding("rope", 4), vestige, stray], {"m.py": text})
    assert [(a.finding.kind, a.finding.unit, a.line) for a in accepted] == [("code-match", "rope", 4),
                                                                            ("vestige", "rope", 4)]
    assert [f.id for f in kept] == ["id-w"]


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


NESTED = '''class Attention:
    def forward(self, x):
        x = x + 1
        return x


class Layer:  # lineage: accept reason="vendored from the reference, notice kept"
    def __init__(self):
        self.a = 1

    def forward(self, x):
        return x
'''


def test_a_class_pragma_accepts_the_class_not_the_method_below_nor_a_vestige_above() -> None:
    """A pragma on a class line: its first method starts on the next line (the line just above it is
    the class's code, not a comment of its own), and a vestige inside the unit before the class (no
    def line of its own) is that unit's; neither is accepted by the class's pragma."""
    layer = _finding("Layer", 7)
    init = _finding("Layer.__init__", 8)
    vestige = Finding("id-v", "vestige", "m.py", 3, 3, "Attention.forward", "core-architecture", None, "medium", (), "t")
    kept, accepted, _ = apply_pragmas([layer, init, vestige], {"m.py": NESTED})
    assert [a.finding.unit for a in accepted] == ["Layer"]
    assert [f.id for f in kept] == ["id-Layer.__init__", "id-v"]
