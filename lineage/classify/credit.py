"""Which family each unit of a scope came from: who had its code first, and through whom.

Every unit's code is held, as closely as the best, by one or more families (an exact tie
counts for all of them).  Of those, the unit is credited to:

1. the family whose *names* the unit kept, when one stands clearly above the others (a
   generated or renamed family changes its prefix but keeps config keys, helpers and
   attribute names);
2. otherwise the earliest of them (who had it first: later holders copied it);
3. except that a family *demonstrated* as a source of this file, because the file holds code
   that it had first (its own additions, held by no earlier family), is the conduit for
   the shared code it also holds: a file that took a parent's additions took the
   grandparent's code through that parent too.  Among several demonstrated holders the
   latest is the nearest.

A sibling that merely carries the same shared code is never credited with it, and a parent
beats its ancestors as soon as the file holds any of the parent's additions.  The source of
a scope is the family credited with most of its code.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TIE = 0.02  # strengths this close to a unit's best hold the same code
NAMES = 0.2  # one holder's names this much closer than every other tied holder's: it kept them
DEMONSTRATE = 0.9  # a family had first code the file holds at this strength: a demonstrated source
DEMO_MIN = 0.03  # ... on at least this share of the file


def tied(strength: np.ndarray) -> np.ndarray:
    """units x families: the families holding each unit's code as closely as its best."""
    best = strength.max(axis=1, keepdims=True)
    return (strength >= best - TIE) & (strength > 0)


def _by_names(lexical: np.ndarray, holders: np.ndarray) -> np.ndarray:
    """Per unit, the tied holder whose names stand clearly above every other's, or -1."""
    lx = np.where(holders, lexical, -1.0)
    order = np.argsort(-lx, axis=1)
    first, second = order[:, 0], order[:, 1] if lx.shape[1] > 1 else order[:, 0]
    rows = np.arange(lx.shape[0])
    clear = (lx[rows, first] >= lx[rows, second] + NAMES) if lx.shape[1] > 1 else holders[:, 0]
    return np.where(clear & holders[rows, first], first, -1)


def first_holders(strength: np.ndarray, lexical: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Per unit, the column credited before conduits: kept names, else the earliest holder.
    ``rank`` orders the columns by first-seen date (lower is earlier)."""
    holders = tied(strength)
    named = _by_names(lexical, holders)
    earliest = np.argmin(np.where(holders, rank[None, :], np.iinfo(np.int64).max), axis=1)
    return np.where(named >= 0, named, earliest)


def demonstrated(strength: np.ndarray, weight: np.ndarray, first: np.ndarray, total: float) -> np.ndarray:
    """Columns that had first, at DEMONSTRATE strength, at least DEMO_MIN of the file's code."""
    rows = np.arange(strength.shape[0])
    near_exact = strength[rows, first] >= DEMONSTRATE
    shares = np.bincount(first[near_exact], weights=weight[near_exact], minlength=strength.shape[1]) / total
    return np.flatnonzero(shares >= DEMO_MIN)


def credit(strength: np.ndarray, lexical: np.ndarray, rank: np.ndarray, conduits: Sequence[int]) -> np.ndarray:
    """Per unit, the column credited with it (see the module docstring)."""
    holders = tied(strength)
    first = first_holders(strength, lexical, rank)
    if not len(conduits):
        return first
    is_conduit = np.zeros(strength.shape[1], dtype=bool)
    is_conduit[list(conduits)] = True
    via = holders & is_conduit[None, :]
    latest = np.argmax(np.where(via, rank[None, :], -1), axis=1)
    named = _by_names(lexical, holders)
    return np.where(via.any(axis=1) & (named < 0), latest, first)


def credited(strength: np.ndarray, weight: np.ndarray, holder: np.ndarray, total: float) -> np.ndarray:
    """Share of the scope credited to each column (each unit weighs its code times its best strength)."""
    rows = np.arange(strength.shape[0])
    return np.asarray(np.bincount(holder, weights=weight * strength[rows, holder],
                                  minlength=strength.shape[1]) / total)
