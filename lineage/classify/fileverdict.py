"""Per scanned file: one verdict that names its source and says what kind of reuse it is.

Two answers are kept apart.  *Where the file comes from* is the source verdict
(classify/source.py): one reference family and file, with the runner-up and the margin, or
"ambiguous between ..." when they cannot be told apart.  *What the reuse is* comes from the
findings: a core-architecture or inference-glue copy (with the notice state), reuse of a
framework's training or serving infrastructure (permitted tool use), declared reuse, a weak
resemblance, or code built on a shared line many families hold (never convicting).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from lineage.classify.linecount import distinct_lines, lines_per
from lineage.classify.wholecopy import EXPLAINED, explained_copy, whole_file
from lineage.classify.codematch import (CONFIG_LIKE, STRONG, shared_by, shared_code, WHOLE_FILE, WHOLE_HELD, held_whole,
                                        strength, strong_evidence)
from lineage.classify.origins import ORIGIN_CREDIT
from lineage.classify.anachronism import KIND as ANACHRONISM, clause as anachronism_clause
from lineage.classify.second_source import also_copied, owed_states
from lineage.classify.vendored import vendored_clause
from lineage.compact.roles import INFRA
from lineage.declared.uses import uses_sentence
from lineage.summary import Use
from lineage.verdicts import SourceVerdict
from lineage.details import CodeMatchDetails, look_through_root
from lineage.models import Finding
from lineage.classify.vestiges import traces_clause
from lineage.notices.records import FRAMEWORK_NOT_KEPT
from lineage.summary import FileVerdict
from lineage.vocab import NOT_EVIDENCE, UNDATED, model_line, named_line

UNDECIDED = 0.05  # a source resting on common code that leads by less is no maker's to name (low matches only)
NO_EVIDENCE = "no lineage evidence (only common idioms, boilerplate or fragments too small to judge)"
MOSTLY = 0.5  # a file whose source holds this share of its code is built on it
PART = 0.25  # copied code under this share of the file's lines: the verdict says "in part", unless the source
#  explains EXPLAINED of the file (classify/wholecopy.py; the rest: shared code rated low)
OWN_CODE = 0.1  # below this share the shared code says nothing of where the file comes from


_who = named_line


FRAGMENTS = "no source: the code it shares with reference files is in fragments too small to judge; closest "


def source_sentence(v: SourceVerdict) -> str:
    """Where the file comes from, with runner-up and margin; fragments name the closest only."""
    if v.source is None:
        return ""
    if v.basis == "fragments":
        return FRAGMENTS + _sentence(v)
    return _sentence(v)


def _sentence(v: SourceVerdict) -> str:
    s = v.source
    assert s is not None
    if v.status == "ambiguous":
        names = ", ".join(model_line(c) for c in v.contenders)
        head = f"source ambiguous between {names}: they hold the same {s.cover:.0%} of the code"
    else:
        how = {"cover": "it holds most of the code as closely as any family does",
               "first-seen": "tied with later families: the earliest holder",
               "ancestor": "a declared descendant explains little more of it: the ancestor, origin of both",
               "lineage": "tied with a declared descendant: the ancestor had the code first",
               "names": "tied in structure: names closest",
               "context": "the file's own source, which explains it nearly as well as any family does",
               "whole": f"it explains about as much of the code as any family does, and the file holds "
                        f"{s.contains:.0%} of its published file as a copy, more than of any family explaining as much",
               "distinctive": "it holds twice the code few families hold that the family explaining a little more "
                              "does, whose lead rests on code many families hold, and the file's names more closely",
               "composed": f"its composition of its parents' code, which none of them alone explains, weighed whole; "
                           f"the file holds {s.contains:.0%} of its published file as a copy, more than of the others'",
               }.get(v.decided_by, v.decided_by)
        head = (f"source {_who(s.line, s.org, s.country)}, {s.path}: explains {s.score:.0%} of the code "
                f"(holds {s.cover:.0%}; {how})")
    if v.runner_up is not None:
        r = v.runner_up
        head += f"; runner-up {r.line} explains {r.score:.0%} (holds {r.cover:.0%}), margin {v.margin:+.2f}"
        if v.margin <= 0:  # (a tie within the tolerance, settled as the sentence says)
            head += " (about as much: settled as said)" if v.decided_by == "whole" else \
                " (a tie within the tolerance, settled as said)"
    if v.together:
        head += (f"; read together with {len(v.together) - 1} other files of its {package(v.together)}, each no copy on its "
                 f"own ({len(v.together)} in all: {', '.join(v.together[:4])}{' and more' if len(v.together) > 4 else ''}):"
                 " a copy split across files, its shares those of their code")
    if v.look_through is not None:
        t = v.look_through
        head += (f"; look-through: this is {t.family}'s own code, which declares lineage "
                 f"{' -> '.join(model_line(c) for c in t.chain)} (root {_who(model_line(t.root), t.root_org, t.root_country)})")
    return head


def package(paths: Sequence[str]) -> str:
    """"directory" when the files read together are in one, else "package" (classify/together.py)."""
    return "directory" if len({p.rpartition("/")[0] for p in paths}) == 1 else "package"


def _owner_said(findings: Sequence[Finding]) -> str:
    """Whose own code the findings are, and why the scan takes them as its owner: given with
    `--owner`, named as the scanned package's maker by its metadata (source/maker.py, with where it
    says so), or named in the file's own notice (classify/owner.py)."""
    for f in findings:
        verdict = str(getattr(f.details, "verdict", ""))
        why = str(getattr(f.details, "attribution_explanation", ""))
        named = re.match(r"own model code of (.+) \([\w.\-]+(?:\)| holds)", verdict)
        if named:
            org = named.group(1)
            if "(--owner)" in why:
                return f"a model of {org} holds as closely, and {org} is given as the scanned code's owner (--owner)"
            said = re.search(r"the scanned package's maker by its metadata \((.+?)\), while", why)
            if said:
                return (f"a model of {org} holds as closely, and {org} is the maker the scanned package's metadata "
                        f"names ({said.group(1)})")
            return f"a model of {org} holds as closely, and {org} is the holder the scanned file's own notice names"
    return "a model of the scanned code's owner holds as closely"


