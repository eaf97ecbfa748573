"""pre-commit itself runs the hook: fails on a staged copy, passes once it is baselined."""

from __future__ import annotations

import importlib.util
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lineage.cli.main import cli as main_cli
from tests.workflow.conftest import Repo, renamed_copy, run

ROOT = Path(__file__).resolve().parents[2]
needs_precommit = pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                                     reason="pre-commit is not installed in this environment")


def hook_entry(index: Path) -> str:
    """The real `lineage hook` once registered on the main group; the same command object before."""
    exe = Path(sys.executable).parent / "lineage"
    if "hook" in main_cli.commands and exe.exists():
        return f"{shlex.quote(str(exe))} hook --index {shlex.quote(str(index))}"
    code = "import sys; from lineage.cli.hook import hook; hook(prog_name='lineage hook')"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)} --index {shlex.quote(str(index))}"


def pre_commit(repo: Repo, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
                          cwd=repo.path, env=env, capture_output=True, text=True, timeout=120)


@needs_precommit
def test_pre_commit_runs_the_hook_on_staged_files(repo: Repo, index_path: Path, tmp_path: Path) -> None:
    config = ("repos:\n- repo: local\n  hooks:\n  - id: lineage\n    name: lineage\n"
              f"    entry: {hook_entry(index_path)}\n    language: system\n    types: [python]\n"
              "    require_serial: true\n")
    repo.write(".pre-commit-config.yaml", config)
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add(".pre-commit-config.yaml", "models/modeling_beta.py")
    failed = pre_commit(repo, tmp_path, "--files", "models/modeling_beta.py")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and "BetaAttention" in failed.stdout

    assert run("baseline", "create", ".", "--index", index_path, "-q").exit_code == 0
    repo.add(".lineage-baseline.json")  # teams commit the baseline; pre-commit stashes unstaged edits
    passed = pre_commit(repo, tmp_path, "--files", "models/modeling_beta.py")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


@needs_precommit
def test_shipped_hook_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"lineage", "lineage-changed"}
    whole, changed = hooks["lineage"], hooks["lineage-changed"]
    assert whole["entry"] == "lineage hook --all-files" and not whole["pass_filenames"] and whole["always_run"]
    assert changed["entry"] == "lineage hook" and changed["types"] == ["python"]
    assert all(h["language"] == "python" and h["require_serial"] for h in hooks.values())
