"""Scanning never imports or executes code from the scanned repository, and never writes
into it.  Every file a Python tool might run (package ``__init__``, pytest's conftest,
setup.py, sitecustomize/usercustomize, a .pth file, a notebook) writes a marker if run."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import LINEAGE, REF, Run, git, subprocess_env

TRAPS = ("pkg/__init__.py", "conftest.py", "setup.py", "sitecustomize.py", "usercustomize.py",
         "pkg/__main__.py", "docs/conf.py", "noxfile.py")


def _payload(marker: Path, name: str) -> str:
    return f"import pathlib\npathlib.Path({str(marker)!r}).write_text({name!r})\n"


@pytest.fixture
def trap_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository of trap files (plus a real copy of the reference, so work is done)."""
    repo = tmp_path / "stranger"
    marker = tmp_path / "MARKER"
    for rel in TRAPS:
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(REF.read_text(encoding="utf-8") + "\n" + _payload(marker, rel), encoding="utf-8")
    (repo / "pkg" / "model.py").write_bytes(REF.read_bytes())
    (repo / "evil.pth").write_text(f"import pathlib; pathlib.Path({str(marker)!r}).write_text('pth')\n")
    (repo / "pyproject.toml").write_text('[build-system]\nrequires = []\nbuild-backend = "setup"\n'
                                         'backend-path = ["."]\n')
    (repo / "nb.ipynb").write_text('{"cells": [{"cell_type": "code", "source": '
                                   + repr(_payload(marker, "nb")).replace("'", '"') + "}]}")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "trap")
    return repo, marker


def _snapshot(root: Path) -> dict[str, tuple[int, float]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime)
            for p in root.rglob("*") if ".git" not in p.parts}


def _assert_findings(run: Run) -> None:
    assert run.code in (0, 1), run.stderr
    paths = {f["path"] for f in run.report()["findings"]}
    assert "pkg/model.py" in paths and "conftest.py" in paths, paths  # really scanned


def test_scanning_a_directory_from_inside_it_runs_nothing(trap_repo: tuple[Path, Path], built_index: Path,
                                                          tmp_path: Path) -> None:
    """As a user would: cd into the stranger's repository and scan it with the CLI."""
    repo, marker = trap_repo
    before = _snapshot(repo)
    env = subprocess_env(tmp_path)
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(LINEAGE), "scan", ".", "--index", str(built_index), "--format", "json", "-q"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    _assert_findings(Run(done.returncode, done.stdout, done.stderr))
    assert not marker.exists(), marker.read_text()
    assert _snapshot(repo) == before, "the scan wrote into the scanned tree"
    assert not list(repo.rglob("__pycache__"))


@pytest.mark.parametrize("form", ["revision", "archive", "file"])
def test_other_target_forms_run_nothing(form: str, trap_repo: tuple[Path, Path], tmp_path: Path,
                                        scan_json: Callable[..., Run]) -> None:
    repo, marker = trap_repo
    if form == "revision":
        run = scan_json(f"{repo}@HEAD")
        _assert_findings(run)
    elif form == "archive":
        wheel = tmp_path / "stranger-1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            for path in repo.rglob("*"):
                if path.is_file() and ".git" not in path.parts:
                    zf.write(path, path.relative_to(repo).as_posix())
        _assert_findings(scan_json(wheel))
    else:
        run = scan_json(repo / "setup.py")
        assert run.code in (0, 1), run.stderr
        assert run.report()["findings"]
    assert not marker.exists(), marker.read_text()


def test_the_marker_payload_really_works(trap_repo: tuple[Path, Path]) -> None:
    """Guard: the traps are live, so their silence above means something."""
    repo, marker = trap_repo
    subprocess.run([sys.executable, str(repo / "setup.py")], check=True, timeout=30)
    assert marker.read_text() == "setup.py"
