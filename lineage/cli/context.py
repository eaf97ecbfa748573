"""Shared CLI plumbing: lazily loaded config and index, progress, output, exit codes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import click

from lineage import interrupt
from lineage.config import Config, load_config, unread_settings
from lineage.compact.files import CompactFile
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult
from lineage.report import Format, render
from lineage.trust import refusal_note
from lineage.vocab import any_at_or_above


_CONFIG_FILE, _TRUST = "lineage.config_file", "lineage.trust_config"
F = TypeVar("F", bound=Callable[..., Any])


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value:
            ctx.meta[key] = value
    return store


def trust_options(fn: F) -> F:
    """--config FILE and --trust-config, on the group and on commands run by other tools."""
    fn = click.option("--trust-config", is_flag=True, expose_value=False, callback=_remember(_TRUST),
                      help="Apply the working directory's lineage.toml / [tool.lineage] in full: "
                           "by default it may only tighten a scan.")(fn)
    return click.option("--config", "config_file", type=click.Path(dir_okay=False), expose_value=False,
                        callback=_remember(_CONFIG_FILE), is_eager=True,
                        help="Settings file to use and trust (a pyproject.toml's [tool.lineage], or a "
                             "lineage.toml), instead of the working directory's.")(fn)


@dataclass
class Context:
    """Built once per command; the index loads only when first asked for."""

    config: Config

    @classmethod
    def create(cls, where: str = ".", **overrides: Any) -> Context:
        """Settings come from the working directory, never from the scanned target: a hostile
        repository must not configure its own scan (e.g. raise `max_file_bytes` caps or lower
        thresholds to hide a copy).  `where` is ignored.  The working directory may be a
        stranger's too, so its settings file only tightens a scan unless trusted
        (`--trust-config`, or `--config FILE`); each refusal is noted on stderr."""
        del where
        meta = current.meta if (current := click.get_current_context(silent=True)) else {}
        config = load_config(Path("."), overrides, config_file=meta.get(_CONFIG_FILE),
                             trust=bool(meta.get(_TRUST)))
        for setting in config.refused:
            click.echo(f"lineage: note: {refusal_note(setting)}", err=True)
        if meta.get(_CONFIG_FILE) is None and (unread := unread_settings(".")):
            click.echo(f"lineage: note: {unread}: [tool.lineage] not read: lineage.toml beside it is the settings "
                       "file read (one of the two, lineage.toml first)", err=True)
        return cls(config)

    @cached_property
    def index(self) -> EmbeddedIndex:
        from lineage.api import open_index

        return open_index(self.config.index_path)

    @contextlib.contextmanager
    def progress(self, quiet: bool) -> Iterator[Any]:
        from lineage.cli.progress import make_progress

        reporter = make_progress(not quiet)
        try:
            yield reporter
        finally:
            reporter.close()

    def render(self, result: ScanResult, fmt: Format, compacted: Sequence[CompactFile],
               show_info: bool = False, min_severity: str = "low", created: datetime | None = None) -> str:
        """The report; the formats that need more than the result get it here (scanned texts,
        the git context of the scanned directory, an SBOM's creation time), so formatters never
        touch the outside world."""
        if fmt is Format.HTML:
            from lineage.report.html import wanted_references
            from lineage.source.references import reference_texts

            return render(result, fmt, sources={c.path: c.text for c in compacted},
                          references=reference_texts(self.index, wanted_references(result)))
        if fmt is Format.TEXT:
            return render(result, fmt, show_info=show_info)
        if fmt is Format.SARIF:
            from lineage.source.provenance import find_provenance

            return render(result, fmt, min_severity=min_severity,
                          provenance=find_provenance(result.target, result.revision))
        if fmt is Format.MARKDOWN:
            return render(result, fmt, min_severity=min_severity)
        if fmt is Format.SPDX:
            return render(result, fmt, min_severity=min_severity, sources={c.path: c.text for c in compacted},
                          checksums={c.path: (c.sha1, c.sha256) for c in compacted if c.sha1}, created=created)
        if fmt is Format.CYCLONEDX:
            return render(result, fmt, min_severity=min_severity,
                          checksums={c.path: (c.sha1, c.sha256) for c in compacted if c.sha1}, created=created)
        return render(result, fmt)


def write_output(text: str, output: Path | None) -> None:
    """The report to stdout or to `output`, always valid UTF-8 (anything not encodable is
    escaped, never written raw); a file is replaced whole or not at all."""
    from lineage.cli.atomic import replace_file
    from lineage.report.escape import terminal_line

    data = text.encode("utf-8", "backslashreplace")
    interrupt.check()  # no report of a scan Ctrl-C stopped (its exception swallowed by a finalizer)
    if output is None:
        click.echo(data, nl=False)
        return
    replace_file(output, data)
    click.echo(f"lineage: report written to {terminal_line(str(output))}", err=True)


def exit_code(result: ScanResult, fail_on: str, exit_zero: bool) -> int:
    """1 for findings at or above `fail_on`, and for files that could not be checked at all: a
    clean exit must mean every file in scope was scanned (exclude a file to leave it out)."""
    if exit_zero:
        return 0
    if any(e.unchecked for e in result.errors):
        return 1
    return 1 if any_at_or_above((f.severity for f in result.findings), fail_on) else 0


def warn_unchecked(result: ScanResult) -> None:
    """One stderr line naming the files that were not checked, whatever the report's format."""
    from lineage.report.escape import terminal_line

    unchecked = [e for e in result.errors if e.unchecked]
    paths = sorted({e.path for e in unchecked})
    if paths:
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        capped = any("-byte cap" in e.reason for e in unchecked)  # only a size cap can be raised
        remedies = "excluded (`exclude`), the cap raised (`max_file_bytes`)" if capped else "excluded (`exclude`)"
        click.echo(f"lineage: warning: {len(paths)} file{'s' if len(paths) != 1 else ''} could not be checked "
                   f"(too large, unreadable, binary, malformed, packed unreadably or too costly): {terminal_line(shown)}; the exit "
                   f"code is 1 unless they are {remedies} or --exit-zero given", err=True)
