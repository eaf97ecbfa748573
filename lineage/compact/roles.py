"""Role of a unit (core architecture, inference glue or infrastructure) from explainable features.

Rules are data (corpora/roles.toml, or [tool.lineage] role_rules); every decision returns
the features that made it, so a reviewer can see why a unit counts as architecture.
Infrastructure is training and serving machinery (trainers, optimisers, data pipelines,
launchers, distributed utilities): reusing it is permitted tool use, never an architecture copy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class RoleRules:
    rules: tuple[Rule, ...]
    margin: float


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
            rules.append(Rule(entry["on"], compiled, entry["role"], float(entry["weight"]), plain))
        return RoleRules(tuple(rules), float(data.get("margin", 2.0)))
    except (AttributeError, TypeError, KeyError, ValueError, re.error) as exc:
        raise table_error("roles.toml", str(exc), path) from None


def classify(qualname: str, bases: Sequence[str], text: str, path: str,
             rules: RoleRules | None = None) -> RoleDecision:
    """Score a unit against the rules; the strongest role wins if it leads the next by the margin."""
    rules = rules or load_rules()
    owner, _, own = qualname.rpartition(".")
    subjects = {"name": [own], "owner": [owner] if owner else [], "base": list(bases), "call": [text],
                "path": [path]}
    lowered = {k: [v.lower() for v in vals] for k, vals in subjects.items()}
    name_rules = [r for r in rules.rules if r.on == "name"]
    # a unit is what its own name says: `ForCausalLM.load_weights` loads weights (glue) though
    # its class is the model; only when its own name says nothing do the enclosing names speak
    speaks = any(r.pattern.search((lowered if r.lower else subjects)["name"][0]) for r in name_rules)
    scores = dict.fromkeys(ROLES, 0.0)
    features: list[str] = []
    for rule in rules.rules:
        on = "owner" if rule.on == "name" and not speaks else rule.on
        for subject in (lowered if rule.lower else subjects)[on]:
            hit = rule.pattern.search(subject)
            if hit:
                scores[rule.role] += rule.weight
                label = "class" if on == "owner" else on
                features.append(f"{label}~{hit.group(0)!r} (+{rule.weight:g} {rule.role})")
                break
    lead, runner_up = sorted(ROLES, key=lambda r: -scores[r])[:2]  # stable: core, glue, infra on ties
    role = lead if scores[lead] - scores[runner_up] >= rules.margin else None
    return RoleDecision(role, scores, tuple(features))
