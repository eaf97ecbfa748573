"""The library's front door: scan(), build(); no printing, no exiting.

Data flows one way: files -> compact fingerprints -> index query -> matches -> findings ->
ScanResult.  Callers that already hold file contents (staged blobs, tests, verify) pass
SourceFiles directly: nothing needs a temporary directory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from pathlib import Path

from lineage import __version__
from lineage.classify.codematch import code_finding, strength, worth_reporting
from lineage.classify.explain import scope_source, source_first, ties_of
from lineage.classify.source import attribute_file
from lineage.classify.verdicts import SourceVerdict
from lineage.classify.summary import summarise
from lineage.config import Config
from lineage.fingerprint.params import FingerprintParams
from lineage.index.build import BuildReport, build_index
from lineage.compact.files import CompactFile, compact_all
from lineage.pool import default_workers, fork_map
from lineage.index.embedded import EmbeddedIndex
from lineage.index.manifest import load_manifest
from lineage.index.evidence import UnitEvidence, same_code
from lineage.index.query import QueryOptions, query_files, with_regions
from lineage.models import FileError, Finding, ScanResult, SourceFile
from lineage.classify.attribution import Detector, RepoNotices
from lineage.notices.records import FileNotices

Progress = Callable[[str, int, int], None]


def open_index(spec: str | Path) -> EmbeddedIndex:
    """Load an index file or a published ``redis://`` index, refusing other fingerprint parameters."""
    from lineage.index.open import open_any

    return open_any(spec, expected=FingerprintParams())


def _workers(config: Config, n_files: int) -> int:
    wanted = config.workers or default_workers()
    return 1 if n_files < 40 else wanted  # a pool costs more than it saves on small scans


def fingerprint_files(
    files: Sequence[SourceFile], config: Config, progress: Progress | None = None
) -> list[CompactFile]:
    params = FingerprintParams()
    return list(compact_all(files, params, workers=_workers(config, len(files)), keep_text=True,
                            progress=progress, total=len(files), role_rules=config.role_rules))


FileSources = dict[str, dict[str, SourceVerdict]]  # path -> scope ("<file>" or a class) -> verdict


def code_evidence(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config
) -> tuple[list[Finding], FileSources]:
    """Code-match findings and the source verdicts of every file and class with evidence."""
    opts = QueryOptions(top=config.top, min_similarity=config.min_similarity,
                        min_containment=config.min_containment)
    res = query_files(index, compacted, opts)
    per_file: dict[int, dict[int, UnitEvidence]] = {}
    for (fi, ui), held in res.evidence.items():
        per_file.setdefault(fi, {})[ui] = held
    sources: FileSources = {}
    for fi, evidence in sorted(per_file.items()):
        sources[compacted[fi].path] = attribute_file(index, compacted[fi].units, evidence)
    findings = []
    for (fi, ui), found in sorted(res.matches.items()):
        if not worth_reporting(found[0], config.report_similarity):
            continue
        cf, unit, ev = compacted[fi], compacted[fi].units[ui], res.evidence.get((fi, ui))
        ordered = source_first(index, unit, found, ev, scope_source(unit, sources.get(cf.path, {})), opts)
        best = with_regions(index, unit, ordered[0], opts)
        holders = ev.lines_holding(index, same_code(strength(best))) if ev is not None else 0
        findings.append(code_finding(cf.path, unit, (best, *ordered[1:]), ties_of(index, ev), holders))
    return findings, sources


def findings_for(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config
) -> list[Finding]:
    return code_evidence(index, compacted, config)[0]


MATCH_STAGE = "match and notices"
SHARES_PER_WORKER = 4  # smaller shares: finer progress and a more even load, each file still whole


def attributed_findings(
    index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config,
    repo_notices: RepoNotices = (), detect: Detector | None = None,
    progress: Progress | None = None, architectures: bool = True,
) -> tuple[list[Finding], frozenset[str], FileSources]:
    """Code matches with their attribution, notice findings and source verdicts, file by file
    (and, with ``architectures``, the architecture each file implements); on a large scan the
    files are shared out between forked workers, which inherit the loaded index."""
    from lineage.arch.findings import architecture_findings, table_for
    from lineage.classify.attribution import attribute_matched
    from lineage.classify.owner import canonical_owners

    owners = canonical_owners(config.owner)

    def one_share(share: Sequence[CompactFile]) -> tuple[list[Finding], frozenset[str], FileSources]:
        found, sources = code_evidence(index, share, config)
        attributed, matched = attribute_matched(index, share, found, repo_notices, detect, sources, owners)
        # the architecture a file implements: a finding of its own, apart from code lineage
        arch = architecture_findings(index, share, attributed, compacted) if architectures else []
        return attributed + arch, matched, sources

    if architectures:
        table_for(index)  # loaded before the fork: every worker shares it

    workers = _workers(config, len(compacted)) if index.forkable else 1
    shares = _shares(compacted, workers * SHARES_PER_WORKER if workers > 1 else 1)
    ends = [sum(len(s) for s in shares[: i + 1]) for i in range(len(shares))]
    if progress:
        progress(MATCH_STAGE, 0, len(compacted))

    def done(i: int) -> None:
        if progress:
            progress(MATCH_STAGE, ends[i], len(compacted))

    findings: list[Finding] = []
    matched: frozenset[str] = frozenset()
    sources: FileSources = {}
    for found, paths, share_sources in fork_map(one_share, shares, workers, done):
        findings += found
        matched |= paths
        sources.update(share_sources)
    return findings, matched, sources


