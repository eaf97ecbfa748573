"""`lineage baseline create|update [PATH]`: record the current findings as already seen."""

from __future__ import annotations

from pathlib import Path

import click

from lineage.cli.context import Context
from lineage.cli.handling import handled
from lineage.errors import ConfigError, LineageError
from lineage.workflow.baseline import Baseline, loads


def read_baseline(path: Path, *, required: bool) -> Baseline | None:
    """Load a baseline file; None when it does not exist and is not required."""
    if not path.exists():
        if required:
            raise ConfigError("no baseline here: create one with `lineage baseline create`", source=str(path))
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read baseline: {exc}", source=str(path)) from None
    return loads(text, source=str(path))


def write_baseline(text: str, path: Path) -> None:
    """Replace the file atomically, so an interrupted write never leaves half a baseline; a new
    baseline gets the usual umask mode, a file committed for the team to read (it was 0600, as
    the temporary file it was written to: a stranger's review), an existing one keeps its mode."""
    from lineage.cli.atomic import replace_file

    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, text.encode("utf-8"))


def _run(path: str, index: str | None, baseline_path: Path | None, quiet: bool, update: bool) -> None:
    from lineage.workflow import baseline as wb
    from lineage.workflow.hook import baseline_scope, default_baseline_path, scan_for_baseline

    ctx = Context.create(path, index=index)
    target = baseline_path or default_baseline_path(path, ctx.config)
    with ctx.progress(quiet) as progress:
        result = scan_for_baseline(path, ctx.index, ctx.config, progress=progress)
    scope = baseline_scope(path)
    # (a fresh baseline over an old one keeps the old one's audit verdicts of findings still found)
    old = read_baseline(target, required=True) if update else _previous(target)
    new = wb.update(old, result, source=str(target), scope=scope) if update and old is not None else \
        wb.carried(wb.create(result), old) if old is not None else wb.create(result)
    write_baseline(wb.dumps(new), target)
    kept = sum(1 for e in new.entries.values() if e.verdict)
    dropped = sum(1 for fid, e in old.entries.items() if e.verdict and fid not in new.entries) if old else 0
    click.echo(f"lineage: {len(new.entries)} findings recorded in {target}"
               + (f" ({kept} audit verdicts kept" + (f"; {dropped} dropped with their findings, no longer found"
                                                    if dropped else "") + ")" if old is not None else "")
               + (f"; entries outside {scope} kept as they were" if update and scope else ""), err=True)


def _previous(path: Path) -> Baseline | None:
    """The baseline a fresh one replaces, when one is there and readable (made with other parameters
    too: what `create` is for)."""
    try:
        return read_baseline(path, required=False)
    except LineageError:
        return None


@click.group("baseline")
def baseline() -> None:
    """Record current findings so the pre-commit hook reports only new ones."""


_path = click.argument("path", default=".")
_index = click.option("--index", help="Index file or redis://HOST:PORT/DB (default: the default index, `lineage corpus path`, built by `lineage corpus ensure`).")
_file = click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Baseline file (default: .lineage-baseline.json at the repository root).")
_quiet = click.option("--quiet", "-q", is_flag=True, help="No progress output.")


@baseline.command("create")
@_path
@_index
@_file
@_quiet
@handled
def create(path: str, index: str | None, baseline_path: Path | None, quiet: bool) -> None:
    """Scan PATH (default .) and write a fresh baseline of every finding."""
    _run(path, index, baseline_path, quiet, update=False)


@baseline.command("update")
@_path
@_index
@_file
@_quiet
@handled
def update(path: str, index: str | None, baseline_path: Path | None, quiet: bool) -> None:
    """Rescan PATH and rewrite the baseline, keeping audit verdicts of findings still present."""
    _run(path, index, baseline_path, quiet, update=True)
