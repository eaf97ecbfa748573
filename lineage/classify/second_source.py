"""A file that copies two makers' code owes both their notices.

The file's notices are judged against one reference, its source's file.  A file that joins a
vision tower copied from one maker's model to a decoder copied from another's (the shape of a
vendor's multimodal file) then had the second maker's removed notice go unsaid: its classes'
own source verdicts named the second maker, and its units were rated against the first maker's
header.  Here each other maker whose code a class of the file is attributed to (on distinctive
code, not common idioms, and clearly: not a tie broken by names or dates) and whose copied units
hold a good share of the file's copied lines, or a whole component's worth, is a second reference;
its notices are judged too; so is another maker whose whole file the file holds beside its
source's (classify/alsowhole.py).  The main maker's own notice kept in the file is no replacement of
the second maker's (the file holds both makers' code).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence

from lineage.classify.linecount import distinct_lines
from lineage.classify.owner import owning
from lineage.details import CodeMatchDetails, NoticeDetails
from lineage.models import Finding
from lineage.verdicts import SourceVerdict
from lineage.vocab import UNLABELLED, company, model_line, named_line

SHARE = 0.25  # a second maker's copied units hold this share of the file's copied lines ...
MIN_LINES = 20  # ... and at least this many lines
WHOLE_PART = 100  # ... or this many lines whatever the share (a vision tower beside a big decoder)
MARGIN = 0.05  # the class is its maker's by this margin over the runner-up, decided by what it holds
CLEAR = ("cover", "ancestor")  # (not a tie broken by names or dates: a generic forward held alike)
COPIED = ("medium", "high")


def second_sources(verdicts: Mapping[str, SourceVerdict], updated: Sequence[Finding], family: str, maker: str,
                   owners: frozenset[str]) -> Iterator[tuple[str, str, str, list[Finding]]]:
    """(family, reference path, maker, its copied findings) of each other maker the file copies
    from; ``updated``: the file's code findings as first judged (declared and own code are no copy),
    ``family`` and ``maker``: the reference already judged."""
    copied = [f for f in updated if f.severity in COPIED and f.attribution not in ("declared", "own")]
    total = distinct_lines(copied)
    seen = {company(maker)} if company(maker) not in UNLABELLED else set()
    also = verdicts["<file>"].also_whole if "<file>" in verdicts else None
    if also is not None and company(also.org) not in seen and also.family != family \
            and not owning(owners, also.org):  # (another maker's whole file the file holds: classify/alsowhole.py)
        theirs = [f for f in copied if f.matches and f.matches[0].ref.family == also.family]
        if theirs:
            seen.add(company(also.org))
            yield also.family, also.path, also.org, theirs
    for scope, v in sorted(verdicts.items()):
        source = v.source
        if scope == "<file>" or source is None or v.status != "source" or v.basis != "distinctive" \
                or v.decided_by not in CLEAR or v.margin < MARGIN:
            continue
        who = company(source.org)
        if source.family == family or who in UNLABELLED or who in seen or owning(owners, source.org):
            continue
        theirs = [f for f in copied if f.matches and f.matches[0].ref.family == source.family]
        held = distinct_lines(theirs)
        if held >= MIN_LINES and (held >= SHARE * total or held >= WHOLE_PART):
            seen.add(who)
            yield source.family, source.path, source.org, theirs


def closer_holder(verdicts: Mapping[str, SourceVerdict], family: str, maker: str,
                  owners: frozenset[str]) -> tuple[str, str, str] | None:
    """(family, path, maker) of the file verdict's runner-up when it holds the file at least as
    closely as the source does and is another maker's: its notice is owed too.  A renamed copy of
    arcee's modeling file, whose code is llama's but for a few lines, reads as llama's whole file
    (the ancestor, origin of both) and was judged against llama's header alone: a stranger's review
    found Arcee's removed notice, the one the copier took out, unsaid."""
    v = verdicts.get("<file>")
    if v is None or v.source is None or v.runner_up is None or v.status != "source":
        return None
    runner = v.runner_up
    who = company(runner.org)
    if runner.family == family or runner.cover < v.source.cover or who in UNLABELLED or who == company(maker) \
            or owning(owners, runner.org):
        return None
    return runner.family, runner.path, runner.org


