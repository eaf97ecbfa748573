"""The pre-commit check: scan the STAGED content, minus the baseline and inline pragmas.

What gets committed is the git index, not the working tree, so files are read as blobs
from the index (``read_staged``): a copy sitting unstaged in the working tree does not
fail the commit, and a staged copy hidden by a clean working tree does.  Only findings
at or above the failing severity and not covered by the baseline or a pragma are new.

Latency is the product here, so notices are read with the regex detector only: scancode
costs 1.5-2 s to import and initialise, on every commit that touches matched code.
``lineage baseline`` scans the same way, so notice findings (whose ids name the holder's
organisation) get the same ids in the baseline and in the hook.

A staged Python file the hook could not check (over the size cap, unreadable, binary, a
malformed notebook, over the CPU budget) fails the commit like a new finding: pre-commit
hides the output of a hook that passes, so a file let through unchecked would pass unseen.
The message names the file, the reason and the ways on (raise the cap, exclude the path).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from dataclasses import dataclass
from pathlib import Path

from lineage.config import Config
from lineage.errors import SourceError
from lineage.index.embedded import EmbeddedIndex
from lineage.compact.files import CompactFile
from lineage.models import FileError, Finding, ScanResult, SourceFile
from lineage.vocab import Severity, at_or_above

if TYPE_CHECKING:
    from lineage.classify.unjudged import RepoNotices
    from lineage.notices.records import FileNotices
    from lineage.source.maker import Makers
from lineage.workflow.baseline import Baseline, check_params, escalated, notes, subtract, within
from lineage.workflow.pragma import Accepted, apply_pragmas
from lineage.report.escape import terminal_text


@dataclass(frozen=True)
class HookOutcome:
    """What the hook found in the staged content, and why the rest was let through."""

    result: ScanResult
    new: tuple[Finding, ...]  # failing: at/above the severity, not baselined, not accepted
    below: int  # new findings under the failing severity
    baselined: int  # findings the baseline covers
    accepted: tuple[Accepted, ...]  # findings accepted by a pragma with a reason
    problems: tuple[FileError, ...]  # pragmas without a reason, caveats on scanned files
    notes: tuple[str, ...]
    unchecked: tuple[FileError, ...] = ()  # staged files whose content could not be scanned
    has_baseline: bool = False  # a baseline was read (the advice says to update it, not to create one)
    rejected: tuple[tuple[str, str], ...] = ()  # (id, reason) of failing findings the baseline holds, audited rejected
    escalated: tuple[tuple[str, str], ...] = ()  # (id, recorded severity) of findings now more severe than recorded

    @property
    def failed(self) -> bool:
        return bool(self.new) or bool(self.unchecked)


def repo_root(start: str | Path = ".") -> Path:
    """The working-tree root of the repository containing ``start``."""
    import git

    try:
        repository = git.Repo(str(start), search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SourceError("not inside a git repository", source=str(start)) from None
    try:
        if repository.working_tree_dir is None:
            raise SourceError("a bare repository has no staged content", source=str(start))
        return Path(repository.working_tree_dir)
    finally:
        repository.close()


def repo_paths(root: Path, paths: Sequence[str], cwd: str | Path = ".") -> list[str]:
    """Paths as given on the command line -> POSIX paths relative to the repository root.

    Only the directories are resolved, never the last component: a staged symbolic link
    names the link, not the file it points to.
    """
    real_root = os.path.realpath(root)
    out = []
    for p in paths:
        head, name = os.path.split(os.path.join(cwd, p))
        full = os.path.join(os.path.realpath(head), name) if name not in ("", ".", "..") \
            else os.path.realpath(os.path.join(cwd, p))
        rel = os.path.relpath(full, real_root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            raise SourceError("path is outside the repository", source=p)
        out.append(Path(rel).as_posix())
    return sorted(set(out))


def default_baseline_path(start: str | Path, config: Config) -> Path:
    """``config.baseline`` at the repository root (or beside ``start`` outside git)."""
    where = Path(start)
    try:
        root = repo_root(where if where.is_dir() else where.parent)
    except SourceError:
        root = where if where.is_dir() else where.parent
    return root / config.baseline


def baseline_scope(spec: str) -> str:
    """The repository-root path a baseline scan of ``spec`` covers: "" for the whole tree (or
    outside git), else the subdirectory or file it names."""
    if not os.path.exists(spec):
        return ""
    try:
        root = repo_root(spec if os.path.isdir(spec) else os.path.dirname(os.path.abspath(spec)))
    except SourceError:
        return ""
    return _scope(root, spec)


def _scope(root: Path, spec: str) -> str:
    """``spec``'s path from the repository root, "" for the root itself."""
    prefix = Path(os.path.relpath(os.path.realpath(spec), os.path.realpath(root))).as_posix()
    return "" if prefix == "." else prefix


