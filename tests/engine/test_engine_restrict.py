"""Restricting a loaded index (time travel, leave-out) equals building it from the kept
families; clone classes and per-unit evidence name every family holding the same code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.index.query import query_files
from lineage.index.restrict import as_of, restrict
from lineage.models import SourceFile
from tests.lines_fixture import FAMILIES, build_lines_index, code

KEPT = ("base", "gate", "upstage")


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("full")))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("kept"), KEPT))


def _scores(index: EmbeddedIndex, text: str) -> dict[tuple[str, str], list[tuple[str, str, float, float]]]:
    compacted = api.fingerprint_files([SourceFile("m.py", text.encode())], Config(workers=1))
    res = query_files(index, compacted)
    out = {}
    for (fi, ui), matches in res.matches.items():
        unit = compacted[fi].units[ui].qualname
        out[("m.py", unit)] = sorted((m.ref.family, m.ref.unit, m.similarity, m.rarity) for m in matches)
    return out


def test_restricted_index_is_the_index_of_the_kept_families(full: EmbeddedIndex, built: EmbeddedIndex) -> None:
    kept = restrict(full, lambda f: f["name"] in KEPT, "test")
    assert [f["name"] for f in kept.meta["families"]] == list(KEPT)
    assert [r["path"] for r in kept.meta["files"]] == [r["path"] for r in built.meta["files"]]
    assert kept.meta["units"] == built.meta["units"]
    for name in ("u_file", "u_start", "s_off", "s_hash", "l_hash", "df_hash", "df_count", "file_nk"):
        assert np.array_equal(kept.arrays[name], built.arrays[name]), name
    assert kept.n_lines == built.n_lines == 3
    text = code(("base", "router"), "Xray")
    assert _scores(kept, text) == _scores(built, text)  # same candidates, similarities and rarity
    assert kept.header["restriction"] == "test" and kept.header["restricted_from"] == full.header["id"]


def test_as_of_keeps_families_first_seen_by_that_date(full: EmbeddedIndex) -> None:
    dates = {n: FAMILIES[n][3] for n in FAMILIES}
    for day in ("2022-12-31", "2024-01-01", "2024-12-31", "2030-01-01"):
        names = {f["name"] for f in as_of(full, day).meta["families"]}
        assert names == {n for n, d in dates.items() if d <= day}
    assert as_of(full, "2030-01-01") is full  # nothing to leave out: the same index


def test_clone_classes_hold_every_identical_unit(full: EmbeddedIndex) -> None:
    units = full.meta["units"]
    norm = units.index("BaseNorm.forward")
    clones = full.with_clones(np.asarray([norm]))
    assert sorted(units[u] for u in clones.tolist()) == sorted(
        f"{FAMILIES[n][1]}Norm.forward" for n in FAMILIES)
    single = units.index("RouterRouter.forward")
    assert set(full.with_clones(np.asarray([single])).tolist()) >= {single}


def test_evidence_lists_every_family_even_past_the_candidate_cap(full: EmbeddedIndex) -> None:
    """Only one candidate is looked at per unit here; clone classes still bring in every holder."""
    from lineage.index.query import QueryOptions

    compacted = api.fingerprint_files([SourceFile("m.py", code(("base",), "Yak").encode())], Config(workers=1))
    res = query_files(full, compacted, QueryOptions(max_candidates=1))
    unit = next(i for i, u in enumerate(compacted[0].units) if u.qualname == "YakNorm.forward")
    ev = res.evidence[(0, unit)]
    tied = {full.meta["families"][int(f)]["name"] for f in ev.family[ev.tied()].tolist()}
    assert tied == set(FAMILIES) and ev.lines_holding(full, ev.best) == len(FAMILIES)


def test_restriction_to_nothing_matches_nothing(full: EmbeddedIndex, tmp_path: Path) -> None:
    empty = restrict(full, lambda f: False, "none")
    assert empty.n_units == 0 and not _scores(empty, code(("base",), "Yak"))


def test_leaving_out_every_file_of_a_family_leaves_out_the_family(full: EmbeddedIndex) -> None:
    """File by file (`keep_file`: a release's own code carried by other sources) equals family by
    family when every file of the family goes; keeping every file keeps the index as it is."""
    by_file = restrict(full, lambda f: True, "t", keep_file=lambda f, row: f["name"] != "router")
    by_family = restrict(full, lambda f: f["name"] != "router", "t")
    assert [f["name"] for f in by_file.meta["families"]] == [f["name"] for f in by_family.meta["families"]]
    assert by_file.meta["files"] == by_family.meta["files"] and by_file.meta["units"] == by_family.meta["units"]
    for name in ("u_file", "s_hash", "df_hash", "df_count", "lsh_ids"):
        assert np.array_equal(by_file.arrays[name], by_family.arrays[name]), name
    assert restrict(full, lambda f: True, "t", keep_file=lambda f, row: True) is full


def test_a_file_with_its_own_date_is_matched_against_the_index_as_of_that_date(full: EmbeddedIndex) -> None:
    """Two copies of the router line's code scanned at once, one of them dated 2023-06-01 (a
    release's file its project shipped back then): that one cannot come from the router line, first
    seen in 2024, and is read against the base line; the other, undated, is the router line's."""
    text = code(("base", "router"), "Xray")
    files = [SourceFile("old/model.py", text.encode()), SourceFile("new/model.py", text.encode())]
    result, _ = api.scan_files(files, full, Config(workers=1), file_dates={"old/model.py": "2023-06-01"})
    old, new = (result.summary.files[p].source.source for p in ("old/model.py", "new/model.py"))
    assert old is not None and new is not None
    assert old.family == "ln:base" and new.family == "ln:router"
    named = {f.matches[0].ref.family for f in result.findings if f.path == "old/model.py" and f.matches}
    assert named <= {"ln:base"}, named


def test_twins_hold_the_same_stream_and_score_alike(full: EmbeddedIndex) -> None:
    """A unit's candidates are scored once per twin (a unit whose stream is its own hash for hash):
    the scores are those of each pair rescored on its own."""
    from lineage.index.query import QueryOptions, rarity_weights, rescore, score_unit

    for name, twins in (("s", full.twins), ("l", full.lexical_twins)):
        assert twins.size == full.n_units
        for u, twin in enumerate(twins.tolist()):
            assert twin <= u and np.array_equal(full.stream(name, u)[0], full.stream(name, twin)[0])
    assert (full.twins != np.arange(full.n_units)).any() and (full.lexical_twins != np.arange(full.n_units)).any()
    compacted = api.fingerprint_files([SourceFile("m.py", code(("base", "router"), "Xray").encode())],
                                      Config(workers=1))
    opts = QueryOptions(min_similarity=0.0, min_containment=0.0, min_shared=0)
    every = np.arange(full.n_units)
    for unit in compacted[0].units:
        weights = rarity_weights(full, unit, opts)
        one = [s for u in every.tolist() if (s := rescore(full, unit, u, opts, weights)) is not None]
        many, _, _, _ = score_unit(full, unit, every, opts, weights)
        assert [(s.u, s.similarity, s.containment, s.ref_containment, s.lexical, s.rarity, s.shared,
                 s.qi.tolist(), s.ri.tolist()) for s in many] == \
               [(s.u, s.similarity, s.containment, s.ref_containment, s.lexical, s.rarity, s.shared,
                 s.qi.tolist(), s.ri.tolist()) for s in one], unit.qualname
