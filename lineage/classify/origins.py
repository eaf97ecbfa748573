"""Whom a reference file credits with its code, and a scanned file whose own notice names them.

A reference that took code in may say where from: its notice names only the holder of the code it
vendors, not its own model's maker (ModelScope's GPT-MoE file keeps only "Copyright 2021 The
Microsoft DeepSpeed Team"), or its header names the origin's repository (CANMT: "borrowed and
modified from FAIRSEQ ... github.com/facebookresearch/fairseq").  Scanned, the origin's own file
(fairseq, DeepSpeed) matches such a reference and lacks the reference's holders: without more,
the verdict called the origin a copier of its own code, at high.  When the scanned file's own
notice names an organisation the matched reference credits, the code is taken as that organisation's, not a copy of the reference, and a notice it
lacks is a low finding that says code cannot tell the direction.

Never credited, since each let a copy pass (found by a stranger's attacks): the reference's own
model's maker (a copy keeping only the maker's line while dropping the others' read as the
maker's code), holders beside the maker's line (lineage a copy keeps: a copy of GLM's MoE keeping
the EleutherAI line of its llama ancestry), a repository named by a marker further down the file
(it credits one part only, and the index does not say which: a Meta line on DeepSeek-OCR's own
decoder passed, its file adapting detectron2's ViT), a package the reference imports, and a
framework.  A name==version scan's release date (source/released.py) is what protects the rest
of the originals: code published before a port cannot have come from it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from lineage.classify.owner import known_holders
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding
from lineage.notices.holders import holder_orgs
from lineage.notices.records import Attribution, FileNotices, same_holder
from lineage.vocab import UNLABELLED, company, model_line

PUBLISHER = 3  # a holder the headers of a source name for this many makers' families publishes the source
ORIGIN_CREDIT = "code of "  # how a finding's verdict begins when its reference credits the file's holder
# words that say the code itself came from a repository ("based on", "from" only say what it follows:
# litgpt's "Based on the nanoGPT implementation ... and https://github.com/EleutherAI/gpt-neox" under
# Lightning AI's own line credited EleutherAI with the file, and a copy of it naming EleutherAI beside
# its own holder read low: a stranger's review)
_TAKEN_WORDS = r"borrow\w*|adapt\w*|modif\w*|port(?:ed|ing)?|cop(?:y|ied)|taken|deriv\w*|fork\w*"
_TAKEN = re.compile(rf"\b(?:{_TAKEN_WORDS})\b", re.IGNORECASE)
_BORROWED = re.compile(rf"\b(?:{_TAKEN_WORDS}|based|from)\b", re.IGNORECASE)
_REPO = re.compile(r"(?:github\.com|gitlab\.com|huggingface\.co)/([A-Za-z0-9_.-]+)(?:/([A-Za-z0-9_.-]+))?", re.I)
# a repository named without its host, as "owner/name" (torchtitan's flux: "imported from black-forest-labs/FLUX";
# vLLM's DSV4.1 all-reduce: "flashinfer-ai/flashinfer@139af6f6"): its owner only, as a slug names it
_SLUG = re.compile(r"(?<![\w./:@-])([A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9])/[A-Za-z0-9]")
# a provenance sentence naming the origin itself ("Adapted from FlashInfer's low-latency all-reduce"): the words after
# (not "Copied from", transformers' marker naming a module path and a renaming: "with Llama->Mistral")
_SAID = re.compile(r"\b(?:borrowed|adapted|modified|ported|taken|derived|imported|forked|based)\s+(?:on|from)\b(.*)",
                   re.IGNORECASE)
_POSSESSIVE = re.compile(r"((?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*)['\u2019](?:s\b|(?=\s|$))")  # ("FlashInfer's", "Black Forest Labs'")
_PATHLIKE = re.compile(r"\S*[/\\]\S*|\S*\w\.\w\S*")  # (a path, URL or module names a model, not who wrote it)


def _named_by(owner: str, repo: str) -> list[str]:
    """The vendor organisations a repository's owner (else its name) stands for, its words apart
    as a slug joins them ("black-forest-labs": Black Forest Labs)."""
    for name in (owner, repo):
        found = [org for org, _country, kind in holder_orgs(_words(name)) if kind != "framework"] if name else []
        if found:
            return found
    return []


def _words(slug: str) -> str:
    return re.sub(r"[-_.]+", " ", slug)


def _vendors(text: str) -> list[str]:
    """The vendor organisations a stretch of a sentence names in words as the code's owners, in the
    possessive ("FlashInfer's low-latency all-reduce"; not in a path, URL or module): a name alone
    may be a model's ("Adapted from DeepSeek and Mixtral implementation")."""
    words = _PATHLIKE.sub(" ", text)
    owners = " ; ".join(m.group(1) for m in _POSSESSIVE.finditer(words))
    return [org for org, _country, kind in holder_orgs(owners) if kind != "framework"] if owners else []


