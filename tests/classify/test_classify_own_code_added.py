"""Code of its own added to a copy does not change where the copy came from.

A stranger's review appended a few hundred lines of helper functions of its own (never called,
matching nothing) to copies of real model files: the copy's lead over its declared ancestor,
measured as a share of the whole file, shrank with every line added, until the ancestor was named
instead, or the copy read as a weak resemblance.  The source is chosen over the code some family
holds; the shares reported stay shares of the whole file.

The index is five model lines generated from our own fixture code (tests/lines_fixture.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile
from tests.classify.test_classify_whole_file import CLASSES, _parts, shared_classes_index
from tests.lines_fixture import build_lines_index, code

OPS = ("+", "-", "*", "//", "%", "**")
PATH = "mine/modeling_mine.py"


@pytest.fixture(scope="module")
def lines_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("lines")))


def own_code(n: int) -> str:
    """``n`` helper functions of our own, each different, none called."""
    return "\n\n".join(
        f"def step_{k}(values, limit={k + 2}):\n    total = {k}\n    for i, v in enumerate(values):\n"
        f"        if i {'<' if k % 2 else '>'} limit:\n            total = total {OPS[k % 6]} v {OPS[(k + 1) % 6]} {k + 1}\n"
        f"        else:\n            total -= i * {k % 7 + 1}\n    return [total] * {k % 5 + 1}\n"
        for k in range(n))


def own_modules(n: int) -> str:
    """``n`` small normalisation modules of our own, each faintly like the lines' own (held at less
    than a copy's strength): a fourth review's padding, which the index holds, weakly."""
    return "\n\n".join(f'''class Own{k}Norm(nn.Module):
    def __init__(self, width, eps=1e-{5 + k % 3}):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.shift = nn.Parameter(torch.zeros(width))
        self.eps = eps

    def forward(self, x):
        centred = x.float() - x.float().mean(-1, keepdim=True)
        scale = torch.rsqrt(centred.pow(2).mean(-1, keepdim=True) + self.eps)
        return (centred * scale).to(x.dtype) * self.weight + self.shift * {k + 1}
''' for k in range(n))


def scan(index: EmbeddedIndex, text: str) -> ScanResult:
    result, _ = api.scan_files([SourceFile(PATH, text.encode())], index, Config(workers=1))
    return result


@pytest.mark.parametrize(("parts", "family"), [(("base", "router"), "ln:router"), (("base", "gate"), "ln:gate")])
@pytest.mark.parametrize("padding", ["helpers:200", "helpers:600", "modules:120"])
def test_a_copy_padded_with_code_of_its_own_keeps_its_source(lines_index: EmbeddedIndex, parts: tuple[str, ...],
                                                             family: str, padding: str) -> None:
    """The router and gate lines each add a little to the base line they declare; a copy of
    either, with 10-30 times its own length of uncalled helpers appended (or of small modules of
    its own that the index holds faintly), is still that line's, decided as the bare copy is, its
    share of the file reported as the smaller share it is."""
    kind, n = padding.split(":")
    bare = scan(lines_index, code(parts, "Xray")).summary.files[PATH].source
    own = own_code(int(n)) if kind == "helpers" else own_modules(int(n))
    padded_result = scan(lines_index, code(parts, "Xray") + "\n\n\n" + own)
    padded = padded_result.summary.files[PATH].source
    assert bare.source is not None and bare.source.family == family
    assert padded.source is not None and padded.source.family == family, padded
    assert padded.decided_by == bare.decided_by and padded.status == "source"
    # weighed over the code the index holds, the shares reported of the whole file
    assert bare.weighed == 1.0 and 0 < padded.weighed < 0.2
    assert padded_result.summary.files[PATH].to_json()["source"]["weighed_over"] == round(padded.weighed, 3)
    assert padded.source.score < bare.source.score / 5 and padded.source.cover < bare.source.cover / 5
    assert 0 < padded.margin < bare.margin  # the runner-up's margin, a share of the whole file too
    # the copied units are still judged a copy of that line, above low
    copied = [f for f in padded_result.findings if f.kind == "code-match" and f.severity in ("medium", "high")]
    assert {f.matches[0].ref.family for f in copied} >= {family}
    assert family.split(":")[1] in padded_result.summary.files[PATH].verdict


def test_own_code_alone_beside_a_sliver_still_names_no_source(lines_index: EmbeddedIndex) -> None:
    """Weighing the choice over the code some family holds does not name a source for a file
    that holds a sliver: no family explains a share of the whole file worth naming."""
    base = code(("base",), "Sliver")
    norm = base[base.index("class SliverNorm"): base.index("class SliverRotary")]
    result = scan(lines_index, "import torch\nfrom torch import nn\n\n\n" + norm + "\n\n" + own_code(300))
    assert [f for f in result.findings if f.unit.startswith("SliverNorm")]
    source = result.summary.files[PATH].source
    assert source is None or source.status == "none", source


def test_part_of_a_file_beside_code_of_its_own_is_weighed_over_all_of_it(lines_index: EmbeddedIndex) -> None:
    """Two classes of the base line beside helpers of its own are no copy of a whole file, however
    read: the source is chosen over all of the file, as before."""
    base = code(("base",), "Part")
    part = base[base.index("class PartNorm"): base.index("class PartAttention")]
    result = scan(lines_index, "import torch\nfrom torch import nn\n\n\n" + part + "\n\n" + own_code(40))
    source = result.summary.files[PATH].source
    assert source.source is not None and source.weighed == 1.0, source
    assert "whole file" not in result.summary.files[PATH].verdict


@pytest.fixture(scope="module")
def clone_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The shared-classes lines (every class of base's file held by seven lines: no unit of it
    convicts on its own), and a near-clone of base's file by another maker, all of it but the norm."""
    return shared_classes_index(tmp_path_factory.mktemp("clone"), extra=[
        ("clone", _parts(code(("base",), "Clone"), "Clone", set(CLASSES) - {"Norm"}), "Upstage", "2024-05-01", ())])