def scan_for_baseline(spec: str, index: EmbeddedIndex, config: Config, *,
                      progress: Callable[[str, int, int], None] | None = None) -> ScanResult:
    """Scan a target for a baseline exactly as the hook scans: in a git work tree, the staged
    content of the files under it, by repository-root paths (the hook names files so, and finding
    ids include the path: a baseline made from a subdirectory must use the same names or nothing
    would match).  The working tree is not what the hook checks: an untracked scratch copy went
    into the baseline and then passed the hook when committed (a stranger's review).  Outside git,
    the target as it stands."""
    from lineage.source.target import load_target

    root = None
    if os.path.isdir(spec):
        try:
            root = repo_root(spec)
        except SourceError:
            root = None
    if root is not None:
        scope = _scope(root, spec)
        files, errors = staged_files(root, None, config)
        files = [f for f in files if within(f.path, scope)]
        errors = [e for e in errors if within(e.path, scope)]
        notices, makers = staged_root(root)
        return scan_quick(files, index, config, target=str(root), revision="staged", errors=errors,
                          repo_notices=notices, progress=progress, makers=makers)[0]
    loaded = load_target(spec, max_bytes=config.max_file_bytes)
    files, errors = config.included(list(loaded.files)), config.included(list(loaded.errors))
    return scan_quick(files, index, config, target=loaded.root or spec, revision=loaded.revision, errors=errors,
                      repo_notices=[], progress=progress)[0]


def staged_files(root: Path, paths: Sequence[str] | None, config: Config) -> tuple[list[SourceFile], list[FileError]]:
    """Staged Python blobs (.py, .ipynb, scripts with a Python shebang): the named paths only, or
    every staged file when ``paths`` is None."""
    from lineage.source.gitrev import read_staged
    from lineage.source.walk import SCAN_SUFFIXES

    files, errors = read_staged(root, max_bytes=config.max_file_bytes, paths=paths, suffixes=SCAN_SUFFIXES,
                                scripts=True)
    return config.included(files), config.included(errors)


def quick_notices(path: str, text: str, **options: Any) -> FileNotices:
    """detect_notices without scancode: the line-anchored detector alone."""
    from lineage.notices import detect_notices

    options["use_scancode"] = False
    return detect_notices(path, text, **options)


def staged_root(root: Path) -> tuple[list[FileNotices], Makers]:
    """The repository root's NOTICE/LICENSE files and the makers its package metadata names
    (source/maker.py), as staged: one read of the index."""
    from lineage.pipeline.scan import REPO_NOTICE_NAMES
    from lineage.source.gitrev import read_staged
    from lineage.source.maker import MAX_BYTES, NAMES, declared_makers

    names = (*REPO_NOTICE_NAMES, *NAMES)
    files, _ = read_staged(root, paths=names, suffixes=names, max_bytes=MAX_BYTES)
    notices = [quick_notices(f.path, f.data.decode("utf-8", "replace"), header_lines=2000, mentions=True)
               for f in files if f.path in REPO_NOTICE_NAMES]
    return notices, declared_makers([(f.path, f.data) for f in files if f.path in NAMES])