def makers_alike(copies: Sequence[Finding], orgs: Mapping[str, str],
                 ancestors: Callable[[str], Sequence[str]]) -> tuple[str, ...]:
    """The makers whose families hold the file's copied code alike, when every copied unit stands
    alike (same code, as closely) in families of two makers or more, none of them declaring
    descent from another (a declared descendant carries its ancestor's code: the code's origin is
    known): whose notice the file owes cannot be told from that code, so no one maker is accused
    of having been replaced; () when some copied unit is one maker's code alone (a stranger's
    review: one 54-line generation helper held alike by jamba, zamba, zamba2 and bamba read
    "notice replaced", high, against Zyphra and again against AI21 Labs).  The caller asks only
    for a file that is no copy of a whole file: one maker's file, whole or split across files,
    is that maker's, whatever its units' other holders (classify/carrier.py, together.py)."""
    every: dict[str, str] = {}  # company -> the organisation's name as the table spells it
    for f in copies:
        same = f.details.equivalent_families if isinstance(f.details, CodeMatchDetails) else ()
        holding = {f.matches[0].ref.family, *same}
        origins = [family for family in holding
                   if not any(f"{family.partition(':')[0]}:{a}" in holding for a in ancestors(family))]
        who = {company(orgs.get(family, "")): orgs.get(family, "") for family in origins
               if company(orgs.get(family, "")) not in UNLABELLED}
        if len(who) < 2:
            return ()
        every.update(who)
    return tuple(sorted(every.values()))


def alike_cap(notice: Finding, makers: Sequence[str]) -> Finding:
    """A notice finding on code several makers' families hold alike (``makers_alike``): medium at most,
    and said so."""
    return dataclasses.replace(notice, severity="medium" if notice.severity == "high" else notice.severity,
                               explanation=(f"{notice.explanation} The copied code stands alike in families of "
                                            f"{len(makers)} makers ({', '.join(makers)}): which maker's notice "
                                            "the file owes cannot be told from that code, so it is rated "
                                            "medium at most."))


def carried_gap(notice: Finding, other: str, other_path: str) -> Finding:
    """A notice finding against the file's source, when the file keeps every notice of ``other``'s
    published file, which holds the file as closely: that file lacks the source's notice as this one
    does, so the gap came with the code; medium at most, and said so (a renamed copy of arcee's file
    under Arcee's own header read high, "the upstream holder was replaced", for llama's notice,
    which arcee's published file never carried: a stranger's review, 2026-12-05)."""
    return dataclasses.replace(notice, severity="medium" if notice.severity == "high" else notice.severity,
                               explanation=(f"{notice.explanation} The file keeps every notice of {model_line(other)}'s "
                                            f"published file ({other_path}), which holds the file as closely and lacks "
                                            "this notice as the file does: the gap came with the code (whoever "
                                            "published that file left the notice out), so it is rated medium at most."))


def also_copied(evidence: Sequence[Finding], verdicts: Mapping[str, SourceVerdict], said: str) -> str:
    """The clause for other makers whose code the file copies too (``second_sources``) and
    whose notices it owes nothing (their reference names no holder): the verdict names them all."""
    v = verdicts.get("<file>")
    if v is None or v.source is None:
        return ""
    clauses = [f"; also a copy of {named_line(model_line(family), org, theirs[0].matches[0].ref.country)}"
               for family, _path, org, theirs in second_sources(verdicts, evidence, v.source.family, v.source.org,
                                                                frozenset())]
    return "".join(c for c in clauses if c.split(", notice")[0] not in said)


def owed_states(owed: Sequence[Finding], main: str) -> tuple[list[str], str]:
    """The states of the notices the file owes its main reference's family (``main``, the file's
    source; else the first judged), and the clause for other makers' notices it owes too
    (``second_sources``)."""
    refs: dict[str, list[Finding]] = {}
    for f in owed:
        if isinstance(f.details, NoticeDetails) and f.details.comparison is not None and f.matches:
            refs.setdefault(f.matches[0].ref.family, []).append(f)
    main = main or next(iter(refs), "")  # (the source's own notice may be kept: others are still owed)
    clauses = []
    for family, found in refs.items():
        if model_line(family) == model_line(main):  # (another source's file of the same line: its clause)
            continue
        ref = found[0].matches[0].ref
        clauses.append(f"also a copy of {named_line(model_line(family), ref.org, ref.country)}, notice {found[0].attribution}")
    states = sorted({str(f.attribution) for family, found in refs.items() if model_line(family) == model_line(main)
                     for f in found})
    return states, "".join(f"; {c}" for c in clauses)
