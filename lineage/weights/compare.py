"""Measure a tensor pair: exact and up-to-cast equality, sampled values, the statistic.

Hashes come from the content pass (:mod:`lineage.weights.content`), which has already
streamed every tensor once; here only the sampled grid is read: one seek per sampled row
of a matrix (vectors, which are small, are streamed).  A pair may compare views: a block
of rows (one part of a fused projection) or the suspect's transpose.  Only the sampled
elements are converted to floating point.  When the dtypes differ, the sample decides
whether equality up to the cast is still possible; only then are both tensors re-read in
lockstep to check every element.  Tensors with fewer than MIN_DISTINCT distinct sampled
values are not evidence: they collide by chance.
"""

from __future__ import annotations

import math
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import numpy as np
import numpy.typing as npt

from lineage.errors import SourceError
from lineage.weights.checkpoint import iter_raw
from lineage.weights.components import is_buffer
from lineage.weights.content import MIN_DISTINCT, TensorContent, index_tensor
from lineage.weights.dtypes import FLOATS, RAW, cast_bits, common_dtype, itemsize, to_float32
from lineage.weights.models import Pair, PairResult, TensorInfo
from lineage.weights.stats import SamplePlan, calibrated, plan

CHUNK_ELEMENTS: Final[int] = 4 * 1024 * 1024
Raw = npt.NDArray[np.generic]


def _gather(info: TensorInfo, elements: int, flat: npt.NDArray[np.int64]) -> tuple[Raw, int]:
    """The raw values at sorted flat indices of the first ``elements`` elements; bytes read."""
    picked: list[Raw] = []
    done = read = 0
    for block in iter_raw(info, elements, CHUNK_ELEMENTS * itemsize(info.dtype)):
        raw = np.frombuffer(block, RAW[info.dtype])
        lo, hi = np.searchsorted(flat, [done, done + len(raw)])
        picked.append(raw[flat[lo:hi] - done])
        done += len(raw)
        read += len(block)
    return (np.concatenate(picked) if picked else np.zeros(0, RAW[info.dtype])), read


def read_rows(
    info: TensorInfo, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]
) -> tuple[Raw, int]:
    """``matrix[rows][:, cols]`` of the tensor viewed as a matrix, one seek per row."""
    width = itemsize(info.dtype)
    row_bytes = (info.numel // info.shape[0]) * width
    out = np.empty((len(rows), len(cols)), RAW[info.dtype])
    try:
        with info.path.open("rb") as handle:
            for i, row in enumerate(rows):
                handle.seek(info.start + int(row) * row_bytes)
                block = handle.read(row_bytes)
                if len(block) != row_bytes:
                    raise SourceError("file shrank while reading", source=str(info.path))
                out[i] = np.frombuffer(block, RAW[info.dtype])[cols]
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=str(info.path)) from None
    return out, len(rows) * row_bytes


def equal_after_cast(a: Raw, dtype_a: str, b: Raw, dtype_b: str) -> bool:
    """Equal once cast to the coarser dtype (round to nearest even, as a re-save does).

    F16 against BF16 has no coarser side: both go to BF16 and one ulp is allowed for
    the double rounding.  Everywhere else the cast is deterministic, so equality is exact:
    a tolerance would let near-constant tensors (norms near 1.0) match by chance.
    """
    target = common_dtype(dtype_a, dtype_b)
    tolerance = 1 if {dtype_a, dtype_b} == {"F16", "BF16"} else 0
    gap = np.abs(cast_bits(a, dtype_a, target) - cast_bits(b, dtype_b, target))
    return bool(gap.max(initial=0) <= tolerance)


def lockstep_equal_after_cast(
    ours: TensorInfo, theirs: TensorInfo, elements: int | None = None
) -> tuple[bool, int]:
    """Every element (of the first ``elements``) equal up to the cast; bytes read."""
    read = 0
    streams = (
        iter_raw(ours, elements, CHUNK_ELEMENTS * itemsize(ours.dtype)),
        iter_raw(theirs, elements, CHUNK_ELEMENTS * itemsize(theirs.dtype)),
    )
    for block_a, block_b in zip(*streams):
        read += len(block_a) + len(block_b)
        a, b = np.frombuffer(block_a, RAW[ours.dtype]), np.frombuffer(block_b, RAW[theirs.dtype])
        if not equal_after_cast(a, ours.dtype, b, theirs.dtype):
            return False, read
    return True, read


def _view_shape(pair: Pair) -> tuple[int, ...]:
    """Shape both sides are compared in: the plan is drawn over it."""
    info = pair.reference
    if pair.rows is not None:
        return (pair.rows, *info.shape[1:])
    if pair.reference_rows is not None:
        lo, hi = pair.reference_rows
        return (hi - lo, *info.shape[1:])
    return info.shape


def matrix_of(shape: tuple[int, ...]) -> tuple[int, int]:
    rows = shape[0] if shape else 1
    return rows, math.prod(shape) // rows if rows else 0