def _shares(compacted: Sequence[CompactFile], n: int) -> list[list[CompactFile]]:
    """`n` shares of about equal work (units), each file whole, largest files dealt first."""
    shares: list[list[CompactFile]] = [[] for _ in range(max(1, n))]
    load = [0] * len(shares)
    for cf in sorted(compacted, key=lambda c: (-len(c.units), c.path)):
        k = load.index(min(load))
        shares[k].append(cf)
        load[k] += len(cf.units) + 1
    return [s for s in shares if s]


def scan_files(
    files: Sequence[SourceFile],
    index: EmbeddedIndex,
    config: Config,
    *,
    target: str = "",
    revision: str | None = None,
    errors: Sequence[FileError] = (),
    progress: Progress | None = None,
    repo_notices: RepoNotices = (),
    notice_detector: Detector | None = None,
    architectures: bool = True,
) -> tuple[ScanResult, list[CompactFile]]:
    """Scan in-memory files; returns the result and the compact files (for formatters).

    ``notice_detector`` replaces scancode-backed notice detection (the pre-commit hook
    passes the fast regex detector: scancode's start-up would double a commit's latency).
    ``architectures=False`` leaves out the architecture lookup, whose findings are information
    only (the hook: they can never fail a commit, and the lookup's tables cost its latency).
    """
    from lineage.arch.findings import with_architectures
    from lineage.classify.attribution import stale_notices
    from lineage.classify.vestiges import vestige_findings

    compacted = fingerprint_files(files, config, progress)
    findings, matched, sources = attributed_findings(index, compacted, config, repo_notices, notice_detector,
                                                     progress, architectures)
    if progress:
        progress("notices of unmatched files and vestiges", 0, 1)
    findings += stale_notices(compacted, matched, repo_notices, notice_detector)
    findings += vestige_findings(compacted, findings)
    if progress:
        progress("notices of unmatched files and vestiges", 1, 1)
    all_errors = tuple(errors) + tuple(e for cf in compacted for e in cf.errors)
    findings.sort(key=lambda f: (f.path, f.start_line, f.unit, f.id))
    units = sum(len(cf.units) for cf in compacted)
    result = ScanResult(
        target=target, revision=revision, index=index.info(), findings=tuple(findings),
        errors=all_errors, files_scanned=len(files), units_scanned=units,
        summary=with_architectures(summarise(findings, len(files), units, core_lines(compacted), sources,
                                             {cf.path: cf.n_lines for cf in compacted}), findings),
        config=config.to_dict(),
        tool_version=__version__,
    )
    return result, compacted


def core_lines(compacted: Sequence[CompactFile]) -> int:
    """Lines of the scanned units whose own features say core architecture (outermost only)."""
    covered: set[tuple[str, int]] = set()
    for cf in compacted:
        for u in cf.units:
            if u.role == "core-architecture" and u.kind != "module":
                covered.update((cf.path, n) for n in range(u.start_line, u.end_line + 1))
    return len(covered)


def scan(
    spec: str, index: EmbeddedIndex, config: Config, *, progress: Progress | None = None
) -> tuple[ScanResult, list[CompactFile]]:
    """Scan a directory, file, archive, REPO@REV, name==version or URL@REV, leaving out the
    paths (relative to the target) that the `exclude` setting names, as the hook does."""
    from lineage.source.target import load_target

    if progress:
        progress("read", 0, 0)
    loaded = load_target(_bare_revision(spec), max_bytes=config.max_file_bytes)
    if progress:
        progress("read", len(loaded.files), len(loaded.files))
    index = at_date(index, config.as_of or str(loaded.inputs.get("date") or ""))
    return scan_files(config.included(loaded.files), index, config, target=loaded.root or spec,
                      revision=loaded.revision, errors=config.included(loaded.errors), progress=progress,
                      repo_notices=repository_notices(loaded.root))