def common_sentence(v: SourceVerdict, floor: float = OWN_CODE) -> str:
    """The lineage group of a file whose matched code is shared code: its share and its line (none
    below ``floor`` of the file)."""
    g, s = v.group, v.source
    if g is None or s is None or s.cover < floor:
        return NO_EVIDENCE
    earliest = model_line(g.earliest)
    countries = ", ".join(g.countries) or "countries unknown"
    if len(g.families) == 1:  # (a group of one: other lines hold the shared code, none as much of the file)
        # (a review: "shared code of the phimoe line, which alone holds this much of it" read as shared and
        # unique at once)
        held = (f"code other model lines share, closest to {earliest} (the only line holding this much of it; "
                f"{countries}): no copy verdict from common code")
        return f"built on {held}" if s.cover >= MOSTLY else f"mostly code of its own; {s.cover:.0%} is {held}"
    group = f"held by {len(g.families)} families (earliest {earliest}; {countries}): no copy verdict from common code"
    if s.cover >= MOSTLY:
        return f"built on shared code of the {earliest} line, {group}"
    return f"mostly code of its own; {s.cover:.0%} is shared code of the {earliest} line, {group}"


def shared_copy_sentence(low: Sequence[Finding], who: str, n_lines: int = 0) -> str:
    """Low findings that are mostly code held at copy strength, rated low only because many model
    lines hold it alike: no weak resemblance (DeepSeek's MLA attention, which six lines carry), and
    still no copy verdict.  "" when they are not, or are under OWN_CODE of the file's ``n_lines``
    (a stranger's review: mlx-lm's glm.py, 6 shared lines of 187, read "built on shared code")."""
    shared = [f for f in low if strength(f.matches[0]) >= STRONG and isinstance(f.details, CodeMatchDetails)
              and shared_code(f.details)]
    n = distinct_lines(shared)
    if not shared or n < MOSTLY * distinct_lines(low) or n < OWN_CODE * n_lines:
        return ""
    details = [f.details for f in shared if isinstance(f.details, CodeMatchDetails)]
    alike = [d for d in details if shared_by(d.holders, d.makers)]
    if not alike:  # (templates only: crowd.Crowd)
        fewest = min(d.template_lines for d in details)
        return (f"built on shared code, closest to {who}: {n} lines held at copy strength, a template that {fewest} or "
                "more model lines of other companies held most of before it, the closest holding little more: "
                "shared code says not which of them it came from, so no copy verdict")
    earliest = min((d.earliest for d in alike), key=lambda e: (e.first_seen or UNDATED, e.family))
    fewest = min(d.holders for d in alike)
    return (f"built on shared code, closest to {who}: {n} lines held at copy strength, code that {fewest} or more "
            f"model lines hold alike (the very same code first seen in {model_line(earliest.family)}, "
            f"{earliest.first_seen or 'date unknown'}): shared code says not which of them it came from, "
            "so no copy verdict")


