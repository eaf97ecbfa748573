"""`# Copied from torchvision.models.X.Y` (or timm's) above a class declares it, as transformers'
marker does (a stranger's review: a block so marked over a copy of torchvision's ResNet read high)."""

from __future__ import annotations

from pathlib import Path

from lineage import api
from lineage.config import Config
from lineage.models import SourceFile
from tests.lines_fixture import index_families

BLOCK = '''

class TwoConvBlock(nn.Module):
    expansion = 1

    def __init__(self, planes_in, planes, stride=1, shortcut=None, groups=1, norm=None):
        super().__init__()
        norm = norm or nn.BatchNorm2d
        self.first = nn.Conv2d(planes_in, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.first_norm = norm(planes)
        self.act = nn.ReLU(inplace=True)
        self.second = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, groups=groups, bias=False)
        self.second_norm = norm(planes)
        self.shortcut = shortcut
        self.stride = stride

    def forward(self, x):
        kept = x
        y = self.act(self.first_norm(self.first(x)))
        y = self.second_norm(self.second(y))
        if self.shortcut is not None:
            kept = self.shortcut(x)
        y = y + kept
        return self.act(y)
'''


OWN = '''

def widths(base, stages=4, growth=2):
    """Channel widths of our stages (the marker below is no banner of the whole file)."""
    return [base * growth ** i for i in range(stages)]
'''


def _findings(tmp_path: Path, marker: str) -> list[str]:
    index = api.open_index(index_families(tmp_path / "ref", "tv", [
        ("resnet", "import torch\nfrom torch import nn\n" + BLOCK, "Microsoft", "2015-12-10", ())]))
    text = "# Copyright 2026 Example Labs. All rights reserved.\nimport torch\nfrom torch import nn\n" + OWN \
        + BLOCK.replace("\nclass TwoConvBlock", f"\n{marker}\nclass TwoConvBlock")
    result, _ = api.scan_files([SourceFile("ours/blocks.py", text.encode())], index, Config(workers=1))
    return [f"{f.unit} {f.severity} {f.attribution}" for f in result.findings
            if f.kind == "code-match" and f.unit.startswith("TwoConvBlock")]


def test_a_class_copied_from_torchvision_and_so_marked_is_declared(tmp_path: Path) -> None:
    (tmp_path / "ref").mkdir()
    marked = _findings(tmp_path, "# Copied from torchvision.models.resnet.BasicBlock")
    assert marked and all(f.endswith("info declared") for f in marked), marked


def test_the_same_class_unmarked_is_a_copy(tmp_path: Path) -> None:
    (tmp_path / "ref").mkdir()
    unmarked = _findings(tmp_path, "# our residual block")
    assert any(" medium " in f or " high " in f for f in unmarked), unmarked
