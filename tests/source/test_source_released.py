"""A `name==version` scan travels back to the release's upload date, read from the package index's
JSON simple API (PEP 691/700) once and kept beside the cached artefact."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lineage.source.released import PYPI_SIMPLE, index_url, release_date, upload_date

PAGE = json.dumps({"files": [
    {"filename": "widget-1.0.tar.gz", "upload-time": "2023-04-06T18:04:40.816275Z"},
    {"filename": "widget-1.0-py3-none-any.whl", "upload-time": "2023-04-05T09:00:00Z"},
    {"filename": "widget-1.1-py3-none-any.whl"},
]}).encode()


def test_the_artefacts_own_upload_date_is_read() -> None:
    assert upload_date(PAGE, "widget-1.0-py3-none-any.whl") == "2023-04-05"
    assert upload_date(PAGE, "widget-1.0.tar.gz") == "2023-04-06"


@pytest.mark.parametrize("page", [PAGE, b"not json", b"[1, 2]", b'{"files": 3}', b'{"files": [{"filename": 1}]}'])
def test_an_unknown_file_or_a_broken_page_gives_no_date(page: bytes) -> None:
    assert upload_date(page, "widget-1.1-py3-none-any.whl") == ""
    assert upload_date(page, "other-2.0.tar.gz") == ""


def test_the_index_pip_was_told_to_use_is_asked() -> None:
    assert index_url(()) == PYPI_SIMPLE
    assert index_url(["--index-url", "https://mirror.example/simple/"]) == "https://mirror.example/simple"
    assert index_url(["-i", "https://m.example/simple"]) == "https://m.example/simple"
    assert index_url(["--index-url=https://x.example/simple"]) == "https://x.example/simple"


def test_an_index_that_is_not_https_is_never_asked_and_the_answer_is_kept(tmp_path: Path) -> None:
    artefact = tmp_path / "widget-1.0-py3-none-any.whl"
    artefact.write_bytes(b"PK")
    assert release_date("widget", artefact, ["--index-url", "file:///opt/pypi/simple"]) == ""
    record = tmp_path / "widget-1.0-py3-none-any.whl.released"
    assert record.read_text(encoding="utf-8") == "\n"  # asked once: kept, though empty
    record.write_text("2020-01-02\n", encoding="utf-8")
    assert release_date("widget", artefact) == "2020-01-02"  # the kept answer, not the network's


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
def test_pypi_says_when_segment_anything_1_0_was_published(tmp_path: Path) -> None:
    # the real index: segment-anything 1.0 (Meta's SAM) was uploaded on 2023-04-06, before SGLang's
    # DeepSeek-OCR vendored its encoder; a scan of it travels back to that date
    artefact = tmp_path / "segment_anything-1.0-py3-none-any.whl"
    artefact.write_bytes(b"PK")
    assert release_date("segment-anything", artefact) == "2023-04-06"


SDISTS = json.dumps({"files": [
    {"filename": "Widget_Lib-1.0.tar.gz", "hashes": {"sha256": "a" * 64}, "url": "https://x/w.tgz",
     "upload-time": "2022-10-25T16:13:21Z"},
    {"filename": "widget-lib-1.0.post1.tar.gz", "hashes": {"sha256": "b" * 64}},
    {"filename": "widget_lib-1.0-py3-none-any.whl", "hashes": {"sha256": "c" * 64}},
    {"filename": "widget_lib-0.9.zip", "hashes": {"sha256": "d" * 64}, "yanked": "broken"},
]}).encode()


def test_the_sdist_of_the_exact_release_is_found_by_its_normalised_name() -> None:
    from lineage.source.sdist import sdist_entry

    entry = sdist_entry(SDISTS, "widget.lib", "1.0")
    assert entry is not None and entry["filename"] == "Widget_Lib-1.0.tar.gz"
    assert sdist_entry(SDISTS, "widget-lib", "0.9") is None  # yanked
    assert sdist_entry(SDISTS, "widget-lib", "2.0") is None
    assert sdist_entry(b"<html>", "widget-lib", "1.0") is None


def test_an_sdist_is_only_fetched_over_https(tmp_path: Path) -> None:
    from lineage.errors import FetchError
    from lineage.source.sdist import fetch_sdist

    with pytest.raises(FetchError, match="https"):
        fetch_sdist("widget", "1.0", tmp_path, ["--index-url", "http://insecure.example/simple"])


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
def test_an_sdist_only_release_is_read_never_built_and_dated(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # encodec 0.1.1 (Meta) is published as an sdist only: pip would run its build backend
    from lineage.source.target import load_target

    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path))
    loaded = load_target("encodec==0.1.1")
    assert loaded.inputs["filename"] == "encodec-0.1.1.tar.gz" and loaded.inputs["date"] == "2022-10-25"
    assert any(f.path.endswith("encodec/model.py") for f in loaded.files)
    assert not (tmp_path / "pypi" / "encodec-0.1.1" / "sdist" / "encodec.egg-info").exists()  # nothing built


def _sdist(tmp_path: Path, files: dict[str, str], uploaded: str = "2019-01-01") -> Path:
    """widget 1.0's sdist as the package index published it, kept in the cache (its hash and upload
    date recorded beside it as a download records them); returns the cache."""
    import hashlib
    import tarfile

    tree = tmp_path / "published" / "widget-1.0"
    for rel, text in {"PKG-INFO": "Metadata-Version: 2.1\nName: widget\nVersion: 1.0\n", **files}.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"
    folder = cache / "pypi" / "widget-1.0" / "sdist"
    folder.mkdir(parents=True)
    with tarfile.open(folder / "widget-1.0.tar.gz", "w:gz") as tf:
        tf.add(tree, "widget-1.0")
    data = (folder / "widget-1.0.tar.gz").read_bytes()
    (folder / "widget-1.0.tar.gz.sha256").write_text(hashlib.sha256(data).hexdigest() + "\n", encoding="utf-8")
    (folder / "widget-1.0.tar.gz.released").write_text(uploaded + "\n", encoding="utf-8")
    return cache


def _unpack(tmp_path: Path, files: dict[str, str]) -> Path:
    top = tmp_path / "unpacked" / "widget-1.0"
    for rel, text in {"PKG-INFO": "Metadata-Version: 2.1\nName: widget\nVersion: 1.0\n", **files}.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text(text, encoding="utf-8")
    return top


SDIST = {"widget/model.py": "def forward(x):\n    return x * 2\n", "widget/util.py": "Y = 1\n"}


@pytest.mark.parametrize("target", ["widget-1.0", "widget-1.0/widget", "widget-1.0/widget/model.py"])
def test_an_unpacked_sdist_is_dated_as_its_published_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             target: str) -> None:
    """Its PKG-INFO names the release, and every scanned file is the published sdist's, byte for
    byte: dated by that sdist's upload, as `widget==1.0` would be (the index is never asked: the
    sdist is in the cache, whose own record of it must be found)."""
    from lineage.source.target import load_target

    monkeypatch.setenv("LINEAGE_CACHE", str(_sdist(tmp_path, SDIST)))
    _unpack(tmp_path, SDIST)
    loaded = load_target(str(tmp_path / "unpacked" / target), release_dates=True,
                         index_args=["--index-url", "http://never.invalid/simple"])
    assert loaded.inputs["date"] == "2019-01-01" and loaded.inputs["release"] == "widget==1.0"
    assert not [e for e in loaded.errors if e.path == "<PKG-INFO>"]


def test_an_unpacked_sdist_with_a_file_changed_is_not_dated_and_says_so(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy that wrote a PKG-INFO naming an old release of a real project, or code edited since
    the release: the published sdist contradicts it, the scan travels nowhere, and says why."""
    from lineage.source.target import load_target

    monkeypatch.setenv("LINEAGE_CACHE", str(_sdist(tmp_path, SDIST)))
    top = _unpack(tmp_path, {**SDIST, "widget/model.py": "def forward(x):\n    return copied(x)\n"})
    loaded = load_target(str(top), release_dates=True)
    assert "date" not in loaded.inputs and loaded.inputs["release_refuted"].startswith("widget==1.0")
    assert any(e.path == "<PKG-INFO>" and "widget/model.py" in e.reason for e in loaded.errors)
    # a file the release never held: the same
    (top / "widget" / "extra.py").write_text("Z = 3\n", encoding="utf-8")
    assert "date" not in load_target(str(top / "widget" / "extra.py"), release_dates=True).inputs