def _in_part(evidence: Sequence[Finding], top: str, n_lines: int, weak: Sequence[Finding] = ()) -> str:
    """", in part: N of M lines (units)" when the copied code is a small part of the file, and the
    lines more that ``weak`` findings hold at copy strength (shared code: a review missed them)."""
    mine = [f for f in evidence if f.matches[0].ref.family == top]
    copied = distinct_lines(mine)
    if not n_lines or copied >= PART * n_lines:
        return ""
    units = sorted({f.unit for f in mine})
    shown = ", ".join(units[:3]) + (f" and {len(units) - 3} more" if len(units) > 3 else "")
    more = distinct_lines([*mine, *(f for f in weak if strength(f.matches[0]) >= STRONG)]) - copied
    return f", in part: {copied} of the file's {n_lines} lines ({shown})" + (
        f", and {more} more lines held at copy strength, code other model lines share" if more else "")


def _whole_sentence(v: SourceVerdict, states: Sequence[str]) -> str:
    """A copy of the source's whole file whose units are all code other lines share."""
    assert v.source is not None  # (checked by whole_file)
    # (the share of the source's file held is no measure of the scan: both explain the scan, side by side)
    runner = f"; it explains {v.source.score:.0%} of the code, runner-up {v.runner_up.line} {v.runner_up.score:.0%}" \
        if v.runner_up else ""
    what = "the whole file" if v.source.contains >= WHOLE_FILE else f"{v.source.contains:.0%} of the file"
    closest = (f"only {v.runner_up.line} holds the file as closely, and that mostly as {v.source.line}'s code"
               if v.runner_up is not None and v.runner_up.cover >= v.source.cover
               else "no other family holds the file as closely")
    if v.together:  # (classify/together.py: the file is one part of such a copy)
        closest = closest.replace("the file", "their code")
        runner = runner.replace("it explains", "they explain").replace("of the code", "of their code")
        return (f"part of a copy of {what} of {_who(v.source.line, v.source.org, v.source.country)}, split across "
                f"{len(v.together)} files of its {package(v.together)}: each unit is code other model lines share, but "
                f"{closest}{runner}" + (f", notice {'/'.join(states)}" if states else ""))
    return (f"copy of {what} of {_who(v.source.line, v.source.org, v.source.country)}: each unit is "
            f"code other model lines share, but {closest}{runner}"
            + (f", notice {'/'.join(states)}" if states else ""))


def _undecided(v: SourceVerdict) -> bool:
    """The file's source rests on common code and leads by less than UNDECIDED: low matches name its
    lineage group, not the source (reuse_sentence), nor is the source named beside it (file_verdict)."""
    return v.basis == "common" and v.margin < UNDECIDED


