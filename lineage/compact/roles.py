"""Role of a unit (core architecture, inference glue or infrastructure) from explainable features.

Rules are data (corpora/roles.toml, or [tool.lineage] role_rules); every decision returns
the features that made it, so a reviewer can see why a unit counts as architecture.
Infrastructure is training and serving machinery (trainers, optimisers, data pipelines,
launchers, distributed utilities): reusing it is permitted tool use, never an architecture copy.

Every unit of an index build is classified, so the rules are read as written but cheaply: a
name, base or path repeats from unit to unit and its hits are remembered per rule set, and a
rule on a unit's text is searched only when the text holds one of the literals its matches
need (lineage/compact/literals.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from lineage.compact.literals import required_literals
from lineage.data import load_table, table_error

CORE, GLUE, INFRA = "core-architecture", "inference-glue", "infrastructure"
ROLES = (CORE, GLUE, INFRA)
_ON = ("name", "base", "call", "path")


@dataclass(frozen=True)
class Rule:
    on: str
    pattern: re.Pattern[str]
    role: str
    weight: float
    lower: bool = False  # compiled lower-case: match against the lower-cased subject (faster than re.I)
    # literals one of which every match holds (lineage/compact/literals.py), for the rules on a
    # unit's text (other subjects are short, and their hits are remembered); None: not known
    needs: tuple[str, ...] | None = None

    def first_hit(self, subjects: Sequence[str]) -> str | None:
        """What the rule matches in the first subject it matches (the leftmost match), or None;
        the subjects lower-cased already when the rule is `lower`."""
        for subject in subjects:
            if self.needs is not None and not any(map(subject.__contains__, self.needs)):
                continue
            hit = self.pattern.search(subject)
            if hit:
                return hit.group(0)
        return None

    def feature(self, label: str, hit: str) -> str:
        return f"{label}~{hit!r} (+{self.weight:g} {self.role})"


Hits = tuple[tuple[int, str], ...]  # (rule number, feature) of the rules a subject matches


@dataclass(frozen=True)
class RoleRules:
    rules: tuple[Rule, ...]
    margin: float
    # the hits of names, bases and paths, which repeat from unit to unit (a unit's text seldom does)
    memo: dict[tuple[str, ...], Hits] = field(default_factory=dict, init=False, compare=False, repr=False)


@dataclass(frozen=True)
class RoleDecision:
    role: str | None
    scores: dict[str, float]
    features: tuple[str, ...]  # e.g. "name~'attention' (+4 core-architecture)"


@lru_cache(maxsize=8)
def load_rules(path: str = "") -> RoleRules:
    data = load_table("roles.toml", path)
    try:
        rules = []
        for entry in data.get("rule", []):
            if entry["on"] not in _ON or entry["role"] not in ROLES:
                raise ValueError(f"rule on={entry['on']!r} role={entry['role']!r}")
            pattern = entry["pattern"]
            plain = re.search(r"\\[A-Za-z]", pattern) is None  # no \S, \w ...: safe to lower-case
            compiled = re.compile(pattern.lower()) if plain else re.compile(pattern, re.IGNORECASE)
            rules.append(Rule(entry["on"], compiled, entry["role"], float(entry["weight"]), plain,
                              required_literals(pattern.lower()) if plain and entry["on"] == "call" else None))
        return RoleRules(tuple(rules), float(data.get("margin", 2.0)))
    except (AttributeError, TypeError, KeyError, ValueError, re.error) as exc:
        raise table_error("roles.toml", str(exc), path) from None


_MEMO_SIZE = 100_000


def _hits(rules: RoleRules, on: str, subjects: Sequence[str], label: str = "") -> Hits:
    """The features of the rules `on` one kind of subject that match it."""
    lowered = [s.lower() for s in subjects]
    found = ((i, rule, rule.first_hit(lowered if rule.lower else subjects))
             for i, rule in enumerate(rules.rules) if rule.on == on)
    return tuple((i, rule.feature(label or on, hit)) for i, rule, hit in found if hit is not None)


def _remembered(rules: RoleRules, key: tuple[str, ...], hits: Callable[[], Hits]) -> Hits:
    found = rules.memo.get(key)
    if found is None:
        if len(rules.memo) >= _MEMO_SIZE:
            rules.memo.clear()
        found = rules.memo[key] = hits()
    return found


def _named(rules: RoleRules, own: str, owner: str) -> Hits:
    # a unit is what its own name says: `ForCausalLM.load_weights` loads weights (glue) though
    # its class is the model; only when its own name says nothing do the enclosing names speak
    return _remembered(rules, ("name", own), lambda: _hits(rules, "name", [own])) or (
        _remembered(rules, ("class", owner), lambda: _hits(rules, "name", [owner], "class")) if owner else ())


def classify(qualname: str, bases: Sequence[str], text: str, path: str,
             rules: RoleRules | None = None) -> RoleDecision:
    """Score a unit against the rules; the strongest role wins if it leads the next by the margin."""
    rules = rules or load_rules()
    owner, _, own = qualname.rpartition(".")
    bases = tuple(bases)
    # a folder at the top of the scanned tree is a folder all the same: `quantization/core_vq.py`
    # scanned from its package reads as `encodec/quantization/core_vq.py` scanned from above it
    # (a stranger's review: the same unit high from one root, low from the other)
    path = "/" + path.lstrip("/")
    found = sorted((
        *_named(rules, own, owner),
        *_remembered(rules, ("base", *bases), lambda: _hits(rules, "base", bases)),
        *_remembered(rules, ("path", path), lambda: _hits(rules, "path", [path])),
        *_hits(rules, "call", [text]),
    ))  # in the rules' order
    scores = dict.fromkeys(ROLES, 0.0)
    for i, _ in found:
        scores[rules.rules[i].role] += rules.rules[i].weight
    lead, runner_up = sorted(ROLES, key=lambda r: -scores[r])[:2]  # stable: core, glue, infra on ties
    role = lead if scores[lead] - scores[runner_up] >= rules.margin else None
    return RoleDecision(role, scores, tuple(feature for _, feature in found))
