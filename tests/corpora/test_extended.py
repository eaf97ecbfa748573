"""The optional extended corpus (issue 19): labs' repositories pinned to full commits.

The shipped manifests are checked offline (pins, labels, list file).  Building an
extended-style manifest is checked on a local git repository the test creates: the pinned
commit builds through `lineage corpus build --list`, a commit the repository does not hold and
hostile URLs are refused, and nothing is created for a refused URL.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineage import api
from lineage.cli.main import cli
from lineage.data import load_table, shipped_dir
from lineage.errors import LineageError
from lineage.index.manifest import glob_regex, load_manifest

LIST = shipped_dir() / "extended" / "extended.toml"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def extended() -> list[Path]:
    return [p for p in api.listed_manifests(LIST) if p.parent.name == "extended"]


def test_list_names_the_default_sources_then_every_extended_manifest() -> None:
    paths = api.listed_manifests(LIST)
    assert paths[: len(api.default_manifests())] == api.default_manifests()
    assert sorted(p.name for p in extended()) == sorted(p.name for p in LIST.parent.glob("*.toml") if p != LIST)


@pytest.mark.parametrize("path", extended(), ids=lambda p: p.stem)
def test_shipped_extended_manifest_is_pinned_and_labelled(path: Path) -> None:
    m = load_manifest(path)  # validates organisations, names, kinds
    licences = load_table("licences.toml")["licence"]
    assert m.kind == "git"
    assert re.fullmatch(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", m.url), m.url
    assert re.fullmatch(r"[0-9a-f]{40}", m.rev), "a full commit, never a branch or a short id"
    assert m.repository == m.url and ISO.match(m.released)
    assert m.licence in licences
    for fam in m.families:
        assert fam.licence in licences and (not fam.weights_licence or fam.weights_licence in licences)
        assert ISO.match(fam.first_seen) and fam.first_seen <= m.released
    for glob in m.infrastructure:  # a label for files the families index
        assert any(glob_regex(inc).match(glob) for fam in m.families for inc in fam.include), glob


def test_family_names_do_not_collide_with_the_default_index() -> None:
    default = {f"{m.name}:{f.name}" for m in map(load_manifest, api.default_manifests()) for f in m.families}
    mine = {f"{m.name}:{f.name}" for m in map(load_manifest, extended()) for f in m.families}
    assert mine and not mine & default
    assert not {load_manifest(p).name for p in extended()} & {load_manifest(p).name for p in api.default_manifests()}


def test_list_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "list.toml"
    for text in ("[x]\nmanifests = []\n", "[x]\nmanifests = [1]\n", "[x]\nmanifests = ['a.toml']\nwith_default = 'yes'\n",
                 "[x]\nmanifests = ['a.toml']\n[y]\nmanifests = ['b.toml']\n", "not toml ["):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(LineageError):
            api.listed_manifests(bad)


# --- a local repository in the extended form ---------------------------------------------------

MODEL = '''"""Our own model file for this test."""
import torch
from torch import nn


class TinyAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.out = nn.Linear(dim, dim, bias=False)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).unbind(2)
        scores = torch.einsum("bthd,bshd->bhts", q, k) / (d // self.heads) ** 0.5
        return self.out(torch.einsum("bhts,bshd->bthd", scores.softmax(-1), v).reshape(b, t, d))
'''
HELPER = '''def pad_to_multiple(values, multiple, fill=0):
    extra = -len(values) % multiple
    return list(values) + [fill] * extra
'''
MANIFEST = '''[source]
name = "tiny-lab"
kind = "git"
url = "{url}"
rev = "{rev}"
licence = "MIT"
released = "2026-01-01"

[[infrastructure]]
include = ["tiny/helpers.py"]

[[family]]
name = "tiny"
include = ["tiny/*.py"]
org = "DeepSeek"
first_seen = "2025-12-01"
'''


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture()
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "cache"))
    repo = tmp_path / "lab"
    (repo / "tiny").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Test")
    _git(repo, "config", "user.email", "test@example.com")
    (repo / "tiny" / "model.py").write_text(MODEL, encoding="utf-8")
    (repo / "tiny" / "helpers.py").write_text(HELPER, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "model")
    pinned = _git(repo, "rev-parse", "HEAD")
    (repo / "tiny" / "model.py").write_text(MODEL.replace("TinyAttention", "LaterAttention"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "later")  # the branch moves on: the pin must still hold
    return repo, pinned


def _listed(tmp_path: Path, url: str, rev: str) -> Path:
    (tmp_path / "tiny-lab.toml").write_text(MANIFEST.format(url=url, rev=rev), encoding="utf-8")
    listing = tmp_path / "list.toml"
    listing.write_text('[extended]\nwith_default = false\nmanifests = ["tiny-lab.toml"]\n', encoding="utf-8")
    return listing


def test_pinned_commit_builds_with_one_command(lab: tuple[Path, str], tmp_path: Path) -> None:
    repo, pinned = lab
    out = tmp_path / "ext.lineage"
    result = CliRunner().invoke(cli, ["corpus", "build", "--list", str(_listed(tmp_path, repo.as_uri(), pinned)),
                                      "--out", str(out), "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    idx = api.open_index(out)
    assert idx.header["sources"][0]["version"] == pinned
    units = {idx.ref_unit(u).unit: idx.ref_unit(u) for u in range(idx.n_units)}
    assert "TinyAttention.forward" in units and "LaterAttention.forward" not in units  # the pinned tree
    assert units["TinyAttention.forward"].role == "core-architecture"
    assert units["pad_to_multiple"].role == "infrastructure"  # labelled by the manifest


def test_a_commit_the_repository_lacks_is_refused(lab: tuple[Path, str], tmp_path: Path) -> None:
    repo, _ = lab
    result = CliRunner().invoke(cli, ["corpus", "build", "--list", str(_listed(tmp_path, repo.as_uri(), "0" * 40)),
                                      "--out", str(tmp_path / "x.lineage"), "--workers", "1", "-q"])
    assert result.exit_code == 2, result.output
    assert "0000000000" in result.stderr and not (tmp_path / "x.lineage").exists()


@pytest.mark.parametrize("url", [
    "ext::sh -c touch% {marker}", "--upload-pack=touch%20{marker}", "http://example.com/lab.git",
    "git://example.com/lab.git", "ssh://-oProxyCommand=touch%20{marker}/x", "file::{marker}",
])
def test_hostile_urls_are_refused_before_anything_runs(lab: tuple[Path, str], tmp_path: Path, url: str) -> None:
    _, pinned = lab
    marker = tmp_path / "pwned"
    listing = _listed(tmp_path, url.format(marker=marker), pinned)
    with pytest.raises(LineageError, match="refusing|unsupported"):
        api.build(api.listed_manifests(listing), tmp_path / "x.lineage", workers=1)
    assert not marker.exists() and not (tmp_path / "cache" / "git").exists()