def at_date(index: EmbeddedIndex, date: str) -> EmbeddedIndex:
    """The index as it could have been on ``date`` (``--as-of``, or the scanned commit's date):
    a family first seen later cannot be the source of code written before it."""
    from lineage.index.restrict import as_of

    return as_of(index, date) if date else index


def _bare_revision(spec: str) -> str:
    """`lineage scan HEAD~1` in a git work tree means `.@HEAD~1` (DESIGN: PATH|GIT-REV)."""
    import os

    if os.path.exists(spec) or "@" in spec or "==" in spec or spec.startswith("-"):
        return spec
    if os.path.isdir(".git") or os.path.isfile(".git"):
        return f".@{spec}"
    return spec


REPO_NOTICE_NAMES = ("NOTICE", "NOTICE.txt", "NOTICE.md", "LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING")


def repository_notices(root: str) -> list[FileNotices]:
    """NOTICE/LICENSE files at a directory target's root (regular files only, capped)."""
    from lineage.notices import detect_repo_notices

    base = Path(root) if root else None
    if base is None or not base.is_dir():
        return []
    found: list[FileNotices] = []
    for name in REPO_NOTICE_NAMES:
        path = base / name
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 1_000_000:
            text = path.read_bytes().decode("utf-8", "replace")
            found.append(detect_repo_notices(name, text))
    return found


def build(
    manifest_paths: Sequence[str | Path], out: str | Path, *, workers: int = 0,
    progress: Progress | None = None,
) -> BuildReport:
    """Build an index from manifest files into a file, or publish it to a ``redis://`` store."""
    from lineage.index.open import is_store_url

    manifests = [load_manifest(p) for p in manifest_paths]
    kwargs: dict[str, Any] = {"workers": workers or default_workers(), "progress": progress,
                              "extra_header": {"manifests_digest": manifests_digest(manifest_paths)}}
    if is_store_url(out):
        from lineage.index.redis_store import build_to_store

        return build_to_store(manifests, str(out), **kwargs)
    return build_index(manifests, Path(out), **kwargs)


def default_manifests() -> list[Path]:
    """The manifests that build the default index (corpora/default.toml, shipped in the package)."""
    from lineage.data import load_table, shipped_path, table_error

    names = load_table("default.toml").get("default", {}).get("manifests")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise table_error("default.toml", "[default] needs manifests = [file names]")
    return [shipped_path(n) for n in names]  # named relative to the list, as the files sit


def listed_manifests(path: str | Path) -> list[Path]:
    """The manifests a list file names (the form of corpora/default.toml: one table whose
    `manifests` are paths relative to the list); `with_default = true` puts the default
    manifests first, so one index serves a scan (corpora/extended/extended.toml)."""
    from lineage.data import load_table, table_error

    data = load_table("manifest list", path)
    tables = [t for t in data.values() if isinstance(t, dict) and "manifests" in t]
    names = tables[0].get("manifests") if len(tables) == 1 else None
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise table_error("manifest list", "needs one table with manifests = [file names]", path)
    with_default = tables[0].get("with_default", False)
    if not isinstance(with_default, bool):
        raise table_error("manifest list", "with_default must be true or false", path)
    listed = [Path(path).parent / n for n in names]
    return (default_manifests() if with_default else []) + listed


# What a build stores beyond fingerprints (roles, labels, architecture fingerprints...): bump it
# when that changes, so that `corpus ensure` rebuilds default indexes built by older versions.
BUILD_CONTENT = b"build-content 4: architecture fingerprints with architecture names; infrastructure role (code 3, manifest labels)"


def manifests_digest(paths: Sequence[str | Path]) -> str:
    """Digest of what shapes a built index beyond the fingerprint parameters: the manifests, the
    role rules (reference units' roles are stored), the organisation table (families'
    countries are stored) and what the build stores, so a change to any of them rebuilds it."""
    import hashlib

    from lineage.data import read_bytes

    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    h.update(read_bytes("roles.toml"))  # the bytes shipped: a wheel and a checkout digest alike
    h.update(read_bytes("organisations.toml"))
    h.update(BUILD_CONTENT)
    return h.hexdigest()[:16]


def index_staleness(path: Path) -> str | None:
    """Why the default index at `path` must be (re)built, or None if it is current."""
    from lineage.errors import IndexError_

    if not path.exists():
        return "no index yet"
    try:
        idx = open_index(path)
    except IndexError_ as exc:
        return f"existing index unusable: {exc}"
    if idx.header.get("manifests_digest") != manifests_digest(default_manifests()):
        return "the default manifests or role rules changed"
    return None
