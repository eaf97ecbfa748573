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


def _corpus(root: Path, generated: str, config: str = CONFIG) -> Path:
    """An index of one family whose model file names no one and whose configuration module keeps
    the maker's notice, as transformers generates qwen2's (index/build.notice_files)."""
    from lineage import api

    folder = root / "models" / "alpha"
    folder.mkdir(parents=True)
    (folder / "modeling_alpha.py").write_text(generated, encoding="utf-8")
    (folder / "configuration_alpha.py").write_text(config, encoding="utf-8")
    manifest = root / "tf.toml"
    manifest.write_text(f'[source]\nname = "tf"\nkind = "dir"\npath = "{root.as_posix()}"\nlicence = "Apache-2.0"\n\n'
                        '[[family]]\nname = "alpha"\ninclude = ["models/alpha/modeling_*.py"]\norg = "Zhipu AI"\n',
                        encoding="utf-8")
    out = root / "tf.lineage"
    api.build([manifest], out, workers=1)
    return out


def _downloaded(root: Path, config: str = CONFIG) -> tuple[Path, Path, Path, str]:
    """(the index of the family, its generated file downloaded alone and renamed, a renamed copy
    of it under another holder's notice, the generated text)."""
    generated = _reference(root / "tf", config=False).read_text(encoding="utf-8")
    index = _corpus(root / "corpus", generated, config)
    reference = root / "download" / "reference_model.py"
    reference.parent.mkdir()
    reference.write_text(generated, encoding="utf-8")
    suspect = root / "suspect" / "modeling_beta.py"
    suspect.parent.mkdir()
    suspect.write_text(renamed_copy(), encoding="utf-8")
    return index, reference, suspect, generated


def test_a_reference_file_the_index_holds_owes_its_familys_notice(tmp_path: Path) -> None:
    """The generated file downloaded alone, renamed, with no configuration module beside it: the
    index holds it byte for byte, and its family's notice is owed (a stranger's review,
    2026-12-06: a verbatim copy under another holder's header passed, "none-needed", exit 0)."""
    index, reference, suspect, generated = _downloaded(tmp_path)
    data = _exhibit(suspect, reference, "--index", index)
    (entry,) = data["notices"]["attribution"]
    assert entry["state"] == "replaced", entry
    assert "configuration_alpha.py" in entry["explanation"] and "The Zhipu AI team" in entry["explanation"]
    found = data["inputs"]["reference"]["notice_from_index"]
    assert found["family"] == "tf:alpha" and found["indexed_file"] == "models/alpha/modeling_alpha.py"
    text = run("verify", suspect, "--against", reference, "--index", index).stdout
    assert "its notice:  none in its files; reference_model.py is tf:alpha's models/alpha/modeling_alpha.py" in text
    # a file the index does not hold byte for byte is not taken for the family's: nothing is owed
    reference.write_text(generated + "\n# a line of its own\n", encoding="utf-8")
    data = _exhibit(suspect, reference, "--index", index)
    (entry,) = data["notices"]["attribution"]
    assert entry["state"] == "none-needed" and "notice_from_index" not in data["inputs"]["reference"], entry


def test_a_notice_file_naming_a_porter_not_the_maker_is_not_owed_as_the_makers(tmp_path: Path) -> None:
    """As `scan` judges it: transformers' deepseek_v3 configuration names its porter and Hugging
    Face, not DeepSeek, and stands for no maker's notice."""
    porter = "# Copyright 2025 Jane Example and the HuggingFace Inc. team. All rights reserved.\n\nclass AlphaConfig:\n    pass\n"
    index, reference, suspect, _ = _downloaded(tmp_path, porter)
    data = _exhibit(suspect, reference, "--index", index)
    (entry,) = data["notices"]["attribution"]
    assert entry["state"] == "none-needed" and "notice_from_index" not in data["inputs"]["reference"], entry


def test_a_porters_notice_beside_the_makers_model_file_is_not_owed_as_the_makers(tmp_path: Path) -> None:
    """The same, with the porter's configuration module beside the reference (transformers' own
    folder, as installed): the corpus knows the file as the maker's model, and the notice beside it
    names someone else, so no maker's notice is owed; `verify` had read a renamed copy "notice
    replaced", high, where `scan` reads a low project notice (a stranger's review, 2026-12-07)."""
    porter = "# Copyright 2025 Jane Example and the HuggingFace Inc. team. All rights reserved.\n\nclass AlphaConfig:\n    pass\n"
    index, _, suspect, generated = _downloaded(tmp_path, porter)
    reference = _reference(tmp_path / "installed", config=False)
    (reference.parent / "configuration_alpha.py").write_text(porter, encoding="utf-8")
    assert reference.read_text(encoding="utf-8") == generated
    (entry,) = _exhibit(suspect, reference, "--index", index)["notices"]["attribution"]
    assert entry["state"] == "none-needed", entry
    # without the corpus the maker is unknown: the notice beside it stands for the reference's holders
    (entry,) = _exhibit(suspect, reference, "--no-index")["notices"]["attribution"]
    assert entry["state"] == "replaced", entry
    # the maker's own notice beside the same file is owed as before
    (reference.parent / "configuration_alpha.py").write_text(CONFIG, encoding="utf-8")
    (entry,) = _exhibit(suspect, reference, "--index", index)["notices"]["attribution"]
    assert entry["state"] == "replaced", entry
