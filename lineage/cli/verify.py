"""`lineage verify SUSPECT --against REFERENCE`: a reproducible exhibit for an accusation."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from lineage.cli.handling import handled
from lineage.cli.options import check_output
from lineage.vocab import SEVERITIES


@click.command("verify")
@click.argument("suspect")
@click.argument("given", required=False, metavar="[REFERENCE]")
@click.option("--against", "reference", default=None,
              help="The reference: a directory, REPO@REV, URL@REV, an archive or name==version "
                   "(or given second: `lineage verify SUSPECT REFERENCE`).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the exhibit here.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Exit 1 when a match reaches this severity.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 whatever the matches.")
@click.option("--show-info", is_flag=True, help="Text format: also show info matches (module bodies, idioms).")
@click.option("--index", "index", help="Index whose families give rarity and commonness (default: the default index, `lineage corpus path`).")
@click.option("--no-index", "no_index", is_flag=True,
              help="Compare the two sides alone (the exhibit then carries a warning: common code can look rare).")
@click.option("--weights", "weights_pair", nargs=2, type=click.Path(exists=True, file_okay=False, path_type=Path),
              metavar="SUSPECT_CKPT REFERENCE_CKPT",
              help="Also compare two checkpoint directories (the `lineage weights` check) in the exhibit.")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
@handled
def verify(suspect: str, given: str | None, reference: str | None, fmt: str, output: Path | None,
           fail_on: str | None, exit_zero: bool, show_info: bool, index: str | None, no_index: bool,
           weights_pair: tuple[Path, Path] | None, quiet: bool) -> None:
    """Compare SUSPECT with REFERENCE and write an exhibit a third party can reproduce."""
    if given is not None and reference is not None:
        raise click.UsageError("the reference is given twice: as REFERENCE and with --against")
    reference = reference if reference is not None else given
    if reference is None:
        raise click.UsageError("no reference: lineage verify SUSPECT --against REFERENCE")
    from lineage.cli.context import Context, write_output
    from lineage.report.escape import escaped, terminal_line
    from lineage.workflow.render import exhibit_text
    from lineage.workflow.verify import verify as run_verify

    if index and no_index:
        raise click.UsageError("--index and --no-index exclude each other")
    check_output(output, suspect, reference)
    ctx = Context.create(suspect, fail_on=fail_on, index=index)
    check_output(output, None if no_index else ctx.config.index_path)
    if no_index:
        click.echo("lineage: warning: no corpus background; common code can look rare in this exhibit", err=True)
    background = None if no_index else ctx.index
    with ctx.progress(quiet) as progress:
        exhibit = run_verify(suspect, reference, ctx.config, background, progress=progress)
    if weights_pair:
        from lineage.weights import compare_checkpoints

        report = compare_checkpoints(weights_pair[0], weights_pair[1])
        exhibit = replace(exhibit, weights=report.to_dict())
    if not exhibit.summary.suspect_files and not exhibit.inputs["suspect"].get("not_compared"):
        click.echo(f"lineage: warning: no Python file found in {terminal_line(suspect)}: nothing was compared",
                   err=True)
    elif not exhibit.summary.reference_units and not exhibit.inputs["reference"].get("not_compared"):
        click.echo(f"lineage: warning: no Python code to compare against in {terminal_line(reference)}: "
                   "nothing was compared", err=True)
    elif not exhibit.summary.suspect_units and not exhibit.inputs["suspect"].get("not_compared"):
        click.echo(f"lineage: warning: no Python code to compare in {terminal_line(suspect)} (no function or "
                   "class): nothing was compared", err=True)
    exhibit = escaped(exhibit)  # names that are not valid UTF-8 shown as \xNN
    text = exhibit.to_json() if fmt == "json" else exhibit_text(exhibit, show_info=show_info)
    write_output(text, output)
    sys.exit(0 if exit_zero or not exhibit.failing(ctx.config.fail_on) else 1)
