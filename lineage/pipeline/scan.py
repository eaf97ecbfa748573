"""A scan from end to end: read the target, fingerprint, match and attribute, then the notices
of unmatched files and vestiges, assembled into one ScanResult.

Data flows one way: files -> compact fingerprints -> index query -> matches -> findings ->
ScanResult.  Callers that already hold file contents (staged blobs, tests, verify) pass
SourceFiles to ``scan_files`` directly: nothing needs a temporary directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lineage import __version__
from lineage.classify.summary import summarise
from lineage.config import Config
from lineage.compact.files import CompactFile
from lineage.errors import SourceError
from lineage.index.embedded import EmbeddedIndex
from lineage.models import FileError, Finding, ScanResult, SourceFile
from lineage.classify.unjudged import Detector, RepoNotices
from lineage.notices.records import FileNotices
from lineage.source.maker import Makers
from lineage.source.walk import REPO_NOTICE_NAMES as REPO_NOTICE_NAMES  # (api and the hook read it here)
from lineage.pipeline.match import (Declared, FileSources, Progress, attributed_and_declared, attributed_findings,
                                    distinct_ids, fingerprint_files, workers_for)


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
    later: EmbeddedIndex | None = None,
    date: str = "",
    date_of: str = "",
    file_dates: dict[str, str] | None = None,
    makers: Makers = (),
) -> tuple[ScanResult, list[CompactFile]]:
    """Scan in-memory files; returns the result and the compact files (for formatters).

    ``notice_detector`` replaces scancode-backed notice detection (the pre-commit hook
    passes the fast regex detector: scancode's start-up would double a commit's latency).
    ``architectures=False`` leaves out the architecture lookup, whose findings are information
    only (the hook: they can never fail a commit, and the lookup's tables cost its latency).
    ``later``: the whole index, when ``index`` is it as of the scanned commit's ``date``: code of
    families first seen after it is reported as anachronisms (classify/anachronism.py).
    ``file_dates``: per path, an earlier date than ``date`` for that file (a release's file its
    project shipped before): it is matched against the index as of that date (a stranger's review:
    SGLang's later port of vLLM's llama template read as the source of vLLM's own files).
    ``makers``: the organisations the scanned package's metadata names as its maker (source/maker.py),
    taken at their word unless the `package_maker` setting is off.
    """
    from lineage.arch.findings import with_architectures
    from lineage.classify.stale import stale_notices
    from lineage.classify.vestiges import vestige_findings
    from lineage.declared.uses import model_uses

    from lineage.source.packed import unpacked_files

    makers = makers if config.package_maker else ()
    # code a file runs from an encoded literal is read as a file of its own (`model.py[exec:3]`)
    packed, unreadable = unpacked_files(files, config.max_file_bytes, workers_for(config, len(files)))
    files, errors = [*files, *packed], (*errors, *unreadable)
    compacted = fingerprint_files(files, config, progress)
    # reference notices written after the code was published are not owed (notices/dated.py), by a date no
    # one scanned could set: a release the package index confirmed, or the user's own --as-of; a commit's
    # date is its author's to set (a stranger backdated a commit of transformers' ESM port without NVIDIA's
    # 2025 line, and it read "notice retained")
    trusted = date if date and (config.as_of or date_of) else ""
    findings, matched, sources, read = _dated_findings(index, compacted, config, repo_notices, notice_detector,
                                                       progress, architectures, file_dates or {}, makers, trusted)
    if progress:
        progress("notices of unmatched files and vestiges", 0, 1)
    if later is not None:
        from functools import partial

        from lineage.classify.anachronism import anachronisms
        from lineage.index.restrict import public_dates
        from lineage.notices import detect_notices

        # only the code findings' strength is wanted of this second pass: notices read fast, without scancode
        quick = notice_detector or partial(detect_notices, use_scancode=False)
        late, _, _ = attributed_findings(later, compacted, config, repo_notices, quick, None, False, makers)
        # (a release's date is the package index's: a dated release was checked against its published wheel)
        findings += anachronisms(late, findings, date, public_dates(later), date_of, confirmed=bool(date_of))
    findings += stale_notices(compacted, matched, repo_notices, notice_detector, workers_for(config, len(compacted)))
    findings += vestige_findings(compacted, findings)
    if progress:
        progress("notices of unmatched files and vestiges", 1, 1)
    all_errors = tuple(errors) + tuple(e for cf in compacted for e in cf.errors)
    unparsed = {e.path for cf in compacted for e in cf.errors if e.unchecked}  # binary, over budget
    cells = {f.path: f.cells for f in files if f.cells}
    if cells:  # a notebook's lines count its cells end to end: also name the cell and its line
        from lineage.source.notebook import with_cells

        findings = [with_cells(f, cells[f.path]) if f.path in cells else f for f in findings]
    findings.sort(key=lambda f: (f.path, f.start_line, f.unit, f.id))
    findings = distinct_ids(findings)
    units = sum(len(cf.units) for cf in compacted)
    uses = model_uses({cf.path: cf.text for cf in compacted}, index.model_lines, workers_for(config, len(compacted)), read)
    result = ScanResult(
        target=target, revision=revision, index=index.info(), findings=tuple(findings),
        errors=all_errors, files_scanned=len(files) - len(unparsed), units_scanned=units,
        summary=with_architectures(summarise(findings, len(files) - len(unparsed), units, core_lines(compacted), sources,
                                             {cf.path: cf.n_lines for cf in compacted},
                                             uses),
                                   findings),
        config=config.to_dict(),
        tool_version=__version__,
    )
    return result, compacted


def _dated_findings(index: EmbeddedIndex, compacted: Sequence[CompactFile], config: Config,
                    repo_notices: RepoNotices, detect: Detector | None, progress: Progress | None,
                    architectures: bool, file_dates: dict[str, str], makers: Makers = (), date: str = ""
                    ) -> tuple[list[Finding], frozenset[str], FileSources, Declared]:
    """attributed_and_declared, each file against the index as of its own date when it has one, else
    as of ``date`` (files of one date together, one restriction of the index at a time)."""
    groups: dict[str, list[CompactFile]] = {}
    for cf in compacted:
        groups.setdefault(file_dates.get(cf.path, ""), []).append(cf)
    findings: list[Finding] = []
    matched: frozenset[str] = frozenset()
    sources: FileSources = {}
    read: Declared = {}
    for day, group in sorted(groups.items()):
        found, paths, found_sources, found_read = attributed_and_declared(
            at_date(index, day), group, config, repo_notices, detect, progress, architectures, makers, day or date)
        findings, matched = findings + found, matched | paths
        sources.update(found_sources)
        read.update(found_read)
    return findings, matched, sources, read


def core_lines(compacted: Sequence[CompactFile]) -> int:
    """Lines of the scanned units whose own features say core architecture (outermost only)."""
    total = 0
    for cf in compacted:
        spans = sorted((u.start_line, u.end_line) for u in cf.units
                       if u.role == "core-architecture" and u.kind != "module" and u.start_line <= u.end_line)
        end = 0  # (the last line counted of this file: the spans' union, in one pass)
        for first, last in spans:
            if last > end:
                total += last - max(first, end + 1) + 1
                end = last
    return total


def scan(
    spec: str, index: EmbeddedIndex, config: Config, *, progress: Progress | None = None
) -> tuple[ScanResult, list[CompactFile]]:
    """Scan a directory, file, archive, REPO@REV, name==version or URL@REV, leaving out the
    paths (relative to the target) that the `exclude` setting names, as the hook does."""
    from lineage.source.maker import declared_makers, metadata_files
    from lineage.source.target import load_target

    if progress:
        progress("read", 0, 0)
    target = _bare_revision(spec)
    try:
        loaded = load_target(target, max_bytes=config.max_file_bytes, release_dates=not config.as_of)
    except SourceError as exc:
        if target == spec or "unknown git revision" not in str(exc):
            raise
        # (a mistyped path read as a revision of the work tree: say both readings failed)
        raise SourceError(f"no such file or directory, nor a revision of the git repository here: {spec!r}",
                          source=spec) from None
    if progress:
        progress("read", len(loaded.files), len(loaded.files))
    date = config.as_of or str(loaded.inputs.get("date") or "")
    release = str(loaded.inputs.get("release") or "")
    # a release's file the project shipped earlier is dated by that release (config.as_of: the user's date)
    own = {} if config.as_of else _own_dates(index, loaded.inputs)
    shipped = {f.path: own[f.path] for f in loaded.files if own.get(f.path, "") and own[f.path] < date}
    index = _without_own_project(index, loaded.inputs)
    dated = at_date(index, date, f"the release {release}, whose files these are" if release else "")
    # a commit's date is its author's to set, and a tree's METADATA its own word: what the whole
    # index holds of later code is said too
    later = index if dated is not index and not config.as_of \
        and loaded.inputs.get("kind") in ("git", "dir", "file") else None
    # a revision's own NOTICE, LICENSE and metadata, as read from its tree (not the working tree's)
    at_revision = loaded.inputs.get("kind") == "git"
    metadata = loaded.metadata if at_revision else loaded.metadata or metadata_files(loaded.root)
    return scan_files(config.included(loaded.files), dated, config, target=loaded.root or spec,
                      revision=loaded.revision, errors=config.included(loaded.errors), progress=progress,
                      repo_notices=repository_notices("" if at_revision else loaded.root, loaded.notices),
                      later=later, date=date, date_of=f"the date of the release {release or _own_project(loaded.inputs)[1]}"
                      if release or (loaded.inputs.get("kind") == "pypi" and date) else "",
                      file_dates=shipped, makers=declared_makers(metadata))


def _own_project(inputs: dict[str, object]) -> tuple[str, str]:
    """(package, "name==version") of a release the target is (`name==version`, or a tree the
    package index confirmed is one), else ("", "")."""
    if inputs.get("kind") == "pypi" and inputs.get("name"):
        return str(inputs["name"]), f"{inputs['name']}=={inputs.get('version', '')}"
    if isinstance(inputs.get("release"), str) and "==" in str(inputs["release"]) and "," not in str(inputs["release"]):
        release = str(inputs["release"])  # (one release, file for file; a folder of several is not one project's)
        return release.split("==", 1)[0], release
    return "", ""


def _own_dates(index: EmbeddedIndex, inputs: dict[str, object]) -> dict[str, str]:
    """Per file path of a release of an indexed project: when the project first shipped it, as the
    index's own sources of the project say (restrict.own_file_dates); {} for any other target."""
    from lineage.index.restrict import own_file_dates

    package, _ = _own_project(inputs)
    return own_file_dates(index, package) if package else {}


def _without_own_project(index: EmbeddedIndex, inputs: dict[str, object]) -> EmbeddedIndex:
    """A release of an indexed project (`mlx-lm==0.10.0`, or a tree the package index confirmed
    is one) is not scanned against the project's own indexed releases: its later code, with the
    notices added since, would read as the source of its earlier self."""
    from lineage.index.restrict import without_own_project

    name, release = _own_project(inputs)
    return without_own_project(index, name, release) if name else index


def at_date(index: EmbeddedIndex, date: str, why: str = "") -> EmbeddedIndex:
    """The index as it could have been on ``date`` (``--as-of``, the scanned commit's date, or the
    release's): a family first seen later cannot be the source of code written before it."""
    from lineage.index.restrict import as_of

    return as_of(index, date, why) if date else index


def _bare_revision(spec: str) -> str:
    """`lineage scan HEAD~1` in a git work tree means `.@HEAD~1` (DESIGN: PATH|GIT-REV)."""
    import os

    if os.path.exists(spec) or "@" in spec or "==" in spec or spec.startswith("-"):
        return spec
    if os.path.isdir(".git") or os.path.isfile(".git"):
        return f".@{spec}"
    return spec




def repository_notices(root: str, archived: Sequence[tuple[str, bytes]] = ()) -> list[FileNotices]:
    """NOTICE/LICENSE files at a directory target's root (regular files only, capped), else those
    an archive or release holds at its root (``archived``: LoadedTarget.notices)."""
    from lineage.notices import detect_repo_notices

    base = Path(root) if root else None
    if base is None or not base.is_dir():
        return [detect_repo_notices(name.rsplit("/", 1)[-1], data.decode("utf-8", "replace"))
                for name, data in archived]
    paths = [(base / name, name) for name in REPO_NOTICE_NAMES]
    for folder in NOTICE_FOLDERS:  # the notices of code a project took in, one file each (credited, not its own)
        where = base / folder
        if where.is_dir() and not where.is_symlink():
            paths += [(path, f"{folder}/{path.name}") for path in sorted(where.iterdir())[:MAX_FOLDER_NOTICES]]
    return [detect_repo_notices(shown, path.read_bytes().decode("utf-8", "replace")) for path, shown in paths
            if path.is_file() and not path.is_symlink() and path.stat().st_size < 1_000_000]


# folders at a project's root holding the notices of code it took in (a stranger's review: a copy whose
# upstream line moved to `licenses/LICENSE-glm4_moe` read "replaced")
NOTICE_FOLDERS = ("licenses", "LICENSES", "third_party_licenses", "THIRD_PARTY_LICENSES", "third_party_notices")
MAX_FOLDER_NOTICES = 200  # files read in each
