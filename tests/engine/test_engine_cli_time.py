"""`scan --as-of` says what it left out, refuses a bad date, and output piped into a reader
that stops early (`| head`) ends quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from lineage.cli.main import cli
from tests.engine.conftest import MODEL
from tests.lines_fixture import build_lines_index, code


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_")}


def test_as_of_is_named_in_the_report_and_an_empty_index_warns(tmp_path: Path) -> None:
    index = build_lines_index(tmp_path)
    target = tmp_path / "modeling_mine.py"
    target.write_text(code(("base", "router"), "Xray"), encoding="utf-8")
    args = ["scan", str(target), "--index", str(index), "-q", "--exit-zero"]
    before = CliRunner().invoke(cli, [*args, "--as-of", "2023-06-01"], env=_env())
    assert before.exit_code == 0 and "families first seen on or before 2023-06-01" in before.stdout
    assert "index " in before.stdout and ": 1 family, " in before.stdout and not before.stderr
    empty = CliRunner().invoke(cli, [*args, "--as-of", "1990-01-01"], env=_env())
    assert empty.exit_code == 0 and "warning: no indexed family is left" in empty.stderr


def test_a_bad_date_is_a_usage_error(built_index: Path) -> None:
    done = CliRunner().invoke(cli, ["scan", str(MODEL), "--index", str(built_index), "--as-of", "2024-13-01"],
                              env=_env())
    assert done.exit_code == 2 and "`as_of` must be a date as YYYY-MM-DD" in done.stderr


def test_a_reader_that_stops_early_ends_the_output_quietly() -> None:
    """Writing to a pipe whose reader has gone (`lineage corpus list | head`) is no error."""
    code_ = ("import click, sys\nfrom lineage.cli.handling import handled\n@handled\ndef main():\n"
             "    for i in range(200000):\n        click.echo(f'line {i} ' + 'x' * 60)\nmain()\n")
    proc = subprocess.Popen([sys.executable, "-c", code_], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`: the writer's next flush meets a broken pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and first.startswith(b"line 0")
    assert "internal error" not in err and "Traceback" not in err and "Exception ignored" not in err
