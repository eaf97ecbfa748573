"""Frozen records the notice layer hands on: notices found in a file, and attribution states.

Kept apart from the detectors so that importing them costs nothing (no scancode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lineage.models import FileError
from lineage.vocab import company

FRAMEWORK_NOT_KEPT = "framework notice not kept"  # the note of a framework notice's finding
_YEAR = re.compile(r"(?:19|20)\d\d|present")  # a word of a holder's name that is its notice's year



@dataclass(frozen=True)
class Notice:
    """One copyright holder named on one line, mapped to an organisation.

    A statement naming several organisations ("X and the HuggingFace Inc. team") gives one
    Notice per organisation, all with the same holder, statement and line.
    """

    holder: str
    statement: str
    line: int
    org: str
    country: str
    org_kind: str  # vendor | framework | unknown

    @property
    def counts(self) -> bool:
        """True when the holder can be an upstream author (not a framework project).

        Unknown holders count: a company missing from organisations.toml is still a
        holder whose notice can be removed or replaced.
        """
        return self.org_kind != "framework"

    @property
    def key(self) -> str:
        """Identity used for comparison: the organisation, else the normalised holder, "and" between
        its names left out as commas and "&" are ("Songlin Yang, Yu Zhang and Zhiyuan Li" keeps "Songlin
        Yang, Yu Zhang, Zhiyuan Li": a stranger's review had it read "replaced", high), and years too."""
        if self.org:
            return self.org
        words = re.sub(r"[\W_]+", " ", self.holder.casefold()).split()
        words = words[1:] if words[:1] == ["the"] else words
        # (nor do years a holder's name carries: "Soumith Chintala 2016" is "Soumith Chintala", whose
        # notice a copy keeps as "Copyright (C) 2017 Soumith Chintala": a review)
        return " ".join(w for w in words if w != "and" and not _YEAR.fullmatch(w))

    def keeps(self, other: Notice) -> bool:
        """True when this notice keeps ``other``'s: the same key, or one company where one of the
        two names the company as a whole (see same_holder)."""
        return self.key == other.key or (bool(self.org and other.org) and same_holder(self.org, other.org))


def whole_company(org: str) -> bool:
    """True for an organisation that is a company as a whole, not one of its teams: its name is
    the company key vocab.company() gives its teams ("Alibaba" for "Alibaba Qwen")."""
    return bool(org) and org.casefold() == company(org)


def same_holder(a: str, b: str) -> bool:
    """Whether organisations ``a`` and ``b`` hold one notice: the same organisation, or one company
    where one of the two is the company as a whole ("Alibaba" keeps "Alibaba Qwen"'s notice and
    the reverse).  Two teams of one company stay apart: "Alibaba DAMO Academy" keeps no notice of
    "Alibaba Qwen"."""
    return a == b or (company(a) == company(b) and (whole_company(a) or whole_company(b)))


@dataclass(frozen=True)
class FileNotices:
    """What one file says about its authors, licences and declared origins."""

    path: str
    notices: tuple[Notice, ...]
    licences: tuple[str, ...]  # SPDX expressions found
    adapted_from: tuple[str, ...]  # "Adapted from"/"Copied from"/"generated from" lines
    errors: tuple[FileError, ...]
    licence_words: bool = False  # its header speaks of a licence that no SPDX id was found for


@dataclass(frozen=True)
class Attribution:
    """How a scanned file treats the notices of the reference file it was matched to."""

    state: str  # declared | retained | removed | replaced | none-needed
    reference_holders: tuple[Notice, ...]  # counting (non-framework) reference holders
    scanned_holders: tuple[Notice, ...]  # counting (non-framework) scanned holders
    explanation: str
    missing: tuple[Notice, ...] = ()  # reference holders absent from the file and NOTICE
    replacements: tuple[Notice, ...] = ()  # scanned holders standing in their place
    via_repo_notice: tuple[Notice, ...] = ()  # reference holders found only in NOTICE files
    declaration: str = ""  # the Adapted-from/Copied-from line that declared the reuse
    reference_path: str = ""
    reference_family: str = ""
    # the reference's framework notices (a project publishing many vendors' code: "the HuggingFace
    # Inc. team") that neither the file nor a repository NOTICE file keeps: no upstream author is
    # hidden by dropping them, but the licences that oblige keeping notices cover them too
    frameworks_dropped: tuple[Notice, ...] = ()


def held_at(notice: Notice, path: str) -> str:
    """Where a notice stands, as explanations quote it."""
    return f"{path} line {notice.line} holds '{notice.statement}'"
