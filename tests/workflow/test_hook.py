"""The pre-commit hook through the CLI, in real git repositories: staged content only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.workflow.conftest import ORIGINAL, Repo, renamed_copy, run, unit_source


def test_staged_copy_fails_until_baselined_then_a_new_copy_fails(repo: Repo, index_path: Path) -> None:
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    first = run("hook", "--index", index_path, "models/modeling_beta.py")
    assert first.exit_code == 1, first.output
    assert "BetaAttention.forward" in first.stdout and "AlphaAttention.forward" in first.stdout
    assert "fix:alpha" in first.stdout
    # no baseline yet: the advice names the command that makes one, which then works
    assert "record all with `lineage baseline create`" in first.stdout
    said = [line.split("[", 1)[1].split("]", 1)[0] for line in first.stdout.splitlines()
            if line.startswith("models/modeling_beta.py:") and "[" in line]
    ranks = {"high": 3, "medium": 2, "low": 1, "info": 0}
    assert said and [ranks[s] for s in said] == sorted((ranks[s] for s in said), reverse=True)  # most severe first
    # the summary line says which findings fail the commit and which are only below the bar
    failing = sum(1 for s in said if ranks[s] >= ranks["medium"])
    assert f"{failing} new finding(s) at or above the failing severity;" in first.stdout, first.stdout
    assert "more below the failing severity (not failing)" in first.stdout

    created = run("baseline", "create", ".", "--index", index_path, "-q")
    assert created.exit_code == 0, created.output
    assert "findings recorded" in created.stderr
    recorded = json.loads((repo.path / ".lineage-baseline.json").read_text())
    assert recorded["schema_version"] == 2 and recorded["fingerprint"]["k"] > 0
    assert all(e["path"] == "models/modeling_beta.py" for e in recorded["entries"].values())

    assert run("hook", "--index", index_path, "models/modeling_beta.py").exit_code == 0
    whole = run("hook", "--index", index_path, "--all-files")
    assert whole.exit_code == 0 and "in the baseline" in whole.stdout

    repo.write("models/second.py", '"""Second model."""\n\nimport torch\n\n\n' + unit_source("AlphaTopKRouter"))
    repo.add("models/second.py")
    again = run("hook", "--index", index_path, "models/second.py")
    assert again.exit_code == 1
    assert "AlphaTopKRouter.forward" in again.stdout
    assert "record all with `lineage baseline update`" in again.stdout  # a baseline exists now
    assert run("hook", "--index", index_path, "--all-files").exit_code == 1


def test_a_notice_finding_says_what_became_of_the_notice(repo: Repo, index_path: Path) -> None:
    """A replaced notice is reported by what happened to it, not as a code resemblance."""
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    out = run("hook", "--index", index_path, "models/modeling_beta.py").stdout
    notice = [line for line in out.splitlines() if "] notice" in line]
    assert notice and all("resembles" not in line for line in notice)
    assert any("replaced" in line and "Zhipu" in line for line in notice)
    assert "to fix a removed or replaced notice: restore the upstream holder's copyright line" in out


def test_only_the_staged_content_counts(repo: Repo, index_path: Path) -> None:
    repo.write("pkg/helpers.py", ORIGINAL + "\n\n" + unit_source("AlphaAttention"))  # modified, not staged
    repo.write("models/untracked.py", renamed_copy())  # never added
    assert run("hook", "--index", index_path, "pkg/helpers.py").exit_code == 0
    assert run("hook", "--index", index_path, "--all-files").exit_code == 0
    repo.add("pkg/helpers.py")
    assert run("hook", "--index", index_path, "pkg/helpers.py").exit_code == 1
    # staged copy, clean working tree content: the index still wins
    repo.write("pkg/helpers.py", ORIGINAL)
    assert run("hook", "--index", index_path, "pkg/helpers.py").exit_code == 1


def test_pragma_with_reason_accepts_one_unit(repo: Repo, index_path: Path) -> None:
    body = unit_source("alpha_partial_rotary")
    accepted = f'# lineage: accept reason="rotary helper reused under Apache-2.0, notice kept in NOTICE"\n{body}'
    repo.write("models/rope.py", '"""Rotary helper."""\n\nimport torch\n\n\n' + accepted)
    repo.add("models/rope.py")
    ok = run("hook", "--index", index_path, "models/rope.py")
    assert ok.exit_code == 0, ok.stdout
    assert "2 accepted by pragma" in ok.stdout  # the unit, and the removed notice resting on it alone

    bare = body.replace("def alpha_partial_rotary(", "def alpha_partial_rotary(  # lineage: accept\n", 1)
    repo.write("models/rope.py", '"""Rotary helper."""\n\nimport torch\n\n\n' + bare)
    repo.add("models/rope.py")
    refused = run("hook", "--index", index_path, "models/rope.py")
    assert refused.exit_code == 1
    assert "without reason" in refused.stdout and "alpha_partial_rotary" in refused.stdout


def test_hook_usage_and_errors(repo: Repo, index_path: Path, tmp_path: Path) -> None:
    assert run("hook", "--index", index_path).exit_code == 2
    missing = run("hook", "--index", index_path, "--baseline", tmp_path / "none.json", "--all-files")
    assert missing.exit_code == 2 and "no baseline" in missing.stderr
    assert run("hook", "--index", tmp_path / "nope.lineage", "--all-files").exit_code == 2


def test_exclude_leaves_out_the_same_files_for_hook_baseline_and_scan(repo: Repo, index_path: Path) -> None:
    from click.testing import CliRunner

    from lineage.cli.main import cli as main_cli

    repo.write("pyproject.toml", '[tool.lineage]\nexclude = ["vendor/*"]\n')
    repo.write("vendor/beta/modeling_beta.py", renamed_copy())
    repo.add("pyproject.toml", "vendor/beta/modeling_beta.py")

    def main(*args: str | Path) -> int:
        return CliRunner().invoke(main_cli, [str(a) for a in args]).exit_code

    # the repository's own settings loosen (exclude): they apply once the user trusts them
    assert run("hook", "--index", index_path, "vendor/beta/modeling_beta.py").exit_code == 1
    assert run("hook", "--trust-config", "--index", index_path, "vendor/beta/modeling_beta.py").exit_code == 0
    assert run("hook", "--trust-config", "--index", index_path, "--all-files").exit_code == 0
    assert main("--trust-config", "baseline", "create", ".", "--index", index_path, "-q") == 0
    assert json.loads((repo.path / ".lineage-baseline.json").read_text())["entries"] == {}
    scanned = CliRunner().invoke(main_cli, ["--trust-config", "scan", ".", "--index", str(index_path),
                                            "--format", "json", "-q"])
    assert scanned.exit_code == 0 and json.loads(scanned.stdout)["findings"] == []

    repo.write("pyproject.toml", "[tool.lineage]\n")  # the same copy counts once it is not excluded
    assert run("hook", "--trust-config", "--index", index_path, "vendor/beta/modeling_beta.py").exit_code == 1


# what the other commands need and the hook never should: scancode (the hook uses the fast
# notice detector), scipy and datasketch (the Redis store), the report and weights stacks
NOT_FOR_THE_HOOK = {"scancode", "licensedcode", "cluecode", "textcode", "scipy", "datasketch", "redis",
                    "jinja2", "rich", "safetensors", "ml_dtypes"}


def test_the_hook_imports_only_what_it_needs(repo: Repo, index_path: Path) -> None:
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "lineage", "hook", "--index", str(index_path),
                           "models/modeling_beta.py"], cwd=repo.path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "BetaAttention" in done.stdout  # it did check the copy
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert {"lineage", "tree_sitter", "numpy", "git"} <= imported
    assert not imported & NOT_FOR_THE_HOOK


def test_a_failing_file_is_described_by_its_verdict_and_the_notice_fix_even_below_the_bar(
        repo: Repo, index_path: Path) -> None:
    """Failing on code findings at `--fail-on high`, the replaced notice (a finding of its own, below
    or at the bar) still explains the failure: the file's verdict and the fix are printed."""
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    out = run("hook", "--index", index_path, "--fail-on", "high", "models/modeling_beta.py").stdout
    verdicts = [line for line in out.splitlines() if line.startswith("models/modeling_beta.py: ")]
    assert verdicts and "copy of" in verdicts[0] and "notice replaced" in verdicts[0]
    assert "to fix a removed or replaced notice" in out


def test_a_path_that_is_not_there_is_said_not_checked(repo: Repo, index_path: Path) -> None:
    """`lineage hook -- typo.py` printed "0 staged files scanned" and exited 0 without a word (a
    stranger's review): a mistyped name checks nothing, and the run says so."""
    repo.write("models/own.py", ORIGINAL)
    repo.add("models/own.py")
    done = run("hook", "--index", index_path, "models/own.py", "models/typo.py")
    assert done.exit_code == 0
    assert "models/typo.py: no such file in the repository: not checked" in done.stderr
    assert "models/own.py" not in done.stderr
