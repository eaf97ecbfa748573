"""Whom a reference file credits with its code, and a scanned file whose own notice names them.

A reference that took code in says where from: its notice names the origin's holder and not its
own model's maker (ModelScope's GPT-MoE file keeps only "Copyright 2021 The Microsoft DeepSpeed
Team"; beside the maker's line, other lines are lineage a copy may keep: a copy of GLM's MoE that
keeps the EleutherAI line of its llama ancestry over Upstage's own is a copy), its header or an origin marker
names the origin's repository ("borrowed and modified from FAIRSEQ ... github.com/facebookresearch/
fairseq"; SGLang's DeepSeek-OCR "adapted from" detectron2's ViT), or it is a port of its maker's
model under later holders' lines too (transformers' ESM names Meta, then NVIDIA).  Scanned, the
origin's own file (fairseq, segment-anything, DeepSpeed, fair-esm) matches such a reference and
lacks the reference's other holders: without more, the verdict would call the origin a copier of
its own code, at high.  When the scanned file's own notice names an organisation the matched
reference credits, the code is taken as that organisation's (not a copy of the reference), and
a notice it lacks is a low finding that says code cannot tell the direction.

A framework never counts (it publishes everyone's code), and a file keeping the notice of the
reference's own maker is "retained" (compliant reuse), not the maker's own code: only a
"removed" or "replaced" judgement is lowered, or a "retained" one whose kept holder is someone
the reference vendors, not its maker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lineage.notices.holders import holder_orgs
from lineage.notices.records import Attribution, FileNotices
from lineage.vocab import UNLABELLED, company

ORIGIN_CREDIT = "code of "  # how a finding's verdict begins when its reference credits the file's holder
_REPO = re.compile(r"(?:github\.com|gitlab\.com|huggingface\.co)/([A-Za-z0-9_.-]+)(?:/([A-Za-z0-9_.-]+))?", re.I)


def _named_by(owner: str, repo: str) -> list[str]:
    """The vendor organisations a repository's owner (else its name) stands for."""
    for name in (owner, repo):
        found = [org for org, _country, kind in holder_orgs(name) if kind != "framework"] if name else []
        if found:
            return found
    return []


def credited(reference: FileNotices, header: str, marks: Iterable[str], maker: str) -> dict[str, str]:
    """Company key -> how the reference credits it: the maker of its model, the vendor holders of
    a notice that does not name that maker (vendored code), or the owner of a repository its
    header or an origin marker names."""
    out: dict[str, str] = {}
    if maker and company(maker) not in UNLABELLED:
        out[company(maker)] = f"the maker of its model, {maker}"
    holders = [n for n in reference.notices if n.counts and n.org]
    if maker and not any(company(n.org) == company(maker) for n in holders):
        # a notice naming others but not the model's maker is that of vendored code; beside the
        # maker's own line, other holders' lines are lineage a copy drops or keeps (a copy of GLM's
        # MoE keeping the EleutherAI line of its llama ancestry credits no one)
        for n in holders:
            out.setdefault(company(n.org), f"its notice's holder {n.holder!r}")
    for text in (header, *marks):
        for owner, repo in _REPO.findall(text):
            for org in _named_by(owner, repo):
                out.setdefault(company(org), f"{org}, whose repository {owner}/{repo} it names as an origin".rstrip("/"))
    return out


def credited_holder(attribution: Attribution, scanned: FileNotices, credit: dict[str, str],
                    maker: str) -> tuple[str, str]:
    """(organisation, how the reference credits it) when the scanned file's own notice names an
    organisation the reference credits and the judgement is one to lower; else ("", "")."""
    if attribution.state not in ("removed", "replaced", "retained"):
        return "", ""
    for n in scanned.notices:
        key = company(n.org) if n.org else ""
        if not n.counts or not key or key in UNLABELLED or key not in credit:
            continue
        if attribution.state == "retained" and key == company(maker):
            continue  # the maker's notice kept: a compliant copy of the maker's code
        return n.org, credit[key]
    return "", ""


def origin_verdict(org: str) -> str:
    return f"{ORIGIN_CREDIT}{org}, whom the reference credits with it and the file's notice names: not a copy"


def origin_explanation(org: str, how: str, reference_path: str) -> str:
    return (f"The file's own notice names {org}, whom {reference_path} credits ({how}): the code may be "
            f"{org}'s own, taken into the reference, rather than a copy of it. Code cannot tell the "
            "direction; check the dates before relying on this.")
