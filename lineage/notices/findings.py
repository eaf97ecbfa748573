"""notice_findings(): Finding records for notices and licences of one scanned file.

Ids hash (path, kind and attribution state, reference family and path, holder
organisation), never line numbers, so baselines survive edits.  The attribution state is in
the hash on purpose: a notice that goes from retained to removed must not hide behind a
baseline entry for the retained one.
"""

from __future__ import annotations

from collections.abc import Sequence
from lineage.details import Comparison, FindingDetails, LicenceDetails, NoticeDetails, Replacement
from lineage.models import Finding, Match
from lineage.notices.holders import holder_org
from lineage.notices.licences import licence_conflict, obligations
from lineage.notices.records import FRAMEWORK_NOT_KEPT, Attribution, FileNotices, Notice, held_at, same_holder
from lineage.vocab import NOTICE_ID_SEP, UNLABELLED, company, finding_id, is_licence_file, model_line

SEVERITY = {"retained": "info", "declared": "info", "removed": "medium", "replaced": "high"}


def notice_finding_id(path: str, kind: str, reference: str, org: str) -> str:
    """The shared finding-id formula with the separator notice ids have always had."""
    return finding_id(path, kind, reference, org, sep=NOTICE_ID_SEP)


def _terms(licence: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(obligations, restrictions) of a licence; an unknown or missing one says to check."""
    terms = obligations(licence)
    return tuple(terms["obligations"]), tuple(terms["restrictions"])


def _details(notice: Notice | None, licence: str, comparison: Comparison | None = None,
             note: str = "") -> NoticeDetails:
    must, restricted = _terms(licence)
    return NoticeDetails(
        holder=notice.holder if notice else "",
        org=notice.org if notice else "",
        country=notice.country if notice else "",
        org_kind=notice.org_kind if notice else "",
        statement=notice.statement if notice else "",
        licence=licence,
        obligations=must,
        restrictions=restricted,
        comparison=comparison,
        note=note,
    )


def _licence_details(licence: str, org: str, country: str, declared: Sequence[str]) -> LicenceDetails:
    must, restricted = _terms(licence)
    return LicenceDetails(org, country, licence, must, restricted, tuple(declared))


def _comparison(att: Attribution, reference_line: int, replaced_by: Replacement | None = None) -> Comparison:
    return Comparison(
        reference_line=reference_line,
        reference_path=att.reference_path,
        attribution=att.state,
        notices=tuple(dict.fromkeys(n.statement for n in att.scanned_holders)),
        reference_notices=tuple(dict.fromkeys(n.statement for n in att.reference_holders)),
        replaced_by=replaced_by,
    )


def _finding(
    path: str,
    kind: str,
    state: str | None,
    severity: str,
    line: int,
    ref: str,
    org: str,
    matches: tuple[Match, ...],
    explanation: str,
    details: FindingDetails,
) -> Finding:
    return Finding(
        id=notice_finding_id(path, f"{kind}:{state or ''}", ref, org),
        kind=kind,
        path=path,
        start_line=line,
        end_line=line,
        unit="<module>",
        role=None,
        attribution=state,
        severity=severity,
        matches=matches,
        explanation=explanation,
        details=details,
    )


def _by_holder(missing: Sequence[Notice]) -> list[list[Notice]]:
    """The missing notices in groups, one per holder: a line naming several holders is one group
    (one statement to restore), and lines naming the same holder again ("Copyright 2021 OpenAI"
    above, "originally MIT License, Copyright (c) 2021 OpenAI" below) join it: one finding each."""
    groups: list[tuple[set[str], list[Notice]]] = []
    for line in dict.fromkeys(n.line for n in missing):
        mine = [n for n in missing if n.line == line]
        keys = {n.key for n in mine}
        joined = next((g for g in groups if g[0] & keys), None)
        if joined is None:
            groups.append((keys, mine))
        else:
            joined[0].update(keys)
            joined[1].extend(mine)
    return [g[1] for g in groups]


def _attribution_findings(
    path: str, att: Attribution, ref: str, licence: str, matches: tuple[Match, ...], owner_model: str = "",
    elder: str = "", origin: str = "", owner_elder: str = "",
) -> list[Finding]:
    state = att.state
    if state == "none-needed":
        return []
    found: list[Finding] = []
    if state in ("retained", "declared") and not att.missing:
        targets = att.reference_holders or (None,)
        for target in targets:
            kept = next((n for n in att.scanned_holders if target and n.keeps(target)), None)
            line = kept.line if kept else 1
            found.append(
                _finding(
                    path,
                    "notice",
                    state,
                    "info",
                    line,
                    ref,
                    target.key if target else "",
                    matches,
                    f"{att.explanation} This reveals lineage and is compliant reuse.",
                    _details(kept or target, licence, _comparison(att, target.line if target else 0)),
                )
            )
        return found
    lines = _by_holder(att.missing)
    for group in lines:
        target = group[0]
        repl = att.replacements[0] if state == "replaced" and att.replacements else None
        line = repl.line if repl else 1
        replaced_by = Replacement(repl.holder if repl else "", repl.org if repl else "")
        if state == "declared":  # declared reuse is compliant; the dropped line is a small gap
            severity, tail = (
                "low",
                "The origin is declared, but the upstream holder line is not kept.",
            )
        elif origin:  # the reference credits the file's own holder with its code (classify/origins.py)
            severity, tail = "low", origin
        elif elder:  # the file's own holder had this code first (classify/attribution.py)
            severity, tail = "low", (
                f"The file's notice names the maker of {elder}, which holds this code too and was first seen "
                "before the reference: the code may be theirs, taken into the reference, and their notice its "
                "origin's. Code cannot tell the direction; check the dates before relying on this."
            )
        elif owner_elder:  # the owner's earlier model holds what the file shares with the reference
            severity, tail = "low", (
                f"{owner_elder}, a model of the scanned code's owner (--owner) first seen before the reference, "
                "holds every unit this file shares with the reference: that code is most likely the owner's, "
                "taken into the reference, whose notice is for its own code. Code cannot tell the direction "
                "for certain; check the dates before relying on this."
            )
        elif owner_model:  # a third party's port of the owner's own model (classify/owner.py)
            severity, tail = "low", (
                f"The reference is an implementation of {owner_model} by {target.holder}, a model of the scanned "
                "code's owner (--owner): the code they share is most likely the owner's, taken into the port. "
                "Code cannot tell the direction; check the dates before relying on this."
            )
        else:
            severity = SEVERITY[state]
            source = licence or "the source licence"
            tail = f"Licence defect: {source} requires the upstream notice to be kept."
        lead = ""
        if len(lines) > 1:  # one finding per missing holder: say first which lines name it (the rest is the file's)
            at = {n.line: n.statement for n in reversed(group)}
            named = "; ".join(f"line {line}, '{at[line]}'" for line in dict.fromkeys(n.line for n in group))
            lead = f"This finding: reference {named}, not kept. "
        found.append(
            _finding(
                path,
                "notice",
                state,
                severity,
                line,
                ref,
                "+".join(dict.fromkeys(n.key for n in group)),
                matches,
                f"{lead}{_sentence_start(att.explanation) if lead else att.explanation} {tail}",
                _details(target, licence, _comparison(att, target.line, replaced_by)),
            )
        )
    return found


def _sentence_start(text: str) -> str:
    """``text`` begun with a capital, to follow a sentence of its own ("... not kept. The matched ..."),
    unless it begins with a name (a file's path is quoted as it is: `modeling_x.py line 1 holds ...`)."""
    first = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if first.isalpha() else text


def _framework_findings(path: str, att: Attribution, ref: str, licence: str, matches: tuple[Match, ...],
                        own: set[str]) -> list[Finding]:
    """A low finding for each framework notice of the reference that the copy does not keep, when
    the reference's licence obliges keeping notices: the framework published the code, and its
    licence covers its notice as any other.  Low: a framework's notice names the project that
    published the code, not a model's author (a framework that made the model itself, its own
    model team, is that model's upstream holder: compare_notices counts it as one)."""
    keep = next((o for o in obligations(licence)["obligations"] if "notice" in o), "") if licence else ""
    if not keep:
        return []
    instead = (f" ({held_at(att.scanned_holders[0], path)} in its place)" if att.scanned_holders else "")
    owners = {company(o) for o in own}
    # (a family's notice file beside the generated file matched, which names no one: deepseek_v3's
    # configuration module, naming its porter and Hugging Face)
    beside = bool(matches) and not any(m.ref.path == att.reference_path for m in matches)
    where = ("the source's licence file, whose notice stands for the matched file (which names no one)" if beside
             and is_licence_file(att.reference_path) else "the notice file beside the matched file (which names no one, as generated)"
             if beside else "the matched reference")
    return [_finding(
        path, "notice", None, "low", att.scanned_holders[0].line if att.scanned_holders else 1, ref, n.key, matches,
        f"{where} {held_at(n, att.reference_path)} "
        f"({f'{n.org}, a framework project' if n.org else f'{n.holder}, the notice of the project that published the code'}); "
        f"neither {path}{instead} nor a repository NOTICE file keeps it. {licence} obliges: {keep}. A licence gap, "
        "not concealed lineage: a framework's notice names the project that published the code, not a "
        "model's author.",
        _details(n, licence, _comparison(att, n.line), note=FRAMEWORK_NOT_KEPT),
    ) for n in att.frameworks_dropped if company(n.key) not in owners]


def _stale_findings(
    path: str, scanned: FileNotices, explained: set[str], has_code_match: bool
) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for notice in scanned.notices:
        if notice.org_kind != "vendor" or notice.key in seen or any(same_holder(notice.key, e) for e in explained):
            continue  # ("Alibaba" explains a kept notice of an "Alibaba Qwen" reference and the reverse)
        seen.add(notice.key)
        reason = (
            "no code in this file matched a reference"
            if not has_code_match
            else "no matched reference belongs to that organisation"
        )
        found.append(
            _finding(
                path,
                "notice",
                None,
                "info",
                notice.line,
                "",
                notice.key,
                (),
                f"line {notice.line} holds '{notice.statement}' "
                f"({notice.org}, {notice.country or '?'}) but {reason}; "
                "the notice is stale or gives credit.",
                _details(notice, "", note="stale or credit"),
            )
        )
    return found


def _unnamed(scanned: FileNotices) -> str:
    """Said of a file whose header speaks of a licence that has no SPDX id we could find."""
    if not scanned.licence_words:
        return ""
    return " that lineage can identify (its header refers to a licence without an SPDX id)"


def _licence_findings(path: str, scanned: FileNotices, matches: Sequence[Match], port: bool = False) -> list[Finding]:
    """``port``: the reference is a framework's port (its notice names a framework the file does not):
    a file whose own notice names the ported model's maker may be the maker's original."""
    found: list[Finding] = []
    seen: set[str] = set()
    makers = {n.org for n in scanned.notices if n.counts and n.org} if port else set()
    for match in matches:
        licence = match.ref.licence
        if not licence or licence in seen:
            continue
        seen.add(licence)
        terms = obligations(licence)
        ref = f"{match.ref.family}|{match.ref.path}"
        group = tuple(m for m in matches if m.ref.licence == licence)
        declared = ", ".join(scanned.licences)
        if licence_conflict(scanned.licences, licence):
            must = (
                "; ".join(terms["obligations"][:2] + terms["restrictions"][:1]) or "see the licence"
            )
            # the file's own notice names the maker of the model a framework's port holds: it may be
            # the maker's original under the maker's licence, which the port relicensed
            maker = any(same_holder(match.ref.org, m) for m in makers) and company(match.ref.org) not in UNLABELLED
            found.append(
                _finding(
                    path,
                    "licence",
                    None,
                    "low" if maker else "medium",
                    1,
                    ref,
                    match.ref.org,
                    group,
                    f"{path} declares {declared} but its code matches {match.ref.path} "
                    f"({match.ref.family}) under {licence}, which obliges: {must}."
                    + (f" Its own notice names {match.ref.org}, the maker of {model_line(match.ref.family)}: if "
                       f"it is {match.ref.org}'s own code, {match.ref.org}'s licence governs it, not that of "
                       "the reference, which may be a port of it." if maker else ""),
                    _licence_details(licence, match.ref.org, match.ref.country, scanned.licences),
                )
            )
        elif not scanned.licences and terms["kind"] == "model" and terms["restrictions"]:
            found.append(
                _finding(
                    path,
                    "licence",
                    None,
                    "low",
                    1,
                    ref,
                    match.ref.org,
                    group,
                    f"{path} declares no licence{_unnamed(scanned)} but its code matches {match.ref.path} under "
                    f"{terms['name'] or licence}, whose use restrictions carry over to the copy.",
                    _licence_details(licence, match.ref.org, match.ref.country, ()),
                )
            )
    return found


def shared_licence_finding(path: str, scanned: FileNotices, licence: str, copies: Sequence[Finding],
                           holders: int) -> Finding:
    """A low licence finding on copies of shared code every holder of which is under ``licence``
    (classify/sharedlicence.py): the licence applies whichever of them the code came from."""
    terms = obligations(licence)
    must = "; ".join(terms["obligations"][:2] + terms["restrictions"][:1]) or "see the licence"
    units = ", ".join(f.unit for f in copies[:3]) + (f" and {len(copies) - 3} more" if len(copies) > 3 else "")
    lines = len({n for f in copies for n in range(f.start_line, f.end_line + 1)})
    return _finding(
        path, "licence", None, "low", 1, f"shared|{licence}", "", tuple(f.matches[0] for f in copies),
        f"{path} declares {', '.join(scanned.licences)} but {lines} of its lines ({units}) are copies of code "
        f"that {holders} indexed families hold alike, every one under {licence}: which of them it came from "
        f"cannot be told, so no source is named and no one is accused, but whichever it was, {licence} "
        f"obliges: {must}.",
        _licence_details(licence, "", "", scanned.licences))


def notice_findings(
    path: str,
    scanned: FileNotices,
    attribution: Attribution | None,
    matches: Sequence[Match],
    *,
    has_code_match: bool,
    own_orgs: Sequence[str] = (),
    owner_model: str = "",
    licensed: Sequence[Match] | None = None,
    elder: str = "",
    origin: str = "",
    owner_elder: str = "",
) -> list[Finding]:
    """Notice and licence findings for one file (``licensed``: the matches whose licences the
    file owes, when not all of them: the owner's own code owes none).

    ``own_orgs`` names the scanned project's own organisations: their notices are never
    "foreign".  Holders that replaced an upstream notice are reported by the replaced
    finding, not again as stale ones.  ``owner_model``: the file's reference is a third party's
    implementation of a model of the scanned code's given owner; a notice missing from it is
    then low, not a removal by the owner.  ``elder``: a model of the maker whose notice stands in
    the upstream holder's place held the code before the reference did: "replaced" is then low.
    ``origin``: the reference credits the file's own holder with its code (classify/origins.py):
    a missing notice is then low, and says why.  ``owner_elder``: a model of the given owner,
    first seen before the reference, holds what the file shares with it (classify/owner.py):
    a missing notice is then low, and says why.
    """
    matches = tuple(matches)
    found: list[Finding] = []
    explained = {holder_org(o)[0] or o for o in own_orgs} | {
        m.ref.org for m in matches if m.ref.org
    }
    if attribution is not None:
        related = tuple(m for m in matches if m.ref.path == attribution.reference_path) or matches
        family = attribution.reference_family or (related[0].ref.family if related else "")
        ref = f"{family}|{attribution.reference_path}"
        licence = related[0].ref.licence if related else ""
        found += _attribution_findings(path, attribution, ref, licence, related, owner_model, elder, origin,
                                       owner_elder)
        if not owner_model and not owner_elder:
            own = {holder_org(o)[0] or o for o in own_orgs}
            found += _framework_findings(path, attribution, ref, licence, related, own)
        explained |= {n.key for n in attribution.reference_holders}
        explained |= {n.key for n in attribution.replacements}
    found += _stale_findings(path, scanned, explained, has_code_match)
    if has_code_match:
        port = attribution is not None and bool(attribution.frameworks_dropped)
        found += _licence_findings(path, scanned, matches if licensed is None else tuple(licensed), port)
    return found
