"""A tree's dist-info claim to be a release is checked against the release's wheel as the package
index publishes it: a forged claim (an old release of a real project, the copy's own hashes)
dates nothing and is said; an unverifiable one dates nothing either."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from lineage.source.distinfo import claims_of
from lineage.source.published import MAX_WHEEL, _wheel, installed_rows, published_wheel, record_of_wheel
from lineage.source.target import load_target
from tests.lines_fixture import build_lines_index, code


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _unpacked(top: Path, files: dict[str, str]) -> Path:
    """An unpacked "widget 1.0" whose dist-info RECORD lists its files with their hashes."""
    for rel, text in files.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text(text, encoding="utf-8")
    info = top / "widget-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: widget\nVersion: 1.0\n", encoding="utf-8")
    rows = [f"{rel},{_digest(text.encode())},{len(text.encode())}" for rel, text in files.items()]
    (info / "RECORD").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return top


def _cache(tmp_path: Path, published: str | None, date: str = "2019-01-01") -> Path:
    """A cache where the package index's widget 1.0 wheel, uploaded on ``date``, has the given
    RECORD ("" : the index has no wheel of it to check against; None: never asked)."""
    cache = tmp_path / "cache"
    (cache / "released").mkdir(parents=True)
    if published is not None:
        (cache / "released" / "widget-1.0.wheel").write_text(f"{date if published else ''}\n{published}",
                                                             encoding="utf-8")
    return cache


COPY = {"widget/modeling_widget.py": code(("base", "router"), "Xray")}


@pytest.fixture(scope="module")
def lines_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("lines")))


def test_a_forged_claim_dates_nothing_and_is_said(lines_index: EmbeddedIndex, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the router line wrote a dist-info naming widget 1.0 (published in 2019, before
    every line) with its own hashes; the published wheel lists the file with another hash: the
    scan is judged against the whole index, keeps its copy verdict, and says the claim is false."""
    published = f"widget/modeling_widget.py,{_digest(b'the real widget')},15\n"
    monkeypatch.setenv("LINEAGE_CACHE", str(_cache(tmp_path, published)))
    top = _unpacked(tmp_path / "unpacked", COPY)
    loaded = load_target(str(top), release_dates=True)
    assert "date" not in loaded.inputs and loaded.inputs["release_refuted"].startswith("widget==1.0")
    assert any(e.path == "<dist-info>" and "not dated as the release widget==1.0" in e.reason for e in loaded.errors)
    result, _ = api.scan(str(top), lines_index, Config(workers=1))
    assert not result.index.restriction and not [f for f in result.findings if f.kind == "anachronism"]
    row = result.summary.files["widget/modeling_widget.py"]
    assert "copy of" in row.verdict and "router" in row.verdict, row.verdict
    assert any("not dated as the release" in e.reason for e in result.errors)


@pytest.mark.parametrize("published, index_args", [
    ("", ()),  # the index has no pure-Python wheel of the release (kept: never asked again)
    (None, ["--index-url", "http://mirror.invalid/simple"]),  # an index that is not https is never asked
    (f"widget/other.py,{_digest(b'x')},1\n", ()),  # the wheel does not list the claimed file
])
def test_a_claim_the_index_cannot_check_dates_nothing_and_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  published: str | None, index_args: list[str]) -> None:
    monkeypatch.setenv("LINEAGE_CACHE", str(_cache(tmp_path, published)))
    top = _unpacked(tmp_path / "unpacked", COPY)
    loaded = load_target(str(top), release_dates=True, index_args=index_args)
    assert "date" not in loaded.inputs and "release_refuted" not in loaded.inputs
    assert loaded.inputs["release_unchecked"].startswith("widget==1.0")
    assert [e for e in loaded.errors if e.path == "<dist-info>" and "could not be reached" in e.reason]


