"""A Ctrl-C that must not be lost.

The command line's SIGINT handler (cli/handling.py) raises KeyboardInterrupt in whatever the
main thread runs at that moment and ignores further presses while the command unwinds.  When
that moment falls in a finalizer (an object's ``__del__``, a weakref callback, a collection),
Python reports the exception as unraisable ("Exception ignored in ...: KeyboardInterrupt") and
carries on: a burst of Ctrl-C under load let a scan run to its end and print its report, exit 1
(the suite's burst test, once in six runs on a loaded machine).  So the handler also notes the
press, and the places the work passes through often (each result of a worker pool) and the one
where a report is written check the note and raise again, from an ordinary frame.
"""

from __future__ import annotations

_PENDING = False


def note() -> None:
    """Ctrl-C was pressed: whatever swallows the exception raised for it, check() raises again."""
    global _PENDING
    _PENDING = True


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed and its exception has not ended the command."""
    if _PENDING:
        raise KeyboardInterrupt
