"""Git history provenance: when matched code first appeared, and how its notices changed.

The repository is scanned at a revision; then, for each file with matches, the commits
that touched it are walked oldest-first (``git rev-list --reverse``) and each version is
read as a blob (nothing is checked out, no hook or filter runs).  The files are those a scan
of the revision reads: ``.py``, notebooks (converted to Python, findings naming the cell) and
scripts without a suffix that start with a Python shebang.  A version that cannot be read
(over the cap, a malformed notebook, binary) is a per-file error naming its commit and is
left out of the trace; the run goes on.  Each version is
fingerprinted and queried like a scan, which gives the first commit where every matched
reference unit appears, and its copyright holders are read, which gives notice changes:
a holder present in one version and gone in the next is a ``notice-history`` finding naming
both commits.  First appearances are set against the reference's ``first_seen`` date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lineage.vocab import finding_id
from lineage.config import Config
from lineage.details import Appearance, NoticeHistoryDetails, PredatesDetails
from lineage.index.embedded import EmbeddedIndex
from lineage.models import FileError, Finding, ScanResult, SourceFile
from lineage.pipeline.match import findings_for, fingerprint_files
from lineage.pipeline.scan import repository_notices, scan_files


@dataclass(frozen=True)
class UnitOrigin:
    """First commit in which a unit matching this reference unit appeared in the file."""

    path: str
    unit: str
    finding_id: str
    reference: str  # family:path:unit
    ref_first_seen: str
    first: Appearance | None
    predates_reference: bool


@dataclass(frozen=True)
class History:
    repo: str
    revision: str
    result: ScanResult
    files: dict[str, Appearance]  # first commit holding each matched path
    units: tuple[UnitOrigin, ...]
    findings: tuple[Finding, ...]  # notice-history and predates-reference
    errors: tuple[FileError, ...] = ()  # versions of the traced files that could not be read


@dataclass(frozen=True)
class Version:
    """One distinct blob of a file, as a scan reads it (a notebook converted) and its text."""

    at: Appearance
    file: SourceFile
    text: str


def _appearance(commit: Any) -> Appearance:
    when = datetime.fromtimestamp(commit.committed_date, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Appearance(commit.hexsha, when, f"{commit.author.name} <{commit.author.email}>")


def _at(at: Appearance, error: FileError) -> FileError:
    """A version's error, its reason naming the commit."""
    reason = f"at commit {at.commit[:12]} ({at.date[:10]}): {error.reason}"
    return FileError(error.path, error.stage, reason, error.unchecked)


def versions(repository: Any, head: Any, path: str, max_bytes: int) -> tuple[list[Version], list[FileError]]:
    """Each distinct blob of ``path`` in the commits that touched it, oldest first, read as a
    scan of that commit would read it; the versions that cannot be read are errors.  A version
    of a file without a suffix that does not start with a Python shebang is no Python script,
    and is left out as such a scan would."""
    from lineage.parse.decode import decode_source
    from lineage.source.gitrev import read_blob, wanted_blob
    from lineage.source.walk import SCAN_SUFFIXES

    out: list[Version] = []
    errors: list[FileError] = []
    last = b""
    for commit in repository.iter_commits(head.hexsha, paths=[path], reverse=True, topo_order=True):
        try:
            blob = commit.tree / path
        except KeyError:  # deleted in this commit
            last = b""
            continue
        if blob.type != "blob" or blob.mode & 0o170000 == 0o120000 or blob.binsha == last:
            continue
        last = blob.binsha
        if not wanted_blob(repository, path, blob.binsha, SCAN_SUFFIXES, scripts=True):
            continue
        at = _appearance(commit)
        read = read_blob(repository, blob.binsha, path, max_bytes)
        if isinstance(read, FileError):  # over the cap, a malformed notebook, an LFS pointer, corrupt
            errors.append(_at(at, read))
            continue
        text, problems = decode_source(path, read.data)
        if text is None:  # binary; a caveat (bytes replaced) leaves the version read
            errors.extend(_at(at, e) for e in problems)
            continue
        out.append(Version(at, read, text))
    return out, errors


def _holders(path: str, text: str) -> dict[str, Any]:
    """Counting (non-framework) notices of one version, by holder key; {} without the notices layer."""
    try:
        from lineage.notices import detect_notices
    except ImportError:
        return {}
    return {n.key: n for n in detect_notices(path, text, licences=False).notices if n.counts}


def notice_changes(path: str, history: Sequence[Version], orgs: set[str]) -> list[Finding]:
    """A holder present in one version and absent from the next: removed or replaced."""
    from lineage.source.notebook import with_cells

    out: list[Finding] = []
    prev: dict[str, Any] = {}
    before: Version | None = None
    for version in history:
        at = version.at
        now = _holders(path, version.text)
        gone = [prev[k] for k in sorted(prev) if k not in now]
        added = [now[k] for k in sorted(now) if k not in prev]
        for n in gone:
            assert before is not None
            prev_at = before.at
            change = "replaced" if added else "removed"
            by = ", ".join(f"'{a.statement}'" for a in added)
            text = (f"'{n.statement}' ({n.org or 'unknown organisation'}) was in {path} at commit "
                    f"{prev_at.commit[:12]} ({prev_at.date[:10]}, {prev_at.author}) and was "
                    f"{change}{' by ' + by if added else ''} in commit "
                    f"{at.commit[:12]} ({at.date[:10]}, {at.author}).")
            details = NoticeHistoryDetails(n.holder, n.org, change, tuple(a.holder for a in added), prev_at, at)
            fid = finding_id(path, "notice-history", n.key, ",".join(sorted(a.key for a in added)))
            severity = "medium" if n.org and n.org in orgs else "low"
            found = Finding(fid, "notice-history", path, n.line, n.line, "<module>", None, change, severity, (),
                            text, details)
            out.append(with_cells(found, before.file.cells))  # the line is the earlier version's
        prev, before = now, version
    return out


