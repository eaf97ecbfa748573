"""`lineage history`: first appearance of matched units and notice changes over commits."""

from __future__ import annotations

import json
from pathlib import Path

from tests.workflow.conftest import ACME_LINE, ZHIPU_LINE, Repo, renamed_copy, run
from tests.workflow.test_hook_unchecked import notebook


def test_notice_replaced_in_a_later_commit_and_first_appearance(repo: Repo, index_path: Path) -> None:
    added_at = "2025-06-01T09:30:00+00:00"
    repo.write("models/modeling_beta.py", renamed_copy(ZHIPU_LINE))
    repo.add("models/modeling_beta.py")
    c2 = repo.commit("add beta model", date=added_at, author="Dev One")
    repo.write("models/modeling_beta.py", renamed_copy(ACME_LINE))
    repo.add("models/modeling_beta.py")
    c3 = repo.commit("relicense header", date="2025-06-10T10:00:00+00:00", author="Dev Two")

    done = run("history", ".", "--index", index_path, "--format", "json", "--fail-on", "medium")
    assert done.exit_code == 1, done.output  # the replaced upstream notice is a medium finding
    data = json.loads(done.stdout)
    assert data["revision"] == c3
    assert data["files"]["models/modeling_beta.py"]["commit"] == c2

    notice = [f for f in data["findings"] if f["kind"] == "notice-history"]
    assert len(notice) == 1
    d = notice[0]["details"]
    assert (d["holder"], d["org"], d["change"], d["replaced_by"]) == (
        "The Zhipu AI team", "Zhipu AI", "replaced", ["Acme Corp"])
    assert d["present_in"]["commit"] == c2 and d["changed_in"]["commit"] == c3
    assert c2[:12] in notice[0]["explanation"] and c3[:12] in notice[0]["explanation"]

    units = {u["unit"]: u for u in data["units"]}
    attention = units["BetaAttention.forward"]
    assert attention["first"]["commit"] == c2
    assert attention["first"]["date"] == "2025-06-01T09:30:00Z"
    assert attention["first"]["author"].startswith("Dev One")
    assert attention["reference_first_seen"] == "2025-07-28" and attention["predates_reference"] is True
    predates = [f for f in data["findings"] if f["kind"] == "predates-reference"]
    assert len(predates) == 1 and "first seen 2025-07-28" in predates[0]["explanation"]
    assert "2025-06-01" in predates[0]["explanation"]

    assert run("history", ".", "--index", index_path).exit_code == 1  # the replaced notice is medium: the default fails on it
    text = run("history", ".", "--index", index_path, "--fail-on", "high")
    assert text.exit_code == 0  # nothing reaches high
    assert "PREDATES REFERENCE" in text.stdout and "notice-history" in text.stdout


def test_history_of_a_clean_repository(repo: Repo, index_path: Path) -> None:
    done = run("history", ".", "--index", index_path)
    assert done.exit_code == 0 and "no matched files" in done.stdout
    assert run("history", ".", "--index", index_path, "--rev", "no-such-rev").exit_code == 2


