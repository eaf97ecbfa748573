"""Progress reporter: silent when disabled or off a terminal, a bar with rate and ETA on one."""

from __future__ import annotations

import io

from rich.console import Console

from lineage.cli.progress import NullProgress, ProgressCallback, RichProgress, make_progress


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None,
                      force_interactive=True)
    return console, out


def test_disabled_is_a_silent_no_op() -> None:
    console, out = _terminal()
    with make_progress(False, console=console) as progress:
        assert isinstance(progress, NullProgress)
        progress("scan", 1, 10)
    progress.close()
    assert out.getvalue() == ""


def test_not_a_terminal_is_silent() -> None:
    out = io.StringIO()
    progress = make_progress(True, console=Console(file=out, force_terminal=False))
    assert isinstance(progress, NullProgress)
    progress("scan", 5, 10)
    progress.close()
    assert out.getvalue() == ""


def test_default_console_follows_stderr() -> None:
    # Under pytest's capture stderr is no terminal, and the CLI's default must stay quiet.
    progress = make_progress(True)
    assert isinstance(progress, NullProgress) != Console(stderr=True).is_terminal


def test_terminal_shows_stage_count_rate_and_eta() -> None:
    console, out = _terminal()
    with make_progress(True, console=console) as progress:
        assert isinstance(progress, RichProgress)
        callback: ProgressCallback = progress
        for done in range(0, 11):
            callback("index [build]", done, 10)
        callback("download", 3, 0)  # unknown total: an indeterminate bar
    text = out.getvalue()
    assert "index [build]" in text  # stage names are not read as rich markup
    assert "10/10" in text and "/s" in text and "ETA" in text
    assert "download" in text


def test_close_is_idempotent_and_later_calls_are_ignored() -> None:
    console, out = _terminal()
    progress = make_progress(True, console=console)
    progress("scan", 1, 2)
    progress.close()
    size = len(out.getvalue())
    progress("scan", 2, 2)
    progress.close()
    assert len(out.getvalue()) == size


def test_out_of_range_counts_are_clamped() -> None:
    console, out = _terminal()
    with make_progress(True, console=console) as progress:
        progress("scan", 15, 10)
        progress("scan", -3, 10)
    assert "Traceback" not in out.getvalue()


def test_close_before_any_call_draws_nothing() -> None:
    console, out = _terminal()
    make_progress(True, console=console).close()
    assert out.getvalue() == ""