def publishes(index: EmbeddedIndex, family: str, holder: str) -> bool:
    """``holder`` is the publisher of `family`'s source: the headers of that source's files name it
    for half its families or more, of PUBLISHER makers or more (Apple over every MLX port in mlx-lm;
    in transformers no vendor heads so many: Meta's name stands in 50 of 522 families, 16 makers).  Its notice is
    the port's own, crediting no origin: a renamed copy of mlx-lm's llama under Apple's line read
    "code of Apple, whom the reference credits with it: not a copy" and passed (a stranger's review)."""
    if not holder:
        return False
    makers, headed, families = _headed(index, family.partition(":")[0], holder)
    return makers >= PUBLISHER and 2 * headed >= families


def heads_lineage(index: EmbeddedIndex, family: str, holder: str) -> bool:
    """``holder`` heads the files of PUBLISHER makers' families or more in `family`'s source: a line
    those ports carry as lineage (vLLM's llama-derived files: "EleutherAI and the HuggingFace Inc.
    team"), crediting its holder with none of them."""
    return bool(holder) and _headed(index, family.partition(":")[0], holder)[0] >= PUBLISHER


@functools.lru_cache(maxsize=64)
def _headed(index: EmbeddedIndex, source: str, holder: str) -> tuple[int, int, int]:
    """(makers, families) of `source` whose files' headers name ``holder``, and the source's families."""
    rows = index.meta["families"]
    headed = {r["family"] for r in index.meta["files"] if rows[r["family"]]["source"] == source
              and holder in index.header_of(f"{source}:{rows[r['family']]['name']}", r["path"])}
    return (len({company(str(rows[f].get("org", ""))) for f in headed} - UNLABELLED), len(headed),
            sum(1 for row in rows if row["source"] == source))


def credits_of(index: EmbeddedIndex, family: str, path: str, reference: FileNotices, maker: str) -> dict[str, str]:
    """`credited` of an indexed reference file (its stored header; its source's publisher and lineage
    lines; the companies whose models the index holds)."""
    makers = model_makers(index)
    return credited(reference, index.header_of(family, path), maker, functools.partial(publishes, index, family),
                    functools.partial(heads_lineage, index, family), lambda org: company(org) in makers)


@functools.lru_cache(maxsize=4)
def model_makers(index: EmbeddedIndex) -> frozenset[str]:
    """The companies that made a model of the index (a family's maker)."""
    return frozenset(company(str(f.get("org") or "")) for f in index.meta["families"]) - UNLABELLED


