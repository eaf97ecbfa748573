"""A file that is mostly code of its own, under its own notice, and copies a small part of a
line's code: its notice stands for its own code, in no one's place, so the upstream holder's
notice owed for the part copied was removed (medium), not replaced (vLLM's old phi.py, Microsoft's
model, holds an attention forward like gpt_j's and read "Microsoft replaced EleutherAI", high).
The same notice over a file that is the copy as a whole replaced the upstream's."""

from __future__ import annotations

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, SourceFile
from tests.classify.conftest import unique_function
from tests.lines_fixture import NOTICES, build_lines_index, code

ACME = "# Copyright 2026 Acme Corp. All rights reserved.\n"


@pytest.fixture(scope="module")
def lines_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return api.open_index(build_lines_index(tmp_path_factory.mktemp("lines")))


def _router_notices(index: EmbeddedIndex, text: str) -> list[Finding]:
    result, _ = api.scan_files([SourceFile("mine/modeling_mine.py", text.encode())], index, Config(workers=1))
    return [f for f in result.findings if f.kind == "notice" and f.attribution in ("removed", "replaced")
            and f.details.org == "DeepSeek"]  # type: ignore[union-attr]


def test_a_small_copied_part_under_the_files_own_notice_removed_the_upstream_notice(
        lines_index: EmbeddedIndex) -> None:
    copy = code(("base", "router"), "Xray")
    own = "\n\n".join(unique_function(i) for i in range(400, 420))
    padded = ACME + "import torch\nfrom torch import nn\n\n\n" + own + "\n\n" + copy
    assert len(copy.splitlines()) < 0.25 * len(padded.splitlines())
    part = _router_notices(lines_index, padded)
    assert part and {(f.attribution, f.severity) for f in part} == {("removed", "medium")}
    assert "Acme" not in part[0].explanation  # its own notice is not said to stand in DeepSeek's place
    whole = _router_notices(lines_index, ACME + copy)
    assert whole and {f.attribution for f in whole} == {"replaced"}
    assert any(f.severity == "high" for f in whole)


def test_a_small_copied_part_keeping_the_upstream_notice_removed_only_the_one_it_dropped(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """The reference names a porter beside the upstream holder; the file keeps the upstream's line
    under its own notice and copies a small part: the upstream's notice stands kept, and only the
    porter's was removed (a stranger's review: PaddleNLP's T5, which keeps its 'Mesh TensorFlow
    authors, T5 Authors and HuggingFace' line, read that line as 'not kept', its notices unread)."""
    porter = "# Copyright 2025 Porter Works Ltd.\n"
    index = api.open_index(build_lines_index(tmp_path_factory.mktemp("porter"), banners={"router": porter}))
    copy = code(("base", "router"), "Xray")
    own = "\n\n".join(unique_function(i) for i in range(400, 420))
    upstream = NOTICES["router"] + "\n"
    padded = ACME + upstream + "import torch\nfrom torch import nn\n\n\n" + own + "\n\n" + copy
    result, _ = api.scan_files([SourceFile("mine/modeling_mine.py", padded.encode())], index, Config(workers=1))
    notices = [f for f in result.findings if f.kind == "notice" and f.attribution in ("removed", "replaced")]
    said = {f.details.holder: (f.attribution, f.severity) for f in notices}  # type: ignore[union-attr]
    assert not any("DeepSeek" in holder for holder in said), said
    assert {v for k, v in said.items() if "Porter" in k} == {("removed", "medium")}, said
    kept = {line for f in notices for line in f.details.to_json()["notices"]}  # type: ignore[union-attr]
    assert upstream.strip("# \n") in kept
