"""The hook never passes a staged Python file it could not check, and reads notebooks and scripts.

Real git repositories and the real `lineage hook` command; the copied code is our own Alpha
fixture (renamed), padded, broken or wrapped in a notebook by the tests themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflow.conftest import ORIGINAL, Repo, renamed_copy, run
from tests.workflow.test_precommit import local_hook_config, needs_precommit, pre_commit

PAD = 2_100_000  # a string literal past the default 2,000,000-byte cap, as the reviewer did


def padded_copy() -> str:
    return renamed_copy() + f'\n\nPADDING = "{"x" * PAD}"\n'


def notebook(*cells: tuple[str, str]) -> str:
    """nbformat 4 JSON with the given (cell_type, source) cells, sources as line lists."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True),
         **({"outputs": [], "execution_count": None} if kind == "code" else {})} for kind, text in cells]})


def test_an_oversized_staged_copy_fails_with_the_file_the_reason_and_the_ways_on(repo: Repo, index_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("models/modeling_beta.py", padded_copy())
    repo.add("models/modeling_beta.py")
    blocked = run("hook", "--index", index_path, "models/modeling_beta.py")
    assert blocked.exit_code == 1, blocked.output
    out = blocked.stdout
    assert "1 staged file could not be checked" in out
    assert "models/modeling_beta.py: read: skipped:" in out and "exceeds the 2000000-byte cap" in out
    assert "max_file_bytes = 3000000" in out and "LINEAGE_MAX_FILE_BYTES=3000000" in out
    assert 'exclude = ["models/modeling_beta.py"]' in out and "--trust-config" in out
    assert "1 not checked" in out
    assert run("hook", "--index", index_path, "--all-files").exit_code == 1  # the whole-repository hook too
    assert run("hook", "--index", index_path, "--exit-zero", "--all-files").exit_code == 0

    # way on 1: raise the cap for one commit; the file is scanned whole and the copy is found
    monkeypatch.setenv("LINEAGE_MAX_FILE_BYTES", "3000000")
    found = run("hook", "--index", index_path, "models/modeling_beta.py")
    assert found.exit_code == 1 and "BetaAttention.forward" in found.stdout and "not checked" not in found.stdout
    monkeypatch.delenv("LINEAGE_MAX_FILE_BYTES")

    # way on 2: exclude it on purpose; a repository's exclude applies only when trusted
    repo.write("pyproject.toml", '[tool.lineage]\nexclude = ["models/modeling_beta.py"]\n')
    refused = run("hook", "--index", index_path, "models/modeling_beta.py")
    assert refused.exit_code == 1 and "refused" in refused.stderr
    trusted = run("hook", "--trust-config", "--index", index_path, "models/modeling_beta.py")
    assert trusted.exit_code == 0, trusted.output
    assert "could not be checked" not in trusted.stdout


def test_binary_and_malformed_files_fail_but_a_syntax_error_is_only_a_caveat(repo: Repo, index_path: Path) -> None:
    (repo.path / "blob.py").write_bytes(b"import os\x00\x00\x00" + os.urandom(64))
    repo.write("broken.ipynb", '{"cells": [{"cell_type": "code", "source": ')
    repo.write("typo.py", ORIGINAL + "\ndef half(:\n    pass\n")
    repo.add("blob.py", "broken.ipynb", "typo.py")
    blocked = run("hook", "--index", index_path, "blob.py", "broken.ipynb", "typo.py")
    assert blocked.exit_code == 1, blocked.output
    assert "2 staged files could not be checked" in blocked.stdout
    assert "blob.py: decode: binary file" in blocked.stdout
    assert "broken.ipynb: decode: malformed notebook" in blocked.stdout
    assert "fix it" in blocked.stdout and "max_file_bytes" not in blocked.stdout  # no cap advice: none too large
    caveat = run("hook", "--index", index_path, "typo.py")
    assert caveat.exit_code == 0, caveat.output  # scanned with error recovery: listed, not fatal
    assert "typo.py: parse:" in caveat.stdout and "could not be checked" not in caveat.stdout


def test_a_staged_notebook_is_checked_and_findings_name_the_cell(repo: Repo, index_path: Path) -> None:
    lines = renamed_copy().splitlines(keepends=True)
    half = len(lines) // 2
    repo.write("notebooks/explore.ipynb", notebook(
        ("markdown", "# Exploring Beta\nSome prose, not Python.\n"),
        ("code", "%matplotlib inline\n!pip install torch\n"),
        ("code", "".join(lines[:half])),
        ("code", "".join(lines[half:])),
    ))
    repo.add("notebooks/explore.ipynb")
    found = run("hook", "--index", index_path, "notebooks/explore.ipynb")
    assert found.exit_code == 1, found.output
    assert "notebooks/explore.ipynb:" in found.stdout and "BetaAttention" in found.stdout
    assert run("hook", "--index", index_path, "--all-files").exit_code == 1


def test_a_staged_script_with_a_python_shebang_is_checked(repo: Repo, index_path: Path) -> None:
    repo.write("bin/train", "#!/usr/bin/env python3\n" + renamed_copy())
    repo.write("bin/notes", "#!/bin/sh\necho not python\n")
    repo.add("bin/train", "bin/notes")
    whole = run("hook", "--index", index_path, "--all-files")
    assert whole.exit_code == 1 and "bin/train:" in whole.stdout and "bin/notes" not in whole.stdout
    named = run("hook", "--index", index_path, "bin/train")  # as pre-commit passes an executable script
    assert named.exit_code == 1 and "BetaAttention" in named.stdout


@pytest.mark.parametrize("name", ["gui/modeling_beta.pyw", "serve/app.wsgi"])
def test_a_staged_pyw_or_wsgi_file_is_python_and_checked(repo: Repo, index_path: Path, name: str) -> None:
    """pre-commit's `identify` calls `.pyw` and `.wsgi` files Python and hands them to the hook;
    until 2026-12-03 the hook read "0 staged files" and passed a copy named so."""
    repo.write(name, renamed_copy())
    repo.add(name)
    named = run("hook", "--index", index_path, name)
    assert named.exit_code == 1 and "BetaAttention" in named.stdout and f"{name}:" in named.stdout
    assert run("hook", "--index", index_path, "--all-files").exit_code == 1


@needs_precommit
def test_pre_commit_shows_why_an_unchecked_file_stops_the_commit(repo: Repo, index_path: Path,
                                                                 tmp_path: Path) -> None:
    """pre-commit hides the output of a passing hook: an unchecked file must fail, visibly."""
    repo.write(".pre-commit-config.yaml", local_hook_config(index_path, "types_or: [python, jupyter]"))
    repo.write("models/modeling_beta.py", padded_copy())
    repo.add(".pre-commit-config.yaml", "models/modeling_beta.py")
    failed = pre_commit(repo, tmp_path, "--files", "models/modeling_beta.py")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and "could not be checked" in failed.stdout
    assert "models/modeling_beta.py" in failed.stdout and "max_file_bytes" in failed.stdout


def test_hook_process_exit_code_for_an_unchecked_file(repo: Repo, index_path: Path) -> None:
    """The installed command, not CliRunner: exit 1 and the message on stdout."""
    repo.write("models/modeling_beta.py", padded_copy())
    repo.add("models/modeling_beta.py")
    code = "import sys; from lineage.cli.hook import hook; hook(prog_name='lineage hook')"
    done = subprocess.run([sys.executable, "-c", code, "--index", str(index_path), "--", "models/modeling_beta.py"],
                          cwd=repo.path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "could not be checked" in done.stdout