def credited(reference: FileNotices, header: str, maker: str,
             publisher: Callable[[str], bool] = lambda _holder: False,
             lineage: Callable[[str], bool] = lambda _holder: False,
             model_maker: Callable[[str], bool] = lambda _org: False) -> dict[str, str]:
    """Organisation -> how the reference credits it with its code, never its own model's maker by a
    notice line (a file keeping only the maker's line while dropping others' is a copy: that credit
    rewarded dropping notices): the holder of a notice that names one holder, not the maker (vendored
    code: ModelScope's GPT-MoE file names only Microsoft's DeepSpeed team), the owner of a repository
    a header sentence says the code came from (CANMT's "borrowed and modified from FAIRSEQ ...
    github.com/facebookresearch/fairseq"; a link alone credits no one), and, in a reference whose
    notices name no vendor but its source's publisher, a repository named bare ("imported from
    black-forest-labs/FLUX") or an owner named in words ("Adapted from FlashInfer's ..."), neither of
    them another model's maker (``model_maker``); the maker itself only by such a sentence.  Markers further down a file credit one part of it only, and the
    index does not say which: they credit no one (a Meta line on DeepSeek-OCR's own decoder, whose
    file says its ViT is adapted from detectron2, read as Meta's code)."""
    out: dict[str, str] = {}
    said: set[str] = set()  # organisations a sentence of the header credits (not a notice line)
    holders = {n.org: n for n in reference.notices if n.counts and n.org}
    # a holder named on one line with a framework, a line that heads several makers' ports in the
    # source (``lineage``), is lineage every such port keeps (vLLM's mixtral.py: "EleutherAI and the
    # HuggingFace Inc. team", from transformers' llama), never vendored code's own holder: crediting
    # it passed copies of some 40 reference files under a "Copyright 2024 EleutherAI." line (a
    # stranger's review)
    published = {n.statement for n in reference.notices if n.org_kind == "framework"}
    if maker and len(holders) == 1 and not any(same_holder(org, maker) or publisher(n.holder)
                                               or n.statement in published and lineage(n.holder)
                                               for org, n in holders.items()):
        # one holder, not the maker: vendored code.  Beside the maker's line, or among several
        # (PaddleNLP's Qwen keeps the OpenAI and NVIDIA lines of GPT-2's header), holders' lines
        # are lineage a copy drops or keeps, crediting no one
        (org, n), = holders.items()
        out[org] = f"its notice's only holder {n.holder!r}"
    # a repository named bare or an organisation named in words credits only in a reference whose notices
    # name no vendor but its source's publisher (vLLM's SPDX line, torchtitan's Meta line): transformers'
    # llama-derived files say "based on EleutherAI's GPT-NeoX library" under EleutherAI's and the maker's
    # lines, lineage crediting no one
    by_sentence = not any(n.counts and not publisher(n.holder) for n in reference.notices)
    lines = header.splitlines()
    for i, line in enumerate(lines):
        # a repository a sentence says the code came from (it may wrap from the line above), not any link
        before = lines[i - 1] if i and not lines[i - 1].rstrip().endswith(".") else ""
        if not _BORROWED.search(f"{before} {line}"):
            continue
        # beside the reference's own vendor line, only words saying the code was taken credit a repository
        for owner, repo in _REPO.findall(line) if by_sentence or _TAKEN.search(f"{before} {line}") else ():
            for org in _named_by(owner, repo):
                where = f"{owner}/{repo}" if repo else owner
                out.setdefault(org, f"{org}, whose repository {where} it names as an origin")
                said.add(org)
        if not by_sentence:
            continue
        # a model's maker named so may name its model, not the code's author ("Adapted from DeepSeek and
        # Mixtral implementation", "Adapted from vLLM's DeepSeek V2 implementation" in SGLang's ports: a
        # stranger's copy under "Copyright DeepSeek-AI" passed): only the reference's own maker is, or an
        # organisation whose models the index does not hold (a kernel library's authors)
        for owner in _SLUG.findall(_REPO.sub(" ", line)):
            for org in _named_by(owner, ""):
                if not model_maker(org) or (maker and same_holder(org, maker)):
                    out.setdefault(org, f"{org}, whose repository {owner}/... it names as an origin")
                    said.add(org)
        sentence = _SAID.search(f"{before} {line}")
        for org in _vendors(sentence.group(1)) if sentence else ():
            if not model_maker(org) or (maker and same_holder(org, maker)):
                out.setdefault(org, f"{org}, whom its header names as the origin of its code")
                said.add(org)
    # the reference's own model's maker is credited by a sentence only, never by a notice line, and only
    # where no notice names a vendor but the source's publisher (a port under its publisher's line alone,
    # torchtitan's flux under Meta's: "imported from black-forest-labs/FLUX")
    return {org: how for org, how in out.items()
            if not (maker and same_holder(org, maker) and not (by_sentence and org in said))
            and company(org) not in UNLABELLED}


