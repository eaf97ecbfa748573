"""benchmarks/eval_pairs.py: which pairs of files the pair-exhibit check verifies.

Made-up families and files: the pairs must be of different companies' models, neither
declaring the other, the closest such pairs first, and the same for the same seed.
"""

from __future__ import annotations

import random

from eval_pairs import _unrelated

from lineage.index.manifest import Family
from lineage.models import SourceFile
from lineage.vocab import company


def family(name: str, org: str, lineage: tuple[str, ...] = ()) -> Family:
    return Family(name, (f"{name}.py",), (), org, "", "Apache-2.0", "", "2024-01-01", lineage)


def model(name: str, org: str, lines: list[str], lineage: tuple[str, ...] = ()) -> tuple[SourceFile, Family]:
    body = "\n".join(f"value_{line} = compute_{line}(inputs)" for line in lines)
    return SourceFile(f"{name}.py", f"# {name}\n{body}\n".encode()), family(name, org, lineage)


SHARED = [f"s{i}" for i in range(20)]
MODELS = [
    model("alpha", "Acme AI", SHARED + ["a1", "a2"]),
    model("alpha_vl", "Acme Research", SHARED + ["a3"]),            # same company as alpha
    model("beta", "Borealis Labs", SHARED[:18] + ["b1", "b2"]),     # close to alpha: the hard pair
    model("gamma", "Gamma Corp", SHARED[:10] + ["g1"], ("beta",)),  # declares beta
    model("delta", "Delta Inc", [f"d{i}" for i in range(12)]),
    model("eps", "Epsilon", [f"e{i}" for i in range(12)] + SHARED[:2]),
]


def test_pairs_are_of_different_companies_and_neither_declares_the_other():
    chosen = _unrelated(MODELS, 10, random.Random(3))
    assert len(chosen) == 10
    for (_, fa), (_, fb) in chosen:
        assert company(fa.org) != company(fb.org), (fa.name, fb.name)
        assert fa.name not in fb.lineage and fb.name not in fa.lineage, (fa.name, fb.name)
    names = {(fa.name, fb.name) for (_, fa), (_, fb) in chosen}
    assert ("alpha", "alpha_vl") not in names and ("gamma", "beta") not in names and ("beta", "gamma") not in names
    assert len(names) == len(chosen)  # no pair twice


def test_the_closest_unrelated_pairs_come_first_and_the_draw_is_reproducible():
    chosen = _unrelated(MODELS, 4, random.Random(3))
    # gamma's alpha and alpha_vl have 10 of its 11 lines, beta's 18 of its 20: the closest pairs,
    # each suspect once (gamma's declared parent beta is no pair of it)
    assert [(fa.name, fb.name) for (_, fa), (_, fb) in chosen[:2]] == [("gamma", "alpha"), ("beta", "alpha")]
    assert [(fa.name, fb.name) for (_, fa), (_, fb) in _unrelated(MODELS, 4, random.Random(3))] == \
        [(fa.name, fb.name) for (_, fa), (_, fb) in chosen]
