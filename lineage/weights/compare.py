"""Stream a tensor pair: content hashes, exact and up-to-cast equality, sampled values.

Each side is read once, in chunks, with its own thread (hashing and reading release the
GIL), so memory stays bounded whatever the checkpoint size and the two files are read in
parallel.  Only the sampled elements are converted to floating point.  When the dtypes
differ, the sample decides whether equality up to the cast is still possible; only then
are both tensors re-read in lockstep to check every element.  Tensors with fewer than
MIN_DISTINCT distinct sampled values are not evidence: they collide by chance.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import numpy as np
import numpy.typing as npt

from lineage.weights.checkpoint import iter_raw
from lineage.weights.components import is_buffer
from lineage.weights.dtypes import FLOATS, RAW, cast_bits, common_dtype, itemsize, to_float32
from lineage.weights.models import Pair, PairResult, TensorInfo
from lineage.weights.stats import SamplePlan, calibrated, plan

CHUNK_ELEMENTS: Final[int] = 4 * 1024 * 1024
MIN_DISTINCT: Final[int] = 16  # distinct sampled values a tensor needs to be evidence
Raw = npt.NDArray[np.generic]


def _scan(info: TensorInfo, elements: int, sample: SamplePlan) -> tuple[str, Raw, int]:
    """sha256 of the first ``elements`` elements, the sampled raw values, bytes read."""
    digest = hashlib.sha256()
    picked: list[Raw] = []
    done = read = 0
    for block in iter_raw(info, elements, CHUNK_ELEMENTS * itemsize(info.dtype)):
        digest.update(block)
        raw = np.frombuffer(block, RAW[info.dtype])
        lo, hi = np.searchsorted(sample.flat, [done, done + len(raw)])
        picked.append(raw[sample.flat[lo:hi] - done])
        done += len(raw)
        read += len(block)
    values = np.concatenate(picked) if picked else np.zeros(0, RAW[info.dtype])
    return digest.hexdigest(), values, read


def _equal_after_cast(a: Raw, dtype_a: str, b: Raw, dtype_b: str) -> bool:
    """Equal once cast to the coarser dtype (round to nearest even, as a re-save does).

    F16 against BF16 has no coarser side: both go to BF16 and one ulp is allowed for
    the double rounding.  Everywhere else the cast is deterministic, so equality is exact:
    a tolerance would let near-constant tensors (norms near 1.0) match by chance.
    """
    target = common_dtype(dtype_a, dtype_b)
    tolerance = 1 if {dtype_a, dtype_b} == {"F16", "BF16"} else 0
    gap = np.abs(cast_bits(a, dtype_a, target) - cast_bits(b, dtype_b, target))
    return bool(gap.max(initial=0) <= tolerance)


def _lockstep_equal_after_cast(
    ours: TensorInfo, theirs: TensorInfo, elements: int
) -> tuple[bool, int]:
    read = 0
    streams = (
        iter_raw(ours, elements, CHUNK_ELEMENTS * itemsize(ours.dtype)),
        iter_raw(theirs, elements, CHUNK_ELEMENTS * itemsize(theirs.dtype)),
    )
    for block_a, block_b in zip(*streams):
        read += len(block_a) + len(block_b)
        a, b = np.frombuffer(block_a, RAW[ours.dtype]), np.frombuffer(block_b, RAW[theirs.dtype])
        if not _equal_after_cast(a, ours.dtype, b, theirs.dtype):
            return False, read
    return True, read


def compare_pair(pair: Pair, seed: int) -> tuple[PairResult, int]:
    """Measure one pair; returns the result and the number of bytes read."""
    ours, theirs = pair.suspect, pair.reference
    shape = ours.shape if pair.rows is None else (pair.rows, *ours.shape[1:])
    elements = math.prod(shape)
    names = (zlib.crc32(ours.name.encode()), zlib.crc32(theirs.name.encode()))
    rng = np.random.default_rng([seed, *names])
    sample = plan(shape, rng)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_scan, ours, elements, sample)
        hash_b, raw_b, read_b = _scan(theirs, elements, sample)
        hash_a, raw_a, read_a = pending.result()
    read = read_a + read_b
    floats = ours.dtype in FLOATS and theirs.dtype in FLOATS
    identical = ours.dtype == theirs.dtype and hash_a == hash_b
    cast = False
    mixed = floats and ours.dtype != theirs.dtype
    if mixed and _equal_after_cast(raw_a, ours.dtype, raw_b, theirs.dtype):
        cast, extra = _lockstep_equal_after_cast(ours, theirs, elements)
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
        suspect_sha256=hash_a,
        reference_sha256=hash_b,
        identical=identical,
        identical_up_to_cast=cast,
        informative=floats and not buffer and stat is not None,
        vector=sample.vector,
        stat=stat,
        note=_note(floats, buffer, stat is not None, pair.rows),
    )
    return result, read


def _note(floats: bool, buffer: bool, measured: bool, rows: int | None) -> str:
    if not floats:
        return "integer or boolean tensor: not evidence"
    if buffer:
        return "config-determined buffer: identical in unrelated models, not evidence"
    if not measured:
        return "constant, tiny, low-entropy or non-finite tensor: not evidence"
    if rows is not None:
        return f"compared on the first {rows} rows (vocabularies differ in size)"
    return ""
