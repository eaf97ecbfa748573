"""Crafted indexes with valid checksums, edited provenance, old formats and non-files as
``--index``: every one exits 2 with one line naming the index, never 3, never a hang."""

from __future__ import annotations

import json
import os
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lineage.index.header import index_digest
from lineage.index.store import MAGIC, read_index, write_index
from tests.hostile.conftest import LINEAGE, REF, Run, assert_clean_failure, subprocess_env

HEAD = len(MAGIC) + 8


def _meta_edit(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any], dict[str, np.ndarray]], None]:
    def apply(h: dict[str, Any], a: dict[str, np.ndarray]) -> None:
        meta = json.loads(a["meta"].tobytes())
        edit(meta)
        a["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    return apply


CRAFTED: dict[str, tuple[Callable[[dict[str, Any], dict[str, np.ndarray]], None], str]] = {
    "lineage an int": (_meta_edit(lambda m: m["families"][0].__setitem__("lineage", 5)), "declared lineage"),
    "params a string": (lambda h, a: h.__setitem__("params", "k=12"), "fingerprint parameters"),
    "params of the wrong type": (lambda h, a: h["params"].__setitem__("bands", "32"), "fingerprint parameters"),
    "negative LSH ids": (lambda h, a: a.__setitem__("lsh_ids", -a["lsh_ids"].astype(np.int32) - 1), "out of range"),
    "negative file ids": (lambda h, a: a.__setitem__("u_file", a["u_file"].astype(np.int32) - 5), "out of range"),
    "non-integer ids": (lambda h, a: a.__setitem__("u_file", a["u_file"].astype(np.float64) + 0.5), "integer"),
    "non-string unit names": (_meta_edit(lambda m: m["units"].__setitem__(0, 7)), "unit names"),
    "negative role": (lambda h, a: a.__setitem__("u_role", a["u_role"].astype(np.int8) - 1), "roles"),
    "2-D hash array": (lambda h, a: a.__setitem__("s_hash", np.stack([a["s_hash"], a["s_hash"]])), "2-D"),
    "nested metadata": (lambda h, a: a.__setitem__("meta", np.frombuffer(b"[" * 100_000 + b"]" * 100_000,
                                                                          dtype=np.uint8)), "nests deeper"),
    "sources of numbers": (lambda h, a: h.__setitem__("sources", [{"name": 3}]), "sources"),
    "file header not text": (_meta_edit(lambda m: m["files"][0].__setitem__("header", ["x"])), "header"),
    "family notice file of numbers": (_meta_edit(lambda m: m["families"][0].__setitem__(
        "notice_file", {"path": 3, "header": "x"})), "notice file"),
    "family notice file a string": (_meta_edit(lambda m: m["families"][0].__setitem__("notice_file", "x.py")),
                                    "notice file"),
    "a twin after its unit": (lambda h, a: a.__setitem__("s_twin", np.full_like(a["s_twin"], a["s_twin"].size - 1)),
                              "not a twin"),
    "a lexical twin out of range": (lambda h, a: a.__setitem__("l_twin", a["l_twin"] + a["l_twin"].size), "not a twin"),
    "a clone class out of range": (lambda h, a: a.__setitem__("s_class", a["s_class"] + a["s_class"].size),
                                   "clone classes"),
    "clone tables incomplete": (lambda h, a: a.pop("s_twin"), "incomplete"),
}


@pytest.mark.parametrize("how", CRAFTED)
def test_a_crafted_index_with_valid_checksums_and_id_exits_2(
    how: str, index_copy: Path, target: Path, invoke: Callable[..., Run]
) -> None:
    header, arrays = read_index(index_copy)
    header, arrays = {k: v for k, v in header.items() if k not in ("format", "id", "arrays")}, dict(arrays)
    edit, words = CRAFTED[how]
    edit(header, arrays)
    write_index(index_copy, header, arrays)  # checksums and id made valid for the crafted content
    for args in (["scan", str(target), "--format", "json"], ["corpus", "list"]):
        run = invoke(*args, "--index", str(index_copy))
        assert_clean_failure(run, str(index_copy), words)
        assert run.stdout == ""


def _raw_header(path: Path) -> tuple[dict[str, Any], int, bytes]:
    data = path.read_bytes()
    (length,) = struct.unpack_from("<Q", data, len(MAGIC))
    return json.loads(data[HEAD:HEAD + length]), length, data


def test_a_header_that_is_an_int_exits_2(index_copy: Path, target: Path, invoke: Callable[..., Run]) -> None:
    index_copy.write_bytes(MAGIC + struct.pack("<Q", 1) + b"5")
    assert_clean_failure(invoke("scan", str(target), "--index", str(index_copy)), "not a table")


@pytest.mark.parametrize("dtype", [{}, [], None, 7])
def test_an_array_entry_whose_dtype_is_not_a_name_exits_2(dtype: Any, index_copy: Path, target: Path,
                                                          invoke: Callable[..., Run]) -> None:
    """A dtype of the wrong type (a table, a list: unhashable) is a malformed entry, not a crash."""
    header, length, data = _raw_header(index_copy)
    name = sorted(header["arrays"])[0]
    header["arrays"][name]["dtype"] = dtype
    header["id"] = index_digest(header, header["arrays"])  # a crafted file with a valid id
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    padded = head + b" " * (length - len(head))
    assert len(padded) == length
    index_copy.write_bytes(data[:HEAD] + padded + data[HEAD + length:])
    run = invoke("scan", str(target), "--index", str(index_copy))
    assert run.code == 2 and "Traceback" not in run.stderr, run.stderr


@pytest.mark.parametrize("edit", ["licence", "version", "drop"])
def test_edited_provenance_is_detected(edit: str, index_copy: Path, target: Path,
                                       invoke: Callable[..., Run]) -> None:
    """The sources a report shows as provenance are covered by the id like the arrays are."""
    header, length, data = _raw_header(index_copy)
    if edit == "drop":
        header["sources"] = []
    else:
        header["sources"][0][edit] = "MIT"
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()  # compact: room to spare
    padded = head + b" " * (length - len(head))  # same length: the arrays keep their offsets
    assert len(padded) == length
    index_copy.write_bytes(data[:HEAD] + padded + data[HEAD + length:])
    assert_clean_failure(invoke("scan", str(target), "--index", str(index_copy)), "does not match its id")


def test_an_index_of_the_previous_format_asks_for_a_rebuild(index_copy: Path, target: Path,
                                                            invoke: Callable[..., Run]) -> None:
    header, length, data = _raw_header(index_copy)
    header["format"] = 1
    head = json.dumps(header, sort_keys=True).encode()
    index_copy.write_bytes(data[:HEAD] + head + b" " * (length - len(head)) + data[HEAD + length:])
    assert_clean_failure(invoke("scan", str(target), "--index", str(index_copy)),
                         "older than the supported format 2", "lineage corpus ensure")


def test_the_untouched_copy_still_finds_the_copy(index_copy: Path, target: Path, invoke: Callable[..., Run]) -> None:
    """Guard: the refusals above come from the edits, not from the fixture."""
    run = invoke("scan", str(target), "--index", str(index_copy), "--format", "json", "--fail-on", "low")
    assert run.code == 1 and run.report()["findings"], run.stderr


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_an_index_that_is_not_a_regular_file_is_refused_without_hanging(
    kind: str, tmp_path: Path, target: Path
) -> None:
    where = tmp_path / "index.lineage"
    if kind == "fifo":
        os.mkfifo(where)
    elif kind == "directory":
        where.mkdir()
    else:
        where = Path(os.devnull)
    done = subprocess.run([str(LINEAGE), "scan", str(target), "--index", str(where), "-q"],
                          capture_output=True, text=True, timeout=60, env=subprocess_env(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and str(where) in done.stderr
    assert "not a regular file" in done.stderr or "Is a directory" in done.stderr


def test_corpus_ensure_would_rebuild_an_index_of_the_previous_format(index_copy: Path) -> None:
    """`lineage corpus ensure` rebuilds when `index_staleness` gives a reason: an old format is one."""
    from lineage.api import index_staleness

    header, length, data = _raw_header(index_copy)
    header["format"] = 1
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    index_copy.write_bytes(data[:HEAD] + head + b" " * (length - len(head)) + data[HEAD + length:])
    reason = index_staleness(index_copy)
    assert reason is not None and "older than the supported format 2" in reason
