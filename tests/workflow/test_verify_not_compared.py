"""`lineage verify` lists every file of either side it did not compare, with the reason.

A binary file named like a module, a file with a syntax error, one that is not UTF-8 and links
out of the tree: the exhibit used to say "N files" and list the binary file with a hash as if
it had been compared; only the links were in `inputs.<side>.errors`.  Now both sides' errors
are the ones `lineage scan` reports for the same folder (``unchecked``: not compared at all),
`not_compared` names those files, the text exhibit shows them up front as warnings, and the
statement says how many files of each side were not compared.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lineage.cli.main import cli as main_cli
from lineage.models import FileError
from lineage.workflow.verify_inputs import SHOWN, error_warnings
from tests.workflow.conftest import run
from tests.workflow.test_verify_notice_source import foo_copy, model_file

# our own helper, whole in a file whose last line is broken (scanned with error recovery)
BROKEN = '''def pack_sequences(lengths: list[int], budget: int) -> list[list[int]]:
    bins: list[list[int]] = []
    room: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        size = lengths[index]
        slot = next((b for b, free in enumerate(room) if free >= size), None)
        if slot is None:
            bins.append([index])
            room.append(budget - size)
        else:
            bins[slot].append(index)
            room[slot] -= size
    return bins


def unfinished(x:
'''


def _side(root: Path, model: str, outside: Path) -> Path:
    root.mkdir()
    (root / "modeling.py").write_text(model, encoding="utf-8")
    (root / "bin.py").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00 not python at all \x00\x01")
    (root / "broken.py").write_text(BROKEN, encoding="utf-8")
    (root / "latin.py").write_bytes("# réglages d'origine\nSCALE = 0.5\n".encode("latin-1"))
    try:
        os.symlink(outside / "elsewhere.py", root / "outside.py")
        os.symlink(outside, root / "outdir")
    except OSError:
        pytest.skip("symbolic links are not available here")
    return root


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "elsewhere.py").write_text("X = 1\n", encoding="utf-8")
    return (_side(tmp_path / "suspect", foo_copy(), outside),
            _side(tmp_path / "reference", model_file(), outside))


def _errors(entries: list[dict[str, Any]]) -> set[tuple[str, str, bool]]:
    return {(e["path"], e["stage"], e["unchecked"]) for e in entries}


EXPECTED = {("bin.py", "decode", True), ("broken.py", "parse", False), ("latin.py", "decode", False),
            ("outside.py", "read", False), ("outdir", "read", False)}


def test_both_sides_list_what_was_not_compared_as_scan_does(sides: tuple[Path, Path], index_path: Path) -> None:
    suspect, reference = sides
    done = run("verify", suspect, "--against", reference, "--index", index_path, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    for side, root in (("suspect", suspect), ("reference", reference)):
        inputs = data["inputs"][side]
        assert _errors(inputs["errors"]) == EXPECTED
        assert inputs["not_compared"] == ["bin.py"]
        assert "bin.py" in inputs["files"]  # hashed, as every file read, and listed as not compared
        scanned = CliRunner().invoke(main_cli, ["scan", str(root), "--index", str(index_path), "--format", "json",
                                                "--exit-zero"], catch_exceptions=False)
        assert inputs["errors"] == sorted(json.loads(scanned.stdout)["errors"],
                                          key=lambda e: (e["path"], e["stage"], e["reason"], e["unchecked"]))
        assert f"NOT COMPARED ({side}) bin.py: decode: binary file (NUL bytes), not scanned" in data["warnings"]
        assert any(w.startswith(f"PROBLEM ({side}) broken.py: parse: syntax error at line 16")
                   for w in data["warnings"])
    assert ("Not compared: 1 suspect file and 1 reference file (unreadable, binary or too costly to analyse; "
            "listed in the warnings)") in data["summary"]["statement"]
    # the comparison itself goes on: modeling.py's notice replaced; broken.py, the reference's
    # whole file, has its notices compared too (none on either side: none needed)
    assert data["summary"]["attribution_states"] == ["none-needed", "replaced"]
    assert any(m["path"] == "broken.py" and m["reference"]["path"] == "broken.py" for m in data["matches"])


def test_the_text_exhibit_shows_them_up_front(sides: tuple[Path, Path], index_path: Path) -> None:
    suspect, reference = sides
    text = run("verify", suspect, "--against", reference, "--index", index_path, "--exit-zero").stdout
    header = text.split("\n\n")[0]  # before the statement and any match
    for side in ("suspect", "reference"):
        assert f"WARNING: NOT COMPARED ({side}) bin.py: decode: binary file (NUL bytes), not scanned" in header
        assert f"WARNING: PROBLEM ({side}) latin.py: decode: not valid utf-8; undecodable bytes replaced" in header
        assert f"WARNING: PROBLEM ({side}) outside.py: read: symlink points outside the tree" in header
        assert f"WARNING: PROBLEM ({side}) outdir: read: symlinked directory not followed" in header
    assert "Not compared: 1 suspect file and 1 reference file" in text


def test_a_clean_pair_has_no_such_warning(tmp_path: Path) -> None:
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    suspect.mkdir()
    reference.mkdir()
    (suspect / "modeling_foo.py").write_text(foo_copy(), encoding="utf-8")
    (reference / "modeling_zeta.py").write_text(model_file(), encoding="utf-8")
    done = run("verify", suspect, "--against", reference, "--no-index", "--format", "json", "--exit-zero")
    data = json.loads(done.stdout)
    assert all(not w.startswith(("NOT COMPARED", "PROBLEM")) for w in data["warnings"])
    assert data["inputs"]["suspect"]["errors"] == data["inputs"]["reference"]["errors"] == []
    assert data["inputs"]["suspect"]["not_compared"] == [] and "Not compared" not in data["summary"]["statement"]


def test_warnings_are_capped_per_side_the_json_lists_all() -> None:
    errors = [FileError(f"blob{i:02d}.py", "decode", "binary file (NUL bytes), not scanned", unchecked=True)
              for i in range(SHOWN + 5)]
    lines = error_warnings("reference", errors)
    assert len(lines) == SHOWN + 1
    assert lines[-1] == "NOT COMPARED (reference): 5 more (inputs.reference.errors in --format json)"


def _main(*args: str | Path) -> Any:
    return CliRunner().invoke(main_cli, [str(a) for a in args], catch_exceptions=False)


def test_a_suspect_file_not_compared_fails_the_exhibit_as_it_fails_a_scan(tmp_path: Path, index_path: Path) -> None:
    """A binary "module" as the suspect: nothing of it was compared, so the exhibit cannot pass
    clean (scan exits 1 for the same file); --exit-zero still exits 0."""
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "modeling_zeta.py").write_text(model_file(), encoding="utf-8")
    blob = tmp_path / "blob.py"
    blob.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00 not python at all \x00\x01")
    assert run("verify", blob, "--against", reference, "--index", index_path).exit_code == 1
    assert _main("scan", blob, "--index", index_path).exit_code == 1
    assert run("verify", blob, "--against", reference, "--index", index_path, "--exit-zero").exit_code == 0


def test_a_reference_file_not_compared_fails_the_exhibit_too(tmp_path: Path, index_path: Path) -> None:
    """A binary "module" as the reference: the suspect was compared with nothing, and "0 units
    match" against an unread file is no clean result either."""
    suspect = tmp_path / "suspect.py"
    suspect.write_text(model_file(), encoding="utf-8")
    blob = tmp_path / "blob.py"
    blob.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00 not python at all \x00\x01")
    done = run("verify", suspect, "--against", blob, "--index", index_path)
    assert done.exit_code == 1 and "NOT COMPARED (reference) blob.py" in done.stdout
    # no baseline from a pair with nothing on one side (it read "n=21, median 0.0, p99 0.0")
    assert "units vs unrelated units of this pair: too few (n=0)" in done.stdout
    assert run("verify", suspect, "--against", blob, "--index", index_path, "--exit-zero").exit_code == 0


