"""Worker processes forked from this one: they inherit its data, so nothing big is sent to them.

Used for fingerprinting (build and scan: ``stream_map``) and for matching and attribution
(scan: ``fork_map``).  Results come back in input order whatever the number of workers, so
output is deterministic.  Only
results cross the process boundary (pickled between our own processes, never data read
from a scanned repository or an index); workers ignore Ctrl-C and leave it to the parent.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.pool
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from lineage import interrupt

T = TypeVar("T")
R = TypeVar("R")

_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
_POOLS: list[Any] = []  # open pools, for stop_workers


def ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which reports it once and exits 130; SIGTERM and
    SIGHUP end a worker silently (the parent's handler, inherited by the fork, would raise
    in the worker and print its traceback), and so does writing a result to a parent that
    has already exited (a broken pipe)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP", "SIGPIPE"):  # SIGPIPE: the parent is gone, end silently
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


class _Pool(multiprocessing.pool.Pool):
    """A Pool whose worker-maintenance thread sleeps until a worker exits or the pool changes.

    CPython's wakes whenever the result pipe is readable as well, though it never reads it: while
    a result waits there for the result thread (a compact file is tens of kilobytes, read and
    unpickled in pieces), it spins, some 50 times per result.  In an index build that thread spent
    1.4 CPU-s of the parent and competed with the workers for the cores.  Worker exits (their
    sentinels) and close, terminate and the end of the work (the change notifier) still wake it."""

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


@contextlib.contextmanager
def worker_pool(context: Any, workers: int) -> Iterator[Any]:
    """A Pool of at most ``capped(workers)`` workers, closed and joined when the work is done.

    On an error the pool is terminated as usual.  On a signal (Ctrl-C, or SIGTERM or SIGHUP
    raised as a BaseException by the CLI) the workers are killed instead and the caller exits
    at once (``os._exit``, no finalizers): ``Pool.terminate`` first drains the task queue under
    its read lock, which a worker idle in ``get`` holds, or which a worker killed by the signal
    died holding, and then waits forever (a scan interrupted by Ctrl-C hung, now and then).
    """
    pool = _Pool(capped(workers), initializer=ignore_sigint, context=context)
    _POOLS.append(pool)
    try:
        yield pool
    except (Exception, GeneratorExit):
        pool.terminate()
        raise
    except BaseException:
        stop_workers()
        raise
    finally:
        with contextlib.suppress(ValueError):
            _POOLS.remove(pool)
    pool.close()
    pool.join()


def stop_workers() -> None:
    """Kill every worker of every open pool and reap it, after telling each pool's worker
    handler to stop replacing dead workers (else it forks fresh ones that outlive us)."""
    from multiprocessing.pool import TERMINATE

    for pool in list(_POOLS):
        handler = getattr(pool, "_worker_handler", None)
        if handler is not None:
            handler._state = TERMINATE  # what Pool.terminate() does first; it stops the refill
        pool._state = TERMINATE
    children = multiprocessing.active_children()
    for pool in list(_POOLS):
        children.extend(p for p in getattr(pool, "_pool", []) if p not in children)
    for child in children:
        with contextlib.suppress(OSError, AttributeError):
            child.kill()
    for child in children:
        with contextlib.suppress(OSError, AttributeError, AssertionError):
            child.join(timeout=2)


# a scan allocates millions of short-lived objects (parse trees, per-unit records) beside
# hundreds of thousands that live to its end: the collector's default first threshold (700)
# walked the long-lived ones over and over, a tenth of a scan's time for no garbage found
COLLECT_EVERY = 50_000  # allocations between young collections (CPython's default: 700)


def quiet_collector() -> None:
    """Collect cyclic garbage less often (a command-line process: its data lives to its end;
    reference counting still frees everything without cycles at once)."""
    gc.set_threshold(COLLECT_EVERY, 20, 20)


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Objects alive now are left out of cyclic collection while forked workers run: the
    workers' collections do not walk (nor write to, page by copied page) what they inherit."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def max_workers() -> int:
    """The most worker processes any command starts: twice the cores (more only thrash)."""
    return 2 * (os.cpu_count() or 1)


def capped(workers: int) -> int:
    """A requested worker count within [1, max_workers()]."""
    return max(1, min(workers, max_workers()))


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
    workers = min(capped(workers), len(items))
    out: list[R] = []
    if workers <= 1 or not can_fork():
        for i, item in enumerate(items):
            out.append(fn(item))
            interrupt.check()
            if on_done:
                on_done(i)
        return out
    _TASK = (fn, items)
    try:
        with frozen_heap(), worker_pool(multiprocessing.get_context("fork"), workers) as pool:
            for i, result in enumerate(pool.imap(_run, range(len(items)), chunksize=1)):
                out.append(result)
                interrupt.check()  # (a Ctrl-C its finalizer swallowed: lineage/interrupt.py)
                if on_done:
                    on_done(i)
            return out
    finally:
        _TASK = None


def stream_map(fn: Callable[[T], R], items: Iterable[T], workers: int, chunksize: int = 4) -> Iterator[R]:
    """``fn(item)`` for each item, in input order, yielded as results arrive: items are sent to
    the workers as they are consumed (an index build never holds every source at once), so
    ``fn`` and the items must pickle; without fork the workers are spawned."""
    if workers <= 1:
        for result in map(fn, items):
            interrupt.check()
            yield result
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with frozen_heap(), worker_pool(context, workers) as pool:
        for result in pool.imap(fn, items, chunksize=chunksize):
            interrupt.check()
            yield result
