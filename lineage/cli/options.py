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


def check_output(output: Path | None, *inputs: str | Path | None) -> None:
    """Refuse `-o DIR/FILE` before any work when DIR does not exist (not after a long scan, and
    naming the report, never the temporary file it is written through), and when the report
    would replace one of the run's ``inputs``: a target or reference file, the index, or a file
    the scan reads inside a target folder (`-o report.json` inside it stays allowed)."""
    if output is None:
        return
    real = os.path.realpath(output)
    parent = Path(real).parent
    if not parent.is_dir():
        raise ConfigError(f"cannot write {output}: directory {parent} does not exist")
    for given in inputs:
        for path in _local_paths(given):
            if _same_file(real, path) or (os.path.isdir(path) and _read_inside(real, path)):
                raise ConfigError(f"cannot write the report to {output}: it is an input of this run ({given}); "
                                  "choose another file")
    if _an_index(real):  # (the default index is no input when --index names another: a review wrote over it)
        raise ConfigError(f"cannot write the report to {output}: it is a lineage index; choose another file")


def _an_index(path: str) -> bool:
    """The file exists and opens as a lineage index (store.MAGIC): no report ever replaces one."""
    from lineage.index.store import MAGIC

    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _local_paths(given: str | Path | None) -> list[str]:
    """The local file or folder an input names (a `REPO@REV` names its repository), if any."""
    if given is None or "://" in str(given):
        return []
    text = str(given)
    candidates = [text, text.rsplit("@", 1)[0]] if "@" in text else [text]
    return [os.path.realpath(c) for c in candidates if os.path.exists(c)]


def _same_file(a: str, b: str) -> bool:
    try:
        return a == b or (os.path.exists(a) and os.path.samefile(a, b))
    except OSError:
        return False


def _read_inside(output: str, folder: str) -> bool:
    """`output` is an existing file under `folder` that a scan of the folder reads."""
    from lineage.source.walk import SCAN_SUFFIXES, is_extensionless, python_shebang, wanted

    if not output.startswith(folder.rstrip(os.sep) + os.sep) or not os.path.isfile(output):
        return False
    if wanted(output, SCAN_SUFFIXES):
        return True
    try:
        with open(output, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    return is_extensionless(output) and python_shebang(head)
