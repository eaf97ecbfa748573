"""`lineage verify` judges notices as `scan` does where the reference's modeling file names no one:
transformers generates qwen2's and deepseek_v3's modeling files without their notices, and the
configuration module beside them keeps the holders (index/build.notice_files).  A renamed copy
under another holder's notice read "replaced" (high) in `scan` and "none-needed" in `verify`
against the very file (a stranger's review, 2026-12-05).  Our own fixture code."""

from __future__ import annotations

from pathlib import Path

from tests.workflow.conftest import ZHIPU_LINE, reference_text, renamed_copy, run
from tests.workflow.test_verify_reference_side import _exhibit

CONFIG = f"{ZHIPU_LINE}\n# SPDX-License-Identifier: Apache-2.0\n\n\nclass AlphaConfig:\n    model_type = 'alpha'\n"


def _reference(root: Path, config: bool) -> Path:
    folder = root / "models" / "alpha"
    folder.mkdir(parents=True)
    generated = "".join(line for line in reference_text().splitlines(keepends=True) if ZHIPU_LINE not in line)
    (folder / "modeling_alpha.py").write_text(generated, encoding="utf-8")
    if config:
        (folder / "configuration_alpha.py").write_text(CONFIG, encoding="utf-8")
    return folder / "modeling_alpha.py"


def test_the_notice_beside_a_generated_reference_file_is_owed(tmp_path: Path) -> None:
    suspect = tmp_path / "suspect" / "modeling_beta.py"
    suspect.parent.mkdir()
    suspect.write_text(renamed_copy(), encoding="utf-8")
    data = _exhibit(suspect, _reference(tmp_path, config=True), "--no-index")
    (entry,) = data["notices"]["attribution"]
    assert entry["state"] == "replaced", entry
    assert "configuration_alpha.py" in entry["explanation"] and "The Zhipu AI team" in entry["explanation"]
    text = run("verify", suspect, "--against", _reference(tmp_path / "again", config=True), "--no-index",
               "--exit-zero").stdout
    assert "Notices: replaced" in text


def test_without_a_notice_beside_it_none_is_owed(tmp_path: Path) -> None:
    suspect = tmp_path / "suspect" / "modeling_beta.py"
    suspect.parent.mkdir()
    suspect.write_text(renamed_copy(), encoding="utf-8")
    (entry,) = _exhibit(suspect, _reference(tmp_path, config=False), "--no-index")["notices"]["attribution"]
    assert entry["state"] == "none-needed", entry
