"""Notebooks (safe conversion, hostile ones, line -> cell), Python scripts without a suffix, and
which per-file errors mean a file went unchecked."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from lineage.models import Finding
from lineage.source.gitrev import read_revision, read_staged
from lineage.source.notebook import MAX_CELLS, cell_of, notebook_to_python, where_in_notebook, with_cells
from lineage.source.target import load_target
from lineage.source.walk import python_shebang, walk_directory


def _nb(cells: list[object], **extra: object) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **extra}).encode()


CELLS = [
    {"cell_type": "markdown", "source": ["# Title\n", "prose\n"]},
    {"cell_type": "code", "source": ["%load_ext autoreload\n", "import os\n", "  !ls -l\n"]},
    {"cell_type": "code", "source": []},
    {"cell_type": "code", "source": "%%bash\necho hi\n"},
    {"cell_type": "code", "source": ["def f(x):\n", "    return x\n"]},
]


def test_notebook_cells_map_back_to_cell_and_line() -> None:
    text, starts = notebook_to_python(_nb(CELLS))
    lines = text.decode().splitlines()
    compile(text, "nb.ipynb", "exec")  # magics, shell escapes, markdown: all blank
    assert starts == (1, 3, 6, 6, 8)
    assert lines[3] == "import os" and lines[7] == "def f(x):"
    assert cell_of(starts, 4) == (2, 2)  # `import os`: cell 2, its line 2
    assert cell_of(starts, 8) == (5, 1)  # the empty cell 3 and cell-magic cell 4 are skipped over correctly
    assert where_in_notebook(starts, 8, 9) == "cell 5, lines 1-2"
    assert where_in_notebook(starts, 4, 9) == "cell 2 line 2 to cell 5 line 2"
    finding = Finding("id", "code-match", "nb.ipynb", 8, 9, "f", None, None, "high", (), "f resembles g.")
    noted = with_cells(finding, starts)
    assert noted.explanation.startswith("f resembles g. In the notebook: cell 5, lines 1-2")
    assert (noted.start_line, noted.end_line, noted.id) == (8, 9, "id")


def test_nbformat3_worksheets_and_string_sources() -> None:
    doc = {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": "a = 1\nb = 2\n"}]},
                                         {"cells": "not a list"}]}
    text, starts = notebook_to_python(json.dumps(doc).encode())
    assert text == b"a = 1\nb = 2\n" and starts == (1,)


@pytest.mark.parametrize("data, words", [
    (b"{not json", "not valid notebook JSON"),
    (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    (b'{"cells": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}", "nested too deeply"),
    (b"\xff\xfe garbage", "not valid notebook JSON"),
    (b'{"cells": [1' + b"0" * 5000 + b"]}", "not valid notebook JSON"),  # an integer past Python's digit limit
    (b"[1, 2]", "not a JSON object"),
    (b'{"cells": {"0": {}}}', "no cell list"),
    (_nb([{"cell_type": "code", "source": 3}]), "cell 1 source is not text"),
    (_nb([{"cell_type": "code", "source": ["a", 3]}]), "cell 1 source is not text"),
    (_nb([{"cell_type": "code", "source": [["nested"]]}]), "cell 1 source is not text"),
    (_nb(["a string cell"]), "cell 1 is not an object"),
    (_nb([{}] * (MAX_CELLS + 1)), f"more than {MAX_CELLS} cells"),
])
def test_hostile_notebooks_are_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        notebook_to_python(data)


def test_hostile_notebooks_in_a_tree_are_unchecked_errors_and_the_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "deep.ipynb").write_bytes(b'{"cells": ' + b"[" * 90_000 + b"]" * 90_000 + b"}")
    (tmp_path / "huge.ipynb").write_bytes(_nb([{"cell_type": "code", "source": "x = 1\n" * 50_000}]))
    (tmp_path / "odd.ipynb").write_bytes(_nb([{"cell_type": "code", "source": {"a": 1}}]))
    (tmp_path / "good.ipynb").write_bytes(_nb(CELLS))
    loaded = load_target(str(tmp_path), max_bytes=200_000)
    assert [f.path for f in loaded.files] == ["good.ipynb"]
    errors = {e.path: e for e in loaded.errors}
    assert set(errors) == {"deep.ipynb", "huge.ipynb", "odd.ipynb"}
    assert all(e.unchecked for e in errors.values())
    assert "nested too deeply" in errors["deep.ipynb"].reason
    assert "exceeds the 200000-byte cap" in errors["huge.ipynb"].reason
    assert "source is not text" in errors["odd.ipynb"].reason


@pytest.mark.parametrize("first, python", [
    ("#!/usr/bin/env python3", True), ("#!/usr/bin/python", True), ("#! /usr/local/bin/python3.11 -u", True),
    ("#!/usr/bin/env -S python3 -X dev", True), ("#!/usr/bin/env PYTHONUNBUFFERED=1 python", True),
    ("#!python", True), ("#!/opt/pypy3/bin/pypy3", True),
    ("#!/bin/sh", False), ("#!/usr/bin/env bash", False), ("#!/usr/bin/env pythonista-tool", False),
    ("# not a shebang python", False), ("", False),
])
def test_python_shebangs(first: str, python: bool) -> None:
    assert python_shebang(f"{first}\nprint(1)\n".encode()) is python


def test_directory_scan_reads_notebooks_and_python_scripts_only(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "train").write_text("#!/usr/bin/env python3\nimport sys\n")
    (tmp_path / "bin" / "deploy").write_text("#!/bin/bash\necho hi\n")
    (tmp_path / "Makefile").write_text("all:\n\techo\n")
    (tmp_path / "notes.txt").write_text("#!/usr/bin/env python3\n")  # has a suffix: not a script
    (tmp_path / "link").symlink_to(tmp_path / "bin" / "train")  # links are not peeked through
    (tmp_path / "nb.ipynb").write_bytes(_nb(CELLS))
    loaded = load_target(str(tmp_path))
    assert sorted(f.path for f in loaded.files) == ["bin/train", "nb.ipynb"]
    assert next(f for f in loaded.files if f.path == "nb.ipynb").cells == (1, 3, 6, 6, 8)
    # the index build's walk is unchanged: .py files only
    assert walk_directory(tmp_path)[0] == []


def test_a_script_or_notebook_named_directly_is_a_target(tmp_path: Path) -> None:
    (tmp_path / "train").write_text("#!/usr/bin/env python3\nimport sys\n")
    (tmp_path / "nb.ipynb").write_bytes(_nb(CELLS))
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    assert [f.path for f in load_target(str(tmp_path / "train")).files] == ["train"]
    assert [f.path for f in load_target(str(tmp_path / "nb.ipynb")).files] == ["nb.ipynb"]
    from lineage.errors import SourceError

    with pytest.raises(SourceError, match="script with a Python shebang"):
        load_target(str(tmp_path / "run.sh"))


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo),
                        "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "T",
                        "GIT_COMMITTER_EMAIL": "t@e", "PATH": "/usr/bin:/bin"})


def test_git_revisions_and_staged_blobs_read_scripts_and_notebooks(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "train").write_text("#!/usr/bin/env python3\nimport sys\n")
    (repo / "deploy").write_text("#!/bin/sh\n")
    (repo / "nb.ipynb").write_bytes(_nb(CELLS))
    (repo / "big.py").write_text("x = 1\n" * 100)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "one")
    files, errors, _ = read_revision(repo, "HEAD", suffixes=(".py", ".ipynb"), scripts=True, max_bytes=550)
    assert [f.path for f in files] == ["nb.ipynb", "train"]
    assert [(e.path, e.unchecked) for e in errors] == [("big.py", True)]
    assert [f.path for f in read_revision(repo, "HEAD")[0]] == ["big.py"]  # defaults: .py only, as the index build
    staged, _ = read_staged(repo, suffixes=(".py", ".ipynb"), scripts=True, paths=["train", "deploy"])
    assert [f.path for f in staged] == ["train"]


def test_which_errors_leave_a_file_unchecked(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * 100)
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: ascii -*-\nname = '\xe9'\n")
    (tmp_path / "typo.py").write_text("def f(:\n    pass\n")
    (tmp_path / "out.py").symlink_to("/etc/hostname")
    loaded = load_target(str(tmp_path), max_bytes=300)
    from lineage.compact.files import compact
    from lineage.fingerprint.params import FingerprintParams

    errors = {e.path: e.unchecked for e in loaded.errors}
    for f in loaded.files:
        for e in compact(f, FingerprintParams()).errors:
            errors[e.path] = errors.get(e.path, False) or e.unchecked
    assert errors == {"big.py": True, "nul.py": True, "latin.py": False, "typo.py": False, "out.py": False}
