"""The `lineage` command group: explicit registration, exit-code translation, lazy resources."""

from __future__ import annotations


import click

from lineage import __version__
from lineage.cli.context import trust_options
from lineage.cli.handling import Terminated, exit_interrupted, exit_terminated, handled, install_signal_handlers

__all__ = ["cli", "handled", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lineage")
@trust_options
def cli() -> None:
    """lineage: where did this model code come from, and is its notice intact?"""


def _register() -> None:
    from lineage.cli.audit import audit
    from lineage.cli.baseline import baseline
    from lineage.cli.corpus import corpus
    from lineage.cli.history import history
    from lineage.cli.hook import hook
    from lineage.cli.scan import scan
    from lineage.cli.verify import verify
    from lineage.cli.weights import weights

    for command in (scan, verify, corpus, hook, baseline, audit, history, weights):
        cli.add_command(command)


_register()


def main() -> None:
    from lineage.pool import quiet_collector

    install_signal_handlers()
    quiet_collector()
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        exit_interrupted()
    except Terminated as exc:  # before a command's own handling took over
        exit_terminated(exc)