def credited_holder(attribution: Attribution, scanned: FileNotices, credit: dict[str, str],
                    reference: FileNotices | None = None) -> tuple[str, str, tuple[str, ...]]:
    """(organisation, how the reference credits it) when the scanned file's own notice names an
    organisation the reference credits (the same organisation, or its company as a whole), and
    nobody the reference does not name or credit, and the judgement is one to lower; else ("", "").
    A file keeping a line of the reference that names a framework beside the credited holder
    (transformers' llama: "EleutherAI and the HuggingFace Inc. team") keeps the reference's
    notice, the framework's publication of the code, not the origin's: a retained copy.  A reference
    under a framework's notice alone ("none-needed": vLLM's kernels adapted from FlashInfer's) credits
    its origin the same way."""
    if attribution.state not in ("removed", "replaced", "retained", "none-needed"):
        return "", "", ()
    return credited_origin(scanned, credit, reference, [r.org for r in attribution.reference_holders if r.org])


def credited_origin(scanned: FileNotices, credit: dict[str, str], reference: FileNotices | None,
                    holders: Sequence[str]) -> tuple[str, str, tuple[str, ...]]:
    """`credited_holder` whatever became of the file's notices (a partial copy's are not judged:
    classify/judged.py), ``holders`` the organisations the reference's notices name; the third item
    is the holders the file names beside the credited origin, whom the reference neither names nor
    credits."""
    published = {n.statement for n in (reference.notices if reference else ()) if n.org_kind == "framework"}
    if any(n.statement in published for n in scanned.notices):
        return "", "", ()
    named = known_holders(scanned)
    # the file names nobody the reference does not name or credit, and no holder the organisation table
    # does not know: the origin's own file
    known = [*credit, *holders]
    if named and all(any(same_holder(n.org, k) for k in known) for n in named):
        for n in named:
            for org, how in credit.items():
                if same_holder(n.org, org):
                    return org, how, ()
    # the origin's notice kept beside others' (a modifier's own line under it, or a copier's name beside
    # it), or the origin's repository named by the file's own provenance sentence ("Adapted from fairseq
    # (https://github.com/facebookresearch/fairseq)") under its own holders' lines
    counted = [n for n in scanned.notices if n.counts]
    beside = tuple(dict.fromkeys(m.holder for m in counted if not (m.org and any(same_holder(m.org, k) for k in known))))
    origins = [n.org for n in counted if n.org] + _declared_origins(scanned.adapted_from)
    for named_org in origins:
        for org, how in credit.items():
            if same_holder(named_org, org):
                return (org, how, beside) if beside else ("", "", ())
    return "", "", ()


def _declared_origins(lines: Sequence[str]) -> list[str]:
    """The organisations whose repository a file's own provenance lines ("Adapted from ...") name."""
    return [org for line in lines if _BORROWED.search(line)
            for owner, repo in _REPO.findall(line) for org in _named_by(owner, repo)]


def port_explanation(f: Finding, org: str) -> str:
    ref = f.matches[0].ref
    return (f"{org} publishes {ref.source or ref.family.partition(':')[0]} (its notice heads that source's ports of "
            f"several makers' models) and is given as an owner of the scanned code (--owner): {f.unit} is {org}'s "
            f"own port of {model_line(ref.family)}, which {ref.path} also holds; not a copy.")


def origin_verdict(org: str, beside: Sequence[str] = ()) -> str:
    if beside:
        return (f"{ORIGIN_CREDIT}{org}, whom the reference credits with it and the file's notice names beside "
                f"{', '.join(beside)}: the file may hold {org}'s code as the reference does, or be the reference's "
                f"copy keeping {org}'s line; code cannot tell")
    return f"{ORIGIN_CREDIT}{org}, whom the reference credits with it and the file's notice names: not a copy"


def origin_explanation(org: str, how: str, reference_path: str, beside: Sequence[str] = ()) -> str:
    if beside:
        return (f"The file's own notice names {org}, whom {reference_path} credits ({how}), and beside it "
                f"{', '.join(beside)}, whom the reference neither names nor credits: the file and the reference "
                f"may both hold {org}'s code, each with changes of its own (a modifier marks its changes so), or the "
                f"file may be a copy of the reference that kept {org}'s line and added its own. Code cannot tell "
                f"which without {org}'s own file; check the dates, and whether the matched code is the reference's "
                "changes to it, before relying on this.")
    return (f"The file's own notice names {org}, whom {reference_path} credits ({how}): the code may be "
            f"{org}'s own, taken into the reference, rather than a copy of it. Code cannot tell the "
            "direction; check the dates before relying on this.")