def test_a_claim_the_published_wheel_confirms_is_dated_by_that_wheel(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Dated by the upload of the wheel that confirmed it: a wheel added to an old version later
    (PyPI allows it) is dated as it was added, not as the version's first file was."""
    text = COPY["widget/modeling_widget.py"]
    published = f"widget/modeling_widget.py,{_digest(text.encode())},{len(text)}\nwidget-1.0.dist-info/RECORD,,\n"
    monkeypatch.setenv("LINEAGE_CACHE", str(_cache(tmp_path, published, date="2026-11-30")))
    loaded = load_target(str(_unpacked(tmp_path / "unpacked", COPY)), release_dates=True)
    assert loaded.inputs["date"] == "2026-11-30" and loaded.inputs["release"] == "widget==1.0"
    assert not [e for e in loaded.errors if e.path == "<dist-info>"]


def test_two_copies_of_one_release_s_file_claim_nothing(tmp_path: Path) -> None:
    """The genuine file in one folder and a copy under the same RECORD path in another, each with
    a dist-info of the same release: which one the published wheel confirms cannot be told."""
    real = "x = 1\n"
    top = _unpacked(tmp_path / "p", {"widget/__init__.py": real})
    inner = _unpacked(top / "widget", {"widget/__init__.py": "copied = True\n"})
    files = [SourceFile(p.relative_to(inner).as_posix(), p.read_bytes()) for p in sorted(inner.rglob("*.py"))]
    assert claims_of(str(inner), files) is None


def test_files_a_wheel_keeps_under_its_data_folder_are_recorded_at_the_top() -> None:
    record = "w-1.0.data/purelib/w/model.py,sha256=a,1\nw-1.0.data/platlib/w/_c.py,sha256=b,1\nw/x.py,sha256=c,1\n"
    assert installed_rows(record) == {"w/model.py": "sha256=a", "w/_c.py": "sha256=b", "w/x.py": "sha256=c"}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_the_record_is_read_from_the_wheel_archive_only() -> None:
    wheel = _zip({"widget/__init__.py": b"", "widget-1.0.dist-info/RECORD": b"widget/__init__.py,sha256=x,0\n"})
    assert record_of_wheel(wheel) == "widget/__init__.py,sha256=x,0\n"
    assert record_of_wheel(_zip({"deep/widget-1.0.dist-info/RECORD": b"x"})) == ""  # not the wheel's own
    assert record_of_wheel(b"not a zip") == "" and record_of_wheel(wheel[:40]) == ""


def test_the_smallest_checkable_pure_wheel_of_the_version_is_chosen() -> None:
    def entry(name: str, size: object, url: str = "https://files.example/w", sha: object = "a" * 64,
              uploaded: str = "2023-01-02T03:04:05Z") -> dict:
        return {"filename": name, "size": size, "url": url, "hashes": {"sha256": sha}, "upload-time": uploaded}

    page = json.dumps({"files": [
        entry("widget-1.0.tar.gz", 10),  # an sdist: no RECORD to check against
        entry("widget-1.0-cp311-cp311-manylinux_x86_64.whl", 90),  # a platform's build
        entry("widget-1.0-py3-none-any.whl", 500),
        entry("widget-1.0-py2-none-any.whl", 100, url="http://files.example/w"),  # not https
        entry("widget-1.0-py2.py3-none-any.whl", 50, sha=None),  # no hash stated
        entry("widget-1.0-py30-none-any.whl", "50"),  # no size stated
        entry("widget-1.0-py31-none-any.whl", 50, uploaded=""),  # no upload time
        entry("widget-1.1-py3-none-any.whl", 10),  # another version
        entry("widget-1.0-py32-none-any.whl", MAX_WHEEL + 1),  # too large
    ]}).encode()
    chosen = _wheel(page, "1.0")
    assert chosen is not None and chosen["filename"] == "widget-1.0-py3-none-any.whl"
    assert _wheel(page, "2.0") is None and _wheel(b"not json", "1.0") is None


def test_an_index_that_is_not_https_is_never_asked_nor_its_silence_kept(tmp_path: Path) -> None:
    assert published_wheel("widget", "1.0", tmp_path, ["--index-url", "http://mirror.example/simple"]) is None
    assert not (tmp_path / "released").exists()


@pytest.mark.parametrize("project, version", [("foo bar", "1.0"), ("widget", "1.0/../../x"), ("../w", "1"),
                                              ("widget", "1.0 --index-url x")])
def test_a_name_or_version_unfit_for_a_url_is_never_asked_nor_kept(tmp_path: Path, project: str,
                                                                  version: str) -> None:
    assert published_wheel(project, version, tmp_path) is None  # (PyPI itself: not asked, no network)
    assert not (tmp_path / "released").exists()


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
def test_pypi_publishes_the_wheel_of_segment_anything_1_0(tmp_path: Path) -> None:
    # the real index: Meta's segment-anything 1.0 wheel, fetched, checked against its stated hash,
    # read as an archive; its RECORD lists the SAM model file, and the answer is kept for the next scan
    got = published_wheel("segment_anything", "1.0", tmp_path)
    assert got is not None and got[0] == "2023-04-06" and got[1]["segment_anything/modeling/sam.py"].startswith("sha256=")
    kept = tmp_path / "released" / "segment-anything-1.0.wheel"
    assert kept.read_text(encoding="utf-8").startswith("2023-04-06\n")
    assert published_wheel("segment_anything", "1.0", tmp_path, ["--index-url", "http://offline.invalid"]) == got


def test_a_wheel_or_sdist_names_its_project() -> None:
    from lineage.source.released import project_of

    assert project_of("sglang-0.1.10-py3-none-any.whl") == "sglang"
    assert project_of("Mistral_Inference-1.6.0-py3-none-any.whl") == "mistral-inference"
    assert project_of("mlx-lm-0.0.7.tar.gz") == "mlx-lm"
    assert project_of("notes.zip") == "" and project_of("weights.tar.gz") == ""


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
def test_a_wheel_file_the_index_lists_with_its_digest_is_dated_by_its_upload(tmp_path: Path) -> None:
    """`verify` of a downloaded wheel was undated, while its unpacked files were dated; a file of
    the same name with other bytes is not that release and dates nothing."""
    pinned = Path(load_target("six==1.16.0").inputs["path"])
    wheel = tmp_path / "own" / pinned.name
    wheel.parent.mkdir()
    wheel.write_bytes(pinned.read_bytes())
    inputs = load_target(str(wheel), release_dates=True, cache=tmp_path / "cache").inputs
    assert (inputs["kind"], inputs["date"], inputs["release"]) == ("archive", "2021-05-05", "six==1.16.0")
    assert "date" not in load_target(str(wheel)).inputs  # (only where dates are asked for)
    tampered = tmp_path / "tampered" / pinned.name
    tampered.parent.mkdir()
    with zipfile.ZipFile(io.BytesIO(pinned.read_bytes())) as src, zipfile.ZipFile(tampered, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, data + b"\n# ours\n" if info.filename == "six.py" else data)
    assert "date" not in load_target(str(tampered), release_dates=True, cache=tmp_path / "cache").inputs
