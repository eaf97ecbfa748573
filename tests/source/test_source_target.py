"""Target specs: directory, file, archive, PATH@REV, URL@REV and name==version."""

from __future__ import annotations

import datetime

import dataclasses
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lineage.errors import SourceError
from lineage.source.target import load_target

if TYPE_CHECKING:
    from conftest import SourceRepo


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("M = 1\n")
    loaded = load_target(str(tmp_path))
    assert [f.path for f in loaded.files] == ["m.py"] and loaded.errors == ()
    assert loaded.inputs == {"kind": "dir", "path": str(tmp_path)} and loaded.revision is None
    assert loaded.root == str(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.root = "x"  # type: ignore[misc]


def test_directory_name_with_at_sign_is_a_directory(tmp_path: Path) -> None:
    odd = tmp_path / "pkg@1.0"
    odd.mkdir()
    (odd / "m.py").write_text("M = 1\n")
    assert [f.path for f in load_target(str(odd)).files] == ["m.py"]


def test_single_file_and_unsupported_file(tmp_path: Path, sha256_of: Callable[[Path], str]) -> None:
    (tmp_path / "one.py").write_text("O = 1\n")
    (tmp_path / "notes.md").write_text("# no\n")
    loaded = load_target(str(tmp_path / "one.py"))
    assert [(f.path, f.data) for f in loaded.files] == [("one.py", b"O = 1\n")]
    assert loaded.inputs["sha256"] == sha256_of(tmp_path / "one.py") and loaded.inputs["kind"] == "file"
    with pytest.raises(SourceError, match="not a directory, archive, .py/.pyw/.wsgi/.ipynb file or script"):
        load_target(str(tmp_path / "notes.md"))


def test_archive_file_with_notebook(tmp_path: Path) -> None:
    nb = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": ["!ls\n", "y = 2\n"]}]}
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pkg/a.py", "A = 1\n")
        zf.writestr("pkg/n.ipynb", json.dumps(nb))
        zf.writestr("pkg/bad.ipynb", "nope")
        zf.writestr("pkg/data.txt", "skip")
    loaded = load_target(str(path), suffixes=(".py", ".ipynb"))
    assert [(f.path, f.data) for f in loaded.files] == [
        ("pkg/a.py", b"A = 1\n"),
        ("pkg/n.ipynb", b"\ny = 2\n"),
    ]
    assert [(e.path, e.stage) for e in loaded.errors] == [("pkg/bad.ipynb", "decode")]
    assert loaded.inputs["kind"] == "archive" and len(loaded.inputs["sha256"]) == 64


def test_local_repository_at_revision(
    source_repo: SourceRepo, tmp_path: Path, run_git: Callable[..., str]
) -> None:
    loaded = load_target(f"{source_repo.path}@v1")
    assert loaded.revision == source_repo.v1 and loaded.root == str(source_repo.path)
    assert loaded.inputs.pop("date") == loaded_date(source_repo.path, loaded.revision)  # for time travel
    assert loaded.inputs == {
        "kind": "git",
        "path": str(source_repo.path),
        "rev": "v1",
        "commit": source_repo.v1,
    }
    assert [f.data for f in loaded.files] == [b"A = 1\n", b"B = 2\n"]
    run_git(tmp_path, "clone", "-q", "--bare", str(source_repo.path), "bare.git")
    assert load_target(f"{tmp_path / 'bare.git'}@HEAD").revision == source_repo.v2


def test_revision_on_a_plain_directory_or_bad_revision(source_repo: SourceRepo, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(SourceError, match="not a git repository"):
        load_target(f"{plain}@main")
    with pytest.raises(SourceError, match="unknown git revision"):
        load_target(f"{source_repo.path}@nope")
    with pytest.raises(SourceError, match="starting with '-'"):
        load_target(f"{source_repo.path}@--output=x")


def test_git_url_at_revision(source_repo: SourceRepo, tmp_path: Path) -> None:
    url = source_repo.path.as_uri()
    loaded = load_target(f"{url}@v1", cache=tmp_path / "cache")
    assert loaded.revision == source_repo.v1
    assert loaded.inputs.pop("date") == loaded_date(source_repo.path, source_repo.v1)
    assert loaded.inputs == {"kind": "git", "url": url, "rev": "v1", "commit": source_repo.v1}
    assert [f.path for f in loaded.files] == ["a.py", "pkg/b.py"]


def test_pypi_name_version(tmp_path: Path, wheel_dir: Path, sha256_of: Callable[[Path], str]) -> None:
    index = ["--no-index", "--find-links", str(wheel_dir)]
    loaded = load_target("demo_pkg==1.0", cache=tmp_path / "cache", index_args=index)
    wheel = next(wheel_dir.glob("*.whl"))
    assert [f.path for f in loaded.files] == ["demo_pkg/__init__.py", "demo_pkg/core.py"]
    assert loaded.inputs["kind"] == "pypi" and loaded.inputs["sha256"] == sha256_of(wheel)
    assert loaded.inputs["filename"] == wheel.name and loaded.root == "demo_pkg==1.0"


@pytest.mark.parametrize(
    "spec",
    ["", "nope/does-not-exist", "/no/such/dir@main", "x@", " padded", "a\nb", "git@github.com:org/repo.git"],
)
def test_unusable_specs_raise_one_line_source_errors(spec: str) -> None:
    with pytest.raises(SourceError) as info:
        load_target(spec)
    assert "\n" not in str(info.value).replace(repr(spec), "")


def test_non_git_targets_work_without_git_installed(tmp_path: Path) -> None:
    """gitpython fails to import without a git executable; only git targets may need it."""
    (tmp_path / "m.py").write_text("M = 1\n")
    code = (
        "import sys, lineage.source as s\n"
        f"t = s.load_target({str(tmp_path)!r})\n"
        "assert [f.path for f in t.files] == ['m.py'], t\n"
        "s.fetch_pypi, s.read_archive, s.cache_dir\n"
        "assert 'git' not in sys.modules, 'gitpython was imported'\n"
    )
    env = {**os.environ, "PATH": str(tmp_path / "no-bin")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_package_exports_resolve() -> None:
    import lineage.source as package

    assert sorted(package.__all__) == sorted(package._EXPORTS)
    for name in package.__all__:
        assert callable(getattr(package, name)), name
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def loaded_date(repo: Path, sha: str | None) -> str:
    """The commit's date as git itself prints it (UTC), the oracle for the time-travel date."""
    import subprocess

    out = subprocess.run(["git", "-C", str(repo), "show", "-s", "--format=%ct", str(sha)],
                         capture_output=True, text=True, check=True).stdout
    return datetime.datetime.fromtimestamp(int(out), tz=datetime.timezone.utc).date().isoformat()


def test_directory_archives_and_git_revision_read_the_same_files(tmp_path: Path, run_git: Callable[..., str]) -> None:
    """Notebooks (converted, cells kept; a malformed one a decode error), scripts without a
    suffix (by their shebang) and folders never scanned (a virtual environment, a build tree)
    are read alike whichever way the same tree arrives, whatever a zip member's compression."""
    import tarfile

    nb = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "source": ["# Notes\n"]},
                                                   {"cell_type": "code", "source": ["!ls\n", "y = 2\n"]}]}
    tree = tmp_path / "tree"
    members = {"a.py": b"A = 1\n", "nb.ipynb": json.dumps(nb).encode(), "bad.ipynb": b"nope",
               "bin/train": b"#!/usr/bin/env python3\nT = 1\n", "bin/run": b"#!/bin/sh\necho hi\n",
               "bin/blob": bytes(range(256)), "notes.txt": b"skip\n",
               "venv/lib/site.py": b"V = 1\n", "venv/bin/tool": b"#!/usr/bin/env python3\nV = 2\n",
               "build/lib/a.py": b"A = 1\n", "pkg.egg-info/x.py": b"E = 1\n", "src/empty.py": b""}
    for name, data in members.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(data)
    methods = (zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_STORED)
    with zipfile.ZipFile(tmp_path / "tree.zip", "w") as zf:
        for i, (name, data) in enumerate(members.items()):
            zf.writestr(name, data, compress_type=methods[i % len(methods)])
    with tarfile.open(tmp_path / "tree.tar.gz", "w:gz") as tf:
        tf.add(tree, ".")
    run_git(tree, "init", "-q", "-b", "main")
    run_git(tree, "add", "-A")
    run_git(tree, "commit", "-q", "-m", "all")

    def read(spec: str) -> tuple[list[tuple[str, bytes, tuple[int, ...]]], list[tuple[str, str, str]]]:
        loaded = load_target(spec)
        return ([(f.path, f.data, f.cells) for f in loaded.files],
                [(e.path, e.stage, e.reason) for e in loaded.errors])

    expected = read(str(tree))
    assert expected[0] == [("a.py", b"A = 1\n", ()), ("bin/train", members["bin/train"], ()),
                           ("nb.ipynb", b"\n\ny = 2\n", (1, 2)), ("src/empty.py", b"", ())]
    assert [(path, stage) for path, stage, _ in expected[1]] == [("bad.ipynb", "decode")]
    for spec in (tmp_path / "tree.zip", tmp_path / "tree.tar.gz", f"{tree}@HEAD"):
        assert read(str(spec)) == expected, spec


