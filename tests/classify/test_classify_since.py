"""A source's code is no older than the source: time travel to a day before a project's first public
release (its manifest's `since`) leaves the project out, though the model it ports is older (vLLM's
Whisper port is of 2023 or later; Whisper of 2022): a 2022 original is no copy of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.errors import ManifestError
from lineage.index.embedded import EmbeddedIndex
from lineage.index.restrict import as_of, public_dates
from lineage.models import SourceFile
from tests.classify.test_classify_elder import HEAD, OLD


def _manifest(root: Path, name: str, since: str) -> Path:
    (root / "wave").mkdir(parents=True)
    (root / "wave" / "modeling_wave.py").write_text("# Copyright 2024 Engine Authors.\n" + HEAD + OLD, encoding="utf-8")
    manifest = root / f"{name}.toml"
    manifest.write_text("\n".join([
        "[source]", f'name = "{name}"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
        'released = "2026-01-01"', *([f'since = "{since}"'] if since else []), "",
        "[[family]]", 'name = "wave"', 'include = ["wave/*.py"]', 'org = "Meta"', 'first_seen = "2022-09-21"', ""]),
        encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    root = tmp_path_factory.mktemp("engine")
    out = root / "engine.lineage"
    assert not api.build([_manifest(root / "src", "engine", "2023-06-01")], out, workers=1).errors
    return api.open_index(str(out))


def test_a_family_is_public_no_earlier_than_its_source(engine: EmbeddedIndex) -> None:
    assert public_dates(engine) == {"engine:wave": "2023-06-01"}
    assert not as_of(engine, "2022-12-31").meta["families"]  # the model is older, its port is not
    assert [f["name"] for f in as_of(engine, "2023-06-01").meta["families"]] == ["wave"]


def test_an_original_dated_before_the_source_is_no_copy_of_it(engine: EmbeddedIndex) -> None:
    text = "# Copyright 2022 Origin Labs.\n" + HEAD + OLD.replace("Wave", "Origin")
    files = [SourceFile("origin/modeling_origin.py", text.encode())]
    then, _ = api.scan_files(files, api.at_date(engine, "2022-10-25"), Config(workers=1))
    assert not [f for f in then.findings if f.severity in ("medium", "high")]
    now, _ = api.scan_files(files, engine, Config(workers=1))
    assert any(f.kind == "code-match" and f.severity in ("medium", "high") for f in now.findings)


def test_since_must_be_a_date(tmp_path: Path) -> None:
    from lineage.index.manifest import load_manifest

    with pytest.raises(ManifestError, match="since"):
        load_manifest(_manifest(tmp_path, "bad", "June 2023"))
