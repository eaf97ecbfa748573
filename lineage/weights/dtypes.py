"""Safetensors dtypes: raw little-endian bytes -> numpy, and casts to a common dtype.

numpy has no bfloat16, so bf16 is handled as uint16 bit patterns: widening to float32 puts
the 16 bits in the high half of a float32; narrowing rounds to nearest even, as torch does.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

# Storage dtype of the raw bytes (little-endian) for every dtype we read.
RAW: Final[dict[str, np.dtype[np.generic]]] = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("u1"),
}
FLOATS: Final[frozenset[str]] = frozenset({"F64", "F32", "F16", "BF16"})
# Precision rank: a cast goes to the coarser side; F16 and BF16 are incomparable.
_RANK: Final[dict[str, int]] = {"F64": 3, "F32": 2, "F16": 1, "BF16": 1}

Floats = npt.NDArray[np.float32]


def itemsize(dtype: str) -> int:
    """Bytes per element of a supported safetensors dtype."""
    return RAW[dtype].itemsize


def to_float32(raw: npt.NDArray[np.generic], dtype: str) -> Floats:
    """Widen raw elements (as stored) to float32."""
    if dtype == "BF16":
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return raw.astype(np.float32)


def float32_to_bf16_bits(values: Floats) -> npt.NDArray[np.uint16]:
    """Round float32 to bfloat16 (nearest, ties to even) and return the 16-bit patterns."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    rounding = ((bits >> 16) & 1) + np.uint32(0x7FFF)
    rounded = ((bits + rounding) >> 16).astype(np.uint16)
    nan = np.isnan(values)
    if nan.any():
        rounded[nan] = (bits[nan] >> 16).astype(np.uint16) | np.uint16(0x40)
    return rounded


def common_dtype(a: str, b: str) -> str:
    """The dtype both sides are cast to before an up-to-cast comparison."""
    if a == b:
        return a
    if _RANK[a] != _RANK[b]:
        return a if _RANK[a] < _RANK[b] else b
    return "BF16"  # F16 vs BF16: bf16 keeps F16's range; at most one ulp of double rounding


def cast_bits(raw: npt.NDArray[np.generic], dtype: str, target: str) -> npt.NDArray[np.int64]:
    """Cast raw elements to ``target`` and return ordered integer codes.

    Codes of adjacent representable values differ by one, so ``|code_a - code_b|`` counts
    ulps in the target dtype (sign-magnitude mapped onto a monotone integer line).
    """
    if target == dtype:
        cast = raw
    elif target == "BF16":
        cast = float32_to_bf16_bits(to_float32(raw, dtype))
    elif target == "F16":
        cast = to_float32(raw, dtype).astype("<f2")
    elif target == "F32":
        cast = raw.astype("<f4")
    else:
        cast = raw.astype("<f8")
    width = cast.dtype.itemsize * 8
    unsigned = cast.view(f"<u{cast.dtype.itemsize}").astype(np.int64)
    if width == 64:
        unsigned = cast.view("<i8").astype(np.int64)
        return np.where(unsigned < 0, np.int64(-(2**63)) - unsigned, unsigned)
    sign = np.int64(1) << (width - 1)
    magnitude = unsigned & (sign - 1)
    return np.where(unsigned & sign, -magnitude, magnitude)
