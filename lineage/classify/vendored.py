"""Third-party code a reference family's file vendors, said as such.

A serving engine keeps other projects' kernels beside a model's code: vLLM's glm5next holds
flash-linear-attention's recurrent kernels under `ops/third_party/kda/`, its file saying "This
file contains code copied from the flash-linear-attention project" under that project's
authors' notice; its kimi_k3 holds NVIDIA's CUTLASS GEMM under NVIDIA's notice.  A scanned file
holding the same code (flag_gems copied flash-linear-attention too) read as a "copy of glm5next
(Zhipu AI, CN)": the family where the index holds the code, not whose code it is.  The verdict
keeps the family (where the code was found), and says whose notice its file credits instead of
the maker's.  Severity and notices are judged as before: a copy is a copy, and the notices owed
are those of the file matched.

A reference file vendors third-party code when its notices name a holder who is not a framework
and not its model's maker, its header never names the maker (transformers' llama names
EleutherAI, and the Meta team whose model it ports), and it says so: it lies under a vendoring
folder (`third_party/`, `vendor/`, `external/`) or its header says it was copied, derived,
modified or ported from another work.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from lineage.details import CodeMatchDetails
from lineage.models import Finding
from lineage.notices.records import FileNotices, same_holder
from lineage.vocab import model_line

_FOLDER = re.compile(r"(?:^|/)(?:third[_-]?party|3rd[_-]?party|_?vendor(?:ed|s)?|externals?|extern)/", re.IGNORECASE)
_SAYS = re.compile(r"\b(?:cop(?:y|ied)|derived|modified|ported|vendored|taken|adapted)\s+from\b", re.IGNORECASE)


def vendored(path: str, header: str, notices: Callable[[], FileNotices], maker: str) -> str:
    """Whom a reference file credits with code it vendors (its notices' holders), or "".
    ``notices``: the file's notices, detected only when its path and header could say so."""
    if not header or not maker or _names(header, maker) or not (_FOLDER.search(path) or _SAYS.search(header)):
        return ""
    found = notices()
    if any(n.counts and n.org and same_holder(n.org, maker) for n in found.notices):
        return ""  # a notice of the maker's ("The ZhipuAI Team", which the word test above misses)
    holders = [n.holder for n in found.notices if n.counts and n.org_kind != "framework"
               and not (n.org and same_holder(n.org, maker))]
    if not holders or not (_FOLDER.search(path) or any(_SAYS.search(line) for line in found.adapted_from)):
        return ""
    return ", ".join(dict.fromkeys(holders))


def _names(header: str, maker: str) -> bool:
    """The header names the maker (its first word, as a word: "Zhipu", "Meta", "Moonshot")."""
    word = maker.split(" ", 1)[0]
    return bool(word) and re.search(rf"\b{re.escape(word)}\b", header, re.IGNORECASE) is not None


def vendored_clause(credited: str) -> str:
    """What a verdict adds after the family it names."""
    return f"third-party code its file credits to {credited}, not the model maker's"


def credited_to(findings: list[Finding], header_of: Callable[[str, str], str],
                notices_of: Callable[[str, str], FileNotices]) -> list[Finding]:
    """The findings, each code match whose reference file vendors third-party code said so (its
    verdict and explanation name whom the file credits; details.vendored holds it)."""
    known: dict[tuple[str, str], str] = {}
    out: list[Finding] = []
    for f in findings:
        details = f.details
        if f.kind != "code-match" or not f.matches or not isinstance(details, CodeMatchDetails):
            out.append(f)
            continue
        ref = f.matches[0].ref
        key = (ref.family, ref.path)
        if key not in known:
            known[key] = vendored(ref.path, header_of(*key), lambda: notices_of(*key), ref.org)
        if not known[key]:
            out.append(f)
            continue
        who = f"{model_line(ref.family)} ({ref.org}{', ' + ref.country if ref.country else ''})"
        said = f"{who[:-1]}; {vendored_clause(known[key])})"
        out.append(dataclasses.replace(
            f, explanation=f.explanation.replace(who, said, 1) + (
                f" {ref.path} vendors third-party code: its notice credits {known[key]}, not {ref.org}."),
            details=dataclasses.replace(details, verdict=details.verdict.replace(who, said, 1), vendored=known[key])))
    return out
