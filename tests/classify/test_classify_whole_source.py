"""The source of a file is the family whose published file explains it as a whole: of families
explaining about as much of the scan, the one whose own file the scan holds much more of as a
copy.  And a tie between a family and its declared ancestor goes to the ancestor unless the scan
has the descendant's own names.

Matrices are built by hand: rows are the scan's units, columns the families."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lineage.classify.cover import Cover
from lineage.classify.fileverdict import source_sentence
from lineage.classify.source import verdict
from lineage.verdicts import SourceVerdict
from lineage.vocab import KIND_CODES

# Reference units: family P's file (file 0) has four units of 10 k-grams each; family Q's file
# (file 1) has two.  The scan has four units (the last a small one): P holds them all, matched
# to its own file's first unit and to a unit of another file of its (9); Q holds them with its
# two units: the scan holds Q's whole file as a copy and a quarter of P's.
U_FILE = np.asarray([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
P_WHOLE = np.asarray([[0, 4], [1, 5], [2, 4], [3, 5]])  # P matched to its own file's four units
P_SPLIT = np.asarray([[0, 4], [9, 5], [9, 4], [9, 5]])
WEIGHT = np.asarray([1.0, 1.0, 1.0, 0.15])


def _index() -> SimpleNamespace:
    families = [{"source": "s", "name": "p", "org": "A", "country": "US", "first_seen": "2023-01-01"},
                {"source": "s", "name": "q", "org": "B", "country": "FR", "first_seen": "2024-01-01"}]
    return SimpleNamespace(meta={"families": families, "files": [{"path": "p.py"}, {"path": "q.py"}, {"path": "x.py"}]},
                           arrays={"u_file": U_FILE, "u_nk": np.full(U_FILE.size, 10),
                                   "u_kind": np.full(U_FILE.size, KIND_CODES["class"])},
                           family_keys=["s:p", "s:q"])


def _cover(strength: np.ndarray, ancestors: tuple[np.ndarray, ...] | None = None,
           lexical: np.ndarray | None = None, refs: np.ndarray = P_SPLIT, weight: np.ndarray = WEIGHT) -> Cover:
    n = strength.shape[0]
    return Cover(np.arange(2), np.arange(n), weight, strength, strength if lexical is None else lexical,
                 np.zeros(n, dtype=bool), np.asarray([0, 4]),
                 ancestors or (np.asarray([], np.int64), np.asarray([], np.int64)), np.where(strength > 0, refs, -1))


def _verdict(cov: Cover, rank: tuple[int, int] = (0, 1)) -> SourceVerdict:
    return verdict(_index(), cov, np.arange(cov.weight.size), float(cov.weight.sum()), np.asarray(rank),
                   np.zeros(2, dtype=bool), "<file>")


# both hold the scan exactly but for its small last unit, which P holds more closely (Q's hold is
# too loose to count even in part: source.SOFT): P explains all of it, Q 95%
NEAR = np.asarray([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 0.8]])


def test_the_family_whose_file_the_scan_holds_whole_is_the_source() -> None:
    cov = _cover(NEAR)
    got = _verdict(cov)
    assert got.source.family == "s:q" and got.decided_by == "whole", got
    assert got.source.contains == 1.0
    sentence = source_sentence(got)
    assert "holds 100% of its published file as a copy" in sentence, sentence


def test_a_declared_descendant_is_no_such_rival() -> None:
    """Q declares P: its file carries P's code, which P had first."""
    cov = _cover(NEAR, (np.asarray([], np.int64), np.asarray([0])))
    got = _verdict(cov)
    assert got.source.family == "s:p" and got.decided_by != "whole", got


@pytest.mark.parametrize("weight, refs", [
    (np.ones(4), P_SPLIT),  # Q explains clearly less (its last unit, now a large one, is not at best)
    (WEIGHT, P_WHOLE),  # the scan holds all of P's own file too
])
def test_no_move_without_a_near_score_and_a_clearly_larger_copy(weight: np.ndarray, refs: np.ndarray) -> None:
    got = _verdict(_cover(NEAR, refs=refs, weight=weight))
    assert got.source.family == "s:p" and got.decided_by != "whole", got


@pytest.mark.parametrize("heir_names, elder_names, expected", [
    (0.55, 0.5, ("s:p", "lineage")),  # names a little closer to the heir's: the ancestor
    (1.0, 0.5, ("s:q", "names")),  # the heir's names as they are, far closer
    (0.85, 0.5, ("s:q", "names")),  # far closer than the ancestor's (OWN_NAMES)
    (1.0, 0.9, ("s:q", "names")),  # the heir's names as they are, a little closer: its own file
    (0.95, 0.9, ("s:p", "lineage")),  # neither the heir's names as they are nor far closer
    (1.0, 1.0, ("s:p", "lineage")),  # both the file's names: the elder had the code first
])
def test_a_tie_with_a_declared_descendant_goes_to_the_ancestor_unless_its_names_are_the_files(
        heir_names: float, elder_names: float, expected: tuple[str, str]) -> None:
    lexical = np.column_stack([np.full(4, elder_names), np.full(4, heir_names)])
    cov = _cover(np.ones((4, 2)), (np.asarray([], np.int64), np.asarray([0])), lexical, weight=np.ones(4))
    got = _verdict(cov, rank=(1, 0))  # the heir's date is the earlier: dates alone would give it the tie
    assert (got.source.family, got.decided_by) == expected, got


@pytest.mark.parametrize("decided_by", ["first-seen", "lineage", "names", "ancestor"])
def test_a_tie_settled_otherwise_is_not_reopened(decided_by: str) -> None:
    """The same evidence as the first test, with the pick settled by a tie-break or the ancestor
    rule: the whole-file step leaves it."""
    from lineage.classify.source import _more_of_its_file, scores

    cov = _cover(NEAR)
    rows, total = np.arange(4), float(WEIGHT.sum())
    score = scores(cov, rows, total, np.zeros(2, dtype=bool))
    assert _more_of_its_file(_index(), cov, rows, total, score, 0, decided_by) == (0, decided_by)
    assert _more_of_its_file(_index(), cov, rows, total, score, 0, "cover") == (1, "whole")
