"""What the package says about itself: its distribution name, licence and every URL it publishes.

`lineage` on PyPI is an unrelated project, so nothing we publish may name it: the
distribution is `lineage-scan`, and package metadata, SARIF and the HTML report all point
at lineage.PROJECT_URL.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from lineage import DISTRIBUTION, PROJECT_URL
from lineage.report.sarif import INFORMATION_URI

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_PYPI_PAGE = re.compile(r"https?://pypi\.org/project/([A-Za-z0-9._-]+)")


def test_distribution_name_and_urls_name_this_project() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION == "lineage-scan"
    assert project["scripts"] == {"lineage": "lineage.cli.main:main"}  # the command keeps its name
    assert project["urls"] and set(project["urls"].values()) == {PROJECT_URL}
    assert PROJECT_URL == f"https://pypi.org/project/{DISTRIBUTION}/"
    assert INFORMATION_URI == PROJECT_URL


def test_no_published_url_names_another_project() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "lineage").rglob("*"))
             if p.suffix in (".py", ".j2") and p.is_file()]
    named = {m.group(1) for text in texts for m in _PYPI_PAGE.finditer(text)}
    assert named == {DISTRIBUTION}


def test_licence_file_and_metadata() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text



def test_every_package_directory_is_listed() -> None:
    """The package list is explicit (a mapped package cannot come from `packages.find`): a new
    sub-package left off it would be missing from the wheel, so the list must match the tree."""
    tree = {".".join(p.relative_to(ROOT).parts) for p in (ROOT / "lineage").rglob("*")
            if p.is_dir() and p.name != "__pycache__"}
    setuptools = PYPROJECT["tool"]["setuptools"]
    # corpora/ and its extended/ folder of data, listed so that setuptools warns of no namespace package
    corpora = {"lineage.corpora"} | {"lineage.corpora." + ".".join(p.relative_to(ROOT / "corpora").parts)
                                     for p in (ROOT / "corpora").rglob("*")
                                     if p.is_dir() and p.name != "__pycache__"}
    assert set(setuptools["packages"]) == tree | {"lineage"} | corpora
    assert setuptools["package-dir"] == {c: c.replace("lineage.", "", 1).replace(".", "/") for c in corpora}
    assert all("*.toml" in setuptools["package-data"][c] for c in corpora)