def scan_quick(
    files: Sequence[SourceFile], index: EmbeddedIndex, config: Config, *, target: str, revision: str | None,
    errors: Sequence[FileError], repo_notices: RepoNotices, progress: Callable[[str, int, int], None] | None = None,
    makers: Makers = (),
) -> tuple[ScanResult, list[CompactFile]]:
    """``scan_files`` with the quick notice detector and no architecture lookup (its findings
    are information only: they never fail a commit)."""
    # imported here, not above: `lineage audit` imports this module for its baseline path alone,
    # and the pipeline (classify, index query, notices) is a few hundred ms it does not need
    from lineage.pipeline.scan import scan_files

    return scan_files(files, index, config, target=target, revision=revision, errors=errors,
                      progress=progress, repo_notices=repo_notices, notice_detector=quick_notices,
                      architectures=False, makers=makers)


def check_staged(
    root: Path,
    index: EmbeddedIndex,
    config: Config,
    *,
    paths: Sequence[str] | None = None,
    baseline: Baseline | None = None,
    fail_on: str | None = None,
    baseline_source: str = "",
) -> HookOutcome:
    """Scan the staged files and keep the findings nobody has accepted yet."""
    if baseline is not None:  # refuse before scanning: a mismatch would flag everything
        check_params(baseline, index.header["params"], source=baseline_source)
    files, errors = staged_files(root, paths, config)
    notices, makers = staged_root(root)
    result, compacted = scan_quick(files, index, config, target=str(root), revision="staged", errors=errors,
                                   repo_notices=notices, makers=makers)
    unbaselined = subtract(result, baseline)
    kept, accepted, problems = apply_pragmas(unbaselined, {c.path: c.text for c in compacted if c.text})
    failing = tuple(f for f in kept if at_or_above(f.severity, fail_on or config.fail_on))
    return HookOutcome(
        result=result, new=failing, below=len(kept) - len(failing),
        baselined=len(result.findings) - len(unbaselined), accepted=tuple(accepted),
        problems=tuple(problems) + tuple(e for e in result.errors if not e.unchecked),
        notes=tuple(notes(baseline, result)) if baseline is not None else (),
        unchecked=tuple(e for e in result.errors if e.unchecked), has_baseline=baseline is not None,
        rejected=tuple((f.id, baseline.entries[f.id].reason) for f in failing
                       if baseline is not None and f.id in baseline.entries
                       and not escalated(f, baseline.entries[f.id])),
        escalated=tuple((f.id, baseline.entries[f.id].severity) for f in failing
                        if baseline is not None and escalated(f, baseline.entries.get(f.id))),
    )


