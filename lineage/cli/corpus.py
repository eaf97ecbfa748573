"""`lineage corpus build|ensure|list|show`: make and describe reference indexes."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lineage.cli.context import Context
from lineage.cli.handling import handled
from lineage.cli.options import WORKERS, WORKERS_HELP

if TYPE_CHECKING:
    from lineage.index.build import BuildReport


@click.group("corpus")
def corpus() -> None:
    """Build and inspect reference indexes from corpus manifests."""


def _report_build(r: BuildReport) -> None:
    click.echo(
        f"lineage: built index {r.index_id} at {r.path}: {r.sources} sources, {r.families} families, "
        f"{r.files} files, {r.units} units from {r.source_bytes / 1e6:.1f} MB in {r.seconds:.1f} s "
        f"({r.source_bytes / 1e6 / max(r.seconds, 1e-9):.1f} MB/s); index {r.index_bytes / 1e6:.1f} MB; "
        f"{len(r.errors)} file problems", err=True)


@corpus.command("build")
@click.argument("manifests", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", help="Index file to write, or redis://HOST:PORT/DB to publish a shared index.")
@click.option("--store", "store", help="Publish to this shared store (redis://HOST:PORT/DB) instead of a file.")
@click.option("--default", "use_default", is_flag=True, help="Build from corpora/default.toml.")
@click.option("--list", "manifest_list", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Build from a list of manifests (e.g. corpora/extended/extended.toml).")
@click.option("--workers", type=WORKERS, default=0, help=WORKERS_HELP)
@click.option("--quiet", "-q", is_flag=True)
@handled
def build(manifests: tuple[Path, ...], out: str | None, store: str | None, use_default: bool,
          manifest_list: Path | None, workers: int, quiet: bool) -> None:
    """Build an index from MANIFESTS (TOML files; see corpora/README.md)."""
    from lineage import api
    from lineage.errors import ConfigError
    from lineage.index.open import is_store_url

    ctx = Context.create()
    paths = list(manifests) + (api.listed_manifests(manifest_list) if manifest_list else [])
    paths = paths or (api.default_manifests() if use_default else [])
    if not paths:
        raise ConfigError("give manifest files, --list or --default")
    if store is not None:
        if out is not None:
            raise ConfigError("give --out or --store, not both")
        if not is_store_url(store):
            raise ConfigError("--store takes redis://HOST[:PORT][/DB] or rediss://...", source=store.split("@")[-1])
        out = store
    with ctx.progress(quiet) as progress:
        report = api.build(paths, out or ctx.config.index_path, workers=workers, progress=progress)
    _report_build(report)


@corpus.command("ensure")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Index file.")
@click.option("--quiet", "-q", is_flag=True)
@handled
def ensure(out: Path | None, quiet: bool) -> None:
    """Make sure the default index exists and is current; build it if not."""
    from lineage import api

    ctx = Context.create()
    path = out or Path(ctx.config.index_path)
    reason = api.index_staleness(path)
    if reason is None:
        size = path.stat().st_size / 1e6
        click.echo(f"lineage: default index ready at {path} ({size:.1f} MB)", err=True)
        _other_editions(path)
        return
    click.echo(f"lineage: building the default index ({reason}); this downloads pinned PyPI "
               "packages once and takes a few minutes", err=True)
    began = time.perf_counter()
    with ctx.progress(quiet) as progress:
        report = api.build(api.default_manifests(), path, progress=progress)
    _report_build(report)
    click.echo(f"lineage: default index ready in {time.perf_counter() - began:.0f} s", err=True)
    _other_editions(path)


def _other_editions(path: Path) -> None:
    """Say which default index files of other versions sit beside this one (each version reads its
    own edition: lineage/index/edition.py); they are left alone, another installed version may use one."""
    from lineage.index.edition import other_editions

    others = other_editions(path)
    if others:
        mb = sum(p.stat().st_size for p in others) / 1e6
        click.echo(f"lineage: {len(others)} default index file(s) of other lineage versions beside it ({mb:.0f} MB: "
                   + ", ".join(p.name for p in others) + "); delete those no installed version uses", err=True)


@corpus.command("path")
@handled
def path_of() -> None:
    """Print the index file commands use here: --index aside, LINEAGE_INDEX, the settings file's
    `index`, or this version's default index (built by `lineage corpus ensure`)."""
    click.echo(Context.create().config.index_path)


