"""LSH collisions counted into distinct (query, unit) pairs: 32-bit keys in blocks of queries
give what one 64-bit `numpy.unique` gives, whatever the sizes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage.index.lsh import pairs


def _one_sort(qs: np.ndarray, us: np.ndarray, n_units: int) -> tuple[np.ndarray, ...]:
    uniq, hits = np.unique(qs * n_units + us, return_counts=True)
    return uniq // n_units, uniq % n_units, hits


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([1, 2, 7, 98_665, 2**20 + 3, 2**31, 2**33]), st.integers(1, 5000), st.integers(1, 400),
       st.integers(0, 2**32 - 1))
def test_pairs_equal_one_64_bit_sort(n_units: int, n_queries: int, collisions: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    qs = rng.integers(0, n_queries, collisions).astype(np.int64)
    us = rng.integers(0, n_units, collisions).astype(np.int64)
    got, want = pairs(qs, us, n_units), _one_sort(qs, us, n_units)
    for a, b in zip(got, want):
        assert np.array_equal(a, b)


def test_queries_past_one_block_keep_their_rows() -> None:
    n_units = 2**30  # four query rows per block of 32-bit keys
    qs = np.array([9, 0, 9, 5, 4, 4, 0], dtype=np.int64)
    us = np.array([3, 2**30 - 1, 3, 0, 1, 1, 7], dtype=np.int64)
    q, u, hits = pairs(qs, us, n_units)
    assert list(zip(q.tolist(), u.tolist(), hits.tolist())) == [
        (0, 7, 1), (0, 2**30 - 1, 1), (4, 1, 2), (5, 0, 1), (9, 3, 2)]