def test_an_archive_that_is_a_skipped_folder_is_read(tmp_path: Path) -> None:
    """A wheel of a package named `build` (or a zip of a `build` folder) holds nothing but that
    folder: skipping it would scan nothing and pass; its files are read."""
    import tarfile

    for name in ("build", "env"):
        archive = tmp_path / f"{name}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr(f"{name}/__init__.py", "A = 1\n")
            zf.writestr(f"{name}/core.py", "B = 2\n")
            zf.writestr(f"{name}-1.0.dist-info/METADATA", "Name: x\n")
        assert [f.path for f in load_target(str(archive)).files] == [f"{name}/__init__.py", f"{name}/core.py"]
        folder = tmp_path / f"{name}-tree"
        (folder / name).mkdir(parents=True)
        (folder / name / "core.py").write_text("B = 2\n", encoding="utf-8")
        with tarfile.open(tmp_path / f"{name}.tar.gz", "w:gz") as tf:
            tf.add(folder / name, name)
        assert [f.path for f in load_target(str(tmp_path / f"{name}.tar.gz")).files] == [f"{name}/core.py"]



def test_an_archive_holds_its_projects_notice_files(tmp_path: Path) -> None:
    """An sdist's or wheel's own LICENSE (at its root, in its one top folder, or in its dist-info)
    is the project's notice, as a directory's root LICENSE is: the scan reads its holder as the
    code's (a stranger's review: openai-whisper's tarball read `dtw_cpu` as a copy of transformers'
    port of OpenAI's own model, its unpacked folder as OpenAI's own code).  A LICENSE further down
    is some vendored part's, not the project's; none is scanned as code."""
    import tarfile

    from lineage.pipeline.scan import repository_notices

    tree = tmp_path / "tree" / "whisp-1.0"
    (tree / "whisp" / "third_party").mkdir(parents=True)
    (tree / "whisp" / "audio.py").write_text("A = 1\n", encoding="utf-8")
    (tree / "LICENSE").write_text("MIT License\n\nCopyright (c) 2022 OpenAI\n", encoding="utf-8")
    (tree / "whisp" / "third_party" / "LICENSE").write_text("Copyright (c) 2020 Someone Else\n", encoding="utf-8")
    sdist = tmp_path / "whisp-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        tf.add(tree, "whisp-1.0")
    wheel = tmp_path / "whisp-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("whisp/audio.py", "A = 1\n")
        zf.writestr("whisp/third_party/LICENSE", "Copyright (c) 2020 Someone Else\n")
        zf.writestr("whisp-1.0.dist-info/licenses/LICENSE", "MIT License\n\nCopyright (c) 2022 OpenAI\n")
    for archive, where in ((sdist, "whisp-1.0/LICENSE"), (wheel, "whisp-1.0.dist-info/licenses/LICENSE")):
        loaded = load_target(str(archive))
        assert [f.path for f in loaded.files] == [f"{'whisp-1.0/' if archive == sdist else ''}whisp/audio.py"]
        assert [path for path, _ in loaded.notices] == [where]
        found = repository_notices(loaded.root, loaded.notices)
        assert [n.org for r in found for n in r.notices if n.counts] == ["OpenAI"], archive
    # the unpacked folder, as before
    assert [n.org for r in repository_notices(str(tree)) for n in r.notices if n.counts] == ["OpenAI"]
    # one folder down but not the one top folder, or beside code at the root: a vendored part's
    for name, members in (("rooted", {"model.py": "A = 1\n", "third_party/LICENSE": "Copyright 2024 OpenAI\n"}),
                          ("two", {"a/model.py": "A = 1\n", "b/LICENSE": "Copyright 2024 OpenAI\n"})):
        with zipfile.ZipFile(tmp_path / f"{name}.zip", "w") as zf:
            for member, text in members.items():
                zf.writestr(member, text)
        assert load_target(str(tmp_path / f"{name}.zip")).notices == (), name


