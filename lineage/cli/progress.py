"""Progress bars on stderr for long work (corpus downloads and builds, scans of many files).

The library reports progress through a plain callback, ``cb(stage, done, total)``, and
never imports rich; the CLI hands it a reporter made here.  One bar per stage, with a
count, rate and ETA.  The reporter is a no-op when disabled (``--quiet``) or when stderr
is not a terminal, so redirected runs and CI logs stay clean.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

ProgressCallback = Callable[[str, int, int], None]


class ProgressReporter(Protocol):
    """A progress callback that is also closeable and a context manager."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> ProgressReporter: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _Reporter:
    """Shared context-manager plumbing."""

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` items of ``stage`` are finished."""

    def close(self) -> None:
        """Stop drawing; later calls are ignored."""

    def __enter__(self) -> _Reporter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class NullProgress(_Reporter):
    """Reports nothing: quiet runs and non-terminal stderr."""


class _RateColumn(ProgressColumn):
    """Items per second (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("-/s", style="progress.data.speed")
        return Text(f"{speed:,.1f}/s", style="progress.data.speed")


class RichProgress(_Reporter):
    """One rich bar per stage, drawn on the given console (stderr by default)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._started = False
        self._closed = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._closed:
            return
        if not self._started:
            self._progress.start()
            self._started = True
        size = total if total > 0 else None
        done = max(0, min(done, total)) if total > 0 else max(0, done)
        task = self._tasks.get(stage)
        if task is None:
            task = self._progress.add_task(escape(stage), total=size)
            self._tasks[stage] = task
        self._progress.update(task, completed=done, total=size)

    def close(self) -> None:
        if self._started and not self._closed:
            self._progress.stop()
        self._closed = True


def make_progress(enabled: bool, *, console: Console | None = None) -> ProgressReporter:
    """A progress reporter on stderr, or a no-op when disabled or stderr is no terminal.

    ``console`` is for tests; the CLI leaves it out.
    """
    if not enabled:
        return NullProgress()
    console = console if console is not None else Console(stderr=True)
    if not console.is_terminal or console.is_dumb_terminal:
        return NullProgress()
    return RichProgress(console)
