"""Code a reference says it took from the scanned package's own repository is the package's own
(classify/ownrepo.py): pretrainedmodels, Cadene's package, read as high and medium copies of timm's
NASNet and Inception-v4, whose files say they were taken from Cadene's repositories (a stranger's
review).  Every fixture here is our own code."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.pipeline.scan import scan
from lineage.source.repos import repositories
from tests.dir_index import dir_index

CELL = '''

class MixedCell(nn.Module):
    def __init__(self, left, right, out, stride=1):
        super().__init__()
        self.left_branch = nn.Sequential(nn.ReLU(), nn.Conv2d(left, out, 3, stride, 1, bias=False), nn.BatchNorm2d(out))
        self.right_branch = nn.Sequential(nn.ReLU(), nn.Conv2d(right, out, 5, stride, 2, bias=False), nn.BatchNorm2d(out))
        self.pool = nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)
        self.skip = nn.Conv2d(left, out, 1, stride, bias=False)

    def forward(self, x_left, x_right):
        a = self.left_branch(x_left)
        b = self.right_branch(x_right)
        c = self.pool(x_left)
        d = self.skip(x_left)
        first = a + b
        second = c + d
        third = self.left_branch(x_right) + c
        fourth = torch.cat([first, second], 1) * 0.5
        return torch.cat([first, second, third, fourth], 1)
'''
# the reference (a model zoo of another project) says where its code came from
REFERENCE = ('""" Mixed cells\n cell implementation grabbed from the model zoo of Acme Lab\n'
             ' https://github.com/Acme-Lab/model-zoo\n"""\nimport torch\nfrom torch import nn\n' + CELL)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    root = tmp_path_factory.mktemp("ownrepo-ref")
    (root / "zoo").mkdir()
    (root / "zoo" / "cells.py").write_text(REFERENCE, encoding="utf-8")
    lines = ["[source]", 'name = "zoo"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"', "",
             "[[family]]", 'name = "mixcell"', 'include = ["zoo/*.py"]', 'org = "Google"', 'first_seen = "2018-01-01"', ""]
    return api.open_index(dir_index(tmp_path_factory, "ownrepo", lines))


def _package(root: Path, home: str) -> Path:
    (root / "acmezoo").mkdir(parents=True)
    (root / "acmezoo" / "cells.py").write_text("import torch\nfrom torch import nn\n" + CELL, encoding="utf-8")
    (root / "PKG-INFO").write_text(f"Metadata-Version: 2.1\nName: acmezoo\nVersion: 0.7.4\nHome-page: {home}\n",
                                   encoding="utf-8")
    return root


def _code(index: EmbeddedIndex, root: Path) -> list[str]:
    result, _ = scan(str(root), index, Config(workers=1))
    return [f"{f.unit} {f.severity} {f.attribution}" for f in result.findings if f.kind == "code-match"]


def test_code_the_reference_took_from_the_package_s_repository_is_its_own(index: EmbeddedIndex, tmp_path: Path) -> None:
    found = _code(index, _package(tmp_path / "own", "https://github.com/acme-lab/pretrained-zoo"))
    assert found and all(f.endswith(" info own") for f in found), found


def test_another_home_leaves_it_a_copy(index: EmbeddedIndex, tmp_path: Path) -> None:
    found = _code(index, _package(tmp_path / "other", "https://github.com/someone-else/zoo"))
    assert any(" medium " in f or " high " in f for f in found), found


def test_the_package_s_repositories_are_read_from_its_metadata() -> None:
    meta = (b"Metadata-Version: 2.1\nName: x\nHome-page: https://github.com/Cadene/pretrained-models.pytorch\n"
            b"Project-URL: Source, https://gitlab.com/Team-X/x\nProject-URL: Funding, https://github.com/sponsors/y\n")
    assert repositories([("PKG-INFO", meta)]) == ("github.com/cadene/pretrained-models.pytorch", "gitlab.com/team-x/x")
    pyproject = b'[project]\nname = "x"\n[project.urls]\nHomepage = "https://github.com/Org/x"\n'
    assert repositories([("pyproject.toml", pyproject)]) == ("github.com/org/x",)
    assert repositories([("pyproject.toml", b"[project\n")]) == ()


def test_an_owner_every_engine_credits_is_no_package_s_own(tmp_path_factory: pytest.TempPathFactory,
                                                           tmp_path: Path) -> None:
    """References of two packages credit the owner (as every engine credits "huggingface"): a package
    naming another repository of that owner as its home does not make their code its own; the very
    repository they credit does."""
    manifests = []
    for source in ("engine-a", "engine-b"):
        root = tmp_path_factory.mktemp(source)
        (root / "m").mkdir()
        cell = CELL if source == "engine-a" else CELL.replace("MixedCell", "OtherCell").replace("* 0.5", "* 0.25")
        (root / "m" / "cells.py").write_text(REFERENCE.replace("Acme-Lab/model-zoo", "Big-Hub/models")
                                             .replace(CELL, cell), encoding="utf-8")
        manifest = root / f"{source}.toml"
        manifest.write_text("\n".join(["[source]", f'name = "{source}"', 'kind = "dir"', f'path = "{root.as_posix()}"',
                                       'licence = "Apache-2.0"', "", "[[family]]", f'name = "cell_{source[-1]}"',
                                       'include = ["m/*.py"]', 'org = "Google"', 'first_seen = "2018-01-01"', ""]),
                            encoding="utf-8")
        manifests.append(manifest)
    out = tmp_path_factory.mktemp("hub-index") / "hub.lineage"
    api.build(manifests, out, workers=1)
    hub = api.open_index(out)
    other = _code(hub, _package(tmp_path / "other", "https://github.com/big-hub/my-own-fork"))
    assert any(" medium " in f or " high " in f for f in other), other
    same = _code(hub, _package(tmp_path / "same", "https://github.com/Big-Hub/models"))
    assert same and all(f.endswith(" info own") for f in same), same
