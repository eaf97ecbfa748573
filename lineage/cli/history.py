"""`lineage history REPO`: when matched code first appeared, and how its notices changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lineage.cli.handling import handled
from lineage.cli.options import check_output
from lineage.vocab import SEVERITIES, any_at_or_above


@click.command("history")
@click.argument("repo", type=click.Path(exists=True, file_okay=False))
@click.option("--rev", default="HEAD", show_default=True, help="Revision to scan and trace back from.")
@click.option("--index", help="Index file or redis://HOST:PORT/DB (default: the default index, `lineage corpus path`, built by `lineage corpus ensure`).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Exit 1 when a history finding reaches this severity.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 whatever the findings and unreadable files.")
@handled
def history(repo: str, rev: str, index: str | None, fmt: str, output: Path | None, fail_on: str | None,
            exit_zero: bool) -> None:
    """Trace each matched file and unit of the git repository REPO back to its first commit."""
    from lineage.cli.context import Context, warn_unchecked, write_output
    from lineage.workflow.history import history as run_history
    from lineage.workflow.history import history_dict
    from lineage.report.escape import escaped
    from lineage.workflow.render import history_text

    check_output(output, repo)
    ctx = Context.create(repo, index=index, fail_on=fail_on)
    check_output(output, ctx.config.index_path)
    traced = run_history(repo, ctx.index, ctx.config, rev)
    data = escaped(history_dict(traced))  # names as \xNN
    as_json = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    text = as_json if fmt == "json" else history_text(data)
    write_output(text, output)
    warn_unchecked(traced.result)
    # as `lineage scan`: a file at the revision that could not be checked fails the run (a past
    # version that cannot be read is reported with the trace, but the code in scope was checked)
    failing = any(e.unchecked for e in traced.result.errors) or any_at_or_above(
        (f["severity"] for f in data["findings"]), ctx.config.fail_on)
    sys.exit(0 if exit_zero or not failing else 1)