def test_licence_files_are_read_as_projects_name_them(tmp_path: Path, run_git: Callable[..., str]) -> None:
    """A code licence kept as LICENSE-CODE (beside LICENSE-MODEL for weights), a British LICENCE,
    an .rst: each is the project's own notice file, at the root of a folder, an archive or a revision."""
    from lineage.pipeline.scan import repository_notices

    for name in ("LICENSE-CODE", "LICENCE", "LICENSE.rst", "COPYING.txt"):
        tree = tmp_path / name / "proj"
        (tree / "pkg").mkdir(parents=True)
        (tree / "pkg" / "model.py").write_text("A = 1\n", encoding="utf-8")
        (tree / name).write_text("MIT License\n\nCopyright (c) 2023 DeepSeek\n", encoding="utf-8")
        (tree / "LICENSE-MODEL").write_text("Copyright (c) 2023 Someone Else\n", encoding="utf-8")  # (weights' terms)
        assert [n.org for r in repository_notices(str(tree)) for n in r.notices if n.counts] == ["DeepSeek"], name
        with zipfile.ZipFile(tmp_path / name / "proj.zip", "w") as zf:
            zf.writestr("pkg/model.py", "A = 1\n")
            zf.writestr(name, (tree / name).read_text())
        loaded = load_target(str(tmp_path / name / "proj.zip"))
        assert [n.org for r in repository_notices(loaded.root, loaded.notices) for n in r.notices if n.counts] \
            == ["DeepSeek"], name
        run_git(tree, "init", "-q", "-b", "main")
        run_git(tree, "add", "-A")
        run_git(tree, "commit", "-q", "-m", "all")
        at = load_target(f"{tree}@HEAD")
        assert [n.org for r in repository_notices("", at.notices) for n in r.notices if n.counts] == ["DeepSeek"], name


