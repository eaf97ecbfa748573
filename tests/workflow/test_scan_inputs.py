"""`lineage scan` on what the outside reviewer tried: files it could not check, notebooks,
extensionless scripts, and the command-line slips (`--workers -3`, `-o` into a missing
directory).  Uses the workflow fixtures (the Alpha index, our own code) and the real CLI group.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lineage.cli.main import cli as main_cli
from tests.workflow.conftest import ORIGINAL, Repo, renamed_copy
from tests.workflow.test_hook_unchecked import notebook, padded_copy


def scan(*args: str | Path) -> Result:
    return CliRunner().invoke(main_cli, ["scan", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """An original file and a padded copy over the default cap."""
    root = tmp_path / "tree"
    (root / "models").mkdir(parents=True)
    (root / "pkg.py").write_text(ORIGINAL, encoding="utf-8")
    (root / "models" / "modeling_beta.py").write_text(padded_copy(), encoding="utf-8")
    return root


def test_an_unchecked_file_fails_the_scan_and_is_listed_first(tree: Path, index_path: Path) -> None:
    done = scan(tree, "--index", index_path, "-q")
    assert done.exit_code == 1, done.output
    first = done.stdout.split("\n\n")[1]  # right after the header, before any finding or total
    assert first.startswith("NOT CHECKED: 1 file could not be scanned")
    assert "models/modeling_beta.py: read: skipped: " in first
    assert "file with problems" not in done.stdout  # listed once, up front
    assert "1 file could not be checked" in done.stderr and "models/modeling_beta.py" in done.stderr
    assert "`max_file_bytes`" in done.stderr  # over the size cap: raising it is a remedy
    assert "1 file, " in done.stdout  # only the file really scanned is counted
    assert scan(tree, "--index", index_path, "-q", "--exit-zero").exit_code == 0
    assert scan(tree, "--index", index_path, "-q", "--fail-on", "high").exit_code == 1


def test_excluding_the_file_or_raising_the_cap_is_the_way_on(tree: Path, index_path: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "lineage.toml"
    settings.write_text('exclude = ["models/modeling_beta.py"]\n', encoding="utf-8")
    excluded = CliRunner().invoke(main_cli, ["--config", str(settings), "scan", str(tree), "--index",
                                             str(index_path), "-q"], catch_exceptions=False)
    assert excluded.exit_code == 0, excluded.output
    assert "NOT CHECKED" not in excluded.stdout and not excluded.stderr.strip()
    monkeypatch.setenv("LINEAGE_MAX_FILE_BYTES", "3000000")
    whole = scan(tree, "--index", index_path, "-q", "--format", "json")
    assert whole.exit_code == 1
    report = json.loads(whole.stdout)
    assert report["errors"] == [] and any(f["unit"] == "BetaAttention.forward" for f in report["findings"])


@pytest.mark.parametrize("fmt, expect", [
    ("json", '"unchecked": true'),
    ("sarif", "NOT CHECKED"),
    ("markdown", "**Not checked: 1 file could not be scanned**"),
    ("html", '<strong id="not-checked">Not checked at all: 1 file (<code>models/modeling_beta.py</code>)'),
    ("spdx", "NOT CHECKED: 1 file(s) could not be scanned"),
    ("cyclonedx", "lineage:not-checked"),
])
def test_every_format_names_the_unchecked_file(tree: Path, index_path: Path, fmt: str, expect: str) -> None:
    done = scan(tree, "--index", index_path, "-q", "--format", fmt)
    assert done.exit_code == 1, done.output
    path = r"models/modeling\_beta.py" if fmt == "markdown" else "models/modeling_beta.py"  # Markdown-escaped
    assert expect in done.stdout and path in done.stdout
    if fmt == "sarif":
        (note,) = json.loads(done.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        assert note["level"] == "error" and note["properties"] == {"stage": "read", "unchecked": True}
    if fmt == "json":
        (error,) = json.loads(done.stdout)["errors"]
        assert error["path"] == "models/modeling_beta.py" and error["unchecked"] is True


def test_a_caveat_is_reported_but_does_not_fail_the_scan(tmp_path: Path, index_path: Path) -> None:
    (tmp_path / "typo.py").write_text(ORIGINAL + "\ndef half(:\n    pass\n", encoding="utf-8")
    done = scan(tmp_path, "--index", index_path, "-q")
    assert done.exit_code == 0, done.output
    assert "1 file with problems" in done.stdout and "NOT CHECKED" not in done.stdout


def test_notebooks_and_scripts_are_scanned_and_findings_name_the_cell(tmp_path: Path, index_path: Path) -> None:
    lines = renamed_copy().splitlines(keepends=True)
    (tmp_path / "explore.ipynb").write_text(notebook(
        ("markdown", "# Exploring\n"), ("code", "%pip install torch\n!nvidia-smi\n"), ("code", "".join(lines))))
    (tmp_path / "train").write_text("#!/usr/bin/env python3\n" + renamed_copy())
    done = scan(tmp_path, "--index", index_path, "-q", "--format", "json")
    assert done.exit_code == 1, done.output
    report = json.loads(done.stdout)
    assert report["errors"] == [] and report["summary"]["files_scanned"] == 2
    in_notebook = [f for f in report["findings"] if f["path"] == "explore.ipynb" and f["kind"] == "code-match"]
    assert {f["path"] for f in report["findings"]} >= {"explore.ipynb", "train"}
    forward = next(f for f in in_notebook if f["unit"] == "BetaAttention.forward")
    # 3 lines before the code cell (1 markdown, 2 magics): line N of the file is line N - 3 of cell 3
    assert f"In the notebook: cell 3, lines {forward['start_line'] - 3}-{forward['end_line'] - 3}" \
        in forward["explanation"]
    code_line = lines[forward["start_line"] - 4]  # the cell's own line, as a reviewer finds it
    assert "def forward" in code_line

    direct = scan(tmp_path / "explore.ipynb", "--index", index_path, "-q")
    assert direct.exit_code == 1 and "explore.ipynb:" in direct.stdout and "In the notebook: cell 3" in direct.stdout


def test_a_hostile_notebook_is_a_clear_per_file_error(tmp_path: Path, index_path: Path) -> None:
    (tmp_path / "deep.ipynb").write_bytes(b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    (tmp_path / "ok.py").write_text(ORIGINAL, encoding="utf-8")
    done = scan(tmp_path, "--index", index_path, "-q")
    assert done.exit_code == 1
    assert "deep.ipynb: decode: malformed notebook: JSON nested too deeply" in done.stdout


@pytest.mark.parametrize("value", ["-3", "abc", "1.5"])
def test_workers_must_be_a_positive_integer_or_zero(tmp_path: Path, index_path: Path, value: str) -> None:
    (tmp_path / "ok.py").write_text(ORIGINAL, encoding="utf-8")
    done = scan(tmp_path, "--index", index_path, "-q", "--workers", value)
    assert done.exit_code == 2
    assert "must be a positive integer (or 0: one per core, at most 8)" in done.stderr
    built = CliRunner().invoke(main_cli, ["corpus", "build", "--workers", value, str(tmp_path / "m.toml")])
    assert built.exit_code == 2 and "must be a positive integer" in built.stderr


def test_workers_zero_means_one_per_core_and_is_documented(tmp_path: Path, index_path: Path) -> None:
    (tmp_path / "ok.py").write_text(ORIGINAL, encoding="utf-8")
    done = scan(tmp_path, "--index", index_path, "-q", "--workers", "0", "--format", "json")
    assert done.exit_code == 0 and json.loads(done.stdout)["config"]["workers"] == 0
    assert "0 (the default): one per core" in " ".join(CliRunner().invoke(main_cli, ["scan", "--help"]).stdout.split())


def test_workers_from_the_environment_says_what_is_expected(tmp_path: Path, index_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEAGE_WORKERS", "-3")
    done = scan(tmp_path, "--index", index_path, "-q")
    assert done.exit_code == 2 and "expected a whole number, 0 or more" in done.stderr


def test_output_into_a_missing_directory_is_refused_up_front(repo: Repo, index_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "x.txt"
    done = scan(repo.path, "--index", index_path, "-q", "-o", target)
    assert done.exit_code == 2
    assert done.stderr == f"lineage: error: cannot write {target}: directory {target.parent} does not exist\n"
    for command in (["verify", str(repo.path), "--against", str(repo.path), "--no-index"], ["history", str(repo.path)]):
        refused = CliRunner().invoke(main_cli, [*command, "-o", str(target)])
        assert refused.exit_code == 2 and "does not exist" in refused.stderr, refused.output


def test_output_never_replaces_an_input_of_the_run(tmp_path: Path, index_path: Path) -> None:
    """`-o` naming the scanned file, a file the scan reads in the target folder, the verify sides
    or the index is refused before any work, and nothing is written; a report inside the scanned
    folder (not a file it reads) is fine."""
    import shutil

    tree = tmp_path / "tree"
    (tree / "bin").mkdir(parents=True)
    (tree / "m.py").write_text(ORIGINAL, encoding="utf-8")
    (tree / "bin" / "train").write_text("#!/usr/bin/env python3\nT = 1\n", encoding="utf-8")
    index = tmp_path / "copy.lineage"
    shutil.copyfile(index_path, index)
    before = {p: p.read_bytes() for p in (tree / "m.py", tree / "bin" / "train", index)}
    refused = [
        ["scan", str(tree / "m.py"), "--index", str(index), "-o", str(tree / "m.py")],
        ["scan", str(tree), "--index", str(index), "-o", str(tree / "m.py")],
        ["scan", str(tree), "--index", str(index), "-o", str(tree / "bin" / "train")],
        ["scan", str(tree / "m.py"), "--index", str(index), "-o", str(index)],
        ["verify", str(tree / "m.py"), "--against", str(tree / "bin" / "train"), "--no-index", "-o", str(tree / "m.py")],
        ["verify", str(tree / "m.py"), "--against", str(tree / "bin" / "train"), "--no-index",
         "-o", str(tree / "bin" / "train")],
        ["verify", str(tree / "m.py"), "--against", str(tree / "bin" / "train"), "--index", str(index),
         "-o", str(index)],
    ]
    for args in refused:
        done = CliRunner().invoke(main_cli, [*args, "-q"] if args[0] == "scan" else args)
        assert done.exit_code == 2, (args, done.output)
        assert "cannot write the report to" in done.stderr and (
            "it is an input of this run" in done.stderr or "it is a lineage index" in done.stderr)
    assert {p: p.read_bytes() for p in before} == before
    allowed = scan(tree, "--index", index, "-q", "-o", tree / "report.json", "--format", "json", "--exit-zero")
    assert allowed.exit_code == 0 and json.loads((tree / "report.json").read_text(encoding="utf-8"))["findings"] == []
    # nor does it replace an index that is no input of this run (a review wrote a report over the
    # default index while --index named a copy of it)
    other = tmp_path / "default.lineage"
    shutil.copyfile(index_path, other)
    kept = other.read_bytes()
    done = scan(tree, "--index", index, "-q", "-o", other, "--format", "json", "--exit-zero")
    assert done.exit_code == 2 and "it is a lineage index" in done.stderr, done.output
    assert other.read_bytes() == kept


def test_replace_file_names_the_report_not_its_temporary_file(tmp_path: Path) -> None:
    from lineage.cli.atomic import replace_file

    with pytest.raises(FileNotFoundError) as caught:
        replace_file(tmp_path / "nope" / "x.txt", b"data")
    assert caught.value.filename == str(tmp_path / "nope" / "x.txt")
    assert "directory" in str(caught.value.strerror) and "does not exist" in str(caught.value.strerror)


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_a_script_without_a_suffix_inside_an_archive_is_scanned(tmp_path: Path, index_path: Path, kind: str) -> None:
    """The same tree as a directory and as an archive: the shebang script is scanned in both, a
    shell script and a binary without a suffix in neither."""
    import tarfile
    import zipfile

    tree = tmp_path / "tree"
    (tree / "bin").mkdir(parents=True)
    (tree / "pkg.py").write_text(ORIGINAL, encoding="utf-8")
    (tree / "bin" / "train").write_text("#!/usr/bin/env python3\n" + renamed_copy(), encoding="utf-8")
    (tree / "bin" / "launch").write_text("#!/bin/bash\nexec python3 bin/train \"$@\"\n", encoding="utf-8")
    (tree / "bin" / "weights").write_bytes(bytes(range(256)) * 16)
    archive = tmp_path / f"release.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(p for p in tree.rglob("*") if p.is_file()):
                zf.write(path, f"release/{path.relative_to(tree).as_posix()}")
    else:
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(tree, "release")

    reports = {}
    for target in (archive, tree):
        done = scan(target, "--index", index_path, "-q", "--format", "json")
        assert done.exit_code == 1, done.output
        reports[target] = json.loads(done.stdout)
    packed = reports[archive]
    assert packed["errors"] == [] and packed["summary"]["files_scanned"] == 2
    assert {f["path"] for f in packed["findings"] if f["kind"] == "code-match"} == {"release/bin/train"}
    assert any(f["unit"] == "BetaAttention.forward" for f in packed["findings"] if f["path"] == "release/bin/train")
    unpacked = reports[tree]
    assert {f["path"] for f in unpacked["findings"] if f["kind"] == "code-match"} == {"bin/train"}
    assert sorted((f["unit"], f["kind"]) for f in packed["findings"]) == \
        sorted((f["unit"], f["kind"]) for f in unpacked["findings"])


def test_an_unreadable_file_is_not_told_to_raise_the_size_cap(tmp_path: Path, index_path: Path) -> None:
    (tmp_path / "ok.py").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "blob.py").write_bytes(bytes(range(256)) * 4)  # binary, far under the cap
    done = scan(tmp_path, "--index", index_path, "-q")
    assert done.exit_code == 1 and "1 file could not be checked" in done.stderr, done.output
    assert "`exclude`" in done.stderr and "max_file_bytes" not in done.stderr


def test_a_notice_in_a_notebooks_markdown_cell_is_the_notebooks_notice(tmp_path: Path, index_path: Path) -> None:
    """The notebook's own words stand in its markdown cells: a copy under a notice written there
    replaced the reference's notice, as the same copy under that notice in a .py file did (a
    stranger's review: it read "notice removed", the markdown notice unread)."""
    acme = "Copyright 2026 Acme Corp. All rights reserved."
    body = "".join(line for line in renamed_copy().splitlines(keepends=True) if not line.startswith("# Copyright"))
    states = {}
    for name, text in (("explore.ipynb", notebook(("markdown", f"{acme}\n"), ("code", body))),
                       ("explore.py", f"# {acme}\n" + body)):
        alone = tmp_path / name.replace(".", "_")  # (each file scanned alone: no other file's notice beside it)
        alone.mkdir()
        (alone / name).write_text(text)
        report = json.loads(scan(alone / name, "--index", index_path, "-q", "--format", "json").stdout)
        states[name] = {f["attribution"] for f in report["findings"] if f["kind"] == "notice"}
    assert states["explore.py"] == {"replaced"}, states
    assert states["explore.ipynb"] == states["explore.py"], states


def test_a_mistyped_path_in_a_work_tree_is_said_to_be_neither_path_nor_revision(repo: Repo, index_path: Path) -> None:
    """A bare name in a git work tree is tried as a revision (`lineage scan HEAD~1`); a typo of a
    folder read "error: .: unknown git revision or not a commit: 'pkgg'" (a stranger's review)."""
    done = scan("pkgg", "--index", index_path, "--quiet")
    assert done.exit_code == 2
    assert "no such file or directory, nor a revision of the git repository here: 'pkgg'" in done.stderr
    assert scan("HEAD", "--index", index_path, "--quiet", "--exit-zero").exit_code == 0  # (a revision still is one)
