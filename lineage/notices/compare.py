"""compare_notices(): what a scanned file did with the notices of the reference it copies.

Only holders that can be upstream authors count: framework notices (vLLM's SPDX header,
"the HuggingFace Inc. team") say nothing about who wrote a model.  Organisations are
compared, not strings, so "Copyright 2024 北京智谱华章科技有限公司" keeps a reference notice
that read "Copyright 2025 The ZhipuAI Inc. team".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from lineage.notices.records import Attribution, FileNotices, Notice, held_at
from lineage.vocab import UNLABELLED, company

_GENERIC_STEMS = frozenset(
    {"__init__", "utils", "util", "common", "base", "model", "models", "layers"}
)

REMOVED = "the upstream notice was removed."
# ... said instead of a file copying a model file that holds no notice (generated), whose family's
# notice stands in another file beside it: nothing was removed from it (classify/attribution.py)
NOT_CARRIED = "the family's notice was not carried with its code."
ROOT_MISSING = "the root's notice is missing."  # (a file keeping its published file's notices: root_notices.py)


def _tokens(text: str) -> set[str]:
    return set(re.split(r"[^0-9a-z_]+", text.casefold())) - {""}


def reference_names(path: str, family: str = "") -> set[str]:
    """Names an origin declaration may use for a reference: family and file stem."""
    names: set[str] = set()
    if family:
        names.add(family.rsplit(":", 1)[-1].casefold().replace("-", "_").replace(".", "_"))
    if path:
        stem = PurePosixPath(path).stem.casefold()
        for prefix in ("modeling_", "modular_", "configuration_"):
            stem = stem.removeprefix(prefix)
        if stem not in _GENERIC_STEMS:
            names.add(stem)
    return {name for name in names if len(name) >= 3}


# "Copied from transformers.models.llama.modeling_llama.LlamaRMSNorm with Llama->Falcon": the
# names after "with" are the copy's own, not its source's
_RENAMED = re.compile(r"\s+with\s+\S+\s*->.*$", re.IGNORECASE)


def declaring_line(scanned: FileNotices, reference: FileNotices, family: str = "") -> str:
    """The scanned file's Adapted-from/Copied-from line that names the reference as the source
    (not as the name a `with A->B` renaming gives the copy), or "".  A line the reference's own
    header carries came with the copied header: it says where the reference came from (vLLM's
    qwen2_moe.py, "Adapted from ... transformers ... qwen2_moe"), not that the copy declares it."""
    names = reference_names(reference.path, family)
    inherited = {" ".join(line.split()).casefold() for line in reference.adapted_from}
    for line in scanned.adapted_from:
        if " ".join(line.split()).casefold() in inherited:
            continue
        tokens = _tokens(_RENAMED.sub("", line))
        if reference.path and reference.path.casefold() in line.casefold():
            return line
        if any(
            name in tokens or f"modeling_{name}" in tokens or f"modular_{name}" in tokens
            for name in names
        ):
            return line
    return ""


def _names(notices: Sequence[Notice]) -> str:
    return ", ".join(dict.fromkeys(n.org or n.holder for n in notices))


def _keeping(n: Notice, notices: Sequence[tuple[str, Notice]]) -> tuple[str, Notice] | None:
    """The first (path, notice) that keeps `n`'s notice ("Alibaba" keeps "Alibaba Qwen"'s)."""
    return next((item for item in notices if item[1].keeps(n)), None)


def _retained(
    scanned: FileNotices,
    ref_holders: tuple[Notice, ...],
    scan_holders: tuple[Notice, ...],
    in_repo: Sequence[tuple[str, Notice]],
    ref_path: str,
) -> str:
    parts = []
    for n in ref_holders:
        kept_at = next((s for s in scan_holders if s.keeps(n)), None)
        if kept_at is not None:
            kept = f"line {kept_at.line} keeps '{kept_at.statement}'"
            parts.append(f"{scanned.path} {kept} ({n.org or n.holder})")
        else:
            repo_path, repo_notice = _keeping(n, in_repo) or ("", n)
            where = f"the repository notice file {repo_path} line {repo_notice.line}"
            parts.append(f"{where} names {n.org or n.holder}")
    return (
        f"{'; '.join(parts)}, matching the reference {ref_path}; the upstream notice is retained."
    )


def compare_notices(
    scanned: FileNotices,
    reference: FileNotices,
    *,
    declared: bool = False,
    repo_notices: Sequence[FileNotices] = (),
    reference_family: str = "",
    maker: str = "",
    removed_as: str = REMOVED,
) -> Attribution:
    """declared | none-needed | retained | replaced | removed, with a checkable explanation.

    A declared origin excuses a dropped upstream holder line (the origin is named), never a
    replaced one: another vendor's notice in the upstream holder's place is "replaced".

    ``declared`` is set by callers that found declared lineage elsewhere (a transformers
    modular import); ``repo_notices`` are the repository's NOTICE/LICENSE files: a
    reference holder named there counts as retained.  ``maker``: the organisation that made the
    reference's model; a framework that is also the maker (its own model team) is its upstream
    holder, whose notice counts as a vendor's.  ``removed_as``: how a removal is said (NOT_CARRIED:
    the reference is a family's notice file beside a matched file that holds none).
    """
    own_model = "" if company(maker) in UNLABELLED else company(maker)

    def counts(n: Notice) -> bool:
        return n.counts or (bool(own_model) and company(n.org or n.holder) == own_model)

    ref_holders = tuple(n for n in reference.notices if counts(n))
    scan_holders = tuple(n for n in scanned.notices if counts(n))
    ref_path = reference.path
    declaration = declaring_line(scanned, reference, reference_family)
    in_file = [(scanned.path, n) for n in scan_holders]
    in_repo = [(repo_file.path, n) for repo_file in repo_notices for n in repo_file.notices if n.counts]
    missing = tuple(n for n in ref_holders if not _keeping(n, in_file) and not _keeping(n, in_repo))
    kept_keys = {n.key for n in scanned.notices} | {n.key for f in repo_notices for n in f.notices}
    vendor_lines = {n.line for n in missing}
    dropped: dict[str, Notice] = {}  # one per framework, its first notice ...
    for n in reference.notices:  # ... on a line of its own (a vendor's on the same line speaks for it)
        if not counts(n) and n.key not in kept_keys and n.line not in vendor_lines:
            dropped.setdefault(n.key, n)
    frameworks_dropped = tuple(dropped.values())
    via_repo = tuple(n for n in ref_holders if not _keeping(n, in_file) and _keeping(n, in_repo))
    others = tuple(n for n in scan_holders if not any(n.keeps(r) for r in ref_holders))
    replacements: tuple[Notice, ...] = ()
    declared_origin = declared or bool(declaration)
    if declared_origin and not (missing and others):
        state = "declared"
        source = f"'{declaration}'" if declaration else "a modular import or Copied-from link"
        explanation = f"{scanned.path} declares its origin ({source})."
        if ref_holders:
            kept = "kept" if not missing else f"not kept ({_names(missing)} missing)"
            explanation = explanation[:-1] + f"; the reference holders of {ref_path} are {kept}."
    elif not ref_holders:
        state = "none-needed"
        frameworks = _names([n for n in reference.notices if not counts(n)]) or "none"
        explanation = (
            f"the reference {ref_path} names no vendor holder (framework notices: "
            f"{frameworks}), so no upstream vendor notice is owed."
        )
    elif not missing:
        state = "retained"
        explanation = _retained(scanned, ref_holders, scan_holders, in_repo, ref_path)
    elif others:
        state, replacements = "replaced", others
        explanation = (
            f"{held_at(others[0], scanned.path)} where the matched reference "
            f"{held_at(missing[0], ref_path)}; the upstream holder was replaced"
            + (" (naming the origin does not make another holder's notice the upstream one)."
               if declared_origin else ".")
        )
    else:
        state = "removed"
        explanation = (
            f"the matched reference {held_at(missing[0], ref_path)} but neither "
            f"{scanned.path} nor a repository NOTICE file names {_names(missing)}; {removed_as}"
        )
    # declared reuse owes no framework finding for a dropped line, but one replaced by another
    # holder's is not declared away: the file names a new holder in the framework's place
    if state == "declared" and not scan_holders:
        frameworks_dropped = ()
    if frameworks_dropped:
        explanation += (f" The reference's framework notice ({held_at(frameworks_dropped[0], ref_path)}) "
                        f"is not kept in {scanned.path}{' either' if state in ('removed', 'replaced') else ''}.")
    return Attribution(
        state,
        ref_holders,
        scan_holders,
        explanation,
        missing=missing if state in ("declared", "replaced", "removed") else (),
        replacements=replacements,
        via_repo_notice=via_repo,
        declaration=declaration,
        reference_path=ref_path,
        reference_family=reference_family,
        frameworks_dropped=frameworks_dropped,
    )
