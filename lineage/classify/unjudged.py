"""Matches of files too weak to judge notices for that are still their maker's own code.

A file whose code matches a reference only in part (partial resemblances, no copy to judge
notices by) is not read by attribution.attribute_matched; its medium and high matches may still
be code of the file's own holder, of a given owner, or of the origin a reference credits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from lineage.classify.elder import line_dates
from lineage.classify.origins import credited_origin, credits_of, origin_explanation
from lineage.classify.owner import OWN, family_orgs, holders_of, names_holder, own_explanation, owned_as_said, owner_why
from lineage.classify.stated import with_attribution
from lineage.details import CodeMatchDetails
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding
from lineage.notices.records import FileNotices, Notice, same_holder
from lineage.source.maker import Makers

RepoNotices = Sequence[FileNotices]  # of the NOTICE/LICENSE files at the repository root
Detector = Callable[..., FileNotices]  # detect_notices, or a stand-in with its signature


def own_unjudged(index: EmbeddedIndex, findings: list[Finding], judged: frozenset[str], texts: Mapping[str, str],
                  repo_notices: RepoNotices, given: frozenset[str], detect: Detector,
                  reference_notices: Callable[[str, str], FileNotices], makers: Makers = ()) -> list[Finding]:
    """Medium and high matches of files too weak to judge notices for (partial resemblances) that
    match a model of the file's own holder (its notice, or its repository's LICENSE file)
    or of a given owner: that maker's own code, as in a judged file whose reference names no vendor
    (segment-anything's prompt encoder resembles transformers' port of Meta's SAM); or that match a
    reference crediting the holder the file's own notice names (classify/origins.py): the origin's
    own code, as in a judged copy (a stranger's review: DeepSpeed's own MoE layer, evolved since
    ModelScope vendored it under "The Microsoft DeepSpeed Team", read as a medium partial copy of
    ModelScope's, while a verbatim copy of ModelScope's file was credited: less likeness, more guilt)."""
    weak = {f.path for f in findings if f.kind == "code-match" and f.path not in judged and not f.attribution
            and f.severity in ("medium", "high")}
    if not weak:
        return findings
    orgs, dates = family_orgs(index), line_dates(index)
    # the project's own holder, in its LICENSE file at its root (a NOTICE file, or a file of a
    # `licenses/` folder, credits others: not its own)
    licences = [r for r in repo_notices if "/" not in r.path and r.path.upper().startswith(("LICENSE", "LICENCE", "COPYING"))]
    repo = frozenset(n.org for r in licences for n in r.notices if n.counts and n.org)
    scanned = {p: detect(p, texts.get(p, ""), use_scancode=False, licences=False) for p in sorted(weak)}
    made = frozenset(m.org for m in makers)
    own = {p: given | repo | (holders_of(notices) if names_holder(notices) else made) for p, notices in scanned.items()}
    out = []
    for f in findings:
        mine = f.path in own and not f.attribution and f.kind == "code-match"
        org, family = owned_as_said(f, own[f.path] & given, own[f.path], orgs, index.lineage_of, dates) \
            if mine else ("", "")
        origin, how, beside = credited_origin_of(index, f, scanned[f.path], reference_notices) \
            if mine and not org and f.severity in ("medium", "high") else ("", "", ())
        if mine and not org and not origin and f.severity in ("medium", "high"):
            origin, how, beside = vendored_origin(f, scanned[f.path])
        out.append(with_attribution(f, OWN, own_explanation(f, org, family, owner_why(org, given, makers)),
                                    owner=(org, family))
                   if org else
                   with_attribution(f, OWN, origin_explanation(origin, how, f.matches[0].ref.path, beside), origin=origin,
                                    beside=beside)
                   if origin else f)
    return out


def vendored_origin(f: Finding, scanned: FileNotices) -> tuple[str, str, tuple[str, ...]]:
    """(holders, how, the holders the file names beside them) when the finding's reference vendors
    third-party code (classify/vendored.py) and credits it to holders the file's own notice names:
    the file may be the vendored project's own code (a stranger's review: flash-linear-attention's
    own kernel file, under its authors' notice, read as a medium partial copy of vLLM's kimi_k3,
    whose `third_party/` copy credits those authors), else ("", "", ()).  Holders named beside them
    make it low, not info (origins.origin_verdict: the file may be a copy keeping their line)."""
    credited = f.details.vendored if isinstance(f.details, CodeMatchDetails) else ""
    if not credited:
        return "", "", ()
    theirs = _people(credited)

    def credits(n: Notice) -> bool:
        return bool(_people(n.holder) & theirs or (n.org and any(same_holder(n.org, c) for c in credited.split(", "))))

    named = [n for n in scanned.notices if n.counts and n.holder]
    if not any(credits(n) for n in named):
        return "", "", ()
    return credited, "its vendored code's notice", tuple(dict.fromkeys(n.holder for n in named if not credits(n)))


def _people(holders: str) -> frozenset[str]:
    """The names of two words or more in a holders line ("Songlin Yang, Yu Zhang and Zhiyuan Li"), lower-cased:
    one word alone ("Affiliates", "Inc") names no one."""
    parts = re.split(r",|&|\band\b|;", holders.casefold())
    return frozenset(" ".join(p.split()) for p in parts if len(p.split()) >= 2)


def credited_origin_of(index: EmbeddedIndex, f: Finding, scanned: FileNotices,
                     reference_notices: Callable[[str, str], FileNotices]) -> tuple[str, str, tuple[str, ...]]:
    """(organisation, how, the holders named beside it) when the finding's reference credits the
    organisation the file's own notice names with its code (origins.credited_origin), else ("", "", ())."""
    ref = f.matches[0].ref
    reference = reference_notices(ref.family, ref.path)
    credit = credits_of(index, ref.family, ref.path, reference, ref.org)
    if not credit:
        return "", "", ()
    return credited_origin(scanned, credit, reference, [n.org for n in reference.notices if n.counts and n.org])
