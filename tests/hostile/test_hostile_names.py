"""Hostile file names and text: bytes that are not UTF-8, escape sequences, CR and newlines
that would forge report lines, bidi overrides; and output files that a failed run must not
truncate.

Every format stays valid UTF-8 and shows an undecodable byte as ``\\xNN``; text output
shows no control character raw, so each printed line is a line the report meant.
"""

from __future__ import annotations

import json
import os
import random
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineage.cli.main import cli
from lineage.report.escape import escape_name, has_surrogate, terminal_line
from tests.hostile.conftest import REF
from tests.hostile.mutate import hostile_name

REFERENCE = REF.read_bytes()
NAMES = {  # raw name -> how every report shows it
    b"caf\xe9.py": "caf\\xe9.py",
    b"evil\x1b[2J\n[HIGH] forged.py:1-2 x.py": None,
    b"cr\rline.py": None,
    b"csi\xc2\x9b31m.py": None,
    "bidi\u202eyp.txt.py".encode(): None,
}
# raw control characters a terminal acts on: C0 but tab and newline, DEL, C1, bidi controls
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NOTICE = "# Copyright 2024 \x1b]0;pwned\x07Evil Corp\x1b[2J\n# Licensed under the \x1b[8mMIT\x1b[0m licence\n"


def _write(root: Path, name: bytes, data: bytes) -> None:
    with open(os.path.join(os.fsencode(root), name), "wb") as out:
        out.write(data)


@pytest.fixture
def named_tree(tmp_path: Path) -> Path:
    root = tmp_path / "named"
    root.mkdir()
    for name in NAMES:
        _write(root, name, REFERENCE)
    _write(root, b"notice\x1b[1m.py", NOTICE.encode() + REFERENCE)
    _write(root, b"binary\x1b[31m\xff.py", b"\x7fELF\x00\x01" * 100)  # an error under a hostile name
    return root


def _scan(root: Path, index: Path, fmt: str, *extra: str) -> tuple[int, bytes, bytes]:
    result = CliRunner().invoke(cli, ["scan", str(root), "--index", str(index), "--format", fmt, "-q",
                                      "--workers", "1", *extra])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


@pytest.mark.parametrize(("text", "held"), [
    ("plain.py", False), ("caf\u00e9 \u2014 \U0001f600.py", False), ("caf\udce9.py", True),
    ("\u00e9\udc80", True), ("\u2014\ud800", True), ("\U0001f600\udfff", True),
])
def test_has_surrogate_sees_a_lone_surrogate_in_text_of_any_width(text: str, held: bool) -> None:
    assert has_surrogate(text) is held


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_every_format_is_valid_utf8_and_names_are_escaped(named_tree: Path, built_index: Path, fmt: str) -> None:
    code, out, err = _scan(named_tree, built_index, fmt)
    assert code in (0, 1), err
    text = out.decode("utf-8")  # strict: raises on anything that is not UTF-8
    shown = "caf\\\\xe9.py" if fmt in ("json", "sarif") else "caf\\xe9.py"  # JSON doubles the backslash
    assert shown in text and "\udce9" not in text
    if fmt == "json":
        paths = {f["path"] for f in json.loads(text)["findings"]}
        assert {"caf\\xe9.py", "notice\x1b[1m.py"} <= paths, paths
    if fmt == "sarif":
        json.loads(text)


def test_text_output_prints_no_control_character_and_forges_no_line(named_tree: Path, built_index: Path) -> None:
    code, out, err = _scan(named_tree, built_index, "text", "--show-info")
    text = out.decode("utf-8")
    assert not RAW_CONTROL.search(text), RAW_CONTROL.findall(text)
    assert not RAW_CONTROL.search(err.decode("utf-8"))
    assert not any(line.startswith("[HIGH] forged.py") for line in text.splitlines())
    assert "evil\\x1b[2J\\x0a[HIGH] forged.py:1-2 x.py" in text
    assert "cr\\x0dline.py" in text and "bidi\\u202eyp.txt.py" in text and "csi\\x9b31m.py" in text
    assert "binary\\x1b[31m\\xff.py" in text  # the error list, too


def test_json_keeps_the_name_as_data(named_tree: Path, built_index: Path) -> None:
    """JSON escapes control characters itself; only undecodable bytes change."""
    _, out, _ = _scan(named_tree, built_index, "json")
    report = json.loads(out)
    paths = {f["path"] for f in report["findings"]} | {e["path"] for e in report["errors"]}
    assert "evil\x1b[2J\n[HIGH] forged.py:1-2 x.py" in paths
    assert "binary\x1b[31m\\xff.py" in paths


def test_verify_excerpts_and_names_are_escaped(tmp_path: Path) -> None:
    suspect = tmp_path / "suspect.py"
    hostile = REF.read_text(encoding="utf-8").replace("self.width = width", "self.width = width  # \x1b[2J\x9b\u202e", 1)
    suspect.write_text(NOTICE + hostile, encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(suspect), "--against", str(REF), "--no-index"])
    assert result.exit_code in (0, 1), result.stderr
    assert not RAW_CONTROL.search(result.stdout), RAW_CONTROL.findall(result.stdout)
    assert "# \\x1b[2J" in result.stdout  # the excerpt, shown escaped


def test_a_failed_run_leaves_an_existing_report_whole(
    named_tree: Path, built_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    report = tmp_path / "out" / "report.json"
    report.write_text("previous report\n", encoding="utf-8")
    os.chmod(report, 0o640)

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    code, _, _ = _scan(named_tree, built_index, "json", "-o", str(report))
    assert code not in (0, 1)
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in report.parent.iterdir()] == ["report.json"], "no temporary file left"
    monkeypatch.undo()
    code, _, err = _scan(named_tree, built_index, "json", "-o", str(report))
    assert code in (0, 1), err
    findings = json.loads(report.read_bytes().decode("utf-8"))["findings"]
    assert any(f["path"] == "caf\\xe9.py" for f in findings)
    assert stat.S_IMODE(report.stat().st_mode) == 0o640, "an existing report keeps its mode"


def test_output_to_a_device_is_written_in_place(named_tree: Path, built_index: Path) -> None:
    code, _, err = _scan(named_tree, built_index, "text", "-o", os.devnull)
    assert code in (0, 1), err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_fuzzed_file_names(tmp_path: Path, built_index: Path) -> None:
    """Random names from hostile tokens and bytes, each a copy of the reference: found under
    its escaped name in JSON, printed with no raw control character in text."""
    rng = random.Random(16)
    root = tmp_path / "fuzzed"
    root.mkdir()
    names = {hostile_name(rng) for _ in range(30)}
    for name in names:
        _write(root, name, REFERENCE)
    shown = {escape_name(os.fsdecode(n)) for n in names}
    code, out, err = _scan(root, built_index, "json")
    assert code in (0, 1), err
    report = json.loads(out.decode("utf-8"))
    assert {f["path"] for f in report["findings"]} == shown
    assert report["errors"] == [] and report["summary"]["files_scanned"] == len(names)
    _, out, err = _scan(root, built_index, "text", "--show-info")
    text = out.decode("utf-8")
    assert not RAW_CONTROL.search(text) and not RAW_CONTROL.search(err.decode("utf-8"))
    finding_lines = [line for line in text.splitlines() if line.startswith("[")]
    header = re.compile(r"^\[[A-Z]+\] (.*):\d+-\d+ ")  # greedy: the last line range is the real one
    printed = {m.group(1) for m in map(header.match, finding_lines) if m}
    assert printed == {terminal_line(n) for n in shown}