def describe(outcome: HookOutcome) -> str:
    """Terminal text: one block per new finding and how to accept it."""
    lines = []
    # the most severe first, as a scan lists them
    for f in sorted(outcome.new, key=lambda f: (-Severity(f.severity).rank, f.path, f.start_line)):
        ref = f.matches[0].ref if f.matches else None
        if f.kind == "code-match" and ref is not None:
            where = f" resembles {ref.unit} in {ref.path} ({ref.family}, {ref.org or 'unknown'})"
            sim = f", similarity {f.matches[0].similarity:.2f}"
        else:  # a notice, licence or vestige finding says what it is in its explanation
            where, sim = f": {f.explanation}", ""
        lines.append(f"{f.path}:{f.start_line}-{f.end_line} {f.unit} [{f.severity}] {f.kind}{where}{sim}")
        reason, was = dict(outcome.rejected).get(f.id), dict(outcome.escalated).get(f.id)
        said = (f" (recorded in the baseline, audited rejected: {reason})" if reason is not None else
                f" (recorded in the baseline at {was}, now {f.severity}: review it again)" if was else "")
        lines.append(f"    id {f.id}{said}")
    for a in outcome.accepted:  # accepted inline: shown, so that a reviewer of the commit sees what and why
        f = a.finding
        lines.append(f"accepted by pragma (line {a.line}): {f.path}:{f.start_line}-{f.end_line} {f.unit} "
                     f"[{f.severity}] {f.kind}: {a.reason}")
    for p in outcome.problems:
        lines.append(f"{p.path}: {p.stage}: {p.reason}")
    lines.extend(unchecked_lines(outcome.unchecked))
    scanned = outcome.result.files_scanned
    fresh = len(outcome.new) - len(outcome.rejected)
    lines.append(
        f"lineage hook: {scanned} staged file{'s' if scanned != 1 else ''} scanned, {fresh} new finding(s)"
        + (f" and {len(outcome.rejected)} audited rejected (must be fixed)" if outcome.rejected else "")
        + (" at or above the failing severity" if fresh or outcome.rejected else "") + "; "
        f"{outcome.baselined} in the baseline, {len(outcome.accepted)} accepted by pragma, "
        f"{outcome.below} more below the failing severity (not failing)"
        + (f"; {len(outcome.unchecked)} not checked" if outcome.unchecked else ""))
    failing_files = sorted({f.path for f in outcome.new})
    for path in failing_files:  # what the file is, as the scan would say it: why the commit stops
        row = outcome.result.summary.files.get(path)
        if row is not None and row.verdict:
            lines.append(f"{path}: {row.verdict}")
    if outcome.new:
        if any(f.path in failing_files and f.attribution in ("removed", "replaced") for f in outcome.result.findings):
            lines.append("to fix a removed or replaced notice: restore the upstream holder's copyright line (or "
                         "name it in the repository's NOTICE file) and say where the code comes from "
                         "(`Adapted from ...`)")
        record = "`lineage baseline update`" if outcome.has_baseline else "`lineage baseline create`"
        lines.append('accept one unit with `# lineage: accept reason="..."` on its def/class line, or record '
                     f"all with {record} and `lineage audit ID --verdict ... --reason ...`")
    return terminal_text(lines)  # names, units and reasons come from the staged tree


_CAP = re.compile(r"(\d+) bytes exceeds the (\d+)-byte cap")


def unchecked_lines(unchecked: Sequence[FileError]) -> list[str]:
    """Which staged files could not be checked, why, and the ways on."""
    if not unchecked:
        return []
    n = len(unchecked)
    lines = [f"lineage hook: {n} staged file{'s' if n != 1 else ''} could not be checked, so the commit "
             "is stopped (a file nobody checked must not pass unseen):"]
    lines += [f"  {e.path}: {e.stage}: {e.reason}" for e in unchecked]
    sizes = [int(m.group(1)) for e in unchecked if (m := _CAP.search(e.reason))]
    lines.append("to go on, for each file:")
    if sizes:
        cap = -(-max(sizes) // 1_000_000) * 1_000_000
        lines.append(f"  - too large: raise the cap to scan it whole, `max_file_bytes = {cap}` under [tool.lineage] "
                     f"in pyproject.toml (or at the top level of a lineage.toml), or LINEAGE_MAX_FILE_BYTES={cap} "
                     "for one commit")
    if len(sizes) < n:
        lines.append("  - unreadable, binary, malformed, packed unreadably or too costly: fix it (a notebook must "
                     "be valid JSON in nbformat; Python source must be text; code a file runs from an encoded "
                     "literal must unpack to source)")
    files = list(dict.fromkeys(e.path.split("[exec:")[0] for e in unchecked))  # (packed code: its file)
    paths = ", ".join(f'"{p}"' for p in files[:3]) + (", ..." if len(files) > 3 else "")
    lines.append(f"  - or leave it out on purpose, visibly: `exclude = [{paths}]` under [tool.lineage]; the hook "
                 "applies a repository's `exclude` only when trusted: args: [--trust-config, --]")
    lines.append("  - or skip this hook for one commit: SKIP=<hook id> git commit ... (pre-commit)")
    return lines
