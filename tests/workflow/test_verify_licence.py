"""A whole-file copy that declares a licence leaving out the reference's is rated medium at least.

The reference (our own Alpha model, tests/workflow/data/alpha) carries no notice and no licence
of its own, as transformers' generated model files do; the corpus holds it whole as a line
published under Apache-2.0, which dates it.  A copy of it declaring a proprietary licence owes
no vendor's notice ("none-needed"), yet its licence leaves out the one its code came under: a
scan says so in a medium licence finding, and so must the exhibit (a stranger's review: a
verbatim deepseek_v3 under a proprietary header read as a low whole-file copy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.lines_fixture import index_families
from tests.workflow.conftest import REFERENCE, run


def _bare() -> str:
    """The reference without its notice lines (a file that names no holder and no licence)."""
    return "".join(line for line in REFERENCE.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("# lineage test fixture") and not line.startswith("# (this file"))


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("licence")
    reference = root / "modeling_alpha.py"
    reference.write_text(_bare(), encoding="utf-8")
    corpus = index_families(tmp_path_factory.mktemp("corpus"), "bg", [("deepseek_v2", _bare(), "DeepSeek",
                                                                        "2024-05-06", ())])
    return reference, corpus


def _whole(suspect: Path, reference: Path, corpus: Path) -> dict:
    done = run("verify", suspect, "--against", reference, "--index", corpus, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    (row,) = [f for f in data["files"] if f.get("severity")]
    return {"row": row, "statement": data["summary"]["statement"]}


def test_a_relicensed_whole_copy_is_rated_medium(tmp_path: Path, sides: tuple[Path, Path]) -> None:
    reference, corpus = sides
    suspect = tmp_path / "modeling_beta.py"
    suspect.write_text("# SPDX-License-Identifier: LicenseRef-Proprietary\n" + _bare().replace("Alpha", "Beta"),
                       encoding="utf-8")
    found = _whole(suspect, reference, corpus)
    assert found["row"]["severity"] == "medium", found["row"]
    assert "declares LicenseRef-Proprietary, which leaves out the reference's Apache-2.0" in found["row"]["verdict"]
    assert "1 medium: removed or relicensed" in found["statement"]
    # the same copy declaring the reference's own licence, or none, stays low (a copy, but no gap)
    for header in ("# SPDX-License-Identifier: Apache-2.0\n", ""):
        suspect.write_text(header + _bare().replace("Alpha", "Beta"), encoding="utf-8")
        row = _whole(suspect, reference, corpus)["row"]
        assert row["severity"] == "low" and "leaves out" not in row["verdict"], row
