"""Exit-code translation for every command: a leaf module, so commands import it freely."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click

from lineage.errors import LineageError
from lineage.report.escape import terminal_line

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (pools terminate their workers), exit 128 + signal.

    A BaseException, like KeyboardInterrupt, so no `except Exception` on the way swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C, once: further presses while the command unwinds are ignored (a burst of them had
    click's own handler print "Aborted!" and exit 1, or a finalizer wait on the pool for ever).
    The press is noted first: raised inside a finalizer, the exception is swallowed, and the next
    lineage.interrupt.check() raises it again."""
    from lineage import interrupt

    interrupt.note()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP end the command like Ctrl-C does: one line, no traceback.  Ctrl-C is
    taken once (a shell that started us with SIGINT ignored keeps it ignored)."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
        sys.unraisablehook = _unraisable


def _unraisable(info: Any) -> None:
    """A Ctrl-C whose exception a finalizer swallowed is noted and raised again (lineage/interrupt.py):
    no "Exception ignored in ...: KeyboardInterrupt" traceback; anything else as Python reports it."""
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        return
    sys.__unraisablehook__(info)


def exit_terminated(exc: Terminated) -> None:
    """Stop our workers, one line, then exit at once: no finalizer may wait on workers the
    signal killed (the pool may be suspended in a generator that never sees the signal)."""
    from lineage.pool import stop_workers

    stop_workers()
    with contextlib.suppress(OSError, ValueError):
        click.echo(f"lineage: terminated by {signal.Signals(exc.signum).name}", err=True)
    os._exit(128 + exc.signum)


def exit_interrupted() -> None:
    """Ctrl-C: stop our workers, one line, then exit 130 at once: a finalizer terminating the
    pool could wait forever on a queue lock a killed worker held (lineage/pool.py).  Nothing
    half-written reaches stdout."""
    from lineage.pool import stop_workers

    with contextlib.suppress(ValueError):  # (not in the main thread)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_workers()
    with contextlib.suppress(OSError, ValueError):
        click.echo("lineage: interrupted", err=True)
        sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def _quiet_exit(code: int) -> None:
    """Exit without writing anything more to stdout (the reader may be gone)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)


def handled(fn: F) -> F:
    """Translate LineageError to exit 2, Ctrl-C to 130, anything else to 3 (with a message)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LineageError as exc:
            click.echo(f"lineage: error: {terminal_line(str(exc))}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            exit_interrupted()
        except Terminated as exc:
            exit_terminated(exc)
        except BrokenPipeError:
            # the reader went away (`lineage corpus list | head`): nothing left to say, and no
            # traceback when the interpreter flushes stdout at exit
            _quiet_exit(EXIT_CLEAN)
        except OSError as exc:  # the environment, not a bug: a missing directory, a full disk
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"lineage: error: {where}{exc.strerror or exc}", err=True)
            sys.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - last resort: a message and exit 3, no traceback
            click.echo(f"lineage: internal error: {type(exc).__name__}: {terminal_line(str(exc))} "
                       "(set LINEAGE_DEBUG=1 for a traceback)", err=True)
            if os.environ.get("LINEAGE_DEBUG"):
                raise
            sys.exit(EXIT_INTERNAL)

    return cast(F, wrapper)
