"""Whose notice stands where: a file's notices without some holders', the holder a notice finding
is about, and the maker whose notice in the upstream holder's place may be the code's origin's."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from lineage.classify.codematch import STRONG, strength
from lineage.details import NoticeDetails
from lineage.models import Finding
from lineage.notices.records import Attribution, FileNotices
from lineage.vocab import UNLABELLED, company, model_line


def elder_holder(attribution: Attribution, findings: Sequence[Finding]) -> str:
    """A model ("sam (Meta, first seen 2023-04-05)") of the maker whose notice stands in the upstream
    holder's place, when it holds the file's copied code too and was first seen before the
    reference's family, holding most of the copied code: the notice may be that of the code's
    origin, which the reference took in
    (Meta's own SAM 2 utilities, which DeepSeek-OCR's vendored SAM holds most closely, read as
    Meta's notice replacing the reference's at high).  A later model of that maker is no origin:
    a copy of GLM's MoE under Upstage's notice stays "replaced" though Upstage's own, later
    solar_open holds the same code.  "" otherwise."""
    if attribution.state != "replaced":
        return ""
    makers = {company(n.org) for n in attribution.replacements if n.org} - set(UNLABELLED)
    copied = [f for f in findings if f.matches and model_line(f.matches[0].ref.family) == attribution.reference_family]
    when = min((str(f.matches[0].ref.first_seen) for f in copied if f.matches[0].ref.first_seen), default="")
    if not makers or not when:
        return ""
    held: dict[tuple[str, str, str], set[int]] = defaultdict(set)  # elder model -> the copied lines it holds
    for f in copied:
        for m in f.matches:
            if company(m.ref.org) in makers and m.ref.first_seen and str(m.ref.first_seen) < when \
                    and strength(m) >= STRONG:
                held[(str(m.ref.first_seen), m.ref.family, m.ref.org)].update(range(f.start_line, f.end_line + 1))
    total = len({n for f in copied for n in range(f.start_line, f.end_line + 1)})
    elders = sorted(k for k, lines in held.items() if len(lines) * 2 >= total)  # most of the copied code
    if not elders:
        return ""
    seen, family, org = elders[0]
    return f"{model_line(family)} ({org}, first seen {seen})"


def without(scanned: FileNotices, holders: set[str]) -> FileNotices:
    """The file's notices but those of the given holders (keys)."""
    if not holders:
        return scanned
    return dataclasses.replace(scanned, notices=tuple(n for n in scanned.notices if n.key not in holders))


def holder_of(f: Finding) -> str:
    """Whose notice a notice finding is about: its organisation, else its holder's words."""
    details = f.details
    return (details.org or details.holder) if isinstance(details, NoticeDetails) else f.id
