"""Which findings a scanned file's notices are judged on (classify/attribution.py).

Code that many model lines hold cannot say whose notice it owes, unless the file as a whole is
one source's file (classify/wholecopy.whole_file); a partial resemblance owes none; and the
copied code must be substantial: a medium or high copy, copies of MIN_COPIED_LINES lines
together holding enough evidence, or the source's whole file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from lineage.classify.codematch import (STRONG, config_short_of_copy, shared_code, held_whole, slight, strength,
                                        strong_evidence)
from lineage.classify.wholecopy import EXPLAINED, whole_file
from lineage.classify.linecount import distinct_lines
from lineage.details import CodeMatchDetails
from lineage.models import Finding
from lineage.scoring import SCORING
from lineage.verdicts import SourceVerdict
from lineage.vocab import NOT_EVIDENCE, Role, model_line

MIN_COPIED_LINES = 20


def judged_findings(findings: Sequence[Finding], sources: Mapping[str, Mapping[str, SourceVerdict]]
                    ) -> tuple[dict[str, list[Finding]], set[str]]:
    """Per file, the code findings its notices are judged on, and the ids of those among them that
    only carry the judgement (a whole-file copy's common units: they stay unattributed)."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind == "code-match" and f.role not in NOT_EVIDENCE and f.severity != "info" \
                and _notice_evidence(f, sources.get(f.path, {})):
            by_file[f.path].append(f)
    # a file that is its source's whole file owes that source's notice for all of its code, the
    # code other lines share too: when its own findings are too few to judge notices on (its units
    # are info, and a minifier packs them onto few lines), those are judged (the file's verdict,
    # "copy of the whole file of X", and its gate must agree)
    # (those common units only carry the judgement: they stay unattributed, as info findings are)
    carriers: set[str] = set()
    for path, verdicts in sorted(sources.items()):
        if _whole(verdicts) and not _enough(by_file.get(path, [])):
            common = [f for f in findings if f.path == path and f.kind == "code-match" and f.severity == "info"
                      and f.role != Role.BOILERPLATE.value and _notice_evidence(f, verdicts)]
            by_file[path] = by_file.get(path, []) + common
            carriers.update(f.id for f in common)
    by_file = {p: fs for p, fs in by_file.items() if fs and (_enough(fs) or _whole(sources.get(p, {})))}
    return by_file, carriers


def _notice_evidence(f: Finding, verdicts: Mapping[str, SourceVerdict]) -> bool:
    """Whether a code finding can support a judgement of the file's notices against a reference.
    Code that many model lines hold cannot say whose notice it owes, unless the file as a whole
    is one source's file (classify/wholecopy.whole_file) and the finding matches that source, or
    holds another maker's whole file beside its source's (classify/alsowhole.py) and the finding
    matches that one.
    A configuration class short of a copy names the architecture the file follows (its
    parameters), not whose code it holds."""
    if config_short_of_copy(f.unit, f.matches[0]):
        return False
    code = f.details if isinstance(f.details, CodeMatchDetails) else None
    if code is None or not shared_code(code):
        return True
    v = verdicts.get("<file>")
    if v is not None and (v.also_whole is not None and matches_family(f, v.also_whole.family)
                          or v.held_whole and v.source is not None and matches_family(f, v.source.family)):
        return True  # (a whole file held beside other code: classify/alsowhole.py)
    return v is not None and v.source is not None and whole_file(v) and matches_family(f, v.source.family)


def matches_family(f: Finding, family: str) -> bool:
    """`f`'s best reference is `family`, or `family` holds the same code as closely."""
    same = f.details.equivalent_families if isinstance(f.details, CodeMatchDetails) else ()
    return family in (f.matches[0].ref.family, *same)



def a_copy(findings: Sequence[Finding], verdicts: Mapping[str, SourceVerdict]) -> bool:
    """The file copies its reference, as its verdict will say: a medium or high code finding, or the
    source's whole file (a weak resemblance owes no framework's notice)."""
    v = verdicts.get("<file>")
    return any(f.severity in ("medium", "high") for f in findings) or (v is not None and whole_file(v))


def _enough(findings: Sequence[Finding]) -> bool:
    """A file's notices are compared only when it holds a reference's code as a copy (not a
    partial resemblance, whatever its severity: two ports of one upstream resemble each other
    in part and owe each other no notice; `verify` judges alike) and that copied code is
    substantial: a medium or high copy, or copies of MIN_COPIED_LINES lines together that share
    NAMELESS_EVIDENCE fingerprints with their references (a one-call constructor spread over 20
    lines, 19 fingerprints, is too little code to say whose notice the file owes)."""
    copies = [f for f in findings if copied(f)]
    if any(f.severity in ("medium", "high") for f in copies):
        return True
    return sum(f.end_line - f.start_line + 1 for f in copies) >= MIN_COPIED_LINES \
        and sum(f.matches[0].shared for f in copies) >= SCORING.nameless_evidence


def _whole(verdicts: Mapping[str, SourceVerdict]) -> bool:
    """The file is its source's whole file (classify/wholecopy.whole_file): its notices are
    compared however few lines its copied units span (a minifier packs a function on one line)."""
    v = verdicts.get("<file>")
    return v is not None and whole_file(v)


def copied(f: Finding) -> bool:
    """The unit holds the reference's code (a copy's strength), not a partial resemblance, nor a
    formula's few fingerprints alike under other names (too few to show a copy on their own,
    codematch.strong_evidence, and names changed: ten lines of ALiBi slopes written afresh; a
    short method copied with its names is a copy), nor a small routine that holds the reference's
    structure in part only (codematch.slight: a textbook kernel written again).  A unit that holds
    the reference's unit whole inside more code of its own is a copy, extended (codematch.held_whole):
    its notice is owed as the unextended copy's is (a stranger's review: gemma2's, mixtral's and
    qwen2_moe's copies, extended, read medium with no notice judged, header removed or replaced)."""
    m = f.matches[0]
    if held_whole(m):  # (a copy, extended: the reference's unit whole inside more code of the unit's own)
        return True
    return strength(m) >= STRONG and not (slight(m) and m.similarity < STRONG) and (
        strong_evidence(m) or m.lexical >= SCORING.names_partly_changed)


def small_part(matched: Sequence[Finding], text: str, v: SourceVerdict | None = None, family: str = "") -> bool:
    """The units of the file that hold a reference's code as a copy (judged.copied; declared,
    the maker's own or not) span less than fileverdict.PART of its lines: the rest, most of the
    file, is code of its own (or resembles others' only in part).  Not when the file's source
    verdict ``v`` has ``family`` explain wholecopy.EXPLAINED of the file: an obfuscated copy
    holds few units at a copy's strength, but its source still explains it (a stranger's review:
    gemma2's file renamed, reordered and padded under another notice, 90% explained, read
    "removed" where the same header over a lighter obfuscation read "replaced").  Nor when the file
    is that source's whole file (wholecopy.whole_file) and the source explains fileverdict.MOSTLY of
    it: the file is mostly the copy, though its units' names, changed, leave few of them holding a
    copy's evidence on their own, and padding adds lines (a stranger's review: one header over 25
    files obfuscated alike read "replaced" in 21, "removed" in 4 whose sources explained 63-74% of
    them, as their copied units spanned more or less than a quarter of the padded lines).  A
    source's whole file beside more code of the file's own is a small part of it, as before."""
    from lineage.classify.fileverdict import MOSTLY, PART

    if v is not None and v.source is not None and v.source.family == family and (
            v.source.score >= EXPLAINED or whole_file(v) and v.source.score >= MOSTLY):
        return False
    copies = [f for f in matched if copied(f)]
    return bool(copies) and distinct_lines(copies) < PART * max(1, text.count("\n") + 1)


def code_by_path(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    """Every code finding per file, info ones too."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind == "code-match":
            out[f.path].append(f)
    return out


def first_per_id(findings: Sequence[Finding]) -> list[Finding]:
    """The findings, each id once (its first), in order."""
    firsts: dict[str, Finding] = {}
    for f in findings:
        firsts.setdefault(f.id, f)
    return list(firsts.values())


def primary_reference(findings: Sequence[Finding]) -> tuple[str, str, str]:
    """(family, source, path) of the reference file this scanned file copies most (by lines of
    units that hold its code, else of every match: a resemblance owes no notice in a copy's place)."""
    weight: Counter[tuple[str, str, str]] = Counter()
    for f in [f for f in findings if copied(f)] or findings:
        ref = f.matches[0].ref
        weight[(ref.family, ref.source, ref.path)] += f.end_line - f.start_line + 1
    return min(weight.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def reference_of(findings: Sequence[Finding], verdicts: dict[str, SourceVerdict]) -> tuple[str, str]:
    """(family, path) whose notices the file is judged against: its source when that family
    holds any of the file's evidence, else the reference file it matches most."""
    file_verdict = verdicts.get("<file>")
    source = file_verdict.source if file_verdict is not None else None
    # (a part of a copy split across files is judged against the copy's source: classify/together.py)
    if source is not None and file_verdict is not None and (
            file_verdict.together or any(f.matches[0].ref.family == source.family for f in findings)):
        return source.family, source.path
    family, _source, path = primary_reference(findings)
    return family, path


def of_line(f: Finding, family: str) -> bool:
    """The finding's code is the judged family's: its best reference, one holding it as closely, or
    a listed match of the same model line."""
    return matches_family(f, family) or any(model_line(m.ref.family) == model_line(family) for m in f.matches)


def notice_of(f: Finding, family: str) -> str:
    """How a unit's verdict names the notice judged: "notice" when it is the notice of the family
    the unit is said to copy, else that family's ("dots1's notice"): a unit whose code an elder line
    had first (qwen3's attention, which dots1's file carries) is judged by the notice of the file it
    came with, and "copy of qwen3, notice replaced" said Alibaba's was (a stranger's review)."""
    if not family or not f.matches or model_line(f.matches[0].ref.family) == model_line(family):
        return "notice"
    return f"{model_line(family)}'s notice"


def without_notice(verdict: str, state: str | None) -> str:
    """A unit's verdict without the notice state `stated.with_attribution` appended to it."""
    return re.sub(rf", (?:\S+'s )?notice {re.escape(str(state))}$", "", verdict)
