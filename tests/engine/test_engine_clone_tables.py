"""The clone tables a build stores (index/clones.py `tables`): they are what the streams say, a
restricted index carries them cut down, and an index without them (an earlier lineage's)
reads and scans alike, though the default index is rebuilt to have them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from lineage import api
from lineage.config import Config
from lineage.index.clones import TABLES, clone_classes, twins
from lineage.index.embedded import EmbeddedIndex
from lineage.index.restrict import restrict
from lineage.index.store import read_index, write_index
from lineage.models import SourceFile
from tests.lines_fixture import build_lines_index, code

KEPT = ("base", "gate", "upstage")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lines_index(tmp_path_factory.mktemp("tables"))


def _groups(values: np.ndarray) -> list[frozenset[int]]:
    """The partition of units a table makes (units with the same value together)."""
    out: dict[int, set[int]] = defaultdict(set)
    for u, v in enumerate(values.tolist()):
        out[v].add(u)
    return sorted((frozenset(g) for g in out.values()), key=min)


def _from_streams(index: EmbeddedIndex) -> dict[str, np.ndarray]:
    a = index.arrays
    s, lex = clone_classes(a["s_off"], a["s_hash"]), clone_classes(a["l_off"], a["l_hash"])
    return {"s_class": s[0], "s_twin": twins(a["s_off"], a["s_hash"], s),
            "l_twin": twins(a["l_off"], a["l_hash"], lex)}


def test_a_build_stores_the_clone_tables_its_streams_make(built: Path) -> None:
    index = api.open_index(built)
    assert index.has_clone_tables
    expected = _from_streams(index)
    assert np.array_equal(index.arrays["s_twin"], expected["s_twin"])
    assert np.array_equal(index.arrays["l_twin"], expected["l_twin"])
    assert _groups(index.arrays["s_class"]) == _groups(expected["s_class"])
    assert (index.twins != np.arange(index.n_units)).any(), "the fixture has modular copies: some unit has a twin"


def test_a_restricted_index_carries_tables_that_group_its_units_as_its_streams_do(built: Path) -> None:
    full = api.open_index(built)
    kept = restrict(full, lambda f: f["name"] in KEPT, "test")
    assert kept.has_clone_tables and kept.n_units < full.n_units
    expected = _from_streams(kept)
    for name in TABLES:
        assert _groups(kept.arrays[name]) == _groups(expected[name]), name
    for u, twin in enumerate(kept.twins.tolist()):
        assert twin <= u and np.array_equal(kept.stream("s", u)[0], kept.stream("s", twin)[0])


def _without_tables(src: Path, dest: Path) -> Path:
    header, arrays = read_index(src)
    header = {k: v for k, v in header.items() if k not in ("format", "id", "arrays")}
    write_index(dest, header, {k: v for k, v in arrays.items() if k not in TABLES})
    return dest


def test_an_index_without_tables_reads_and_scans_alike(built: Path, tmp_path: Path) -> None:
    old = api.open_index(_without_tables(built, tmp_path / "old.lineage"))
    new = api.open_index(built)
    assert not old.has_clone_tables
    assert np.array_equal(old.twins, new.twins) and np.array_equal(old.lexical_twins, new.lexical_twins)
    files = [SourceFile("m.py", code(("base", "router"), "Xray").encode())]
    a, _ = api.scan_files(files, old, Config(workers=1), target="t")
    b, _ = api.scan_files(files, new, Config(workers=1), target="t")
    assert a.findings and a.findings == b.findings


def test_a_default_index_without_tables_is_rebuilt(built: Path, tmp_path: Path) -> None:
    """`lineage corpus ensure` rebuilds an index of the current default manifests that lacks the
    tables (an earlier lineage's), and leaves one that has them."""
    header, arrays = read_index(built)
    header = {k: v for k, v in header.items() if k not in ("format", "id", "arrays")}
    header["manifests_digest"] = api.manifests_digest(api.default_manifests())
    current, old = tmp_path / "current.lineage", tmp_path / "old.lineage"
    write_index(current, header, dict(arrays))
    write_index(old, header, {k: v for k, v in arrays.items() if k not in TABLES})
    assert api.index_staleness(current) is None
    reason = api.index_staleness(old)
    assert reason is not None and "clone tables" in reason
