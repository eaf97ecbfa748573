"""Worker processes forked from this one: they inherit its data, so nothing big is sent to them.

Used for fingerprinting (build and scan) and for matching and attribution (scan).  Results
come back in input order whatever the number of workers, so output is deterministic.  Only
results cross the process boundary (pickled between our own processes, never data read
from a scanned repository or an index); workers ignore Ctrl-C and leave it to the parent.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which reports it once and exits 130."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def can_fork() -> bool:
    return os.name == "posix" and "fork" in multiprocessing.get_all_start_methods()


def _run(position: int) -> Any:
    assert _TASK is not None  # set in the parent before the fork
    fn, items = _TASK
    return fn(items[position])


def fork_map(fn: Callable[[T], R], items: Sequence[T], workers: int,
             on_done: Callable[[int], None] | None = None) -> list[R]:
    """[fn(item) for item in items], spread over forked workers when it pays; ``on_done(i)``
    is called in this process as each result (in input order) arrives."""
    global _TASK
    workers = min(workers, len(items))
    out: list[R] = []
    if workers <= 1 or not can_fork():
        for i, item in enumerate(items):
            out.append(fn(item))
            if on_done:
                on_done(i)
        return out
    _TASK = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=ignore_sigint) as pool:
            for i, result in enumerate(pool.imap(_run, range(len(items)), chunksize=1)):
                out.append(result)
                if on_done:
                    on_done(i)
            return out
    finally:
        _TASK = None
