"""Lazy safetensors reading: headers are parsed and checked, tensor bytes stream in chunks.

A safetensors file is an 8-byte little-endian header length, a JSON header naming each
tensor's dtype, shape and ``data_offsets`` into the byte buffer that follows, then the raw
little-endian data.  We parse that ourselves (no torch, bf16 included) and refuse anything
inconsistent: a tampered header must not make us read outside the file or misread data.
Pickle-based checkpoints (.bin, .pt) are never opened.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from lineage.errors import SourceError
from lineage.weights.dtypes import RAW, itemsize
from lineage.weights.models import Checkpoint, TensorInfo

MAX_HEADER: Final[int] = 100 * 1024 * 1024  # the safetensors library's own limit
CHUNK_BYTES: Final[int] = 16 * 1024 * 1024
_INDEX_NAMES: Final[tuple[str, ...]] = ("model.safetensors.index.json",)
_NUMBER = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``layers.10`` after ``layers.9``."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _NUMBER.split(name))


def open_checkpoint(path: Path) -> Checkpoint:
    """Read the headers of a model directory (or one .safetensors file); no tensor data."""
    if not path.exists():
        raise SourceError("no such file or directory", source=str(path))
    if path.is_file():
        files: tuple[Path, ...] = (path,)
        tensors = list(read_header(path))
    else:
        files, tensors = _open_directory(path)
    tensors.sort(key=lambda t: natural_key(t.name))
    root = path if path.is_dir() else path.parent
    return Checkpoint(root=root, files=files, tensors=tuple(tensors))


def _open_directory(root: Path) -> tuple[tuple[Path, ...], list[TensorInfo]]:
    index = [root / name for name in _INDEX_NAMES if (root / name).is_file()]
    if not index:
        index = sorted(root.glob("*.safetensors.index.json"))
    if len(index) > 1:
        raise SourceError("several safetensors index files; pass one shard set", source=str(root))
    if index:
        return _open_index(root, index[0])
    files = tuple(sorted(p for p in root.glob("*.safetensors") if p.is_file()))
    if not files:
        pickled = [p.name for p in root.iterdir() if p.suffix in (".bin", ".pt", ".pth", ".ckpt")]
        hint = f" (pickle-based files are never read: {', '.join(sorted(pickled))})"
        hint = hint if pickled else ""
        raise SourceError(f"no .safetensors files{hint}", source=str(root))
    tensors: list[TensorInfo] = []
    seen: set[str] = set()
    for file in files:
        for info in read_header(file):
            if info.name in seen:
                raise SourceError(f"tensor {info.name!r} appears in two shards", source=str(file))
            seen.add(info.name)
            tensors.append(info)
    return files, tensors


def _open_index(root: Path, index: Path) -> tuple[tuple[Path, ...], list[TensorInfo]]:
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SourceError(f"unreadable index file: {exc}", source=str(index)) from None
    weight_map = data.get("weight_map") if isinstance(data, dict) else None
    if not isinstance(weight_map, dict) or not weight_map:
        raise SourceError("index file has no weight_map", source=str(index))
    shards: dict[str, dict[str, TensorInfo]] = {}
    tensors: list[TensorInfo] = []
    for name, shard in weight_map.items():
        if not isinstance(shard, str) or Path(shard).name != shard or shard in ("", ".", ".."):
            raise SourceError(
                f"index names a shard outside the directory: {shard!r}", source=str(index)
            )
        if shard not in shards:
            file = root / shard
            if not file.is_file():
                raise SourceError(f"index names a missing shard {shard!r}", source=str(index))
            shards[shard] = {info.name: info for info in read_header(file)}
        info = shards[shard].get(name)
        if info is None:
            raise SourceError(
                f"index maps {name!r} to {shard!r}, which lacks it", source=str(index)
            )
        tensors.append(info)
    return tuple(root / shard for shard in sorted(shards)), tensors


def read_header(path: Path) -> list[TensorInfo]:
    """Parse and validate one safetensors header."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise SourceError("truncated safetensors file (no header length)", source=str(path))
            (length,) = struct.unpack("<Q", prefix)
            if length > MAX_HEADER or 8 + length > size:
                raise SourceError(
                    f"header length {length} is beyond the file size {size}", source=str(path)
                )
            raw = handle.read(length)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise SourceError(
            "tampered or truncated safetensors header (not JSON)", source=str(path)
        ) from None
    if not isinstance(header, dict):
        raise SourceError("safetensors header is not a JSON object", source=str(path))
    base = 8 + length
    infos = [
        _tensor(path, name, entry, base, size)
        for name, entry in header.items()
        if name != "__metadata__"
    ]
    spans = sorted((info.start, info.end, info.name) for info in infos if info.end > info.start)
    for (_, end, first), (start, _, second) in zip(spans, spans[1:]):
        if start < end:
            raise SourceError(f"tensors {first!r} and {second!r} overlap", source=str(path))
    return infos


def _tensor(path: Path, name: str, entry: Any, base: int, size: int) -> TensorInfo:
    where = f"{path}:{name}"
    if not isinstance(entry, dict):
        raise SourceError("header entry is not an object", source=where)
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if dtype not in RAW:
        raise SourceError(f"unsupported dtype {dtype!r}", source=where)
    if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
        raise SourceError(f"bad shape {shape!r}", source=where)
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(type(o) is int and o >= 0 for o in offsets)
        or offsets[0] > offsets[1]
    ):
        raise SourceError(f"bad data_offsets {offsets!r}", source=where)
    info = TensorInfo(name, dtype, tuple(shape), path, base + offsets[0], base + offsets[1])
    needed = info.numel * itemsize(dtype)
    if info.nbytes != needed:
        raise SourceError(
            f"data_offsets span {info.nbytes} bytes, shape needs {needed}", source=where
        )
    if info.end > size:
        raise SourceError(
            f"data_offsets run past the end of the file ({info.end} > {size})", source=where
        )
    return info


def iter_raw(
    info: TensorInfo, elements: int | None = None, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """Yield the tensor's raw bytes (or its first ``elements``) in element-aligned chunks."""
    width = itemsize(info.dtype)
    total = info.nbytes if elements is None else min(info.nbytes, elements * width)
    step = max(width, chunk_bytes - chunk_bytes % width)
    try:
        with info.path.open("rb") as handle:
            handle.seek(info.start)
            remaining = total
            while remaining > 0:
                block = handle.read(min(step, remaining))
                if not block:
                    raise SourceError("file shrank while reading", source=str(info.path))
                remaining -= len(block)
                yield block
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=str(info.path)) from None
