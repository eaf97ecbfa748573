"""The reference unit that represents each family in a scope (classify/cover._best_refs): the
unit holding most of the scope within the family's file that holds most of it, ties to the
lower file number, then the earlier row.  Checked against a column-at-a-time reading of that
rule on random scopes, and on a family of two files."""

from __future__ import annotations

import types

import numpy as np

from lineage.classify.cover import _best_refs


def _by_column(u_file: np.ndarray, ref: np.ndarray, held: np.ndarray) -> list[int]:
    out = []
    for j in range(ref.shape[1]):
        totals: dict[int, float] = {}
        for r in range(ref.shape[0]):
            if ref[r, j] >= 0:
                f = int(u_file[ref[r, j]])
                totals[f] = totals.get(f, 0.0) + float(held[r, j])
        top = min(totals, key=lambda f: (-totals[f], f))
        rows = [r for r in range(ref.shape[0]) if ref[r, j] >= 0 and u_file[ref[r, j]] == top]
        out.append(int(ref[min(rows, key=lambda r: (-held[r, j], r)), j]))
    return out


def test_the_file_holding_most_of_the_scope_represents_its_family() -> None:
    u_file = np.array([0, 0, 1, 1, 1])  # units 0-1 in file 0 (a layers module), 2-4 in file 1 (the model file)
    index = types.SimpleNamespace(arrays={"u_file": u_file})
    ref = np.array([[0], [2], [3], [4]])
    held = np.array([[9.0], [4.0], [3.0], [5.0]])  # the largest unit is in file 0; file 1 holds more
    assert _best_refs(index, ref, held).tolist() == [4]  # type: ignore[arg-type]


def test_random_scopes_agree_with_the_rule_read_column_by_column() -> None:
    rng = np.random.default_rng(7)
    for _ in range(400):
        n_units, n_files = int(rng.integers(1, 40)), int(rng.integers(1, 6))
        u_file = rng.integers(0, n_files, n_units)
        rows, cols = int(rng.integers(1, 10)), int(rng.integers(1, 8))
        ref = np.where(rng.random((rows, cols)) < 0.5, rng.integers(0, n_units, (rows, cols)), -1)
        ref[rng.integers(0, rows, cols), np.arange(cols)] = rng.integers(0, n_units, cols)  # each family holds some
        held = np.round(rng.random((rows, cols)) * 3, 1) * (ref >= 0)  # (ties among files and rows included)
        index = types.SimpleNamespace(arrays={"u_file": u_file})
        assert _best_refs(index, ref, held).tolist() == _by_column(u_file, ref, held)  # type: ignore[arg-type]
