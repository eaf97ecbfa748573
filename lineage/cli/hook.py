"""`lineage hook [FILES]... | --all-files`: the pre-commit check of staged content."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from lineage.cli.context import trust_options
from lineage.cli.handling import handled
from lineage.report.escape import terminal_line
from lineage.vocab import SEVERITIES

SEPARATOR_NEEDED = ("under pre-commit, end the hook's `args:` with '--' (e.g. args: [--index, FILE, --]) so "
                    "staged file names are never read as options")


class HookCommand(click.Command):
    """Staged names are paths, never options: under pre-commit (which sets PRE_COMMIT=1 and
    appends file names after the hook's args) a '--' must end the options, else a staged
    file named `--index=x.py` or `--exit-zero` would configure the hook that checks it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if os.environ.get("PRE_COMMIT") == "1" and "--" not in args:
            raise click.UsageError(SEPARATOR_NEEDED, ctx=ctx)
        return super().parse_args(ctx, args)


@click.command("hook", cls=HookCommand)
@click.argument("files", nargs=-1)
@click.option("--all-files", is_flag=True,
              help="Check every staged Python file (.py, notebooks, scripts with a Python shebang) instead of FILES.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Baseline file (default: .lineage-baseline.json at the repository root).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Fail on new findings at or above this severity.")
@click.option("--index", help="Index file or redis://HOST:PORT/DB (default: the default index, `lineage corpus path`, built by `lineage corpus ensure`).")
@click.option("--exit-zero", is_flag=True, help="Report, but always exit 0.")
@trust_options
@handled
def hook(files: tuple[str, ...], all_files: bool, baseline_path: Path | None, fail_on: str | None,
         index: str | None, exit_zero: bool) -> None:
    """Fail when the STAGED content of FILES (or of every file) has findings not in the baseline.

    Put '--' before FILES (pre-commit: end `args:` with '--'); a staged symbolic link is
    checked as a link (its target is not read through it).
    """
    from lineage.cli.baseline import read_baseline
    from lineage.cli.context import Context
    from lineage.workflow.hook import check_staged, describe, repo_paths, repo_root

    if not files and not all_files:
        raise click.UsageError("give the FILES to check, or --all-files")
    root = repo_root(".")
    ctx = Context.create(str(root), index=index, fail_on=fail_on)
    target = baseline_path or root / ctx.config.baseline
    base = read_baseline(target, required=baseline_path is not None)
    paths = None if all_files else repo_paths(root, files)
    outcome = check_staged(root, ctx.index, ctx.config, paths=paths, baseline=base, baseline_source=str(target))
    for note in outcome.notes:
        click.echo(f"lineage: note: {note}", err=True)
    for missing in [q for q in paths or () if not os.path.lexists(root / q)]:  # (a typo checked nothing)
        click.echo(f"lineage: warning: {terminal_line(missing)}: no such file in the repository: not checked",
                   err=True)
    click.echo(describe(outcome), nl=False)
    sys.exit(0 if exit_zero or not outcome.failed else 1)
