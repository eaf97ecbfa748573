"""An overall deadline for one store operation, not only a timeout per socket read.

A socket timeout restarts with every byte, so a server that sends one byte every few
seconds keeps a reader waiting forever.  ``deadline`` arms a real-time timer (SIGALRM) for
the whole operation and raises ``DeadlineExceeded`` when it runs out; the Redis error
translation (``index.open.store_errors``) turns that into a clear IndexError_.  Timers
only work in the main thread; elsewhere the per-read socket timeouts still apply.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

MIN_RATE = 1_000_000  # bytes per second any store we accept delivers at least


class DeadlineExceeded(Exception):
    """The whole operation took longer than its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:.0f} s")
        self.seconds = seconds


def _usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise DeadlineExceeded inside the block once ``seconds`` have passed."""
    if not _usable() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # no timers here, or an outer deadline is already running: it stays in charge
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise DeadlineExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
