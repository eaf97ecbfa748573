"""A source whose files name no one keeps its notice in its licence file.

torchvision's model files carry no copyright line: its BSD notice ("Copyright (c) Soumith
Chintala 2016, All rights reserved.") stands in its LICENSE alone, which the BSD licence asks
every redistribution of the source to keep.  A copy of such a file without it read "notice
none-needed".  Now the build stores the licence file's copyright lines as the notice of every
family of the source whose files and configuration name no one (index/build.licence_notice), and
a copy is judged against it as against a generated file's configuration module: a project's
notice not kept, a low finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.config import Config
from lineage.index.licence import licence_notice
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, SourceFile

LICENCE = """BSD 3-Clause License

Copyright (c) Jane Roe 2016,
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

* Redistributions of source code must retain the above copyright notice, this
  list of conditions and the following disclaimer.
"""

# a residual network of our own writing, as a vision library's model file (no notice in it)
RESNET = '''\
import torch
from torch import nn


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResidualNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000, width_per_group=64, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(128 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        norm_layer = self._norm_layer
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                norm_layer(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample, norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)
'''

OWN_NOTICE = "# Copyright 2021 Richard Roe. All rights reserved.\n"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    from lineage import api

    root = tmp_path_factory.mktemp("vision")
    (root / "LICENSE").write_text(LICENCE, encoding="utf-8")
    (root / "models").mkdir()
    (root / "models" / "resnet.py").write_text(RESNET, encoding="utf-8")
    (root / "models" / "widenet.py").write_text(OWN_NOTICE + RESNET.replace("ResidualNet", "WideNet"),
                                                encoding="utf-8")
    manifest = root.parent / "vision.toml"
    manifest.write_text("\n".join([
        "[source]", 'name = "vision"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "BSD-3-Clause"',
        'released = "2024-01-01"', "",
        "[[family]]", 'name = "resnet"', 'include = ["models/resnet.py"]', 'org = "Academic (US)"',
        'first_seen = "2015-12-10"', "",
        "[[family]]", 'name = "widenet"', 'include = ["models/widenet.py"]', 'org = "Academic (CA)"',
        'first_seen = "2016-05-23"', ""]), encoding="utf-8")
    out = root.parent / "vision.lineage"
    report = api.build([manifest], out, workers=1)
    assert report.families == 2 and not report.errors
    return api.open_index(str(out))


def notices(text: str, index: EmbeddedIndex) -> list[Finding]:
    from lineage.api import scan_files

    result, _ = scan_files([SourceFile("mine/net.py", text.encode())], index, Config(workers=1))
    return [f for f in result.findings if f.kind == "notice"]


def test_the_licence_file_s_copyright_lines_are_the_notice_of_families_naming_no_one(index: EmbeddedIndex) -> None:
    rows = {f["name"]: f for f in index.meta["families"]}
    assert rows["resnet"]["notice_file"] == {"path": "LICENSE", "header": "\n\n# Copyright (c) 2016 Jane Roe\n"}
    assert "notice_file" not in rows["widenet"]  # (its file names its own holder)


def test_a_copy_without_the_licence_notice_has_not_kept_it(index: EmbeddedIndex) -> None:
    found = [f for f in notices(RESNET, index) if "Jane Roe" in f.explanation]
    assert found and "LICENSE line 3 holds 'Copyright (c) 2016 Jane Roe'" in found[0].explanation
    assert "neither mine/net.py nor a repository NOTICE file keeps it" in found[0].explanation
    assert {f.severity for f in found} == {"low"}  # (a project's notice, as a generated file's configuration's)


@pytest.mark.parametrize("kept", [
    "# Copyright (c) Jane Roe 2016,\n# All rights reserved.\n",  # as the licence writes it
    "# Copyright (C) 2016 Jane Roe\n",  # years first, as source files write it (a review)
    "# Copyright (c) 2016-2024 Jane Roe. All rights reserved.\n",
    "# (c) Jane Roe 2017\n",
])
def test_a_copy_keeping_the_licence_notice_owes_none(index: EmbeddedIndex, kept: str) -> None:
    assert not notices(kept + RESNET, index)


def test_licence_boilerplate_is_no_notice() -> None:
    apache = ("Apache License\nVersion 2.0\n   copyright license to reproduce, prepare Derivative Works of,\n"
              "   (c) You must retain, in the Source form of any Derivative Works\n"
              "   Copyright [yyyy] [name of copyright owner]\n")
    mit = "MIT License\n\nCopyright (c) 2023 Example Labs\n\nThe above copyright notice and this permission notice\n"
    assert licence_notice([SourceFile("pkg-1.0.dist-info/LICENSE", apache.encode())]) == {}
    assert licence_notice([SourceFile("pkg-1.0.dist-info/licenses/LICENSE", mit.encode())]) == {
        "path": "pkg-1.0.dist-info/licenses/LICENSE", "header": "\n\n# Copyright (c) 2023 Example Labs\n"}


def test_the_notice_is_read_from_the_wheel_s_licence_file(tmp_path: Path) -> None:
    """A PyPI source's licence file is its wheel's .dist-info one, read by the archive reader."""
    import zipfile

    from lineage.vocab import is_licence_file
    from lineage.source.archive import read_archive

    wheel = tmp_path / "vision-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("vision/models/resnet.py", RESNET)
        z.writestr("vision/models/LICENSE", "Copyright (c) Someone Else 2020\n")  # (not the package's own)
        z.writestr("vision-1.0.dist-info/LICENSE", LICENCE)
    files, _ = read_archive(wheel, include=is_licence_file)
    assert [f.path for f in files] == ["vision-1.0.dist-info/LICENSE"]
    assert licence_notice(files)["header"] == "\n\n# Copyright (c) 2016 Jane Roe\n"
