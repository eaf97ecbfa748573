"""The words every stage shares, defined once: severities and their order, roles, finding
kinds, attribution states, family ids, the finding-id formula and the index's codes.

The enums are ``str`` enums: a member compares equal to its JSON string and serialises as
it, so reports, baselines and indexes keep the values they always had.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Finding severities, declared least severe first (the order `at_or_above` uses)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for high."""
        return _SEVERITY_RANK[self]

    def at_or_above(self, floor: str) -> bool:
        """True when this severity reaches ``floor`` (``--fail-on``, ``min_severity``)."""
        return self.rank >= _SEVERITY_RANK[Severity(floor)]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)  # least severe first
SEVERITIES_DESCENDING: tuple[str, ...] = tuple(reversed(SEVERITIES))  # the order reports list them


def at_or_above(severity: str, floor: str) -> bool:
    """``Severity(severity).at_or_above(floor)`` for the plain strings findings carry."""
    return Severity(severity).at_or_above(floor)


def any_at_or_above(severities: Iterable[str], floor: str) -> bool:
    """True when any of ``severities`` reaches ``floor``: "fails at this severity"."""
    return any(at_or_above(s, floor) for s in severities)


class Role(StrEnum):
    """What a unit does (DESIGN.md section 2)."""

    CORE = "core-architecture"
    GLUE = "inference-glue"
    INFRASTRUCTURE = "infrastructure"  # training and serving machinery: permitted tool use
    IDIOM = "common-idiom"
    BOILERPLATE = "boilerplate"


# Roles whose matches are never copy evidence (they still say which lineage group code is in).
NOT_EVIDENCE: tuple[str, ...] = (Role.IDIOM.value, Role.BOILERPLATE.value)


class FindingKind(StrEnum):
    CODE_MATCH = "code-match"
    NOTICE = "notice"
    LICENCE = "licence"
    VESTIGE = "vestige"
    ARCHITECTURE = "architecture"
    NOTICE_HISTORY = "notice-history"
    PREDATES_REFERENCE = "predates-reference"


class Attribution(StrEnum):
    """How scanned code treats the notice of the code it came from."""

    DECLARED = "declared"
    OWN = "own"  # the scanned code's owner made the matched model (classify/owner.py)
    NONE_NEEDED = "none-needed"
    RETAINED = "retained"
    REPLACED = "replaced"
    REMOVED = "removed"


ATTRIBUTION_STATES: tuple[str, ...] = tuple(a.value for a in Attribution)


@dataclass(frozen=True)
class FamilyId:
    """A family key ``source:name`` (``vllm:glm4_moe``) split once; ``name`` is the model line."""

    source: str
    name: str

    @classmethod
    def parse(cls, family: str) -> FamilyId:
        """``vllm:glm4_moe`` -> (vllm, glm4_moe); a key without a source keeps it as the name."""
        source, sep, name = family.partition(":")
        return cls(source, name) if sep else cls("", family)

    def __str__(self) -> str:
        return f"{self.source}:{self.name}" if self.source else self.name


UNLABELLED = frozenset({"", "unknown"})  # an organisation not labelled: nobody's company, everyone's rival


def company(org: str) -> str:
    """An organisation as a company: "Alibaba Qwen" and "Alibaba DAMO Academy" are one (a team's
    earlier code is its own), "Hugging Face (model team)" is Hugging Face, and so are the
    "Academic (...)" groups one (to be safe)."""
    return org.split(" ", 1)[0].casefold()


# makers that are no one company: not labelled, or "Academic (...)" groups, which company() folds into one
UNKNOWN_MAKERS = frozenset({*UNLABELLED, company("Academic (any)")})


def model_line(family: str) -> str:
    """The model line of a family key: ``vllm:glm4_moe`` -> ``glm4_moe`` (``FamilyId.parse(family).name``,
    without building the record: it runs per match)."""
    return family.split(":", 1)[-1]


def package_of_path(path: str) -> str:
    """The import package a reference file belongs to: its path's first part
    (``vllm/model_executor/models/llama.py`` -> ``vllm``)."""
    return path.split("/", 1)[0] if "/" in path else ""


# the licence file of a wheel (its .dist-info) or at the root of a repository or folder (index/licence.py)
_LICENCE_FILE = re.compile(r"(?:[^/]+\.dist-info/(?:licenses/)?)?(?:LICEN[CS]E|COPYING)(?:[.-][A-Za-z0-9]+)?",
                           re.IGNORECASE)


def is_licence_file(path: str) -> bool:
    """Whether ``path`` is a source's own licence file, not a model file."""
    return bool(_LICENCE_FILE.fullmatch(path))


# Sorts after every real ISO date: a family without a first-seen date is never the earliest.
UNDATED = "9999"


def first_seen_key(first_seen: object) -> str:
    """A first-seen date as a sort key, undated last."""
    return str(first_seen or UNDATED)


# Field separators of the finding-id formula.  Notice findings were hashed with NUL
# separators before the formula was shared; keeping that separator keeps their ids, so
# existing baselines still match.
ID_SEP = "\x1f"
NOTICE_ID_SEP = "\0"


def finding_id(*parts: str, sep: str = ID_SEP) -> str:
    """Stable id: sha256 hex[:16] of the parts, no line numbers, so baselines survive edits."""
    return hashlib.sha256(sep.join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


# The index stores a unit's kind and role as small integers: position in these tuples.
UNIT_KINDS: tuple[str, ...] = ("module", "class", "function", "method")
INDEX_ROLES: tuple[str | None, ...] = (None, Role.CORE.value, Role.GLUE.value, Role.INFRASTRUCTURE.value)
KIND_CODES: dict[str, int] = {k: i for i, k in enumerate(UNIT_KINDS)}
ROLE_CODES: dict[str | None, int] = {r: i for i, r in enumerate(INDEX_ROLES)}

# "Adapted from" and its synonyms, as a regex fragment (compile it with re.IGNORECASE).
# Header notices and declared-lineage markers both recognise exactly these verbs.
ADAPTED_FROM = r"\b(?:adapted|ported|modified|derived|borrowed|taken)\s+from\b"


def named_line(line: str, org: str, country: str) -> str:
    """A model line with its maker and country as verdicts say it: "qwen2 (Alibaba Qwen, CN)"."""
    return f"{line} ({org or 'organisation not labelled'}, {country or '?'})"