@pytest.mark.parametrize("command", ["scan", "verify"])
def test_a_target_without_python_files_says_nothing_was_checked(tmp_path: Path, index_path: Path,
                                                                 command: str) -> None:
    """An empty folder, or one of text files only, is no clean result: the run says that it
    found no Python file (a CI job pointed at the wrong folder must not read as a pass unseen)."""
    empty = tmp_path / "docs"
    empty.mkdir()
    (empty / "README.txt").write_text("notes\n", encoding="utf-8")
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "modeling_zeta.py").write_text(model_file(), encoding="utf-8")
    args = ["scan", empty] if command == "scan" else ["verify", empty, "--against", reference]
    done = _main(*args, "--index", index_path)
    assert done.exit_code == 0
    said = "nothing was checked" if command == "scan" else "nothing was compared"
    assert f"lineage: warning: no Python file found in {empty}: {said}" in done.stderr
    (empty / "tool.py").write_text("def helper(a):\n    return a + 1\n", encoding="utf-8")
    assert "no Python file found" not in _main(*args, "--index", index_path).stderr


@pytest.mark.parametrize("shape", ["text only", "empty module", "constants only"])
def test_a_reference_with_nothing_to_compare_against_fails_the_exhibit(tmp_path: Path, index_path: Path,
                                                                      shape: str) -> None:
    """A reference folder of text files, an empty module, or one with no function or class: the
    suspect was compared with nothing, so "0 units match" is no clean result; the run says so."""
    suspect = tmp_path / "suspect.py"
    suspect.write_text(model_file(), encoding="utf-8")
    reference = tmp_path / "reference"
    reference.mkdir()
    if shape == "text only":
        (reference / "NOTES.txt").write_text("notes\n", encoding="utf-8")
    else:
        (reference / "empty.py").write_text("" if shape == "empty module" else "SIZE = 4\nNAMES = ('a', 'b')\n",
                                            encoding="utf-8")
    done = _main("verify", suspect, "--against", reference, "--index", index_path)
    assert done.exit_code == 1, done.output
    assert "no Python code to compare against" in done.stderr and "nothing was compared" in done.stderr
    assert "WARNING: the reference side holds no Python code to compare against" in done.stdout
    assert _main("verify", suspect, "--against", reference, "--index", index_path, "--exit-zero").exit_code == 0
    # with a unit to compare against, the same suspect passes clean
    (reference / "helper.py").write_text(
        "def helper(values, scale, offset):\n    out = []\n    for v in values:\n"
        "        if v > offset:\n            out.append((v - offset) * scale)\n        else:\n"
        "            out.append(v / (scale + 1.0))\n    return sorted(out, reverse=True)[: len(values) // 2]\n",
        encoding="utf-8")
    clean = _main("verify", suspect, "--against", reference, "--index", index_path)
    assert "nothing was compared" not in clean.stderr


