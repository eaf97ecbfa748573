"""`lineage scan` judges a file's notices only when the file holds a reference's code as a copy.

The same fixture as verify's (tests/workflow/test_verify_notice_partial.py, our own code): a
file that writes a reference's small helper alike, in part, under its own holders' notice.  A
partial resemblance reported at medium used to make scan compare the notices and call the
reference's holder "replaced" at high: two ports of one upstream owe each other no notice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, SourceFile
from tests.lines_fixture import index_families
from tests.workflow.test_verify_notice_partial import BLOCK, PARTIAL, REFERENCE


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    root = tmp_path_factory.mktemp("partial")
    return api.open_index(index_families(root, "gm", [("gamma", REFERENCE, "Google", "2024-01-01", ())]))


def findings(index: EmbeddedIndex, text: str) -> list[Finding]:
    result, _ = api.scan_files([SourceFile("delta/modeling_delta.py", text.encode())], index, Config(workers=1))
    return result.findings


def test_a_partial_resemblance_at_medium_does_not_judge_the_notice(index: EmbeddedIndex) -> None:
    found = findings(index, PARTIAL)
    helper = [f for f in found if f.kind == "code-match" and f.unit == "slopes_for_heads"]
    # the resemblance is reported (low since 2026-12-03: a small routine alike in part, codematch.slight) ...
    assert helper and helper[0].severity == "low"
    assert helper[0].attribution is None  # ... and says nothing of the notice
    assert not [f for f in found if f.kind == "notice"], [f.explanation for f in found if f.kind == "notice"]


def test_a_copy_beside_it_is_judged(index: EmbeddedIndex) -> None:
    """Control: the file also holds the reference's block as it is: the notice is judged.  The
    block is under a quarter of the file, the rest code of its own under its own holders' notice:
    the reference's notice was removed (medium), not replaced (attribution.small_part); the block
    alone under that notice replaced it (high)."""
    found = findings(index, PARTIAL + "\n\n" + BLOCK)
    notices = [f for f in found if f.kind == "notice"]
    assert notices and notices[0].attribution == "removed" and notices[0].severity == "medium"
    block = [f for f in found if f.kind == "code-match" and f.unit.startswith("GammaBlock")]
    assert block and {f.attribution for f in block} == {"removed"}
    alone = findings(index, PARTIAL[: PARTIAL.index("import math")] + "import math\n\nimport torch\n\n\n" + BLOCK)
    notices = [f for f in alone if f.kind == "notice"]
    assert notices and notices[0].attribution == "replaced" and notices[0].severity == "high"
