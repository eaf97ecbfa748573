"""`lineage audit FINDING_ID --verdict ... --reason ...`: record a reviewer's decision."""

from __future__ import annotations

from pathlib import Path

import click

from lineage.cli.handling import handled
from lineage.workflow.baseline import VERDICTS


@click.command("audit")
@click.argument("finding_id")
@click.option("--verdict", required=True, type=click.Choice(VERDICTS),
              help="accepted: reuse is fine; rejected: must be fixed (keeps failing the hook); false-positive.")
@click.option("--reason", required=True, help="Why: what a later reviewer will read.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Baseline file (default: .lineage-baseline.json at the repository root).")
@handled
def audit(finding_id: str, verdict: str, reason: str, baseline_path: Path | None) -> None:
    """Record a verdict and reason for FINDING_ID (a full id or a unique prefix) in the baseline."""
    from lineage.cli.baseline import read_baseline, write_baseline
    from lineage.cli.context import Context
    from lineage.report.escape import terminal_line
    from lineage.workflow import baseline as wb
    from lineage.workflow.hook import default_baseline_path

    target = baseline_path or default_baseline_path(".", Context.create(".").config)
    current = read_baseline(target, required=True)
    assert current is not None
    new = wb.audit(current, finding_id, verdict, reason, source=str(target))
    write_baseline(wb.dumps(new), target)
    full = wb.resolve_id(current, finding_id)
    entry = new.entries[full]
    click.echo(terminal_line(f"{full} {entry.path} {entry.unit}: {verdict} ({reason.strip()})"))