@pytest.mark.parametrize("shape", ["empty module", "constants only", "a syntax error throughout"])
def test_a_suspect_with_nothing_to_compare_fails_the_exhibit(tmp_path: Path, index_path: Path, shape: str) -> None:
    """The suspect side's Python files hold no function or class: nothing was compared, so "0 units
    match" is no clean result, as for a reference with nothing to compare against (a stranger's
    review: an empty suspect file exited 0 without a word)."""
    suspect = tmp_path / "suspect.py"
    suspect.write_text({"empty module": "", "constants only": "SIZE = 4\nNAMES = ('a', 'b')\n",
                        "a syntax error throughout": "def f(:\n    pass\n"}[shape], encoding="utf-8")
    reference = tmp_path / "reference.py"
    reference.write_text(model_file(), encoding="utf-8")
    done = _main("verify", suspect, "--against", reference, "--index", index_path)
    assert done.exit_code == 1, done.output
    assert "no Python code to compare in" in done.stderr and "nothing was compared" in done.stderr
    assert "WARNING: the suspect side holds no Python code to compare" in done.stdout
    assert _main("verify", suspect, "--against", reference, "--index", index_path, "--exit-zero").exit_code == 0
    suspect.write_text(model_file(), encoding="utf-8")  # with code to compare, no such warning
    assert "no Python code to compare in" not in _main("verify", suspect, "--against", reference,
                                                        "--index", index_path).stderr

