"""Holder strings -> organisation, country and kind, from corpora/organisations.toml.

Aliases match case-insensitively inside a whitespace-normalised holder.  Latin aliases must
sit on word edges ("LG" must not match "LGPL" or "Algorithm"; "Qwen" still matches
"Qwen2.5"); CJK aliases match as plain substrings, since CJK text has no spaces.  When
aliases overlap, the longest wins; a holder naming several organisations maps to all of
them, vendors first for holder_org().  A company as a whole ("Alibaba") is named only by
holders that name none of its teams: "Alibaba Group" alone is the company, "Qwen team,
Alibaba Group" the Qwen team, and "The Alibaba MT Team" the company (no team it names).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lineage.data import organisations
from lineage.notices.records import whole_company
from lineage.vocab import company

UNKNOWN: tuple[str, str, str] = ("", "", "unknown")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """True when text holds Chinese, Japanese or Korean characters."""
    return _CJK.search(text) is not None


def normalise(holder: str) -> str:
    """Casefold and collapse whitespace, so aliases compare on content only."""
    return " ".join(holder.casefold().split())


@dataclass(frozen=True)
class _Alias:
    org: str
    country: str
    kind: str
    text: str  # normalised

    @property
    def pattern(self) -> re.Pattern[str]:
        """Where the alias stands in a normalised text (compiled on first use: a holder names a few
        of the table's hundreds of aliases, and a fresh process, as the hook's, compiled them all)."""
        return _alias_pattern(self.text)

    def found_in(self, text: str) -> bool:
        """Whether the alias can stand in a normalised text at all (its pattern is its literal text
        within word edges: a plain search rules out most aliases first)."""
        return self.text in text


@functools.cache
def _alias_pattern(text: str) -> re.Pattern[str]:
    escaped = re.escape(text)
    if has_cjk(text):
        return re.compile(escaped)
    # Word edges for Latin aliases; a trailing digit is allowed ("Qwen" in "Qwen2").
    return re.compile(rf"(?<![0-9a-z]){escaped}(?![a-z])")


@functools.cache
def load_organisations(table: Path | None = None) -> tuple[_Alias, ...]:
    """Every alias of every organisation, longest first (the organisation name included)."""
    aliases: list[_Alias] = []
    for org, entry in organisations(table).items():
        if org == "Unknown":
            continue  # a placeholder row, not a holder
        for text in {normalise(org)} | {normalise(a) for a in entry.aliases}:
            if text:
                aliases.append(_Alias(org, entry.country, entry.kind, text))
    aliases.sort(key=lambda a: (-len(a.text), a.org))
    return tuple(aliases)


def organisation(org: str, table: Path | None = None) -> tuple[str, str, str]:
    """(org, country, kind) for an organisation name as written in the table."""
    for alias in load_organisations(table):
        if alias.org == org:
            return alias.org, alias.country, alias.kind
    return UNKNOWN


def holder_orgs(holder: str, table: Path | None = None) -> list[tuple[str, str, str]]:
    """Every organisation a holder string names, in order of appearance."""
    return list(_holder_orgs(holder, table))


@functools.lru_cache(maxsize=4096)
def _holder_orgs(holder: str, table: Path | None) -> tuple[tuple[str, str, str], ...]:
    """`holder_orgs`, read once per holder (a project's files repeat a few holders: every alias
    of the table is tried on each)."""
    text = normalise(holder)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, tuple[str, str, str]]] = []
    for alias in load_organisations(table):
        if not alias.found_in(text):
            continue
        for m in alias.pattern.finditer(text):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue  # inside a longer alias already matched
            taken.append((start, end))
            found.append((start, (alias.org, alias.country, alias.kind)))
    result: list[tuple[str, str, str]] = []
    for _, entry in sorted(found, key=lambda f: f[0]):
        if entry not in result:
            result.append(entry)
    # "Qwen team, Alibaba Group" names the team, not the company besides it: the most specific wins
    teams = {company(org) for org, _, _ in result if not whole_company(org)}
    return tuple(entry for entry in result if not (whole_company(entry[0]) and company(entry[0]) in teams))


def holder_org(holder: str, table: Path | None = None) -> tuple[str, str, str]:
    """(org, country, kind) of a holder, vendors before frameworks; ("", "", "unknown") if none."""
    orgs = holder_orgs(holder, table)
    for entry in orgs:
        if entry[2] == "vendor":
            return entry
    return orgs[0] if orgs else UNKNOWN

