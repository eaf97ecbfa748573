"""detect_notices(): copyright holders, SPDX licences and declared origins of one file.

Only the header region and the lines that mention a copyright marker are scanned.  SPDX
tags are read with a regex; scancode's licence index is loaded only when a header holds
licence wording without a tag.  scancode's copyright parser reads English notices; the
line-anchored fallback reads CJK lines (which scancode transliterates and truncates) and
any notice scancode missed.  Failures and deadline overruns become FileError records.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from lineage.models import FileError
from lineage.notices import engine
from lineage.notices.fallback import RawNotice, detect_lines
from lineage.notices.header import (
    candidate_lines,
    declarations,
    has_licence_words,
    known_grant,
    prologue,
    proprietary_terms,
    spdx_expressions,
)
from lineage.notices.holders import UNKNOWN, has_cjk, holder_orgs, load_organisations, normalise
from lineage.notices.mentions import NEGATION, credits
from lineage.notices.records import FileNotices, Notice
from lineage.parse.lines import numbered_lines


_MARKER = re.compile(r"copyright|\(c\)\s*(?:19|20)\d\d|©|版权|著作权|저작권", re.IGNORECASE)


# A holder text names holders up to the first word that cannot be part of a list of names:
# names are capitalised (or CJK), joined by "and", "&", commas, "of", "the", and company words.
# A blocklist of disclaiming words was outwitted at once ("Acme AI Inc., for use with Alibaba
# Cloud Qwen3 models", "..., which competes with Alibaba Cloud", "(a team formerly of ...)"): a
# lower-case word outside this list ends the holders, which errs towards fewer holders kept.
_JOINING = frozenset({
    "and", "&", "of", "the", "its", "inc", "ltd", "co", "llc", "corp", "corporation", "team", "teams", "authors",
    "contributors", "group", "affiliates", "subsidiaries", "lab", "labs", "laboratory", "university", "institute",
    "academy", "research", "ai", "project", "foundation", "company", "limited", "technologies", "technology",
    "gmbh", "ag", "sa", "plc", "e.v", "all", "rights", "reserved", "x", "für", "und", "et", "de", "la", "du", "y",
    "to",  # "contributors to the vLLM project"
    "at", "a", "an", "for", "org",  # "... Lab at TU/e", "THL A29 Limited, a Tencent company", "Allen Institute for AI"
})
# a new clause ("Acme AI; Qwen is a mark of ..."); a parenthesis opens one only before a lower-case
# word ("(a team of ...)"; "(TII)" names)
_CLAUSE = re.compile(r"[;\[:—–]|\(\s*[a-z]|\s-\s")


def claimed(holder: str) -> str:
    """The part of a holder text that names holders: up to its first lower-case word that cannot
    be part of a list of names, or its first negation ("Copyright 2025 Acme AI, independent of
    Alibaba Cloud" names Acme alone)."""
    cut = len(holder)
    for stop in (NEGATION.search(holder), _CLAUSE.search(holder)):
        if stop is not None:
            cut = min(cut, stop.start())
    for token in re.finditer(r"\S+", holder[:cut]):  # "Alibaba-Cloud-compatible" is one token: all or nothing
        if "/" in token.group(0):
            continue  # an owner/repository name ("state-spaces/mamba org")
        if normalise(token.group(0).strip(".,'’\"()")) in _alias_texts():
            continue  # a name the table knows, however it is spelt ("ml-explore", Apple's mlx-lm notice)
        parts = [p for p in re.split(r"[-_]", token.group(0).strip(".,'’\"()")) if p and p[0].isalpha()]
        if any(p[0].islower() and p.rstrip(".,'’").casefold() not in _JOINING and not _name_like(p)
               for p in parts):
            cut = token.start()
            break
    return holder[:cut]


@lru_cache(maxsize=1)
def _alias_texts() -> frozenset[str]:
    """Every alias of the organisations table, normalised (notices/holders.py)."""
    return frozenset(a.text for a in load_organisations())


def names_others(holder: str) -> bool:
    """Whether a holder text names someone besides the organisations the table knows in it:
    "Acme Robotics Corp. and the Qwen team, Alibaba Group" names Acme Robotics too, which no
    organisation of the table is (most copiers are small companies it does not list)."""
    return bool(unlisted(holder))


@lru_cache(maxsize=4096)
def unlisted(holder: str) -> str:
    """The names a holder text gives besides the organisations the table knows, in its own words
    ("Zeph Systems" of "The Zeph Systems and HuggingFace Inc. team"), or "" (read once per holder)."""
    names = claimed(holder)
    text = normalise(names)
    for alias in load_organisations():
        if alias.found_in(text):
            text = alias.pattern.sub(" ", text)
    left = {w.strip(".,'’\"") for w in re.findall(r"[^\W\d_][\w.'’-]*", text)} - _JOINING
    words = [w for w in names.split() if w.casefold().strip(".,'’\"") in left]
    return " ".join(words)


def _name_like(word: str) -> bool:
    """A word that is a name though it starts in lower case: "vLLM", "iFlytek", "xAI", CJK text."""
    return any(c.isupper() for c in word[1:]) or not word[0].isascii()


def _to_notices(raw: list[RawNotice]) -> list[Notice]:
    """One notice per organisation a holder line names, and one of an unknown holder when the line
    names frameworks only among the organisations the table knows, and someone else: "The Zeph
    Systems and HuggingFace Inc. team" is Zeph Systems' notice besides the framework's (read as
    the framework's alone, a copier's name put in the upstream vendor's place beside the
    framework's read as the vendor's notice removed, not replaced)."""
    notices: list[Notice] = []
    seen: set[tuple[int, str]] = set()
    for item in raw:
        orgs = holder_orgs(claimed(item.holder))
        others = unlisted(item.holder) if orgs and all(kind == "framework" for _, _, kind in orgs) else ""
        for org, country, kind in orgs or [UNKNOWN]:
            key = (item.line, org or item.holder.casefold())
            if key not in seen:
                seen.add(key)
                notices.append(Notice(item.holder, item.statement, item.line, org, country, kind))
        if others:
            notices.append(Notice(others, item.statement, item.line, *UNKNOWN))
    return notices


def _orgs(item: RawNotice) -> set[str]:
    return {org for org, _, _ in holder_orgs(item.holder)}


def _merge(
    scancode: list[RawNotice], fallback: list[RawNotice], lines: dict[int, str]
) -> list[RawNotice]:
    """One reading per line.

    The fallback's reading keeps the line's own text, so it wins on CJK lines and whenever
    it names the same organisations as scancode (scancode may run a holder on into the next
    line: "Copyright 2025 Upstage" + a docstring gave "Upstage A").  scancode wins when it
    names more organisations (a holder continued on the next line) and on lines the
    fallback cannot read ("Portions copyright ...").
    """
    ours = {item.line: item for item in fallback}
    theirs: dict[int, list[RawNotice]] = {}
    for item in scancode:
        theirs.setdefault(item.line, []).append(item)
    chosen: list[RawNotice] = []
    for line in sorted(set(ours) | set(theirs)):
        mine, found = ours.get(line), theirs.get(line, [])
        if mine is None or (
            found
            and not has_cjk(lines.get(line, ""))
            and set().union(*map(_orgs, found)) > _orgs(mine)
        ):
            chosen.extend(found)
        else:
            chosen.append(mine)
    return chosen


def _error(path: str, what: str, exc: Exception, tail: str = "") -> FileError:
    return FileError(path, "notice", f"{what} ({type(exc).__name__}: {exc}){tail}")


def _load(path: str, licence_query: str, errors: list[FileError]) -> tuple[bool, bool]:
    """Pay scancode's one-time costs before the per-file clock starts: (copyrights, licences)."""
    try:
        engine.warm_up(licences=False)
    except Exception as exc:  # scancode is third-party code: its failures are data
        errors.append(_error(path, "scancode unavailable", exc, "; fallback detector used"))
        return False, False
    if not licence_query:
        return True, False
    try:
        engine.warm_up(licences=True)
    except Exception as exc:
        errors.append(_error(path, "scancode licence index unavailable", exc))
        return True, False
    return True, True


def _scancode(
    path: str,
    numbered: list[tuple[int, str]],
    licence_query: str,
    deadline_s: float,
    licence_found: list[str],
    errors: list[FileError],
) -> list[RawNotice]:
    """Run scancode under one deadline; its exceptions and overruns become FileErrors."""
    copyrights, licences = _load(path, licence_query, errors)
    deadline = time.time() + deadline_s
    scanned: list[RawNotice] = []
    if copyrights:
        try:
            scanned = engine.detect_copyrights(numbered, deadline)
        except Exception as exc:
            errors.append(
                _error(path, "scancode copyright detection failed", exc, "; fallback detector used")
            )
    if licences and time.time() < deadline:
        try:
            for expression in engine.detect_licence_expressions(licence_query, deadline):
                if expression not in licence_found:
                    licence_found.append(expression)
        except Exception as exc:
            errors.append(_error(path, "scancode licence detection failed", exc))
    if copyrights and time.time() > deadline:
        reason = (
            f"notice detection overran its {deadline_s:g} s deadline; results may be incomplete"
        )
        errors.append(FileError(path, "notice", reason))
    return scanned


def _unsure(numbered: list[tuple[int, str]], fallback: list[RawNotice]) -> bool:
    """Whether the fallback detector may have missed or misread a notice."""
    read = {item.line for item in fallback}
    if any(n not in read and _MARKER.search(text) for n, text in numbered):
        return True
    # a holder cut at a line end ("DeepSeek-AI and" / next line "Moonshot AI.") or unknown to us
    return any(not holder_orgs(item.holder) or item.holder.rstrip().endswith((" and", ",", "&"))
               for item in fallback)


def detect_notices(
    path: str,
    text: str,
    *,
    deadline_s: float = 5.0,
    header_lines: int = 80,
    licences: bool = True,
    mentions: bool = False,
    use_scancode: bool | str = "auto",
) -> FileNotices:
    """Notices, SPDX licences and declared origins of one file; never raises on bad input.

    ``mentions`` (for repository NOTICE files) also records the vendor organisations that lines
    other than copyright statements credit with code ("This product includes code from
    DeepSeek"; not "... is not derived from DeepSeek": notices/mentions.py).
    ``use_scancode=False`` runs the fallback detector alone; ``True`` always asks scancode
    too; ``"auto"`` (the default) asks scancode only where the fallback is unsure: a line with
    a copyright marker it could not read, or a holder no organisation in our table names.
    Standard headers then cost milliseconds instead of scancode's ~90 ms per file.
    """
    all_lines = numbered_lines(text)
    numbered = candidate_lines(all_lines, header_lines)
    errors: list[FileError] = []
    licence_found = spdx_expressions(numbered)
    header = prologue(numbered[:header_lines])
    if licences and not licence_found:
        grant = known_grant(numbered[:header_lines]) or proprietary_terms(header)
        licence_found = [grant] if grant else []
    want_index = licences and not licence_found and has_licence_words(header)
    fallback = detect_lines(numbered)
    scanned: list[RawNotice] = []
    if use_scancode == "auto":
        use_scancode = _unsure(numbered, fallback)
    if use_scancode:
        query = header if want_index else ""
        scanned = _scancode(path, numbered, query, deadline_s, licence_found, errors)
    raw = _merge(scanned, fallback, dict(numbered))
    notices = _to_notices(raw)
    if mentions:
        notices.extend(credits(numbered, {item.line for item in raw}))
    return FileNotices(
        path=path,
        notices=tuple(notices),
        licences=tuple(licence_found),
        adapted_from=tuple(declarations(all_lines, header_lines)),
        errors=tuple(errors),
        licence_words=licences and not licence_found and has_licence_words(header),
    )


def detect_repo_notices(path: str, text: str, *, deadline_s: float = 10.0) -> FileNotices:
    """A repository NOTICE or LICENSE file: the whole text, organisation mentions included."""
    return detect_notices(path, text, deadline_s=deadline_s, header_lines=2000, mentions=True)
