"""A family that only carries its declared parents' code counts half, unless the scan is a copy
of that family's own file: a composition of two parents, copied whole and renamed, is named as
the composition, not as one of its parents.  And a unit held a little less closely than the best
still counts, in part.

Matrices are built by hand: rows are the scan's units, columns the families."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lineage.classify.carrier import carriers, composed, whole_copy
from lineage.classify.cover import Cover
from lineage.classify.source import scores, verdict
from lineage.vocab import KIND_CODES

# Reference files: a's (units 0-1), b's (2-3), the composition c's (4-7) and d's (8-11), each
# unit of 10 k-grams.  c declares a and b and adds nothing of its own.
U_FILE = np.repeat(np.arange(4), [2, 2, 4, 4])
NAMES = ("a", "b", "c", "d")
NONE = np.asarray([], np.int64)


def _index() -> SimpleNamespace:
    families = [{"source": "s", "name": n, "org": n.upper(), "country": "US", "first_seen": f"202{i}-01-01"}
                for i, n in enumerate(NAMES)]
    return SimpleNamespace(meta={"families": families, "files": [{"path": f"{n}.py"} for n in NAMES]},
                           arrays={"u_file": U_FILE, "u_nk": np.full(U_FILE.size, 10),
                                   "u_kind": np.full(U_FILE.size, KIND_CODES["class"])},
                           family_keys=[f"s:{n}" for n in NAMES])


def _cover(strength: np.ndarray, refs: np.ndarray) -> Cover:
    n, m = strength.shape
    ancestors = (NONE, NONE, np.asarray([0, 1]), NONE)[:m]
    best = np.asarray([int(r[r >= 0][0]) if (r >= 0).any() else 0 for r in refs.T])
    return Cover(np.arange(m), np.arange(n), np.ones(n), strength, strength, np.zeros(n, dtype=bool), best,
                 ancestors, np.where(strength > 0, refs, -1))


# the scan copies c's file whole: a holds its first half, b its second, c all of it
COPY = np.asarray([[1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
COPY_REFS = np.asarray([[0, -1, 4], [1, -1, 5], [-1, 2, 6], [-1, 3, 7]])


def test_a_whole_copy_of_a_composition_names_the_composition() -> None:
    cov, rows = _cover(COPY, COPY_REFS), np.arange(4)
    carrier = carriers(_index(), cov, rows, 4.0)
    assert not carrier[2] and whole_copy(_index(), cov, rows, 4.0) == 2
    got = verdict(_index(), cov, rows, 4.0, np.arange(3), carrier, "<file>")
    assert got.source.family == "s:c" and got.source.contains == 1.0, got


def test_half_of_the_composition_is_carried_code() -> None:
    """The scan holds the half of c's file that a has: a copy of a's file, which c only carries."""
    cov, rows = _cover(COPY[:2], COPY_REFS[:2]), np.arange(2)
    carrier = carriers(_index(), cov, rows, 2.0)
    assert carrier[2] and whole_copy(_index(), cov, rows, 2.0) == 0
    got = verdict(_index(), cov, rows, 2.0, np.arange(3), carrier, "<file>")
    assert got.source.family == "s:a", got


def test_no_exception_when_another_family_s_file_is_held_as_whole() -> None:
    """d's file and the scan hold each other nearly whole too, every unit within a tie of exactly
    (files of one line hold each other so): the scan is not singled out as a copy of c's file, and
    c only carries code.  (d holding a quarter of it clearly less closely, c's would be singled
    out: test_a_copy_of_a_file_built_on_its_parent_s_names_that_file.)"""
    strength = np.column_stack([COPY, [1.0, 1.0, 1.0, 0.99]])
    refs = np.column_stack([COPY_REFS, [8, 9, 10, 11]])
    cov, rows = _cover(strength, refs), np.arange(4)
    assert whole_copy(_index(), cov, rows, 4.0) == -1
    assert carriers(_index(), cov, rows, 4.0)[2]


def test_a_unit_held_a_little_less_closely_still_counts_in_part() -> None:
    """One unit, held exactly by the first family, 0.05 less closely by the second, 0.2 less by
    the third: the second still explains most of it, the third nothing; strictly, only the first."""
    s = np.asarray([[1.0, 0.95, 0.8]])
    cov = Cover(np.arange(3), np.arange(1), np.ones(1), s, s, np.zeros(1, dtype=bool), np.zeros(3, np.int64),
                (NONE, NONE, NONE))
    soft = scores(cov, np.arange(1), 1.0, np.zeros(3, dtype=bool))
    assert soft[0] == 1.0 and 0.7 < soft[1] < 0.9 and soft[2] == 0.0
    strict = scores(cov, np.arange(1), 1.0, np.zeros(3, dtype=bool), soft=0.0)
    assert strict.tolist() == [1.0, 0.0, 0.0]


def _composition_index(a_units: int, c_units: int = 4) -> SimpleNamespace:
    """a's file has ``a_units`` units, b's 4, the composition c's ``c_units`` (c declares a and b)."""
    u_file = np.repeat(np.arange(3), [a_units, 4, c_units])
    families = [{"source": "s", "name": n, "org": n.upper(), "country": "US", "first_seen": f"202{i}-01-01"}
                for i, n in enumerate(NAMES[:3])]
    return SimpleNamespace(meta={"families": families, "files": [{"path": f"{n}.py"} for n in NAMES[:3]]},
                           arrays={"u_file": u_file, "u_nk": np.full(u_file.size, 10),
                                   "u_kind": np.full(u_file.size, KIND_CODES["class"])},
                           family_keys=[f"s:{n}" for n in NAMES[:3]])


