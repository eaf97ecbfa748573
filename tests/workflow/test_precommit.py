"""pre-commit itself runs the hook: fails on a staged copy, passes once it is baselined.

The last test installs the shipped .pre-commit-hooks.yaml the way users do (`repo:` a clone
of this repository, `rev:` its commit): pre-commit builds the hook's own environment with
`pip install .` from the clone, and `git commit` runs it.  It clones the checkout's HEAD, so
uncommitted edits are not in what it tests.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lineage.cli.main import cli as main_cli
from tests.workflow.conftest import Repo, renamed_copy, run, unit_source

ROOT = Path(__file__).resolve().parents[2]
needs_precommit = pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                                     reason="pre-commit is not installed in this environment")


def hook_entry(index: Path) -> str:
    """The real `lineage hook` once registered on the main group; the same command object before."""
    exe = Path(sys.executable).parent / "lineage"
    if "hook" in main_cli.commands and exe.exists():
        return f"{shlex.quote(str(exe))} hook --index {shlex.quote(str(index))} --"
    code = "import sys; from lineage.cli.hook import hook; hook(prog_name='lineage hook')"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)} --index {shlex.quote(str(index))} --"


def local_hook_config(index_path: Path, types: str) -> str:
    """A .pre-commit-config.yaml running the installed lineage hook as a local, system hook."""
    return ("repos:\n- repo: local\n  hooks:\n  - id: lineage\n    name: lineage\n"
            f"    entry: {hook_entry(index_path)}\n    language: system\n    {types}\n"
            "    require_serial: true\n")


def pre_commit(repo: Repo, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
                          cwd=repo.path, env=env, capture_output=True, text=True, timeout=120)


@needs_precommit
def test_pre_commit_runs_the_hook_on_staged_files(repo: Repo, index_path: Path, tmp_path: Path) -> None:
    repo.write(".pre-commit-config.yaml", local_hook_config(index_path, "types: [python]"))
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
    assert changed["entry"] == "lineage hook" and changed["types_or"] == ["python", "jupyter"]
    assert whole["args"] == changed["args"] == ["--"], "staged names must never be read as options"
    assert all(h["language"] == "python" and h["require_serial"] for h in hooks.values())


def git(repo: Path, *args: str, env: dict[str, str] | None = None,
        ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode in ok, f"git {' '.join(args)}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@needs_precommit
@pytest.mark.slow
def test_shipped_hooks_installed_from_a_clone_guard_real_commits(repo: Repo, index_path: Path,
                                                                 tmp_path: Path) -> None:
    clone = tmp_path / "lineage-clone"
    git(tmp_path, "clone", "--quiet", str(ROOT), str(clone))
    rev = git(clone, "rev-parse", "HEAD").stdout.strip()
    hooks = "".join(f"  - id: {hook}\n    args: [--index, {json.dumps(str(index_path))}, --]\n"
                    for hook in ("lineage-changed", "lineage"))
    repo.write(".pre-commit-config.yaml", f"repos:\n- repo: {json.dumps(str(clone))}\n  rev: {rev}\n  hooks:\n{hooks}")
    repo.add(".pre-commit-config.yaml")
    repo.commit("use the lineage hooks")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install", "--install-hooks"], cwd=repo.path,
                               env=env, capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    def commit(message: str, ok: int) -> str:
        done = git(repo.path, "commit", "-m", message, env=env, ok=(ok,))
        return done.stdout + done.stderr

    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    blocked = commit("a renamed copy", ok=1)
    assert "lineage (changed files)" in blocked and "lineage (whole repository)" in blocked
    assert "Failed" in blocked and "BetaAttention.forward" in blocked and "Passed" not in blocked

    assert run("baseline", "create", ".", "--index", index_path, "-q").exit_code == 0
    repo.add(".lineage-baseline.json")
    passed = commit("the copy, baselined", ok=0)
    assert passed.count("Passed") == 2 and "Failed" not in passed

    rope = '"""Rotary helper."""\n\nimport torch\n\n\n' + unit_source("alpha_partial_rotary")
    repo.write("models/rope.py", rope)
    repo.add("models/rope.py")
    assert "alpha_partial_rotary" in commit("a copied helper", ok=1)
    pragma = '# lineage: accept reason="rotary helper reused under Apache-2.0, notice kept in NOTICE"\n'
    repo.write("models/rope.py", rope.replace("def alpha_partial_rotary", pragma + "def alpha_partial_rotary"))
    repo.add("models/rope.py")
    accepted = commit("the helper, accepted with a reason", ok=0)
    assert accepted.count("Passed") == 2
    assert git(repo.path, "log", "--format=%s", "-1").stdout.strip() == "the helper, accepted with a reason"