def reuse_sentence(evidence: Sequence[Finding], v: SourceVerdict | None, n_lines: int = 0) -> str:
    """What kind of reuse the file's evidence shows, naming the family it points at; a copy
    that is a small part of the file (`n_lines` long) says so."""
    if not evidence:
        if v is None or v.source is None or v.basis == "fragments":
            return NO_EVIDENCE  # fragments too small to judge name neither a source nor a shared line
        if whole_file(v):  # every unit common code (info), the file one source's file as a whole
            return _whole_sentence(v, ())
        return common_sentence(v) if v.basis == "common" else "no copy evidence"
    owned = [f for f in evidence if f.attribution == "own"]
    if owned and not any(f.severity in ("medium", "high") for f in evidence if f.attribution != "own"):
        evidence = owned  # the owner's own code, beside weak resemblances only: no copy to speak of
    # the kind of copy is that of the findings that make it one (medium or high), not of weak ones,
    # and so is the family it names: the file's source when it holds one of them, else the family
    # holding most of their lines (code many lines share, rated low, names no one)
    decisive = [f for f in evidence if f.severity in ("medium", "high")] or list(evidence)
    fams: dict[str, int] = defaultdict(int)
    for f in decisive:
        fams[f.matches[0].ref.family] += f.end_line - f.start_line + 1
    source = v.source.family if v is not None and v.source is not None else ""
    top = source if source in fams else max(fams.items(), key=lambda kv: (kv[1], kv[0]))[0]
    ref = next(f.matches[0].ref for f in evidence if f.matches[0].ref.family == top)
    who = _who(model_line(top), ref.org, ref.country)
    credited = next((f.details.vendored for f in decisive if f.matches[0].ref.family == top
                     and isinstance(f.details, CodeMatchDetails) and f.details.vendored), "")
    if credited:  # the file matched vendors another's code (classify/vendored.py)
        who = f"{who[:-1]}; {vendored_clause(credited)})"
    # the notice states are those of the family named: another maker's removed notice is said
    # in its own clause ("also a copy of ..."), not beside this one ("none-needed/removed")
    every_state = sorted({f.attribution for f in evidence if f.attribution})
    states = sorted({f.attribution for f in evidence if f.attribution and f.matches[0].ref.family == top})
    roles = {f.role for f in evidence}
    kinds = {f.role for f in decisive}
    what = ("core-architecture" if "core-architecture" in kinds
            else "inference-glue" if "inference-glue" in kinds else "")
    whole = any(strength(f.matches[0]) >= STRONG for f in decisive)
    # (a unit holding its reference whole inside code of its own is a copy, extended, as its own verdict says)
    extended = not whole and any(held_whole(f.matches[0]) for f in decisive if f.severity in ("medium", "high"))
    what = " ".join(w for w in (what, "copy" if whole else "copy, extended," if extended else "partial copy") if w)
    # a copy (medium or high) left unjudged (another maker's code too small a part of the file for its
    # notices to be judged: classify/second_source.py) is neither declared nor own: the file's other
    # units' states do not speak for it (a stranger's review: Qwen2-MoE's sparse block, medium, in an
    # IBM package holding IBM's own file read "own model code: matches qwen2_moe ...; not a copy")
    def all_said(state: str) -> bool:
        return every_state == [state] and not any(f.severity in ("medium", "high") and f.attribution != state
                                                  for f in decisive)

    if all_said("declared"):
        elders = sorted({getattr(f.details, "declared_line", "") for f in decisive} - {""})
        if elders and all(getattr(f.details, "declared_line", "") for f in decisive):
            return f"declared reuse of {', '.join(elders)} (an earlier line; the code is also held by {who})"
        return f"declared reuse of {who}"
    if all_said("own"):
        credits = sorted({str(getattr(f.details, "verdict", "")) for f in decisive} - {""})
        credits = [c for c in credits if c.startswith(ORIGIN_CREDIT)]  # (classify/origins.py)
        if credits:
            return f"{'; '.join(credits)}; matches {who}"
        return f"own model code: matches {who}, code {_owner_said(decisive)}; not a copy"
    if all(str(getattr(f.details, "verdict", "")).startswith(CONFIG_LIKE) for f in decisive):
        return f"{CONFIG_LIKE} {who}: it names the parameters of the architecture it follows, short of a copy"
    if roles == {INFRA}:
        return (f"uses the training and serving infrastructure of {who} (permitted tool use)"
                + _in_part(evidence, top, n_lines) + (f", notice {'/'.join(states)}" if states else ""))
    # all low: a weak resemblance, low glue beside it included (a serving engine's generic weight
    # loader matched at low makes no copy of the model code beside it); glue alone is said as glue,
    # a copy of it when a unit's own verdict says so (enough shared code), else a resemblance (a
    # stranger's review: thirteen lines of `self.x = x`, 22 fingerprints, "too few to show a copy"
    # on the unit, read "inference-glue copy of olmo3_moe" on the file)
    glue = all(f.role in ("inference-glue", INFRA) for f in evidence)
    if all(f.severity == "low" for f in evidence) and not (glue and any(strong_evidence(f.matches[0]) for f in evidence)):
        if v is not None and whole_file(v):
            return _whole_sentence(v, states)
        if shared := shared_copy_sentence(evidence, who, n_lines):
            return shared
        if v is not None and _undecided(v) and (common := common_sentence(v, floor=0.0)) != NO_EVIDENCE:
            # the file's source rests on code many lines share and leads by next to nothing: its
            # lineage group, not one maker's name (a stranger's review: a decoder written from
            # scratch read "weak resemblance to deepseek_v4 (DeepSeek, CN)", margin 0.01, where a
            # ViT's said "shared code of the vit line"); a clear lead still names its family
            return f"{common}; {distinct_lines(evidence)} lines of low-severity code matches only"
        said = f"weak resemblance to {who}: {distinct_lines(evidence)} lines of low-severity code matches only"
        others = {f.matches[0].ref.family for f in evidence} - {top}
        if others:  # the lines are not all the named family's: say how many are
            mine = distinct_lines([f for f in evidence if f.matches[0].ref.family == top])
            rest = f"{len(others)} other famil{'y' if len(others) == 1 else 'ies'}"
            said += f" ({mine} of them to {model_line(top)}, the rest to {rest})"
        return said
    # a copy of the whole file is not "in part", though only some of its units are rated above info
    whole_of_top = v is not None and v.source is not None and v.source.family == top and whole_file(v)
    part = "" if whole_of_top else _in_part(decisive, top, n_lines, [f for f in evidence if f.severity == "low"])
    if part and v is not None and v.source is not None and v.source.family == top and v.source.score >= EXPLAINED \
            and (v.source.contains >= WHOLE_HELD or explained_copy(v)):
        # most of the file is the source's code (holding much of its file), the rest shared code rated low:
        # not a borrowing
        part = (f", {v.source.score:.0%} of the file explained by it"
                f" ({distinct_lines([f for f in decisive if f.matches[0].ref.family == top])} of its {n_lines}"
                " lines rated above low, the rest code other lines share)")
    split = f", one part of its whole file split across {len(v.together)} files of its {package(v.together)}" \
        if whole_of_top and v is not None and v.together else ""
    return f"{what} of {who}" + part + split + (f", notice {'/'.join(states)}" if states else "")


