"""Look-through names the file's owner only when no family explains the file better.

A child line is its parent's code plus one helper of its own.  Its file under its own names is
the child's own code, looked through to its declared root.  Renamed, the names no longer tell
the two apart, and the declared parent, leading by little less in code, is the better-founded
source (classify/source._ancestor_first); but the file is then no more the parent's own published
code than the child's, which explains it better: no look-through is said (a stranger's review,
2026-12-05: a renamed copy of transformers' glm4 read "this is transformers:glm's own code")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from lineage.verdicts import SourceVerdict
from tests.lines_fixture import NOTICES, code, index_families

OWN = '''

def child_post_scale(hidden, weight, eps, clip=30.0):
    """The child's own addition: a scale after the residual."""
    variance = hidden.float().pow(2).mean(-1, keepdim=True)
    scaled = hidden * torch.rsqrt(variance + eps) * (1.0 + weight)
    capped = torch.tanh(scaled / clip) * clip
    return capped.to(hidden.dtype), variance.squeeze(-1)
'''
CHILD = code(("base", "router"), "Router").replace("Router", "Child").replace("router_", "child_") + OWN


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    families = [("base", NOTICES["base"] + "\n" + code(("base",), "Base"), "Meta", "2023-01-01", ()),
                ("router", NOTICES["router"] + "\n" + code(("base", "router"), "Router"), "DeepSeek", "2024-01-01",
                 ("base",)),
                ("child", "# Copyright 2024 DeepSeek-AI.\n" + CHILD, "DeepSeek", "2024-06-01", ("router",))]
    return api.open_index(str(index_families(tmp_path_factory.mktemp("ahead"), "lt", families)))


def _verdict(index: EmbeddedIndex, text: str) -> SourceVerdict:
    result, _ = api.scan_files([SourceFile("m.py", text.encode())], index, Config(workers=1))
    verdict = result.summary.files["m.py"].source
    assert verdict is not None and verdict.source is not None
    return verdict


def test_the_file_under_its_own_names_is_the_child_s_own_code(index: EmbeddedIndex) -> None:
    v = _verdict(index, CHILD)
    assert v.source is not None and v.source.family == "lt:child"
    assert v.look_through is not None and v.look_through.root == "lt:base"


def test_renamed_the_parent_is_the_source_but_not_said_to_own_the_file(index: EmbeddedIndex) -> None:
    renamed = CHILD
    for i, name in enumerate(sorted(set(re.findall(r"\b(?:class|def)\s+(\w+)", CHILD)), key=len, reverse=True)):
        renamed = re.sub(rf"\b{name}\b", f"Zed{i}", renamed)
    v = _verdict(index, renamed)
    assert v.source is not None and v.runner_up is not None
    assert (v.source.family, v.decided_by, v.runner_up.family) == ("lt:router", "ancestor", "lt:child")
    assert v.runner_up.score > v.source.score
    assert v.look_through is None
