"""Code-match findings + notices -> attribution per finding, and notice/licence findings.

For every scanned file whose code matches a reference (beyond common idioms and
boilerplate), the file's notices are compared with those of the reference file it matches
most; the state (declared, retained, removed, replaced, none-needed) is set on each of its
code findings and raises their severity when an upstream notice was removed or replaced.
Files without matches are read with the fast fallback detector only, for foreign notices
that have no matching code ("stale or credit").
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from lineage.index.compact import CompactFile
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding

NOT_EVIDENCE = ("common-idiom", "boilerplate")
MIN_COPIED_LINES = 20
RepoNotices = Sequence[object]  # FileNotices of NOTICE/LICENSE files at the repository root


def _primary_reference(findings: Sequence[Finding]) -> tuple[str, str, str]:
    """(family, source, path) of the reference file this scanned file matches most (by lines)."""
    weight: Counter[tuple[str, str, str]] = Counter()
    for f in findings:
        ref = f.matches[0].ref
        weight[(ref.family, ref.source, ref.path)] += f.end_line - f.start_line + 1
    return min(weight.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def declares(path: str, text: str, index: EmbeddedIndex, family: str) -> bool:
    """The scanned file declares the reference (or one of its declared ancestors) itself:
    a transformers modular import, `# Copied from`, or an import of the engine's model."""
    from lineage.declared.markers import find_declarations

    wanted = {family.split(":", 1)[-1]} | set(index.lineage_of(family))
    if not any(name in text for name in wanted):
        return False  # a declaration names its source: no name in the text, nothing to parse
    return any(d.family in wanted for d in find_declarations(path, text)
               if d.kind in ("modular-import", "copied-from", "base-class", "generated-from", "adapted-from")
               and not _config_only(d.kind, d.target))


def _config_only(kind: str, target: str) -> bool:
    """An import or subclass of another family's *configuration* class names the architecture a
    model follows (every serving engine's model file imports its HF config); it does not
    attribute copied modeling code, so it must not excuse a removed or replaced notice."""
    return kind in ("modular-import", "base-class") and target.rsplit(".", 1)[-1].endswith("Config")


def _enough(findings: Sequence[Finding]) -> bool:
    """A file's notices are compared only when its copied code is substantial."""
    if any(f.severity in ("medium", "high") for f in findings):
        return True
    return sum(f.end_line - f.start_line + 1 for f in findings) >= MIN_COPIED_LINES


def _with_attribution(f: Finding, state: str, explanation: str) -> Finding:
    sev = f.severity
    verdict = f.details.get("verdict", "")
    if state in ("removed", "replaced"):
        # copied code without its upstream notice is a licence defect: never below medium
        sev = "medium" if sev == "low" else sev
        verdict = f"{verdict}, notice {state}"
    elif state == "declared":
        sev = "info"  # declared reuse is compliant reuse, not concealment
        verdict = f"{verdict}, reuse declared"
    elif state == "retained":
        verdict = f"{verdict}, notice retained"
    details = dict(f.details, verdict=verdict, attribution_explanation=explanation)
    return dataclasses.replace(f, attribution=state, severity=sev, details=details)


def attribute_matched(
    index: EmbeddedIndex,
    compacted: Sequence[CompactFile],
    findings: Sequence[Finding],
    repo_notices: RepoNotices = (),
    detect: Callable[..., object] | None = None,
) -> tuple[list[Finding], frozenset[str]]:
    """The findings with attribution set plus the notice findings of files with code matches,
    and the paths of those files.  Each file is handled on its own, so a scan may split its
    files between processes; `stale_notices` then looks at all the other files at once."""
    from lineage.notices import compare_notices, detect_notices, notice_findings

    detect = detect or detect_notices
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind == "code-match" and f.role not in NOT_EVIDENCE and f.severity != "info":
            by_file[f.path].append(f)
    by_file = {p: fs for p, fs in by_file.items() if _enough(fs)}
    out: list[Finding] = []
    texts = {cf.path: cf.text for cf in compacted}
    updated: dict[str, Finding] = {}
    references: dict[tuple[str, str], object] = {}  # a reference header is read once per scan
    for path, mine in sorted(by_file.items()):
        family, _source, ref_path = _primary_reference(mine)
        scanned = detect(path, texts.get(path, ""))
        if (family, ref_path) not in references:
            references[(family, ref_path)] = detect(ref_path, index.header_of(family, ref_path))
        reference = references[(family, ref_path)]
        attribution = compare_notices(scanned, reference, repo_notices=repo_notices,  # type: ignore[arg-type]
                                      declared=declares(path, texts.get(path, ""), index, family),
                                      reference_family=family.split(":", 1)[-1])
        for f in mine:
            updated[f.id] = _with_attribution(f, attribution.state, attribution.explanation)
        matches = [m for f in mine for m in f.matches[:1]]
        out += notice_findings(path, scanned, attribution, matches, has_code_match=True)  # type: ignore[arg-type]
    return [updated.get(f.id, f) for f in findings] + out, frozenset(by_file)


def stale_notices(compacted: Sequence[CompactFile], matched: frozenset[str], repo_notices: RepoNotices = (),
                  detect: Callable[..., object] | None = None) -> list[Finding]:
    """Foreign vendor notices in files with no matching code (fast detector only).

    The project's own organisations are those named in its NOTICE/LICENSE files or in at
    least a third of its files with notices: their notices are never "foreign".
    """
    from lineage.notices import detect_notices, notice_findings

    detect = detect or detect_notices
    quick = [(cf.path, detect(cf.path, cf.text, use_scancode=False, licences=False))
             for cf in compacted if cf.path not in matched and cf.text]
    with_notices = [(p, q) for p, q in quick if getattr(q, "notices", ())]
    counts: Counter[str] = Counter()
    for _, q in with_notices:
        counts.update({n.org for n in q.notices if n.org})  # type: ignore[attr-defined]
    own = {org for org, n in counts.items() if n * 3 >= len(with_notices)}
    own |= {n.org for r in repo_notices for n in getattr(r, "notices", ()) if n.org}
    out: list[Finding] = []
    for path, q in with_notices:
        out += notice_findings(path, q, None, (), has_code_match=False, own_orgs=sorted(own))  # type: ignore[arg-type]
    return out
