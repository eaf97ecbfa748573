"""lineage.index: build from a dir manifest, store round-trip, refusal of damaged or foreign
indexes, atomic writes, and the `corpus list|show` commands."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lineage import api
from lineage.cli.main import cli
from lineage.errors import IndexError_, ManifestError
from lineage.fingerprint.params import FingerprintParams
from lineage.index.build import build_index
from lineage.index.manifest import load_manifest
from lineage.index.store import MAGIC, read_index, write_index


def layout(path: Path) -> tuple[dict, int, int]:
    """(header, header start, array base) of an index file, read independently of the store."""
    data = path.read_bytes()
    (head_len,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    header = json.loads(data[start : start + head_len])
    end = start + head_len
    return header, start, end + (-end) % 64


# --- build and round-trip -----------------------------------------------------------------


def test_index_describes_the_fixture_corpus(index, cases, oracle):
    info = index.info()
    assert (info.families, info.files) == (2, 2)
    assert [(s.name, s.kind) for s in info.sources] == [("fix", "dir")]
    assert info.params == FingerprintParams().to_dict()
    refs = [index.ref_unit(u) for u in range(index.n_units)]
    alpha = {r.unit: r for r in refs if r.path == "alpha/model.py"}
    spans, _ = oracle.spans(cases.model)
    assert set(alpha) - {"<module>"} <= set(spans)
    assert {"GroupedAttention.forward", "load_weights", "load_weights.assign"} <= set(alpha)
    for name, ref in alpha.items():
        if name != "<module>":
            assert (ref.start_line, ref.end_line) == spans[name], name
    ref = alpha["load_weights"]
    assert (ref.family, ref.org, ref.country, ref.licence, ref.source) == (
        "fix:alpha", "Meta", "US", "Apache-2.0", "dir:fix")
    assert (ref.first_seen, ref.weights_licence) == ("2023-02-24", "alpha-community")
    beta = [r for r in refs if r.path == "beta/exprparse.py"]
    assert beta and all((r.family, r.org, r.country, r.licence) == ("fix:beta", "DeepSeek", "CN", "MIT")
                        for r in beta)
    assert not any(r.path.startswith("scan/") for r in refs), "files no family includes are not indexed"


def test_store_round_trip(tmp_path):
    arrays = {
        "ints": np.arange(10, dtype=np.uint32),
        "grid": np.arange(12, dtype=np.uint64).reshape(3, 4) * np.uint64(2**40),
        "odd": np.frombuffer(b"abcde", dtype=np.uint8),  # length not a multiple of the alignment
        "none": np.empty((0, 128), dtype=np.uint32),
        "floats": np.asarray([0.5, -1.25], dtype="<f8"),
    }
    header = {"params": FingerprintParams(k=3).to_dict(), "sources": [{"name": "x"}], "note": "caf\u00e9"}
    ident = write_index(tmp_path / "t.lineage", header, arrays)
    got_header, got = read_index(tmp_path / "t.lineage")
    assert got_header["id"] == ident and got_header["format"] == 2
    assert {k: got_header[k] for k in header} == header
    assert set(got) == set(arrays)
    for name, arr in arrays.items():
        assert got[name].dtype == arr.dtype and got[name].shape == arr.shape
        assert np.array_equal(got[name], arr), name
    assert write_index(tmp_path / "u.lineage", header, arrays) == ident, "the id is a content digest"


def test_rebuilding_gives_the_same_index_id(built_index, manifest_path, tmp_path):
    again = tmp_path / "again.lineage"
    report = build_index([load_manifest(manifest_path)], again, workers=1)
    assert report.index_id == layout(built_index)[0]["id"]
    assert again.read_bytes() == built_index.read_bytes()


# --- damaged and foreign indexes ----------------------------------------------------------


def refused(path: Path) -> str:
    with pytest.raises(IndexError_) as info:
        api.open_index(path)
    assert info.value.source == str(path)
    return str(info.value)


def test_truncated_arrays_are_refused(index_copy):
    data = index_copy.read_bytes()
    index_copy.write_bytes(data[: len(data) - 100])
    assert "truncated" in refused(index_copy)


def test_truncated_header_is_refused(index_copy):
    _, start, _ = layout(index_copy)
    index_copy.write_bytes(index_copy.read_bytes()[: start + 50])
    assert "truncated" in refused(index_copy)


def test_empty_file_is_refused(index_copy):
    index_copy.write_bytes(b"")
    assert "not a lineage index" in refused(index_copy)


def test_a_flipped_byte_in_an_array_fails_its_checksum(index_copy):
    header, _, base = layout(index_copy)
    spec = header["arrays"]["s_hash"]
    data = bytearray(index_copy.read_bytes())
    data[base + spec["offset"] + spec["nbytes"] // 2] ^= 0x01
    index_copy.write_bytes(bytes(data))
    message = refused(index_copy)
    assert "checksum" in message and "'s_hash'" in message


def test_bad_magic_is_refused(index_copy):
    data = bytearray(index_copy.read_bytes())
    data[0:7] = b"NOTLINE"
    index_copy.write_bytes(bytes(data))
    assert "not a lineage index" in refused(index_copy)


def test_another_format_version_is_refused(index_copy):
    data = index_copy.read_bytes()
    assert data.count(b'"format": 2,') == 1
    index_copy.write_bytes(data.replace(b'"format": 2,', b'"format": 7,'))
    message = refused(index_copy)
    assert "format 7" in message and "rebuild" in message


def test_corrupt_header_json_is_refused(index_copy):
    _, start, _ = layout(index_copy)
    data = bytearray(index_copy.read_bytes())
    data[start] = ord("[")  # still the right length, no longer an object
    data[start + 1] = ord("}")
    index_copy.write_bytes(bytes(data))
    assert "header" in refused(index_copy)


def test_missing_index_is_refused_with_a_hint(tmp_path):
    message = refused(tmp_path / "nowhere.lineage")
    assert "corpus build" in message


def test_index_with_other_fingerprint_params_is_refused(manifest_path, tmp_path):
    other = tmp_path / "other.lineage"
    build_index([load_manifest(manifest_path)], other, params=FingerprintParams(k=10, num_perm=64, bands=16),
                workers=1)
    message = refused(other)
    assert "k: 12 != 10" in message and "num_perm: 128 != 64" in message and "bands: 32 != 16" in message
    assert "seed" not in message, "only the differing parameters are named"


def test_failed_write_leaves_the_old_index(index_copy, manifest_path, monkeypatch):
    before = index_copy.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        build_index([load_manifest(manifest_path)], index_copy, params=FingerprintParams(k=10), workers=1)
    monkeypatch.undo()
    assert index_copy.read_bytes() == before
    leftovers = sorted(p.name for p in index_copy.parent.iterdir())
    assert leftovers == ["copy.lineage", "copy.lineage.lock"], "no temporary file left behind"
    api.open_index(index_copy)


# --- manifests ----------------------------------------------------------------------------


@pytest.mark.parametrize("body,needle", [
    ('[source]\nname = "x"\nkind = "svn"\npath = "/tmp"\n[[family]]\nname = "a"\ninclude = ["*.py"]\norg = "Meta"\n',
     "source kind"),
    ('[source]\nname = "x"\nkind = "dir"\npath = "/tmp"\n[[family]]\nname = "a"\ninclude = ["*.py"]\norg = "Nobody Inc"\n',
     "unknown organisation"),
    ('[source]\nname = "x"\nkind = "dir"\npath = "/tmp"\n', "at least one [[family]]"),
    ('[source]\nname = "x"\nkind = "dir"\n[[family]]\nname = "a"\ninclude = ["*.py"]\norg = "Meta"\n', "needs path"),
    ('[source\nname = "x"\n', "not valid TOML"),
])
def test_bad_manifests_are_refused(tmp_path, body, needle):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert needle in str(info.value)


# --- corpus list / show -------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_corpus_list(built_index):
    result = run("corpus", "list", "--index", str(built_index))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    header, _, _ = layout(built_index)
    assert out.startswith(f"index {header['id']} ")
    assert "2 families, 2 files" in out
    assert "fix (dir)" in out and "licence Apache-2.0" in out
    assert "by country: CN 1, US 1" in out
    alpha = next(line for line in out.splitlines() if line.strip().startswith("alpha "))
    assert "Meta" in alpha and " US " in alpha and "1 files" in alpha and "2023-02-24" in alpha
    assert "weights: alpha-community" in alpha
    beta = next(line for line in out.splitlines() if line.strip().startswith("beta "))
    assert "DeepSeek" in beta and " CN " in beta and "MIT" in beta
    assert result.stderr == ""


@pytest.mark.parametrize("name", ["alpha", "fix:alpha"])
def test_corpus_show(built_index, cases, name):
    result = run("corpus", "show", name, "--index", str(built_index))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("fix:alpha  Meta (US)  source dir:fix")
    assert "weights licence alpha-community" in lines[1] and "first seen 2023-02-24" in lines[1]
    files = [line.strip() for line in lines[2:]]
    assert len(files) == 1 and files[0].startswith("alpha/model.py  (")
    assert "exprparse" not in result.stdout


def test_corpus_show_unknown_family_is_a_usage_error(built_index):
    result = run("corpus", "show", "gamma", "--index", str(built_index))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no family 'gamma'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["corpus", "list"], ["corpus", "show", "alpha"]])
def test_corpus_commands_without_an_index_exit_2(tmp_path, command):
    result = run(*command, "--index", str(tmp_path / "missing.lineage"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("lineage: error: ") and result.stderr.count("\n") == 1
    assert "corpus build" in result.stderr


def test_corpus_build_via_cli(manifest_path, tmp_path, built_index):
    out = tmp_path / "cli.lineage"
    result = run("corpus", "build", str(manifest_path), "--out", str(out), "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "2 families, 2 files" in result.stderr
    def hashes(path):
        return {k: v["sha256"] for k, v in layout(path)[0]["arrays"].items()}

    assert hashes(out) == hashes(built_index), "the same arrays as a library build"


def test_corpus_build_with_a_bad_manifest_exits_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[source]\nname = "x"\nkind = "dir"\npath = "/tmp"\n', encoding="utf-8")
    result = run("corpus", "build", str(bad), "--out", str(tmp_path / "x.lineage"), "--quiet")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "at least one [[family]]" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.lineage").exists()
