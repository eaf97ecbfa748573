"""`lineage scan TARGET`: fingerprint a target, query the index, print a report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from lineage.cli.context import Context, exit_code, warn_unchecked, write_output
from lineage.cli.handling import handled
from lineage.cli.options import WORKERS, WORKERS_HELP, check_output
from lineage.report import Format
from lineage.report.escape import terminal_line
from lineage.report.sbom import source_date
from lineage.vocab import SEVERITIES


@click.command("scan")
@click.argument("target")
@click.option("--index", "index", help="Index file or redis://HOST:PORT/DB (default: the default index, `lineage corpus path`, built by `lineage corpus ensure`).")
@click.option("--format", "fmt", type=click.Choice([f.value for f in Format]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here (replaced whole, or left as it was).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Exit 1 at or above this severity.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings reach --fail-on.")
@click.option("--show-info", is_flag=True, help="Text format: also list info findings.")
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="low",
              show_default=True, help="SARIF, Markdown, SPDX and CycloneDX: leave out findings below this severity "
                                      "(info findings become code-scanning alerts only when asked for).")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Time travel: only families first seen on or before DATE (YYYY-MM-DD) can be a source. "
                   "Default for REPO@REV: the commit's date.")
@click.option("--owner", "owner", multiple=True, metavar="ORG",
              help="An organisation that owns the scanned code (repeatable; a name or alias of "
                   "corpora/organisations.toml): matches to its own models are its own code, not copies. "
                   "A notice owed to anyone else is never excused; one missing from a third party's "
                   "port of the owner's own model is rated low.")
@click.option("--no-package-maker", "no_package_maker", is_flag=True,
              help="Take no word of the scanned package's metadata (pyproject.toml, setup.cfg, setup.py, PKG-INFO, "
                   "a wheel's METADATA) on who made it: by default, for files naming no holder, the one company "
                   "all its authors belong to counts as their holder would.")
@click.option("--workers", type=WORKERS, help=WORKERS_HELP)
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
@handled
def scan(target: str, index: str | None, fmt: str, output: Path | None, fail_on: str | None,
         exit_zero: bool, show_info: bool, min_severity: str, as_of: str | None, owner: tuple[str, ...],
         no_package_maker: bool, workers: int | None, quiet: bool) -> None:
    """Scan TARGET: a directory, a file, an archive, REPO@REV, a git URL@REV or name==version."""
    from lineage import api

    check_output(output, target)
    created = source_date(os.environ) if fmt in (Format.SPDX.value, Format.CYCLONEDX.value) else None
    ctx = Context.create(target, index=index, fail_on=fail_on, workers=workers, as_of=as_of,
                         owner=owner or None, package_maker=False if no_package_maker else None)
    check_output(output, ctx.config.index_path)
    with ctx.progress(quiet) as progress:
        result, compacted = api.scan(target, ctx.index, ctx.config, progress=progress)
        progress("report", 0, 1)
        text = ctx.render(result, Format(fmt), compacted, show_info=show_info, min_severity=min_severity,
                          created=created)
        progress("report", 1, 1)
    if result.index.restriction and not result.index.families:
        click.echo(f"lineage: warning: no indexed family is left ({result.index.restriction}): "
                   "nothing could match", err=True)
    write_output(text, output)
    if not result.files_scanned and not result.errors:
        click.echo(f"lineage: warning: no Python file found in {terminal_line(target)}: nothing was checked", err=True)
    warn_unchecked(result)
    sys.exit(exit_code(result, ctx.config.fail_on, exit_zero))
