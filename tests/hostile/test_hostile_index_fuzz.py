"""Fuzzing the index file reader: mutated headers, arrays and metadata, written with valid
checksums and id (so they reach the structural checks), and raw byte mutations.  Loading
either refuses with IndexError_ or gives an index every lookup works on."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage.errors import IndexError_
from lineage.index.embedded import EmbeddedIndex, load_embedded
from lineage.index.lsh import unit_signatures
from lineage.index.store import MAGIC, read_index, write_index
from tests.hostile.mutate import mutate
from tests.hostile.mutate_index import check_loaded, mutate_arrays, mutate_json, mutate_meta

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.function_scoped_fixture])
HEAD = len(MAGIC) + 8


@pytest.fixture(scope="module")
def original(built_index: Path) -> tuple[dict, dict[str, np.ndarray], np.ndarray]:
    header, arrays = read_index(built_index)
    index = load_embedded(built_index)
    probe = unit_signatures(index.arrays, index.params)[:3]  # signatures that collide with the index's own
    return header, {k: np.array(v) for k, v in arrays.items()}, probe


def _load(path: Path, probe: np.ndarray) -> None:
    try:
        index = load_embedded(path)
    except IndexError_:
        return
    check_loaded(index, probe)


def _content(header: dict) -> dict:
    return {k: v for k, v in header.items() if k not in ("format", "id", "arrays")}


@FUZZ
@given(st.integers(0, 2**32 - 1), st.sampled_from(["header", "arrays", "meta"]))
def test_mutated_content_with_valid_checksums(original, tmp_path_factory, rng_seed: int, part: str) -> None:
    header, arrays, probe = original
    rng = random.Random(rng_seed)
    path = tmp_path_factory.mktemp("fuzz") / "m.lineage"
    if part == "header":
        head = mutate_json(_content(header), rng, rng.randrange(1, 3))
        if not isinstance(head, dict):
            head = {"params": head}
        try:
            write_index(path, head, arrays)
        except (TypeError, ValueError, OverflowError):
            return  # not even JSON-serialisable: nothing to read back
    else:
        write_index(path, _content(header), mutate_arrays(arrays, rng) if part == "arrays" else mutate_meta(arrays, rng))
    _load(path, probe)


@FUZZ
@given(st.integers(0, 2**32 - 1))
def test_mutated_framing_and_table(original, built_index: Path, tmp_path_factory, rng_seed: int) -> None:
    """The raw header (array table, offsets, format) edited in place, and raw byte mutations."""
    import json

    _, _, probe = original
    rng = random.Random(rng_seed)
    data = built_index.read_bytes()
    (length,) = struct.unpack_from("<Q", data, len(MAGIC))
    path = tmp_path_factory.mktemp("fuzz") / "f.lineage"
    if rng.random() < 0.5:
        head = mutate_json(json.loads(data[HEAD:HEAD + length]), rng, rng.randrange(1, 4))
        raw = json.dumps(head).encode()
        path.write_bytes(MAGIC + struct.pack("<Q", len(raw)) + raw + data[HEAD + length:])
    else:
        path.write_bytes(mutate(data[: HEAD + length + 4096], rng, rng.randrange(1, 8)) + data[HEAD + length + 4096:])
    _load(path, probe)


def test_the_unmutated_index_passes_the_same_checks(original, built_index: Path) -> None:
    """Guard: the invariant holds for the real index, and the probe does reach candidates."""
    _, _, probe = original
    index = load_embedded(built_index)
    assert isinstance(index, EmbeddedIndex) and index.candidates(probe)[0].size > 0
    check_loaded(index, probe)
