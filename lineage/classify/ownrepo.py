"""Code a reference says it took from the scanned package's own repository.

timm's NASNet file says "nasnetalarge implementation grabbed from Cadene's pretrained models
https://github.com/Cadene/pretrained-models.pytorch"; its Inception-v4 was "Sourced from
https://github.com/Cadene/tensorflow-model-zoo.torch".  Scanned, Cadene's own package
`pretrainedmodels` (its metadata's home page on github.com/cadene) read as high and medium copies
of timm's files: the original called a copy of the port that credits it (a stranger's review).
When a matched reference's header says its code was taken from the repository the scanned
package's own metadata names as its home, or from another repository of its owner where that owner
is credited by one package's references only (a person's or a lab's, not a framework's that every
engine credits, "huggingface"), the match is that package's own code, taken into the reference:
not a copy (state own, info), and the reference's notice is not owed for it.
Only the words that say code was taken count (classify/origins.TAKEN_WORDS, and "grabbed",
"sourced"), not what a reference is "based on"; the metadata is the package's own word, as its
makers are (source/maker.py, the `package_maker` setting turns both off).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from lineage.classify.origins import TAKEN_WORDS
from lineage.classify.owner import OWN
from lineage.details import CodeMatchDetails
from lineage.models import Finding
from lineage.index.embedded import EmbeddedIndex
from lineage.source.repos import owner_of, owners_in

_TAKEN = re.compile(rf"\b(?:{TAKEN_WORDS}|grabbed|sourced)\b", re.IGNORECASE)


def credited_owners(header: str) -> frozenset[str]:
    """The forge owners a reference's header says its code was taken from: an address on the line of
    a taking word, or on the line after it."""
    lines = header.splitlines()
    out: set[str] = set()
    for i, line in enumerate(lines):
        if _TAKEN.search(line):
            out.update(owners_in(line + "\n" + (lines[i + 1] if i + 1 < len(lines) else "")))
    return frozenset(out)


def credit_packages(index: EmbeddedIndex) -> dict[str, frozenset[str]]:
    """Per forge owner ("github.com/cadene"), the packages whose reference files say code was taken from
    its repositories (a source's releases one package: "timm" and "timm-0.6.13")."""
    out: dict[str, set[str]] = {}
    families = index.meta["families"]
    for row in index.meta["files"]:
        fam = families[row["family"]]
        package = re.sub(r"-\d[\w.]*$", "", str(fam["source"]))
        for repository in credited_owners(index.header_of(f"{fam['source']}:{fam['name']}", row["path"])):
            out.setdefault(owner_of(repository), set()).add(package)
    return {k: frozenset(v) for k, v in out.items()}


def _credits(repositories: Sequence[str], credited: frozenset[str], packages: Callable[[], dict[str, frozenset[str]]]
             ) -> list[str]:
    """The package's repositories the reference credits: the very repository, or its owner's where
    only one package's references credit that owner."""
    mine = set(repositories)
    same = sorted(credited & mine)
    if same:
        return same
    owners = {owner_of(r) for r in repositories} & {owner_of(c) for c in credited}
    return sorted(o for o in owners if len(packages().get(o, ())) == 1)


def from_own_repository(findings: Sequence[Finding], index: EmbeddedIndex,
                        repositories: Sequence[str]) -> list[Finding]:
    """The findings, a code match whose reference credits one of ``repositories`` (the package's own,
    by its metadata) said as the package's own code; and a notice finding of its file against that
    family, when every code match of the file on it is so, rated info."""
    if not repositories:
        return list(findings)
    cache: list[dict[str, frozenset[str]]] = []

    def packages() -> dict[str, frozenset[str]]:
        if not cache:
            cache.append(credit_packages(index))
        return cache[0]

    credited: dict[tuple[str, str], frozenset[str]] = {}
    out: list[Finding] = []
    turned: set[tuple[str, str]] = set()  # (path, family): a code match of it said as the package's own
    kept: set[tuple[str, str]] = set()  # ... and one above low that is not
    for f in findings:
        if f.kind != "code-match" or not f.matches or not isinstance(f.details, CodeMatchDetails):
            out.append(f)
            continue
        ref = f.matches[0].ref
        key = (ref.family, ref.path)
        if key not in credited:
            credited[key] = credited_owners(index.header_of(*key))
        owners = _credits(repositories, credited[key], packages) if credited[key] else []
        if owners and f.attribution not in (OWN, "declared"):
            turned.add((f.path, ref.family))
            out.append(_own(f, owners[0], ref.path))
            continue
        if f.severity in ("medium", "high"):
            kept.add((f.path, ref.family))
        out.append(f)
    return [_notice_owed_none(f, turned - kept) for f in out]


def _own(f: Finding, owner: str, reference_path: str) -> Finding:
    details = f.details
    assert isinstance(details, CodeMatchDetails)
    said = (f"code of {owner}, the package's own repository by its metadata, which {reference_path} says its code "
            "was taken from: not a copy")
    why = (f"{reference_path} says its code was taken from a repository of {owner}, which the scanned package's own "
           "metadata names as its home: the code is the package's own, taken into the reference, and the "
           "reference's notice is not owed for it. Check the package's metadata and the dates before relying on this.")
    text = f.explanation.replace(f"Verdict: {details.verdict}.", f"Verdict: {said}.") + " " + why
    return dataclasses.replace(f, attribution=OWN, severity="info", explanation=text,
                               details=dataclasses.replace(details, verdict=said, attribution_explanation=why))


def _notice_owed_none(f: Finding, own: set[tuple[str, str]]) -> Finding:
    if f.kind != "notice" or not f.matches or f.attribution not in ("removed", "replaced"):
        return f
    if (f.path, f.matches[0].ref.family) not in own:
        return f
    return dataclasses.replace(f, severity="info", explanation=f"{f.explanation} The code matched is the package's "
                               "own, which the reference says it took from the package's repository: this notice is "
                               "not owed for it.")