def _first_appearances(path: str, history: Sequence[Version], index: EmbeddedIndex, config: Config,
                       wanted: set[str]) -> tuple[dict[str, Appearance], list[FileError]]:
    """Reference unit key -> the first version of ``path`` in which some unit matches it, and the
    versions that could not be analysed."""
    found: dict[str, Appearance] = {}
    errors: list[FileError] = []
    for version in history:
        if wanted <= set(found):
            break
        compacted = fingerprint_files([version.file], config)
        errors.extend(_at(version.at, e) for cf in compacted for e in cf.errors if e.unchecked)
        for f in findings_for(index, compacted, config):
            r = f.matches[0].ref
            found.setdefault(f"{r.family}:{r.path}:{r.unit}", version.at)
    return found, errors


def _predates(origins: Sequence[UnitOrigin]) -> list[Finding]:
    """One info finding per file and reference whose earliest matched unit predates the reference."""
    earliest: dict[tuple[str, str], UnitOrigin] = {}
    for o in origins:
        if not o.predates_reference or o.first is None:
            continue
        key = (o.path, o.reference.rsplit(":", 2)[0])
        current = earliest.get(key)
        if current is None or current.first is None or o.first.date < current.first.date:
            earliest[key] = o
    out = []
    for (path, family), o in sorted(earliest.items()):
        assert o.first is not None
        text = (f"reference {family} first seen {o.ref_first_seen}, this file's matching code ({o.unit}) first "
                f"committed {o.first.date[:10]} in {o.first.commit[:12]} by {o.first.author}: predates the reference "
                "(the repository had it first, or the reference's date or this history is wrong).")
        details = PredatesDetails(o.first, o.ref_first_seen)
        out.append(Finding(finding_id(path, "predates-reference", family), "predates-reference", path, 0, 0, o.unit,
                           None, None, "info", (), text, details))
    return out


def history(repo: str | Path, index: EmbeddedIndex, config: Config, rev: str = "HEAD") -> History:
    """Scan ``repo`` at ``rev``, then trace each matched file and unit back through history."""
    from lineage.source.gitrev import open_repository, read_revision, resolve_commit
    from lineage.source.maker import declared_makers
    from lineage.source.target import revision_root
    from lineage.source.walk import SCAN_SUFFIXES

    # the files `lineage scan REPO@REV` reads, less those the `exclude` setting names
    files, errors, sha = read_revision(repo, rev, max_bytes=config.max_file_bytes, suffixes=SCAN_SUFFIXES,
                                       scripts=True)
    name = Path(repo).resolve().name  # `lineage history .` names the repository, not ""
    # the revision's own NOTICE/LICENSE and package metadata, as `lineage scan REPO@REV` reads them
    notices, metadata = revision_root(repo, sha)
    result, _ = scan_files(config.included(files), index, config, target=name, revision=sha,
                           errors=config.included(errors), repo_notices=repository_notices("", notices),
                           makers=declared_makers(metadata))
    matched = [f for f in result.findings if f.kind == "code-match" and f.matches and f.severity != "info"]
    repository = open_repository(repo)
    try:
        head = resolve_commit(repository, sha, source=str(repo))
        first_files: dict[str, Appearance] = {}
        origins: list[UnitOrigin] = []
        extra: list[Finding] = []
        problems: list[FileError] = []
        for path in sorted({f.path for f in matched}):
            here = [f for f in matched if f.path == path]
            past, unread = versions(repository, head, path, config.max_file_bytes)
            problems += unread
            if not past:
                continue
            first_files[path] = past[0].at
            keys = {f"{f.matches[0].ref.family}:{f.matches[0].ref.path}:{f.matches[0].ref.unit}": f for f in here}
            first, unanalysed = _first_appearances(path, past, index, config, set(keys))
            problems += unanalysed
            for key, f in sorted(keys.items()):
                seen, at = f.matches[0].ref.first_seen, first.get(key)
                origins.append(UnitOrigin(path, f.unit, f.id, key, seen, at,
                                          bool(at and seen and at.date[:10] < seen)))
            extra.extend(notice_changes(path, past, {f.matches[0].ref.org for f in here}))
    finally:
        repository.close()
    extra.extend(_predates(origins))
    return History(name, sha, result, first_files, tuple(origins), tuple(extra), tuple(problems))


def history_dict(h: History) -> dict[str, Any]:
    from lineage.report.jsonfmt import finding_dict

    return {
        "schema_version": 1, "kind": "lineage-history", "repository": h.repo, "revision": h.revision,
        "tool": {"name": "lineage", "version": h.result.tool_version}, "index": {"id": h.result.index.id},
        "files": {p: asdict(a) for p, a in sorted(h.files.items())},
        "units": [{"path": o.path, "unit": o.unit, "finding_id": o.finding_id, "reference": o.reference,
                   "reference_first_seen": o.ref_first_seen or None, "first": asdict(o.first) if o.first else None,
                   "predates_reference": o.predates_reference} for o in h.units],
        "findings": [finding_dict(f) for f in h.findings],
        # files not read at the revision, then versions of the traced files not read in the past
        "errors": [{"path": e.path, "stage": e.stage, "reason": e.reason, "unchecked": e.unchecked}
                   for e in (*h.result.errors, *h.errors)],
        "code_findings": [finding_dict(f) for f in h.result.findings if f.severity != "info"],
    }