def test_notebooks_and_scripts_are_traced_and_unreadable_versions_are_per_file_errors(
        repo: Repo, index_path: Path) -> None:
    """History reads what a scan reads: a notebook (its notice found by cell and line) and a script
    without a suffix; a malformed notebook and a binary blob in an earlier commit are errors naming
    that commit, and the shell script the script once was is no Python version of it."""
    def notebook_of(holder_line: str) -> str:
        return notebook(("markdown", "# Exploring the model\n"), ("code", renamed_copy(holder_line)))

    repo.write("explore.ipynb", "{ this is no notebook")
    repo.write("bin/train", "#!/bin/sh\nexec python -m trainer \"$@\"\n")
    (repo.path / "models").mkdir()
    (repo.path / "models" / "modeling_beta.py").write_bytes(b"\x00\x01binary\x00" * 64)
    repo.add("explore.ipynb", "bin/train", "models/modeling_beta.py")
    c2 = repo.commit("work in progress", date="2025-05-20T08:00:00+00:00")
    repo.write("explore.ipynb", notebook_of(ZHIPU_LINE))
    repo.write("bin/train", "#!/usr/bin/env python3\n" + renamed_copy(ZHIPU_LINE))
    repo.write("models/modeling_beta.py", renamed_copy(ZHIPU_LINE))
    repo.add("explore.ipynb", "bin/train", "models/modeling_beta.py")
    c3 = repo.commit("add beta", date="2025-06-01T09:30:00+00:00", author="Dev One")
    repo.write("explore.ipynb", notebook_of(ACME_LINE))
    repo.write("bin/train", "#!/usr/bin/env python3\n" + renamed_copy(ACME_LINE))
    repo.add("explore.ipynb", "bin/train")
    c4 = repo.commit("relicense", date="2025-06-10T10:00:00+00:00", author="Dev Two")

    done = run("history", ".", "--index", index_path, "--format", "json")
    assert done.exit_code == 1, done.output  # the replaced notices are medium findings: the default fails on them
    data = json.loads(done.stdout)
    assert data["revision"] == c4 and data["repository"] == "project"  # `.` named by its directory
    assert {p: a["commit"] for p, a in data["files"].items()} == {
        "bin/train": c3, "explore.ipynb": c3, "models/modeling_beta.py": c3}
    assert {u["unit"] for u in data["units"] if u["path"] == "explore.ipynb"} >= {"BetaAttention.forward"}
    assert all(u["first"]["commit"] == c3 for u in data["units"] if u["path"] in ("explore.ipynb", "bin/train"))

    changed = {f["path"]: f for f in data["findings"] if f["kind"] == "notice-history"}
    assert set(changed) == {"bin/train", "explore.ipynb"}
    for f in changed.values():
        d = f["details"]
        assert (d["org"], d["change"], d["replaced_by"]) == ("Zhipu AI", "replaced", ["Acme Corp"])
        assert d["present_in"]["commit"] == c3 and d["changed_in"]["commit"] == c4
    # the notice is the code cell's first line: line 2 of the converted text (the markdown cell is line 1)
    assert changed["explore.ipynb"]["start_line"] == 2
    assert "In the notebook: cell 2, line 1 " in changed["explore.ipynb"]["explanation"]
    assert "In the notebook" not in changed["bin/train"]["explanation"]
    in_notebook = [f for f in data["code_findings"] if f["path"] == "explore.ipynb"]
    assert in_notebook and all("In the notebook: cell 2" in f["explanation"] for f in in_notebook)

    errors = {e["path"]: e for e in data["errors"]}
    assert set(errors) == {"explore.ipynb", "models/modeling_beta.py"}
    assert errors["explore.ipynb"]["stage"] == "decode" and errors["explore.ipynb"]["unchecked"] is True
    assert errors["explore.ipynb"]["reason"].startswith(f"at commit {c2[:12]} (2025-05-20): malformed notebook: ")
    assert errors["models/modeling_beta.py"]["reason"] == (
        f"at commit {c2[:12]} (2025-05-20): binary file (NUL bytes), not scanned")

    text = run("history", ".", "--index", index_path, "--fail-on", "high")
    assert text.exit_code == 0, text.output
    assert "explore.ipynb: first committed 2025-06-01" in text.stdout
    assert "bin/train: first committed 2025-06-01" in text.stdout
    assert "NOT READ: 2 file(s) or past version(s)" in text.stdout
    assert f"explore.ipynb: decode: at commit {c2[:12]}" in text.stdout


def test_a_file_unreadable_at_the_revision_is_reported(repo: Repo, index_path: Path) -> None:
    repo.write("explore.ipynb", '{"cells": 3}')
    repo.add("explore.ipynb")
    repo.commit("a broken notebook")
    done = run("history", ".", "--index", index_path, "--format", "json")
    assert done.exit_code == 1, done.output  # as a scan: a clean exit means every file in scope was read
    (error,) = json.loads(done.stdout)["errors"]
    assert error == {"path": "explore.ipynb", "stage": "decode", "unchecked": True,
                     "reason": "malformed notebook: notebook has no cell list"}
    assert "1 file could not be checked" in done.stderr
    assert run("history", ".", "--index", index_path, "--exit-zero").exit_code == 0


def test_history_leaves_out_what_the_exclude_setting_names(repo: Repo, index_path: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lineage.cli.main import cli as main_cli

    repo.write("bin/train", "#!/usr/bin/env python3\n" + renamed_copy())
    repo.add("bin/train")
    repo.commit("add a script")
    settings = tmp_path / "lineage.toml"
    settings.write_text('exclude = ["bin/*"]\n', encoding="utf-8")
    args = ["history", ".", "--index", str(index_path), "--format", "json"]
    assert list(json.loads(run(*args).stdout)["files"]) == ["bin/train"]
    done = CliRunner().invoke(main_cli, ["--config", str(settings), *args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["files"] == {}  # as `lineage scan` with the same settings
