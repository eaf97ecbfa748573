"""Header parsing, dtype decoding, shards, chunked streaming, and refusal of bad input."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lineage.errors import SourceError
from lineage.weights.checkpoint import iter_raw, open_checkpoint, read_header
from lineage.weights.dtypes import RAW, to_float32


def _values(info: Any) -> np.ndarray:
    raw = np.frombuffer(b"".join(iter_raw(info)), RAW[info.dtype])
    return to_float32(raw, info.dtype).reshape(info.shape)


@pytest.mark.parametrize("dtype", ["F32", "F16", "BF16", "F64"])
def test_reads_each_float_dtype(tmp_path: Path, builders: Any, dtype: str) -> None:
    values = np.random.default_rng(0).normal(size=(7, 5)).astype(np.float32)
    builders.write_safetensors(tmp_path / "m.safetensors", {"w": values}, dtype)
    (info,) = open_checkpoint(tmp_path).tensors
    assert info.dtype == dtype and info.shape == (7, 5)
    tolerance = {"F32": 0, "F64": 0, "F16": 1e-3, "BF16": 8e-3}[dtype]
    np.testing.assert_allclose(_values(info), values, rtol=tolerance, atol=tolerance)


def test_bf16_matches_ml_dtypes(tmp_path: Path, builders: Any) -> None:
    ml_dtypes = pytest.importorskip("ml_dtypes", reason="ml_dtypes not installed: cross-check only")
    values = np.random.default_rng(1).normal(size=1000).astype(np.float32)
    builders.write_safetensors(tmp_path / "m.safetensors", {"w": values}, "BF16")
    (info,) = open_checkpoint(tmp_path).tensors
    expected = values.astype(ml_dtypes.bfloat16).astype(np.float32)
    np.testing.assert_array_equal(_values(info), expected)


def test_reads_files_written_by_safetensors(tmp_path: Path) -> None:
    numpy_api = pytest.importorskip("safetensors.numpy", reason="safetensors not installed")
    tensors = {"b": np.arange(6, dtype=np.float16).reshape(2, 3), "a": np.ones(4, np.float32)}
    numpy_api.save_file(tensors, str(tmp_path / "model.safetensors"))
    infos = {i.name: i for i in open_checkpoint(tmp_path).tensors}
    for name, array in tensors.items():
        np.testing.assert_array_equal(_values(infos[name]), array.astype(np.float32))


def test_sharded_checkpoint_with_index(tmp_path: Path, builders: Any) -> None:
    tensors = builders.reference_tensors(0)
    builders.write_model(tmp_path, tensors, shards=3)
    checkpoint = open_checkpoint(tmp_path)
    assert len(checkpoint.files) == 3
    assert sorted(i.name for i in checkpoint.tensors) == sorted(tensors)
    names = [i.name for i in checkpoint.tensors]
    assert names.index("model.layers.0.mlp.up_proj.weight") < names.index("model.layers.1.mlp.up_proj.weight")


def test_streaming_in_small_chunks_gives_the_same_bytes(tmp_path: Path, builders: Any) -> None:
    values = np.random.default_rng(2).normal(size=(33, 17)).astype(np.float32)
    builders.write_safetensors(tmp_path / "m.safetensors", {"w": values})
    (info,) = open_checkpoint(tmp_path).tensors
    chunks = list(iter_raw(info, chunk_bytes=12))
    assert len(chunks) > 10 and all(len(c) % 4 == 0 for c in chunks)
    assert b"".join(chunks) == values.tobytes()
    assert b"".join(iter_raw(info, elements=17)) == values[0].tobytes()


def _raw_file(path: Path, header: dict[str, Any], data: bytes, length: int | None = None) -> Path:
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw) if length is None else length) + raw + data)
    return path


def _entry(dtype: str, shape: list[int], start: int, end: int) -> dict[str, Any]:
    return {"dtype": dtype, "shape": shape, "data_offsets": [start, end]}


@pytest.mark.parametrize(
    ("header", "data", "length", "message"),
    [
        ({"w": _entry("F32", [2], 0, 8)}, b"\0" * 8, 10**9, "beyond the file size"),
        ({"w": _entry("F32", [4], 0, 16)}, b"\0" * 8, None, "past the end"),
        ({"w": _entry("F32", [2], 0, 8), "v": _entry("F32", [2], 4, 12)}, b"\0" * 12, None, "overlap"),
        ({"w": _entry("F8_E4M3", [2], 0, 2)}, b"\0" * 2, None, "unsupported dtype"),
        ({"w": _entry("F32", [3], 0, 8)}, b"\0" * 8, None, "shape needs"),
        ({"w": _entry("F32", [2], 8, 0)}, b"\0" * 8, None, "bad data_offsets"),
        ({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, b"\0" * 8, None, "bad shape"),
    ],
)
def test_inconsistent_headers_are_refused(
    tmp_path: Path, header: dict[str, Any], data: bytes, length: int | None, message: str
) -> None:
    path = _raw_file(tmp_path / "m.safetensors", header, data, length)
    with pytest.raises(SourceError, match=message):
        read_header(path)


def test_truncated_and_tampered_files(tmp_path: Path, builders: Any) -> None:
    good = tmp_path / "good" / "model.safetensors"
    good.parent.mkdir()
    builders.write_safetensors(good, {"w": np.ones((4, 4), np.float32)})
    blob = good.read_bytes()
    cases = {
        "short": blob[:5],
        "cut": blob[: len(blob) - 10],
        "tampered": blob[:8] + b"\xff" + blob[9:],
        "notobject": struct.pack("<Q", 2) + b"[]",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.mkdir()
        (path / "model.safetensors").write_bytes(content)
        with pytest.raises(SourceError) as caught:
            open_checkpoint(path)
        assert str(path) in str(caught.value)


def test_unusable_directories(tmp_path: Path, builders: Any) -> None:
    with pytest.raises(SourceError, match="no such file"):
        open_checkpoint(tmp_path / "missing")
    (tmp_path / "pytorch_model.bin").write_bytes(b"pickle!")
    with pytest.raises(SourceError, match="never read: pytorch_model.bin"):
        open_checkpoint(tmp_path)
    builders.write_safetensors(tmp_path / "a.safetensors", {"w": np.ones(2, np.float32)})
    for weight_map, message in (
        ({"w": "../a.safetensors"}, "outside the directory"),
        ({"w": "b.safetensors"}, "missing shard"),
        ({"x": "a.safetensors"}, "which lacks it"),
    ):
        (tmp_path / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
        with pytest.raises(SourceError, match=message):
            open_checkpoint(tmp_path)


def test_deeply_nested_header_is_refused(tmp_path: Path) -> None:
    raw = b"[" * 100_000 + b"]" * 100_000
    (tmp_path / "model.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(SourceError, match="not JSON"):
        open_checkpoint(tmp_path)