@corpus.command("publish")
@click.argument("index_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("store")
@click.option("--keep-current", is_flag=True, help="Upload only; leave the store's current index as it is.")
@handled
def publish(index_file: Path, store: str, keep_current: bool) -> None:
    """Publish INDEX_FILE to a shared STORE (redis://HOST:PORT/DB) for many scanners.

    The upload is verified and becomes current with one atomic switch, so scanners never see
    a half-written index.  The password, if any, comes from LINEAGE_REDIS_PASSWORD.
    """
    from lineage.api import open_index
    from lineage.index.open import parse_url
    from lineage.index.redis_store import publish as publish_index

    target = parse_url(store)
    began = time.perf_counter()
    index = open_index(index_file)  # verified before anything is uploaded
    ident = publish_index(index, store, make_current=not keep_current)
    state = "uploaded (not current)" if keep_current else "current"
    click.echo(f"lineage: index {ident} published to {target.label} in {time.perf_counter() - began:.1f} s; "
               f"{state}", err=True)


@corpus.command("check")
@click.argument("manifests", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--default", "use_default", is_flag=True, help="Check the manifests of the default index.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handled
def check(manifests: tuple[Path, ...], use_default: bool, as_json: bool) -> None:
    """Check that MANIFESTS index every model file of their sources or say why not.

    Exits 1 when a model file (a member matching the manifest's `models` globs) is neither
    taken by a family nor listed under [[left_out]] with a reason.
    """
    import json

    from lineage import api
    from lineage.errors import ConfigError
    from lineage.index.coverage import coverage, member_names
    from lineage.index.manifest import load_manifest

    paths = list(manifests) or (api.default_manifests() if use_default else [])
    if not paths:
        raise ConfigError("give manifest files or --default")
    results = []
    for path in paths:
        manifest = load_manifest(path)
        results.append(coverage(manifest, member_names(manifest)))
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], indent=2))
    for r in results if not as_json else ():
        if not r.checked:
            click.echo(f"{r.source}: no `models` globs in the manifest: coverage not checked")
            continue
        left = sum(n for _, n in r.left_out)
        click.echo(f"{r.source}: {r.model_files} model files: {r.indexed} indexed in {r.families} families, "
                   f"{left} left out with a reason, {len(r.unlisted)} unlisted")
        for reason, n in r.left_out:
            click.echo(f"  left out ({n}): {reason}")
        for member in r.unlisted:
            click.echo(f"  UNLISTED {member}")
    if any(r.unlisted for r in results):
        raise SystemExit(1)


@corpus.command("list")
@click.option("--index", "index", help="Index file or redis://HOST:PORT/DB (default: the default index).")
@handled
def list_(index: str | None) -> None:
    """List the sources of an index with family counts and labels."""
    ctx = Context.create(index=index)
    idx = ctx.index
    fams = idx.meta["families"]
    files = Counter(f["family"] for f in idx.meta["files"])
    click.echo(f"index {idx.header['id']} ({idx.path}): {len(fams)} families, {len(idx.meta['files'])} files, "
               f"{idx.n_units} units")
    for src in idx.header.get("sources", []):
        mine = [(i, f) for i, f in enumerate(fams) if f["source"] == src["name"]]
        pin = src.get("sha256") or src.get("version") or src.get("path", "")
        click.echo(f"\n{src['name']} ({src.get('kind')}) {src.get('version', '')} {pin[:16]} licence {src.get('licence', '')}: "
                   f"{len(mine)} families")
        countries = Counter(f["country"] or "?" for _, f in mine)
        click.echo("  by country: " + ", ".join(f"{k} {v}" for k, v in sorted(countries.items())))
        for i, f in mine:
            extra = f" weights: {f['weights_licence']}" if f.get("weights_licence") else ""
            click.echo(f"  {f['name']:28s} {f['org']:24s} {f['country'] or '?':3s} {f['licence']:12s} "
                       f"{files.get(i, 0):4d} files  first seen {f.get('first_seen') or '?'}{extra}")


@corpus.command("show")
@click.argument("family")
@click.option("--index", "index", help="Index file or redis://HOST:PORT/DB (default: the default index).")
@handled
def show(family: str, index: str | None) -> None:
    """Show one family (NAME or SOURCE:NAME) with its labels and files."""
    from lineage.errors import ConfigError

    ctx = Context.create(index=index)
    idx = ctx.index
    hits = [(i, f) for i, f in enumerate(idx.meta["families"])
            if family in (f["name"], f"{f['source']}:{f['name']}")]
    if not hits:
        raise ConfigError(f"no family {family!r} in the index (see `lineage corpus list`)")
    for i, f in hits:
        parents, in_headers = idx.declared_parents[i]
        click.echo(f"{f['source']}:{f['name']}  {f['org']} ({f['country'] or '?'})  source {f['source_label']}")
        click.echo(f"  licence {f['licence']}  weights licence {f.get('weights_licence') or '-'}  "
                   f"first seen {f.get('first_seen') or '?'}  declared lineage {', '.join(parents) or '-'}"
                   + (" (in its files' headers)" if in_headers else ""))
        for row in idx.meta["files"]:
            if row["family"] == i:
                click.echo(f"  {row['path']}  ({row['lines']} lines, sha256 {row['sha256'][:12]})")
