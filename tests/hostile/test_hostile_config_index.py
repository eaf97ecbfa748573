"""Damaged indexes, bad manifests and bad settings through the CLI: exit 2 and one line on
stderr naming the file and the problem, never a traceback.  tests/engine checks the same
refusals at the API; here the commands users run must translate them."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from lineage.fingerprint.params import FingerprintParams
from lineage.index.build import build_index
from lineage.index.manifest import load_manifest
from lineage.index.store import MAGIC, read_index, write_index
from tests.hostile.conftest import REF, Run, assert_clean_failure, write_manifest

HEAD = len(MAGIC) + 8


def _header(data: bytes) -> tuple[dict, int]:
    (length,) = struct.unpack_from("<Q", data, len(MAGIC))
    return json.loads(data[HEAD : HEAD + length]), length


def _with_header(data: bytes, header: dict, old_length: int) -> bytes:
    """Re-encode the header, fixing up its length field (the arrays keep their offsets
    relative to the padded header end, so they may misalign: the header is checked first)."""
    head = json.dumps(header, sort_keys=True).encode()
    return MAGIC + struct.pack("<Q", len(head)) + head + data[HEAD + old_length :]


def truncate(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def flip_byte(data: bytes) -> bytes:
    header, length = _header(data)
    base = HEAD + length + (-(HEAD + length)) % 64
    spec = header["arrays"]["lsh_keys"]
    out = bytearray(data)
    out[base + spec["offset"] + spec["nbytes"] // 3] ^= 0x10
    return bytes(out)


def other_version(data: bytes) -> bytes:
    header, length = _header(data)
    header["format"] = 1000  # three digits more than "1": the length field must follow
    return _with_header(data, header, length)


def header_arrays_not_a_table(data: bytes) -> bytes:
    header, length = _header(data)
    header["arrays"] = ["s_hash"]
    return _with_header(data, header, length)


def header_nested_too_deep(data: bytes) -> bytes:
    head = b"[" * 200_000 + b"]" * 200_000
    return MAGIC + struct.pack("<Q", len(head)) + head


def header_not_json(data: bytes) -> bytes:
    _, length = _header(data)
    return data[:HEAD] + b"\xff" * length + data[HEAD + length :]


def empty(data: bytes) -> bytes:
    return b""


DAMAGE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "truncated": (truncate, "truncated"),
    "flipped byte": (flip_byte, "checksum mismatch in array 'lsh_keys'"),
    "another version": (other_version, "index format 1000 is not the supported format 2; rebuild it"),
    "arrays not a table": (header_arrays_not_a_table, "malformed"),
    "header nested too deep": (header_nested_too_deep, "header"),
    "header not JSON": (header_not_json, "header is not valid JSON"),
    "empty": (empty, "not a lineage index"),
}


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("command", ["scan", "corpus list"])
def test_a_damaged_index_exits_2_with_one_line(
    how: str, command: str, index_copy: Path, target: Path, invoke: Callable[..., Run]
) -> None:
    damage, words = DAMAGE[how]
    index_copy.write_bytes(damage(index_copy.read_bytes()))
    args = ["scan", str(target), "--format", "json"] if command == "scan" else ["corpus", "list"]
    run = invoke(*args, "--index", str(index_copy))
    assert_clean_failure(run, str(index_copy), words)
    assert run.stdout == ""


def test_the_length_fix_up_really_gives_a_readable_header(index_copy: Path) -> None:
    """Guard for the 'another version' case: only the version differs, not the framing."""
    data = other_version(index_copy.read_bytes())
    header, _ = _header(data)
    assert header["format"] == 1000 and "params" in header


def test_an_index_with_other_parameters_exits_2(
    tmp_path: Path, manifest_path: Path, target: Path, invoke: Callable[..., Run]
) -> None:
    other = tmp_path / "other.lineage"
    build_index([load_manifest(manifest_path)], other, params=FingerprintParams(k=9, seed=7), workers=1)
    read_index(other)  # intact: only its parameters differ
    for args in (["scan", str(target)], ["corpus", "list"]):
        run = invoke(*args, "--index", str(other))
        assert_clean_failure(run, "other fingerprint parameters", "k: 12 != 9", "seed: 1 != 7")


MANIFESTS = {
    "malformed TOML": ('[source\nname = "x"\n', "not valid TOML"),
    "unknown org": (None, "unknown organisation 'Nobody Inc'"),
    "wrong type": ('[source]\nname = "x"\nkind = 3\npath = "."\n', "`kind` must be a string"),
    "binary": ("\udcff\udcfe\x00\x01", "not valid TOML"),
}


@pytest.mark.parametrize("case", MANIFESTS)
def test_a_bad_manifest_exits_2_and_writes_nothing(
    case: str, tmp_path: Path, invoke: Callable[..., Run]
) -> None:
    body, words = MANIFESTS[case]
    manifest = tmp_path / "bad.toml"
    if body is None:
        write_manifest(manifest, REF.parent.parent)
        manifest.write_text(manifest.read_text().replace('"Meta"', '"Nobody Inc"'))
    else:
        manifest.write_bytes(body.encode("utf-8", "surrogateescape"))
    out = tmp_path / "out.lineage"
    run = invoke("corpus", "build", str(manifest), "--out", str(out), "-q")
    assert_clean_failure(run, str(manifest), words)
    assert not out.exists()


SETTINGS = {
    "fail_on = 3": ("pyproject.toml", "[tool.lineage]\nfail_on = 3\n", "invalid value 3 for `fail_on`"),
    "unknown key": ("pyproject.toml", "[tool.lineage]\nfail-fast = true\n", "unknown setting `fail-fast`"),
    "not a table": ("pyproject.toml", "[tool]\nlineage = 5\n", "[tool.lineage] must be a table"),
    "malformed toml": ("lineage.toml", "fail_on = \n", "cannot read settings"),
    "a pyproject table in lineage.toml": ("lineage.toml", "[tool.lineage]\nfail_on = 'low'\n",
                                          "only a file named pyproject.toml is read at [tool.lineage]"),
    "negative cap": ("lineage.toml", "max_file_bytes = -1\n", "`max_file_bytes`"),
    "threshold > 1": ("lineage.toml", "min_similarity = 7\n", "`min_similarity`"),
}


@pytest.mark.parametrize("case", SETTINGS)
def test_bad_settings_file_exits_2(case: str, target: Path, built_index: Path, invoke: Callable[..., Run],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(target)  # the user's own settings: read from the working directory
    name, body, words = SETTINGS[case]
    (target / name).write_text(body, encoding="utf-8")
    run = invoke("scan", str(target), "--index", str(built_index))
    assert_clean_failure(run, name, words)


@pytest.mark.parametrize(
    "var, value, words",
    [("LINEAGE_WORKERS", "abc", "invalid value 'abc' for `workers`"),
     ("LINEAGE_MAX_FILE_BYTES", "1e99", "`max_file_bytes`"),
     ("LINEAGE_FAIL_ON", "sometimes", "`fail_on` must be one of"),
     ("LINEAGE_MIN_CONTAINMENT", "nan", "`min_containment`")],
)
def test_bad_environment_exits_2(
    var: str, value: str, words: str, target: Path, built_index: Path, invoke: Callable[..., Run]
) -> None:
    run = invoke("scan", str(target), "--index", str(built_index), env={var: value})
    assert_clean_failure(run, "environment", words)


def test_bad_environment_also_stops_corpus_commands(built_index: Path, invoke: Callable[..., Run]) -> None:
    run = invoke("corpus", "list", "--index", str(built_index), env={"LINEAGE_WORKERS": "abc"})
    assert_clean_failure(run, "invalid value 'abc' for `workers`")


def test_the_scanned_repository_does_not_configure_its_own_scan(
    target: Path, built_index: Path, invoke: Callable[..., Run]
) -> None:
    (target / "pyproject.toml").write_text("[tool.lineage]\nmax_file_bytes = 100\n", encoding="utf-8")
    run = invoke("scan", str(target), "--index", str(built_index), "--format", "json", "--fail-on", "low")
    assert run.code == 1, "the copy must still be found"


def _meta(value: object) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


CRAFTED: dict[str, Callable[[dict, dict], None]] = {
    "meta is a list": lambda h, a: a.__setitem__("meta", _meta([])),
    "meta without families": lambda h, a: a.__setitem__(
        "meta", _meta({"units": json.loads(a["meta"].tobytes())["units"]})),
    "unit file ids out of range": lambda h, a: a.__setitem__("u_file", a["u_file"] + 1000),
    "fewer LSH bands than params": lambda h, a: a.__setitem__("lsh_keys", a["lsh_keys"][:3].copy()),
    "sources is a string": lambda h, a: h.__setitem__("sources", "x"),
}


@pytest.mark.parametrize("how", CRAFTED)
def test_a_crafted_index_with_valid_checksums_exits_2(
    how: str, index_copy: Path, target: Path, invoke: Callable[..., Run]
) -> None:
    header, arrays = read_index(index_copy)
    header, arrays = {k: v for k, v in header.items() if k not in ("format", "id", "arrays")}, dict(arrays)
    CRAFTED[how](header, arrays)
    write_index(index_copy, header, arrays)
    assert_clean_failure(invoke("scan", str(target), "--index", str(index_copy)), str(index_copy))
