"""LSH collisions counted into distinct (query, unit) pairs: 32-bit keys in blocks of queries
give what one 64-bit `numpy.unique` gives, whatever the sizes; searching one unit of each group
of units with the same band keys gives every pair searching each unit gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage.fingerprint.params import FingerprintParams
from lineage.index.lsh import GROUPED_FROM, BandArrays, band_arrays, pairs


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


def _plain(lookup: BandArrays) -> BandArrays:
    """The same lookup searching every unit's keys (no groups)."""

    class Plain(BandArrays):
        @property
        def groups(self) -> None:  # type: ignore[override]
            return None

    return Plain(lookup.keys, lookup.ids, lookup.params)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.integers(1, 8), st.integers(GROUPED_FROM, GROUPED_FROM + 300), st.integers(0, 2**32 - 1))
def test_grouped_units_give_every_pair_searching_each_unit_gives(n_distinct: int, copies: int, n_queries: int,
                                                                  seed: int) -> None:
    # reference units repeating others' signatures (clones), some differing in one band only
    rng = np.random.default_rng(seed)
    params = FingerprintParams()
    base = rng.integers(0, 50, (n_distinct, params.num_perm)).astype(np.uint32)
    refs = base[rng.integers(0, n_distinct, n_distinct * copies)]
    refs[:: 3, rng.integers(0, params.num_perm)] += 1  # (a near clone: all but one band the same)
    keys, ids = band_arrays(refs, params)
    lookup = BandArrays(keys, ids, params)
    queries = refs[rng.integers(0, refs.shape[0], n_queries)].copy()
    queries[:, : params.num_perm // 2] = rng.integers(0, 50, (n_queries, params.num_perm // 2))
    assert lookup.groups is not None and lookup.groups.starts.size - 1 <= refs.shape[0]
    got, want = lookup.candidates(queries, refs.shape[0]), _plain(lookup).candidates(queries, refs.shape[0])
    assert want[0].size > 0
    for a, b in zip(got, want):
        assert np.array_equal(a, b)


def test_band_arrays_that_are_not_one_key_per_unit_are_searched_unit_by_unit() -> None:
    params = FingerprintParams()
    refs = np.random.default_rng(3).integers(0, 9, (40, params.num_perm)).astype(np.uint32)
    keys, ids = band_arrays(refs, params)
    ids[5, 0] = ids[5, 1]  # one band names a unit twice (a foreign or tampered index)
    lookup = BandArrays(keys, ids, params)
    assert lookup.groups is None
    queries = np.repeat(refs[:3], GROUPED_FROM, axis=0)
    q, u, _ = lookup.candidates(queries, refs.shape[0])
    assert q.size > 0 and u.max() < refs.shape[0]


def test_the_index_finds_the_same_candidates_grouped(index) -> None:  # type: ignore[no-untyped-def]
    from lineage.index.lsh import unit_signatures

    sigs = np.repeat(unit_signatures(index.arrays, index.params), 2, axis=0)[: max(GROUPED_FROM, 2 * index.n_units)]
    lookup = index.lookup
    assert isinstance(lookup, BandArrays) and lookup.groups is not None
    got, want = lookup.candidates(sigs, index.n_units), _plain(lookup).candidates(sigs, index.n_units)
    for a, b in zip(got, want):
        assert np.array_equal(a, b)
