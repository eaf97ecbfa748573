"""Option types shared by several commands, checked before any work starts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from lineage.errors import ConfigError

WORKERS_HELP = ("Worker processes, a positive integer; 0 (the default): one per core, at most 8. "
                "Capped at twice the cores.")


class WorkerCount(click.ParamType[int]):
    """A number of worker processes: a positive integer, or 0 for the automatic choice (one per
    core, at most 8), as the `workers` setting reads it."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            count = value
        else:
            try:
                count = int(str(value).strip())
            except ValueError:
                count = -1
        if count < 0:
            self.fail(f"{value!r}: must be a positive integer (or 0: one per core, at most 8)", param, ctx)
        return count


WORKERS = WorkerCount()


def check_output(output: Path | None) -> None:
    """Refuse `-o DIR/FILE` before any work when DIR does not exist (not after a long scan, and
    naming the report, never the temporary file it is written through)."""
    if output is not None:
        parent = Path(os.path.realpath(output)).parent
        if not parent.is_dir():
            raise ConfigError(f"cannot write {output}: directory {parent} does not exist")