def test_an_archive_inside_a_folder_is_listed_as_not_read(tmp_path: Path) -> None:
    """A folder holding a wheel or a tarball: they are not unpacked (scan them as targets), but the
    result says so, instead of "0 files scanned" with nothing to show that code was there."""
    (tmp_path / "vendor").mkdir()
    with zipfile.ZipFile(tmp_path / "vendor" / "pkg-1.0-py3-none-any.whl", "w") as zf:
        zf.writestr("pkg/model.py", "A = 1\n")
    (tmp_path / "dist.tar.gz").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("no code\n", encoding="utf-8")
    (tmp_path / "main.py").write_text("B = 2\n", encoding="utf-8")
    target = load_target(str(tmp_path))
    assert [f.path for f in target.files] == ["main.py"]
    noted = {e.path: e for e in target.errors}
    assert set(noted) == {"vendor/pkg-1.0-py3-none-any.whl", "dist.tar.gz"}
    assert all("archive not read" in e.reason and not e.unchecked for e in noted.values())


def test_an_archive_inside_an_archive_is_listed_as_not_read(tmp_path: Path) -> None:
    """A zip holding a wheel and a tarball beside its code: the inner archives are not unpacked (a
    stranger's review: a copy zipped inside the scanned zip gave "0 files scanned", with nothing to
    show that code was there), but the result names them, as it names an archive inside a folder."""
    import io

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("pkg/model.py", "A = 1\n")
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as zf:
        zf.writestr("proj/vendor/pkg-1.0-py3-none-any.whl", inner.getvalue())
        zf.writestr("proj/dist.tar.gz", b"")
        zf.writestr("proj/main.py", "B = 2\n")
    target = load_target(str(tmp_path / "outer.zip"))
    assert [f.path for f in target.files] == ["proj/main.py"]
    noted = {e.path: e for e in target.errors}
    assert set(noted) == {"proj/vendor/pkg-1.0-py3-none-any.whl", "proj/dist.tar.gz"}
    assert all("archive not read inside an archive" in e.reason and not e.unchecked for e in noted.values())


def test_a_release_the_default_corpus_pins_is_fetched_with_its_pins() -> None:
    """`verify --against gpt-oss==0.0.9` on Python 3.11: the default manifest pins that wheel (its
    sha256, file name and Python 3.12), so it is fetched and verified as the index build does;
    a release no manifest pins is fetched for the running interpreter, unpinned."""
    from lineage.data import shipped_path
    from lineage.index.manifest import load_manifest
    from lineage.source.target import _default_pin

    m = load_manifest(shipped_path("gpt-oss.toml"))
    assert _default_pin("gpt_oss", m.version) == {"sha256": m.sha256, "filename": m.filename,
                                                  "python_version": m.python_version or None,
                                                  "platform": m.platform or None}
    assert m.python_version  # the case this is for: a wheel for another Python than the running one
    assert _default_pin("gpt-oss", "0.0.1") == {"sha256": None}
    assert _default_pin("no-such-package", "1.0") == {"sha256": None}