@pytest.mark.parametrize(("a_units", "c_units", "expected"), [
    (4, 4, ("s:c", "composed")),  # the scan holds 3/4 of c's file, 2/4 of a's: c's composition
    (2, 4, ("s:a", "cover")),  # it holds all of a's small file: no more of c's than of a's
    # 3/8 of a large composition's file, clearly more than 2/12 of a's, but not most of it: a part of
    # the composition is no more its copy than of its parents' files
    (12, 8, ("s:a", "cover")),
])
def test_a_copy_of_most_of_a_composition_names_the_composition(a_units: int, c_units: int,
                                                                expected: tuple[str, str]) -> None:
    """Three units of the scan (its fourth is its own): two that a and c hold, one that b and c
    hold.  c only carries its parents' code and counts half, so a leads; but weighed whole c
    explains the scan better than a, no single parent explains what c holds of it, and the scan
    holds clearly more of c's file than of a's, and most of it: the scan copies c's composition of
    a and b."""
    b0 = a_units
    c0 = a_units + 4
    strength = np.asarray([[1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    refs = np.asarray([[0, -1, c0], [1, -1, c0 + 1], [-1, b0, c0 + 2]])
    cov, rows, index = _cover(strength, refs), np.arange(3), _composition_index(a_units, c_units)
    carrier = carriers(index, cov, rows, 4.0)
    assert carrier[2] and whole_copy(index, cov, rows, 4.0) == -1  # not the whole-copy exception
    assert composed(cov, rows, 4.0, 2)
    got = verdict(index, cov, rows, 4.0, np.arange(3), carrier, "<file>")
    assert (got.source.family, got.decided_by) == expected, got
    if expected[0] == "s:c":  # weighed whole, as chosen: it explains 3/4, the runner-up a 2/4
        assert got.source.score == 0.75 and got.runner_up.family == "s:a" and got.margin == 0.25, got
        from lineage.classify.fileverdict import source_sentence
        said = source_sentence(got)
        assert "explains 75% of the code" in said and "composition of its parents' code" in said
        assert "holds 75% of its published file" in said and "margin +0.25" in said, said


def test_a_carrier_of_one_parent_is_no_composition() -> None:
    """c holds nothing that a alone lacks: its parents explain it one at a time, not together."""
    strength = np.asarray([[1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    cov = _cover(strength, np.asarray([[0, -1, 4], [1, 2, 5]]))
    assert not composed(cov, np.arange(2), 2.0, 2)
    assert composed(_cover(np.asarray([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.asarray([[0, -1, 4], [-1, 2, 5]])),
                    np.arange(2), 2.0, 2)
    assert not composed(cov, np.arange(2), 2.0, 0)  # a family without parents composes nothing


# A file built on its parent p's nearly whole, one unit of four rewritten after another parent g
# (transformers' axk1 on deepseek_v3's file): p's file (units 0-3), g's (4), d's (5-8).
BUILT_ON = np.repeat(np.arange(3), [4, 1, 4])


def _built_on(rewritten: float) -> tuple[SimpleNamespace, Cover]:
    """A renamed copy of d's file: p holds the rewritten unit at ``rewritten``, g and d exactly."""
    names = ("p", "g", "d")
    families = [{"source": "s", "name": n, "org": n.upper(), "country": "US", "first_seen": f"202{i}-01-01"}
                for i, n in enumerate(names)]
    index = SimpleNamespace(meta={"families": families, "files": [{"path": f"{n}.py"} for n in names]},
                            arrays={"u_file": BUILT_ON, "u_nk": np.full(BUILT_ON.size, 10),
                                    "u_kind": np.full(BUILT_ON.size, KIND_CODES["class"])},
                            family_keys=[f"s:{n}" for n in names])
    strength = np.asarray([[1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 0.0, 1.0], [rewritten, 1.0, 1.0]])
    refs = np.asarray([[0, -1, 5], [1, -1, 6], [2, -1, 7], [3, 4, 8]])
    cov = Cover(np.arange(3), np.arange(4), np.ones(4), strength, strength, np.zeros(4, dtype=bool),
                np.asarray([0, 4, 5]), (NONE, NONE, np.asarray([0, 1])), np.where(strength > 0, refs, -1))
    return index, cov


def test_a_copy_of_a_file_built_on_its_parent_s_names_that_file() -> None:
    """d adds nothing its parents lack (g had the rewrite), but the copy holds d's file whole and
    exactly, p's a quarter less exactly: the copy is d's, whose maker's notice it owes."""
    index, cov = _built_on(0.8)
    rows = np.arange(4)
    carrier = carriers(index, cov, rows, 4.0)
    assert whole_copy(index, cov, rows, 4.0) == 2 and not carrier[2]
    got = verdict(index, cov, rows, 4.0, np.arange(3), carrier, "<file>")
    assert got.source.family == "s:d", got


def test_a_rewrite_within_a_tie_leaves_the_parent_the_source() -> None:
    """The same with p holding the rewritten unit as closely (within a tie): d's file is p's, and
    d only carries its parent's code."""
    index, cov = _built_on(0.99)
    rows = np.arange(4)
    carrier = carriers(index, cov, rows, 4.0)
    assert whole_copy(index, cov, rows, 4.0) == -1 and carrier[2]
    got = verdict(index, cov, rows, 4.0, np.arange(3), carrier, "<file>")
    assert got.source.family == "s:p", got
