"""``lineage weights SUSPECT --against REFERENCE``: per-component weight provenance."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lineage.cli.options import check_output
from lineage.errors import LineageError


@click.command("weights")
@click.argument("suspect", type=click.Path(path_type=Path))
@click.option(
    "--against", "reference", required=True, type=click.Path(path_type=Path),
    help="Reference model directory (or .safetensors file) to compare with.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="Output format.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Write here, not stdout."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the sampling and the nulls."
)
@click.pass_context
def weights(
    ctx: click.Context, suspect: Path, reference: Path, fmt: str, output: Path | None, seed: int
) -> None:
    """Compare checkpoint weights and configs of SUSPECT with a reference model.

    Each component (vision tower, audio tower, embeddings, layers, head) is called
    identical, identical up to permutation, derived (fine-tuned), derived, permuted,
    independent or inconclusive, from content hashes (whatever the key names; fused,
    split, transposed and extended tensors undone) and a calibrated correlation
    statistic.  Exit 0 when nothing is identical or derived, 1 otherwise, 2 when a
    checkpoint cannot be read.
    """
    from lineage.weights.api import compare_checkpoints
    from lineage.weights.render import render_text

    try:
        check_output(output, suspect, reference)
        report = compare_checkpoints(suspect, reference, seed=seed)
    except LineageError as exc:
        click.echo(f"lineage: error: {exc}", err=True)  # as every other command says it
        ctx.exit(exc.exit_code)
    except MemoryError:
        click.echo("lineage: internal error: out of memory", err=True)
        ctx.exit(3)
    if fmt == "json":
        text = json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n"
    else:
        text = render_text(report)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            from lineage.cli.atomic import replace_file

            replace_file(output, text.encode("utf-8", "backslashreplace"))  # whole or not at all
        except OSError as exc:
            click.echo(f"lineage: error: cannot write {output}: {exc.strerror or exc}", err=True)
            ctx.exit(2)
    ctx.exit(1 if report.reused else 0)