@pytest.mark.parametrize("helpers", [3, 6, 12])
def test_a_whole_copy_of_a_near_cloned_file_beside_a_little_code_of_its_own_is_a_copy(
        clone_index: EmbeddedIndex, helpers: int) -> None:
    """Base's whole file, its notice replaced, with a few helpers of its own added (10-35% of the
    file): base leads the clone by the norm alone, too little of the whole file to call it a copy
    of base's file, and the file held at least half of its code, so it was not weighed over the
    held code; it read "built on shared code" and passed (a fifth review: transformers' bitnet,
    ministral, arcee and smollm3 with 3-20 helpers).  Read over its held code as well, it is base's
    whole file: a copy, its notice judged against base's."""
    bare = scan(clone_index, "# Copyright 2026 Foo Labs.\n" + code(("base",), "Mine"))
    assert bare.summary.files[PATH].verdict.startswith("core-architecture copy of base"), bare.summary.files[PATH].verdict
    result = scan(clone_index, "# Copyright 2026 Foo Labs.\n" + code(("base",), "Mine") + "\n\n\n" + own_code(helpers))
    row = result.summary.files[PATH]
    assert row.verdict.startswith("core-architecture copy of base (Meta, US)"), row.verdict
    assert row.source.source is not None and row.source.source.family == "wf:base" and 0.5 <= row.source.weighed < 1
    assert [f for f in result.findings if f.kind == "code-match" and f.severity in ("medium", "high")]
    notices = [f for f in result.findings if f.kind == "notice" and f.severity in ("medium", "high")]
    assert notices and all(f.matches[0].ref.family == "wf:base" for f in notices)


def test_part_of_a_near_cloned_file_beside_a_little_code_of_its_own_is_no_copy(clone_index: EmbeddedIndex) -> None:
    """Three of base's classes (code seven lines hold) and a few helpers of its own: no whole file
    held, so read over its held code or not, shared code, no copy."""
    part = _parts(code(("base",), "Mine"), "Mine", {"Norm", "Rotary", "Attention"})
    result = scan(clone_index, "# Copyright 2026 Foo Labs.\n" + part + "\n\n\n" + own_code(4))
    assert not [f for f in result.findings if f.severity in ("medium", "high")]
    assert result.summary.files[PATH].verdict.startswith("built on shared code"), result.summary.files[PATH].verdict


def test_a_near_cloned_file_split_in_two_beside_a_little_code_of_its_own_is_read_together(
        clone_index: EmbeddedIndex) -> None:
    """The same copy split in two files, a few helpers of its own in each: read together, they are
    base's whole file beside a little code of their own, so a copy split across them."""
    text = code(("base",), "Mine")
    cut = text.index("class MineMLP")
    head = "".join(line + "\n" for line in text[:cut].splitlines() if line.startswith(("import ", "from ")))
    files = {"mine/layers.py": text[:cut] + "\n\n" + own_code(3),
             "mine/model.py": head + "\n\n" + text[cut:] + "\n\n" + own_code(3).replace("def step_", "def stage_")}
    result, _ = api.scan_files([SourceFile(p, ("# Copyright 2026 Foo Labs.\n" + t).encode()) for p, t in files.items()],
                               clone_index, Config(workers=1))
    for path in files:
        row = result.summary.files[path]
        assert row.source is not None and set(row.source.together) == set(files), row.verdict
        assert row.source.source is not None and row.source.source.family == "wf:base"
    assert {f.path for f in result.findings if f.kind == "notice" and f.severity in ("medium", "high")} == set(files)