def _sample(pair: Pair, sample: SamplePlan, shape: tuple[int, ...]) -> tuple[Raw, Raw, int]:
    """Sampled raw values of both sides, in grid order, and the bytes read."""
    ours, theirs = pair.suspect, pair.reference
    elements = math.prod(shape)
    offset_a = pair.suspect_rows[0] if pair.suspect_rows else 0
    offset_b = pair.reference_rows[0] if pair.reference_rows else 0
    if sample.vector:
        skip_a = offset_a * (ours.numel // max(ours.shape[0], 1) if ours.shape else 1)
        skip_b = offset_b * (theirs.numel // max(theirs.shape[0], 1) if theirs.shape else 1)
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(_gather, ours, skip_a + elements, sample.flat + skip_a)
            raw_b, read_b = _gather(theirs, skip_b + elements, sample.flat + skip_b)
            raw_a, read_a = pending.result()
        return raw_a, raw_b, read_a + read_b
    cols = matrix_of(shape)[1]
    grid = sample.flat.reshape(sample.grid)
    rows, columns = grid[:, 0] // cols, grid[0, :] % cols
    if pair.transposed:
        raw_t, read_a = read_rows(ours, columns, rows)
        raw_a = raw_t.T
    else:
        raw_a, read_a = read_rows(ours, rows + offset_a, columns)
    raw_b, read_b = read_rows(theirs, rows + offset_b, columns)
    return raw_a.ravel(), raw_b.ravel(), read_a + read_b


def _identical(
    pair: Pair, a: TensorContent, b: TensorContent, sample: SamplePlan, sampled: tuple[Raw, Raw]
) -> bool:
    if a.info.dtype != b.info.dtype:
        return False
    if sample.vector and (pair.suspect_rows or pair.reference_rows):
        # A slice of a vector (one part of a fused bias): the sample holds every element
        # when the slice is small; a larger one is not claimed identical.
        whole = len(sample.flat) == math.prod(_view_shape(pair))
        return whole and bool(np.array_equal(*sampled))
    if pair.transposed:
        return a.row_sigs is not None and b.col_sigs is not None and bool(
            np.array_equal(a.row_sigs, b.col_sigs)
        )
    if pair.rows is None and pair.suspect_rows is None and pair.reference_rows is None:
        return a.sha256 == b.sha256
    if a.row_hashes is None or b.row_hashes is None:
        return False
    span_a = pair.suspect_rows or (0, pair.rows or len(a.row_hashes))
    span_b = pair.reference_rows or (0, pair.rows or len(b.row_hashes))
    return bool(np.array_equal(a.row_hashes[slice(*span_a)], b.row_hashes[slice(*span_b)]))


def compare_pair(
    pair: Pair, seed: int, contents: tuple[TensorContent, TensorContent] | None = None
) -> tuple[PairResult, int]:
    """Measure one pair; returns the result and the number of bytes read.

    ``contents`` are the two tensors' records from the content pass; without them both
    tensors are hashed here first.
    """
    ours, theirs = pair.suspect, pair.reference
    read = 0
    if contents is None:
        (content_a, read_a), (content_b, read_b) = index_tensor(ours), index_tensor(theirs)
        contents, read = (content_a, content_b), read_a + read_b
    shape = _view_shape(pair)
    names = (zlib.crc32(ours.name.encode()), zlib.crc32(theirs.name.encode()))
    rng = np.random.default_rng([seed, *names])
    sample = plan(shape, rng)
    raw_a, raw_b, sampled = _sample(pair, sample, shape)
    read += sampled
    floats = ours.dtype in FLOATS and theirs.dtype in FLOATS
    identical = _identical(pair, *contents, sample, (raw_a, raw_b))
    cast = False
    plain = not (pair.suspect_rows or pair.reference_rows or pair.transposed)
    mixed = floats and ours.dtype != theirs.dtype
    if mixed and plain and equal_after_cast(raw_a, ours.dtype, raw_b, theirs.dtype):
        cast, extra = lockstep_equal_after_cast(ours, theirs, math.prod(shape))
        read += extra
    stat = None
    if floats:
        a = to_float32(raw_a, ours.dtype).astype(np.float64).reshape(sample.grid)
        b = to_float32(raw_b, theirs.dtype).astype(np.float64).reshape(sample.grid)
        if np.isfinite(a).all() and np.isfinite(b).all():
            stat = calibrated(a, b, rng, sample.vector)
    buffer = is_buffer(ours.name) or is_buffer(theirs.name)
    distinct = min(len(np.unique(raw_a)), len(np.unique(raw_b)))
    if distinct < MIN_DISTINCT:
        stat = None  # a few repeated values match by chance in unrelated models
    result = PairResult(
        pair=pair,
        suspect_sha256=contents[0].sha256,
        reference_sha256=contents[1].sha256,
        identical=identical,
        identical_up_to_cast=cast,
        informative=floats and not buffer and stat is not None,
        vector=sample.vector,
        stat=stat,
        note=_note(floats, buffer, stat is not None, pair),
    )
    return result, read


def _note(floats: bool, buffer: bool, measured: bool, pair: Pair) -> str:
    if not floats:
        return "integer or boolean tensor: not evidence"
    if buffer:
        return "config-determined buffer: identical in unrelated models, not evidence"
    if not measured:
        return "constant, tiny, low-entropy or non-finite tensor: not evidence"
    if pair.relayout:
        return f"compared after undoing a re-layout: {pair.relayout}"
    if pair.rows is not None:
        return f"compared on the first {pair.rows} rows (vocabularies differ in size)"
    return ""
