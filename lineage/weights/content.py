"""Content index of a checkpoint: one streaming pass hashes every tensor and every row.

For each tensor we keep its sha256, its first elements (for cast-exact candidates), and,
for matrices (the tensor viewed as rows x columns), one 64-bit hash per row (over up to
ROW_WORDS evenly spaced 8-byte words of it: a whole row up to 1 KiB) plus two sampled
signatures: each row at SIG consecutive column positions and each column at SIG
consecutive row positions.  Row hashes find rows that moved (permuted hidden units, fused
or split projections, appended vocabulary, other row sharding); the sampled signatures
find transposes and permuted columns.  The positions depend only on the length sampled,
so both checkpoints sample alike, and a transpose's rows meet the original's columns.

Row hashes are linear (each 8-byte word times a fixed odd multiplier, summed mod 2**64),
which numpy computes at memory speed; they find candidates, and sha256 stays the proof
of whole-tensor identity.  Suspect and reference are indexed in parallel threads.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from lineage.weights.checkpoint import iter_raw
from lineage.weights.components import is_buffer
from lineage.weights.dtypes import FLOATS, RAW
from lineage.weights.models import Checkpoint, TensorInfo

CHUNK_ELEMENTS: Final[int] = 4 * 1024 * 1024  # elements per read (8 MB of bf16)
HEAD: Final[int] = 4096  # leading elements kept for cast-exact candidates
SIG: Final[int] = 32  # positions in a sampled row or column signature
ROW_WORDS: Final[int] = 128  # words of a row its hash covers (evenly spaced)
MIN_DISTINCT: Final[int] = 16  # distinct sampled values a tensor needs to be evidence
Hashes = npt.NDArray[np.uint64]
Raw = npt.NDArray[np.generic]


@dataclass(frozen=True)
class TensorContent:
    """What the content pass learnt about one tensor."""

    info: TensorInfo
    sha256: str
    head: Raw  # first HEAD elements as stored
    evidence: bool  # float, not a buffer, enough distinct values to mean anything
    row_hashes: Hashes | None  # matrices only: one hash per row, over all its bytes
    row_sigs: Hashes | None  # each row at positions(cols)
    col_sigs: Hashes | None  # each column at positions(rows)

    @property
    def matrix(self) -> tuple[int, int] | None:
        return matrix_shape(self.info.shape)


def matrix_shape(shape: tuple[int, ...]) -> tuple[int, int] | None:
    """(rows, columns) of a tensor viewed as a matrix; None for vectors and scalars."""
    if len(shape) < 2 or shape[0] < 2:
        return None
    cols = 1
    for dim in shape[1:]:
        cols *= dim
    return (shape[0], cols) if cols >= 2 else None


@functools.lru_cache(maxsize=256)
def multipliers(count: int) -> Hashes:
    """Fixed odd 64-bit multipliers for ``count`` positions (the same on both sides)."""
    rng = np.random.default_rng([0x11CEA6E, count])
    values: Hashes = rng.integers(1, 2**63, size=count, dtype=np.uint64) | np.uint64(1)
    return values


@functools.lru_cache(maxsize=256)
def positions(length: int) -> npt.NDArray[np.int64]:
    """SIG consecutive positions out of ``length``, from an offset set by the length alone.

    Consecutive, so a row's signature is one cache line or two: a scattered gather over
    every row would cost a sixth of the sha256 pass.
    """
    count = min(length, SIG)
    start = int(np.random.default_rng([0x5160, length]).integers(0, length - count + 1))
    return np.arange(start, start + count, dtype=np.int64)


def hash_rows(block: bytes, rows: int) -> Hashes:
    """One linear 64-bit hash per row of a block holding ``rows`` whole rows.

    A row is hashed over at most ROW_WORDS evenly spaced words (every word of a row up to
    ROW_WORDS words): enough to tell rows of real weights apart, at a fraction of the cost.
    """
    row_bytes = len(block) // rows
    width = next(w for w in (8, 4, 2, 1) if row_bytes % w == 0)
    words = np.frombuffer(block, f"<u{width}").reshape(rows, row_bytes // width)
    words = words[:, :: max(1, words.shape[1] // ROW_WORDS)]
    if width != 8:
        words = words.astype(np.uint64)
    hashes: Hashes = np.einsum("ij,j->i", words, multipliers(words.shape[1]))
    return hashes


def sig_of(values: Raw, axis: int) -> Hashes:
    """Linear hash of sampled raw values along ``axis`` (1: per row, 0: per column)."""
    unsigned = values.view(f"<u{values.dtype.itemsize}").astype(np.uint64)
    weights = multipliers(unsigned.shape[axis])
    spec = "ij,j->i" if axis == 1 else "ij,i->j"
    sigs: Hashes = np.einsum(spec, unsigned, weights)
    return sigs


def index_tensor(info: TensorInfo) -> tuple[TensorContent, int]:
    """Stream one tensor once; returns its content record and the bytes read."""
    digest = hashlib.sha256()
    dtype = RAW[info.dtype]
    matrix = matrix_shape(info.shape)
    head: list[Raw] = []
    kept = read = 0
    row_hashes: list[Hashes] = []
    row_sigs: list[Hashes] = []
    picked_rows: list[Raw] = []
    if matrix is None:
        for block in iter_raw(info, chunk_bytes=CHUNK_ELEMENTS * dtype.itemsize):
            digest.update(block)
            read += len(block)
            if kept < HEAD:
                head.append(np.frombuffer(block, dtype)[: HEAD - kept].copy())
                kept += len(head[-1])
    else:
        rows, cols = matrix
        row_bytes = cols * dtype.itemsize
        col_pos, row_pos = positions(cols), positions(rows)
        done = 0
        chunk = CHUNK_ELEMENTS * dtype.itemsize
        for block in iter_raw(info, chunk_bytes=max(1, chunk // row_bytes) * row_bytes):
            digest.update(block)
            read += len(block)
            count = len(block) // row_bytes
            values = np.frombuffer(block, dtype).reshape(count, cols)
            if kept < HEAD:
                head.append(values.ravel()[: HEAD - kept].copy())
                kept += len(head[-1])
            row_hashes.append(hash_rows(block, count))
            row_sigs.append(sig_of(values[:, col_pos[0]:col_pos[-1] + 1], axis=1))
            lo, hi = np.searchsorted(row_pos, [done, done + count])
            picked_rows.append(values[row_pos[lo:hi] - done].copy())
            done += count
    leading = np.concatenate(head) if head else np.zeros(0, dtype)
    sampled = np.concatenate(picked_rows) if picked_rows else None
    # Evidence needs MIN_DISTINCT values: HEAD of them from each place is plenty to see it.
    distinct = len(np.unique(leading))
    if sampled is not None and distinct < MIN_DISTINCT:
        distinct = len(np.unique(sampled.ravel()[:: max(1, sampled.size // HEAD)]))
    content = TensorContent(
        info=info,
        sha256=digest.hexdigest(),
        head=leading,
        evidence=info.dtype in FLOATS and not is_buffer(info.name) and distinct >= MIN_DISTINCT,
        row_hashes=np.concatenate(row_hashes) if matrix is not None else None,
        row_sigs=np.concatenate(row_sigs) if matrix is not None else None,
        col_sigs=None if sampled is None else sig_of(sampled, axis=0),
    )
    return content, read


def index_checkpoint(tensors: Iterable[TensorInfo]) -> tuple[dict[str, TensorContent], int]:
    """Content records of every tensor (by key) and the bytes read."""
    contents: dict[str, TensorContent] = {}
    total = 0
    for info in tensors:
        contents[info.name], read = index_tensor(info)
        total += read
    return contents, total


def index_both(
    suspect: Checkpoint, reference: Checkpoint
) -> tuple[dict[str, TensorContent], dict[str, TensorContent], int]:
    """Index both checkpoints at once, one thread each (hashing releases the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(index_checkpoint, suspect.tensors)
        theirs, read_theirs = index_checkpoint(reference.tensors)
        ours, read_ours = pending.result()
    return ours, theirs, read_ours + read_theirs