def test_an_sdist_that_cannot_be_fetched_dates_nothing_and_says_so(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from lineage.source.target import load_target

    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "empty"))
    top = _unpack(tmp_path, SDIST)
    loaded = load_target(str(top), release_dates=True, index_args=["--index-url", "http://never.invalid/simple"])
    assert "date" not in loaded.inputs and loaded.inputs["release_unchecked"].startswith("widget==1.0")
    assert any(e.path == "<PKG-INFO>" and "could not be reached" in e.reason for e in loaded.errors)


def test_an_unpacked_sdist_holding_a_file_the_scan_cannot_read_is_not_dated(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy behind a symlink out of the tree is reported unread: the tree is not the release's as
    published, so it travels nowhere, whatever its PKG-INFO (a stranger's attack: dated "whose files
    these are", exit 0)."""
    from lineage.source.target import load_target

    monkeypatch.setenv("LINEAGE_CACHE", str(_sdist(tmp_path, SDIST)))
    top = _unpack(tmp_path, SDIST)
    outside = tmp_path / "elsewhere.py"
    outside.write_text("def copied(x):\n    return x\n", encoding="utf-8")
    (top / "widget" / "linked.py").symlink_to(outside)
    loaded = load_target(str(top), release_dates=True)
    assert any(e.path == "widget/linked.py" and e.stage == "read" for e in loaded.errors) and "date" not in loaded.inputs
    (top / "widget" / "linked.py").unlink()
    assert load_target(str(top), release_dates=True).inputs["date"] == "2019-01-01"  # the control
