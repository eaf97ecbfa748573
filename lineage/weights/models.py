"""Frozen records handed between the weight-check stages, each built complete once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TensorInfo:
    """One tensor as declared by a safetensors header; its bytes stay on disk."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    path: Path
    start: int  # absolute byte offset in ``path``
    end: int

    @property
    def numel(self) -> int:
        count = 1
        for dim in self.shape:
            count *= dim
        return count

    @property
    def nbytes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Checkpoint:
    """The tensors of a local model directory, in natural key order."""

    root: Path
    files: tuple[Path, ...]
    tensors: tuple[TensorInfo, ...]


@dataclass(frozen=True)
class Pair:
    """A suspect tensor matched with a reference tensor; ``rows`` limits both to a prefix.

    A re-layout compares views: ``suspect_rows`` / ``reference_rows`` select a block of rows
    (one part of a fused QKV or gate/up matrix), ``transposed`` compares the suspect's
    transpose, and ``relayout`` names what was undone ("" when nothing was).
    """

    component: str
    suspect: TensorInfo
    reference: TensorInfo
    how: str  # "suffix", "shape-order", "common-rows", "content-hash", "permutation", ...
    rows: int | None = None
    relayout: str = ""
    suspect_rows: tuple[int, int] | None = None
    reference_rows: tuple[int, int] | None = None
    transposed: bool = False


@dataclass(frozen=True)
class PairStat:
    """Calibrated correlation of one pair: observed value against its null distributions."""

    r: float
    z: float
    z_permutation: float
    z_independent: float
    log10_p: float
    sample: int


@dataclass(frozen=True)
class PairResult:
    """Everything measured on one pair in a single streaming pass."""

    pair: Pair
    suspect_sha256: str
    reference_sha256: str
    identical: bool  # same dtype, same bytes
    identical_up_to_cast: bool  # different dtypes, equal once cast to the coarser one
    informative: bool  # floats, not a known buffer, not constant, big enough
    vector: bool  # 1-D (norms, biases): centred statistic, never decisive alone
    stat: PairStat | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        stat = self.stat
        return {
            "suspect": self.pair.suspect.name,
            "reference": self.pair.reference.name,
            "shape": list(self.pair.suspect.shape),
            "dtypes": [self.pair.suspect.dtype, self.pair.reference.dtype],
            "paired_by": self.pair.how,
            "rows_compared": self.pair.rows,
            "relayout": self.pair.relayout or None,
            "suspect_rows": (
                None if self.pair.suspect_rows is None else list(self.pair.suspect_rows)
            ),
            "reference_rows": (
                None if self.pair.reference_rows is None else list(self.pair.reference_rows)
            ),
            "suspect_sha256": self.suspect_sha256,
            "reference_sha256": self.reference_sha256,
            "identical": self.identical,
            "identical_up_to_cast": self.identical_up_to_cast,
            "informative": self.informative,
            "vector": self.vector,
            "r": None if stat is None else round(stat.r, 6),
            "z": None if stat is None else round(stat.z, 3),
            "log10_p": None if stat is None else round(stat.log10_p, 3),
            "sample": None if stat is None else stat.sample,
            "note": self.note,
        }


@dataclass(frozen=True)
class ComponentVerdict:
    """The per-component answer with the figures behind it."""

    component: str
    verdict: str  # identical [up to permutation] | derived (fine-tuned) | derived, permuted
    #               | independent | inconclusive
    reading: str  # what ministry-style criteria would make of it
    tensors_suspect: int
    tensors_reference: int
    paired: int
    informative: int
    share_identical: float
    median_z: float | None
    log10_p_fisher: float | None
    reason: str
    pairs: tuple[PairResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "verdict": self.verdict,
            "reading": self.reading,
            "tensors": {"suspect": self.tensors_suspect, "reference": self.tensors_reference},
            "paired": self.paired,
            "informative": self.informative,
            "share_identical": round(self.share_identical, 6),
            "median_z": None if self.median_z is None else round(self.median_z, 3),
            "log10_p_fisher": (
                None if self.log10_p_fisher is None else round(self.log10_p_fisher, 3)
            ),
            "reason": self.reason,
            "pairs": [pair.to_dict() for pair in self.pairs],
        }


@dataclass(frozen=True)
class RedFlag:
    """A config or tokenizer observation worth a reviewer's look; not a verdict."""

    kind: str
    severity: str  # high | medium | low | info
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "severity": self.severity, "detail": self.detail}


@dataclass(frozen=True)
class VocabOverlap:
    """How much of the vocabulary and special tokens the two sides share."""

    suspect_tokens: int
    reference_tokens: int
    jaccard: float
    same_id_share: float  # among shared tokens, the share with the same id
    special_suspect: tuple[str, ...]
    special_shared_share: float  # share of the suspect's special tokens in the reference

    def to_dict(self) -> dict[str, Any]:
        return {
            "suspect_tokens": self.suspect_tokens,
            "reference_tokens": self.reference_tokens,
            "jaccard": round(self.jaccard, 6),
            "same_id_share": round(self.same_id_share, 6),
            "special_tokens_suspect": list(self.special_suspect),
            "special_shared_share": round(self.special_shared_share, 6),
        }


@dataclass(frozen=True)
class ContentMatch:
    """Exact (or cast-exact) reuse found by content, whatever the key names."""

    suspect: str
    reference: tuple[str, ...]  # several when the suspect fuses reference tensors
    relation: str  # identical, identical up to cast, rows permuted, fused, split, ...
    suspect_component: str  # what the suspect's key names say
    reference_component: str  # where the tensor lands: the reference's component

    @property
    def renamed(self) -> bool:
        return self.reference != (self.suspect,)

    def to_dict(self) -> dict[str, Any]:
        return {
            "suspect": self.suspect,
            "reference": list(self.reference),
            "relation": self.relation,
            "suspect_component": self.suspect_component,
            "reference_component": self.reference_component,
        }


@dataclass(frozen=True)
class WeightReport:
    """Result of :func:`lineage.weights.api.compare_checkpoints`; ``to_dict`` is JSON-ready."""

    suspect: str
    reference: str
    seed: int
    components: tuple[ComponentVerdict, ...]
    red_flags: tuple[RedFlag, ...]
    vocab: VocabOverlap | None
    bytes_read: int
    parameters: tuple[tuple[str, float], ...]
    content_matches: tuple[ContentMatch, ...] = ()

    @property
    def reused(self) -> tuple[ComponentVerdict, ...]:
        """Components called identical or derived: the ones that fail an originality rule."""
        reuse = (
            "identical", "identical up to permutation", "derived (fine-tuned)", "derived, permuted"
        )
        return tuple(c for c in self.components if c.verdict in reuse)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "kind": "weights",
            "suspect": self.suspect,
            "reference": self.reference,
            "seed": self.seed,
            "parameters": dict(self.parameters),
            "summary": {c.component: c.verdict for c in self.components},
            "components": [c.to_dict() for c in self.components],
            "red_flags": [flag.to_dict() for flag in self.red_flags],
            "vocabulary": None if self.vocab is None else self.vocab.to_dict(),
            "bytes_read": self.bytes_read,
            "content_matches": [m.to_dict() for m in self.content_matches],
        }
