"""Exit-code translation for every command: a leaf module, so commands import it freely."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from lineage.errors import LineageError
from lineage.report.escape import terminal_line

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


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
            click.echo("lineage: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # the reader went away (`lineage corpus list | head`): nothing left to say, and no
            # traceback when the interpreter flushes stdout at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_CLEAN)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - last resort: a message and exit 3, no traceback
            click.echo(f"lineage: internal error: {type(exc).__name__}: {terminal_line(str(exc))} "
                       "(set LINEAGE_DEBUG=1 for a traceback)", err=True)
            if os.environ.get("LINEAGE_DEBUG"):
                raise
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]
