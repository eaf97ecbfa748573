"""The content index: row hashes and sampled signatures that survive re-layouts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lineage.weights.checkpoint import open_checkpoint
from lineage.weights.content import index_tensor


def _contents(tmp_path: Path, builders: Any, tensors: dict[str, np.ndarray], dtype: str = "BF16") -> dict[str, Any]:
    root = builders.write_model(tmp_path / f"m{len(list(tmp_path.iterdir()))}", tensors, dtype=dtype)
    return {info.name: index_tensor(info)[0] for info in open_checkpoint(root).tensors}


def test_row_hashes_follow_rows_and_signatures_follow_transposes(tmp_path: Path, builders: Any) -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(0, 0.02, (40, 24)).astype(np.float32)
    perm = rng.permutation(40)
    c = _contents(tmp_path, builders, {"a": a, "p": a[perm], "t": np.ascontiguousarray(a.T), "b": a[10:30]})
    assert np.array_equal(c["p"].row_hashes, c["a"].row_hashes[perm])
    assert np.array_equal(c["b"].row_hashes, c["a"].row_hashes[10:30])
    assert np.array_equal(c["t"].row_sigs, c["a"].col_sigs)
    assert len(set(c["a"].row_hashes.tolist())) == 40 and c["a"].evidence
    assert c["a"].sha256 != c["p"].sha256


def test_chunking_does_not_change_the_index(tmp_path: Path, builders: Any, monkeypatch: Any) -> None:
    a = np.random.default_rng(1).normal(size=(64, 33)).astype(np.float32)  # odd row bytes
    whole = _contents(tmp_path, builders, {"a": a}, dtype="F16")["a"]
    import lineage.weights.content as content

    monkeypatch.setattr(content, "CHUNK_ELEMENTS", 100)  # 3 rows a read
    small = _contents(tmp_path, builders, {"a": a}, dtype="F16")["a"]
    assert small.sha256 == whole.sha256
    assert np.array_equal(small.row_hashes, whole.row_hashes)
    assert np.array_equal(small.col_sigs, whole.col_sigs) and np.array_equal(small.head, whole.head)


def test_constant_and_integer_tensors_are_not_evidence(tmp_path: Path, builders: Any) -> None:
    c = _contents(tmp_path, builders, {
        "ones": np.ones((32, 32), np.float32),
        "ids": np.arange(64, dtype=np.int64).reshape(8, 8),
        "model.rotary_emb.inv_freq": np.linspace(0.1, 1, 64).astype(np.float32),
    }, dtype="F32")
    assert not any(x.evidence for x in c.values())
