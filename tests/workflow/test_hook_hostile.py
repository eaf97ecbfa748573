"""The hook against hostile staged names, links and line separators, through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

from tests.workflow.conftest import ORIGINAL, Repo, renamed_copy, run, unit_source
from tests.workflow.test_precommit import hook_entry, needs_precommit, pre_commit


def test_pragma_after_a_form_feed_line_still_accepts(repo: Repo, index_path: Path) -> None:
    """Units are numbered on '\\n': a form feed (or \\u2028) earlier in the file must not
    shift the line a pragma is looked for on."""
    body = unit_source("alpha_partial_rotary")
    pragma = '# lineage: accept reason="rotary helper reused under Apache-2.0, notice kept in NOTICE"\n'
    for separator in ("\f", "\u2028", "\x1c"):
        text = f'"""Rotary helper."""\n\nimport torch  # page{separator}break\n\n\n{pragma}{body}'
        repo.write("models/rope.py", text)
        repo.add("models/rope.py")
        ok = run("hook", "--index", index_path, "models/rope.py")
        assert ok.exit_code == 0, (repr(separator), ok.stdout)
        assert "2 accepted by pragma" in ok.stdout  # the unit and the notice resting on it
    # the same file without the pragma fails: the pragma is what lets it through
    repo.write("models/rope.py", f'"""Rotary helper."""\n\nimport torch  # page\fbreak\n\n\n{body}')
    repo.add("models/rope.py")
    assert run("hook", "--index", index_path, "models/rope.py").exit_code == 1


def _decoy_index(tmp_path: Path) -> Path:
    """An index of unrelated code: loaded instead of the real one, it would pass any copy."""
    from lineage import api

    (tmp_path / "decoy" / "d").mkdir(parents=True)
    (tmp_path / "decoy" / "d" / "own.py").write_text(ORIGINAL, encoding="utf-8")
    manifest = tmp_path / "decoy" / "m.toml"
    manifest.write_text(f'[source]\nname = "decoy"\nkind = "dir"\npath = "{tmp_path / "decoy"}"\n'
                        'licence = "MIT"\n\n[[family]]\nname = "own"\ninclude = ["d/*.py"]\norg = "Meta"\n',
                        encoding="utf-8")
    out = tmp_path / "decoy.lineage"
    api.build([manifest], out, workers=1)
    return out


def _stage_attack(repo: Repo, tmp_path: Path) -> None:
    repo.write("models/modeling_beta.py", renamed_copy())
    (repo.path / "hide.py").write_bytes(_decoy_index(tmp_path).read_bytes())
    for name in ("--index=hide.py", "-rf.py", "--exit-zero.py"):
        (repo.path / name).write_text("", encoding="utf-8")
    repo.add("models/modeling_beta.py", "hide.py", "--index=hide.py", "-rf.py", "--exit-zero.py")


@needs_precommit
def test_staged_names_that_look_like_options_are_paths_under_pre_commit(
        repo: Repo, index_path: Path, tmp_path: Path) -> None:
    config = ("repos:\n- repo: local\n  hooks:\n  - id: lineage\n    name: lineage\n"
              f"    entry: {hook_entry(index_path)}\n    language: system\n    types: [python]\n"
              "    require_serial: true\n")
    repo.write(".pre-commit-config.yaml", config)
    repo.add(".pre-commit-config.yaml")
    _stage_attack(repo, tmp_path)
    done = pre_commit(repo, tmp_path, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BetaAttention" in done.stdout, "the real index was used: the copy is caught"
    assert "Traceback" not in done.stdout + done.stderr


@needs_precommit
def test_under_pre_commit_args_without_a_separator_are_refused(repo: Repo, index_path: Path,
                                                                tmp_path: Path) -> None:
    entry = hook_entry(index_path).removesuffix(" --")
    config = ("repos:\n- repo: local\n  hooks:\n  - id: lineage\n    name: lineage\n"
              f"    entry: {entry}\n    language: system\n    types: [python]\n    require_serial: true\n")
    repo.write(".pre-commit-config.yaml", config)
    repo.add(".pre-commit-config.yaml")
    _stage_attack(repo, tmp_path)
    done = pre_commit(repo, tmp_path, "--all-files")
    assert done.returncode == 1 and "end the hook's `args:` with '--'" in done.stdout, done.stdout
    assert "Passed" not in done.stdout


def test_names_after_the_separator_are_paths(repo: Repo, index_path: Path, tmp_path: Path) -> None:
    _stage_attack(repo, tmp_path)
    done = run("hook", "--index", index_path, "--", "--index=hide.py", "-rf.py", "--exit-zero.py",
               "models/modeling_beta.py")
    assert done.exit_code == 1, done.output
    assert "BetaAttention" in done.stdout and "4 staged files" in done.stdout


def test_a_staged_symlink_is_checked_as_a_link(repo: Repo, index_path: Path) -> None:
    repo.write("vendor/modeling_beta.py", renamed_copy())
    repo.add("vendor/modeling_beta.py")
    assert run("hook", "--index", index_path, "--", "vendor/modeling_beta.py").exit_code == 1
    os.symlink("../vendor/modeling_beta.py", repo.path / "models_link.py")
    (repo.path / "pkg" / "alias.py").symlink_to("../vendor/modeling_beta.py")
    repo.add("models_link.py", "pkg/alias.py")
    done = run("hook", "--index", index_path, "--", "models_link.py", "pkg/alias.py")
    assert done.exit_code == 0, done.stdout
    assert "vendor/modeling_beta.py" not in done.stdout, "the link's target is not what was named"