def file_verdict(items: Sequence[Finding], verdicts: Mapping[str, SourceVerdict],
                 root_notices: Sequence[Finding] = (), n_lines: int = 0,
                 frameworks: Sequence[str] = (), uses: Sequence[Use] = (), owed: Sequence[Finding] = (),
                 vestiges: Sequence[Finding] = ()) -> FileVerdict:
    """The verdict row of one file: its code findings, its source verdicts, what became of the
    declared root's notice when the file is an indexed family's own code (look-through), the
    frameworks whose notices the copy did not keep (a licence gap, said apart), the model
    code it uses by import (declared reuse that copies nothing), and its removed or replaced
    notices (``owed``, in the order judged: a second maker's are said apart) and its vestige
    findings (a medium one is named beside a verdict of low-severity code matches, which would
    otherwise read as if nothing in the file were above low); a source that the findings do not
    name is named too (a review found the two apart: "weak resemblance to hunyuan_v3", source orion)."""
    evidence = [f for f in items if f.role not in NOT_EVIDENCE
                and (f.severity != "info" or f.attribution in ("declared", "own"))]
    roles = lines_per(items, lambda f: f.role or "unclassified")
    fams = lines_per(evidence, lambda f: f.matches[0].ref.family)
    v = verdicts.get("<file>")
    sentence = reuse_sentence(evidence, v, n_lines)
    if evidence and v is not None and v.source is not None and v.status == "source" and v.basis != "fragments" \
            and not (_undecided(v) and sentence.startswith(common_sentence(v, floor=0.0))) \
            and not re.search(rf"\b{re.escape(model_line(v.source.family))}\b", sentence):
        # (a review: "(its origin)" on files of their own, 12% explained, read as an accusation)
        closest = model_line(v.source.family)
        sentence += f"; the file as a whole is closest to {closest} ({v.source.cover:.0%} of its code)"
    if not any(f.severity in ("medium", "high") for f in evidence):
        sentence += traces_clause(vestiges)
    states, also = owed_states(owed, v.source.family if v and v.source else "")
    also += also_copied(evidence, verdicts, also)
    # (a maker the sentence already names a copy of gets no second clause)
    also = "".join(f"; {c}" for c in also.split("; ")[1:] if c.split(", notice")[0].removeprefix("also a ") not in sentence)
    if states and (sentence.startswith("declared reuse")  # declaring the origin excuses no replaced notice
                   or (v is not None and whole_file(v) and ", notice " not in sentence)):  # (units all info)
        sentence += f", notice {'/'.join(states)}"
    sentence += also
    root_states = sorted({f.attribution for f in root_notices if f.attribution})
    if root_states:
        root = model_line(look_through_root(root_notices[0].details) or "")
        sentence += f"; against its declared root {root}: notice {'/'.join(root_states)}"
    if frameworks:
        sentence += f"; framework notice not kept ({', '.join(dict.fromkeys(frameworks))})"
    if uses:
        copies = sentence.startswith("copy of ") or any(  # (a whole-file copy of shared units: still a copy)
            f.severity in ("medium", "high") and f.attribution not in ("declared", "own") for f in evidence)
        sentence = (sentence + "; " if sentence != NO_EVIDENCE or evidence else "") + uses_sentence(uses, copies)
    return FileVerdict(verdict=sentence, origin=source_sentence(v) if v is not None else "",
                       root_notice=tuple(root_states), source=v,
                       classes={k: c for k, c in sorted(verdicts.items()) if k != "<file>"},
                       lines_by_role=dict(sorted(roles.items())), families=dict(sorted(fams.items())),
                       attribution=tuple(sorted({f.attribution for f in evidence if f.attribution})), uses=tuple(uses))


