"""The one process pool: results in input order whatever the worker count, in both modes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from lineage.pool import fork_map, stream_map


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _numbers(n: int, seen: list[int]) -> Iterator[int]:
    for i in range(n):
        seen.append(i)
        yield i


@pytest.mark.parametrize("workers", [1, 2])
def test_stream_map_keeps_order_and_consumes_lazily(workers: int) -> None:
    seen: list[int] = []
    results = stream_map(_square_and_pid, _numbers(40, seen), workers, chunksize=2)
    assert seen == []  # nothing is read before the first result is asked for
    out = list(results)
    assert [r for r, _ in out] == [i * i for i in range(40)]
    assert seen == list(range(40))
    pids = {pid for _, pid in out}
    assert (pids == {os.getpid()}) is (workers == 1)  # two workers: the work left this process


@pytest.mark.parametrize("workers", [1, 3])
def test_fork_map_keeps_order(workers: int) -> None:
    done: list[int] = []
    out = fork_map(_square_and_pid, list(range(25)), workers, on_done=done.append)
    assert [r for r, _ in out] == [i * i for i in range(25)]
    assert done == list(range(25))


def _frozen(_: int) -> int:
    import gc

    return gc.get_freeze_count()


def test_workers_inherit_a_frozen_heap_and_the_parent_is_thawed_after() -> None:
    import gc

    keep = [[i] for i in range(1000)]  # objects alive before the fork
    assert gc.get_freeze_count() == 0
    counts = fork_map(_frozen, list(range(4)), 2)
    assert min(counts) >= len(keep)  # what the workers inherited is out of their collections
    assert gc.get_freeze_count() == 0  # and the parent collects its own again
    assert list(stream_map(_frozen, range(4), 2, chunksize=1))[0] >= len(keep)
    assert gc.get_freeze_count() == 0


def test_quiet_collector_raises_the_young_threshold() -> None:
    import gc

    from lineage.pool import COLLECT_EVERY, quiet_collector

    before = gc.get_threshold()
    try:
        quiet_collector()
        assert gc.get_threshold()[0] == COLLECT_EVERY > before[0]
    finally:
        gc.set_threshold(*before)
