"""A directory or file that is a released distribution's code, file for file (its dist-info
RECORD lists each with its very SHA-256), is dated as that release: the scan travels back to its
upload date, and what the whole index holds of later code is reported as anachronisms."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from lineage.source.distinfo import releases_of
from lineage.source.published import published_wheel
from lineage.source.target import load_target
from tests.lines_fixture import build_lines_index, code


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _release(top: Path, files: dict[str, str], name: str = "widget", version: str = "1.0",
             listed: dict[str, str] | None = None) -> Path:
    """An unpacked wheel under ``top``: the files, and a dist-info whose RECORD lists ``listed``
    (path -> text; the files themselves when None)."""
    for rel, text in files.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text(text, encoding="utf-8")
    info = top / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nA widget.\n",
                                   encoding="utf-8")
    rows = [f"{rel},{_digest(text.encode())},{len(text.encode())}" for rel, text in (listed or files).items()]
    (info / "RECORD").write_text("\n".join([*rows, f"{info.name}/RECORD,,"]) + "\n", encoding="utf-8")
    return top


def _published(cache: Path, name: str, version: str, files: dict[str, str], date: str) -> None:
    """The release's wheel as the package index publishes it (its upload date and its RECORD),
    kept in the cache as a fetch would keep it (source/published.py)."""
    rows = [f"{rel},{_digest(text.encode())},{len(text.encode())}" for rel, text in files.items()]
    (cache / "released").mkdir(parents=True, exist_ok=True)
    (cache / "released" / f"{name}-{version}.wheel").write_text(f"{date}\n" + "\n".join(rows) + "\n",
                                                                encoding="utf-8")


def _read(root: Path, rel: str = "") -> list[SourceFile]:
    return [SourceFile(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted(root.rglob("*.py"))]


def test_files_a_record_lists_with_their_hashes_are_that_release(tmp_path: Path) -> None:
    top = _release(tmp_path, {"widget/__init__.py": "", "widget/model.py": "x = 1\n"})
    assert releases_of(str(top), _read(top)) == [("widget", "1.0")]
    # the package folder, or one file of it, scanned alone: the dist-info beside it says the same
    inner = top / "widget"
    assert releases_of(str(inner), _read(inner)) == [("widget", "1.0")]
    one = inner / "model.py"
    assert releases_of(str(one), [SourceFile("model.py", one.read_bytes())]) == [("widget", "1.0")]


@pytest.mark.parametrize("change", ["edited", "unlisted", "no-hash"])
def test_a_file_changed_since_or_not_listed_leaves_the_scan_undated(tmp_path: Path, change: str) -> None:
    files = {"widget/__init__.py": "", "widget/model.py": "x = 1\n"}
    listed = dict(files)
    if change == "unlisted":
        del listed["widget/model.py"]
    top = _release(tmp_path, files, listed=listed)
    if change == "edited":
        (top / "widget" / "model.py").write_text("x = 2\n", encoding="utf-8")
    if change == "no-hash":
        (top / "widget-1.0.dist-info" / "RECORD").write_text("widget/model.py,,\nwidget/__init__.py,,\n",
                                                             encoding="utf-8")
    assert releases_of(str(top), _read(top)) is None


def test_a_folder_of_many_releases_is_each_of_them_and_dated_by_the_latest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole site-packages folder: every file listed by its own release's RECORD, among more
    dist-info folders than a first cut read (seventy that sort before the one wanted); the scan is
    dated by the latest release, by which every file was public."""
    site = tmp_path / "site-packages"
    for k in range(70):
        info = site / f"aaa_dep{k:02d}-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "RECORD").write_text(f"aaa_dep{k:02d}/__init__.py,sha256=x,1\n", encoding="utf-8")
    _release(site, {"widget/model.py": "x = 1\n"})
    _release(site, {"gadget/layers.py": "y = 2\n"}, name="gadget", version="2.1")
    assert releases_of(str(site), _read(site)) == [("gadget", "2.1"), ("widget", "1.0")]
    inner = site / "widget"
    assert releases_of(str(inner), _read(inner)) == [("widget", "1.0")]
    cache = tmp_path / "cache"
    _published(cache, "widget", "1.0", {"widget/model.py": "x = 1\n"}, "2023-04-06")
    _published(cache, "gadget", "2.1", {"gadget/layers.py": "y = 2\n"}, "2024-10-01")
    monkeypatch.setenv("LINEAGE_CACHE", str(cache))
    loaded = load_target(str(site), release_dates=True)
    assert loaded.inputs["date"] == "2024-10-01" and loaded.inputs["release"] == "gadget==2.1, the latest of 2"
    (site / "stray.py").write_text("z = 3\n", encoding="utf-8")  # a file no RECORD lists
    assert releases_of(str(site), _read(site)) is None


@pytest.fixture(scope="module")
def lines_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("lines")))


def test_a_release_is_judged_as_of_its_date_and_later_code_is_an_anachronism(
        lines_index: EmbeddedIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The router line's code, released (its RECORD says) before the router line was first
    seen: judged against the index of that date, with the router line's code an anachronism;
    the same files with one changed are judged against the whole index."""
    cache = tmp_path / "cache"
    _published(cache, "widget", "1.0", {"widget/modeling_widget.py": code(("base", "router"), "Xray")}, "2023-06-01")
    monkeypatch.setenv("LINEAGE_CACHE", str(cache))
    top = _release(tmp_path / "unpacked", {"widget/modeling_widget.py": code(("base", "router"), "Xray")})
    loaded = load_target(str(top), release_dates=True)
    assert loaded.inputs["date"] == "2023-06-01" and loaded.inputs["release"] == "widget==1.0"
    result, _ = api.scan(str(top), lines_index, Config(workers=1))
    assert "the date of the release widget==1.0" in (result.index.restriction or "")
    late = [f for f in result.findings if f.kind == "anachronism"]
    assert late and {f.matches[0].ref.family for f in late} == {"ln:router"}
    assert all("after the date of the release widget==1.0 (2023-06-01)" in f.explanation for f in late)
    # the package index confirmed the files are the release's (its wheel's RECORD): the later line
    # took the code in, so the original is not held to account for it (a git date stays medium)
    assert all(f.severity == "info" and "published these very files" in f.explanation for f in late)
    row = result.summary.files["widget/modeling_widget.py"]
    assert "it took this code in later: the package index published these files by then" in row.verdict
    (top / "widget" / "modeling_widget.py").write_text(code(("base", "router"), "Xray") + "\ny = 2\n",
                                                       encoding="utf-8")
    changed, _ = api.scan(str(top), lines_index, Config(workers=1))
    assert not changed.index.restriction and not [f for f in changed.findings if f.kind == "anachronism"]


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
def test_pypi_dates_segment_anything_1_0_by_its_checked_wheel(tmp_path: Path) -> None:
    # the real index: Meta's segment-anything 1.0 wheel was published on 2023-04-06, before SGLang's
    # DeepSeek-OCR vendored its encoder; its RECORD lists the SAM model file, as an install has it
    got = published_wheel("segment_anything", "1.0", tmp_path)
    assert got is not None and got[0] == "2023-04-06" and "segment_anything/modeling/sam.py" in got[1]