def file_verdicts(findings: Sequence[Finding],
                  sources: Mapping[str, Mapping[str, SourceVerdict]] | None = None,
                  file_lines: Mapping[str, int] | None = None,
                  uses: Mapping[str, Sequence[Use]] | None = None) -> dict[str, FileVerdict]:
    """Per scanned file with code matches, a source or model code used by import: its verdict
    row (`file_lines`: each file's length, so that a copy of a small part of a file is called one)."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    roots: dict[str, list[Finding]] = defaultdict(list)
    frameworks: dict[str, list[str]] = defaultdict(list)
    owed: dict[str, list[Finding]] = defaultdict(list)
    traces: dict[str, list[Finding]] = defaultdict(list)  # vestiges (classify/vestiges.py)
    late: dict[str, list[Finding]] = defaultdict(list)  # anachronisms (classify/anachronism.py)
    for f in findings:
        if f.kind == "code-match":
            by_path[f.path].append(f)
        elif f.kind == "notice" and look_through_root(f.details):
            roots[f.path].append(f)
        elif f.kind == "notice" and getattr(f.details, "note", "") == FRAMEWORK_NOT_KEPT:
            frameworks[f.path].append(getattr(f.details, "org", "") or getattr(f.details, "holder", "") or "a framework")
        elif f.kind == "notice" and f.attribution in ("removed", "replaced"):
            owed[f.path].append(f)
        elif f.kind == ANACHRONISM:
            late[f.path].append(f)
        elif f.kind == "vestige":
            traces[f.path].append(f)
    paths = sorted(set(by_path) | {p for p, v in (sources or {}).items()
                                   if v.get("<file>") is not None and v["<file>"].source is not None}
                   | set(uses or {}) | set(late))
    rows = {p: file_verdict(by_path.get(p, []), (sources or {}).get(p, {}), roots.get(p, ()),
                            (file_lines or {}).get(p, 0), frameworks.get(p, ()), (uses or {}).get(p, ()),
                            owed.get(p, ()), traces.get(p, ()))
            for p in paths}
    return {p: dataclasses.replace(row, verdict=f"{anachronism_clause(late[p])}; {row.verdict}") if late.get(p) else row
            for p, row in rows.items()}
