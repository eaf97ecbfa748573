"""Who had code first is ordered by when each family's code was public where the index holds it:
an engine's port of a 2019 model, in an engine public only since 2024, is no older than the
engine (restrict.public_dates).  Until 2026-12-03 a finding named SGLang's GPT-2 port as the
earliest holder of an MLP, "2019-02-14", ahead of the model maker's own 2023 file of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.details import CodeMatchDetails
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from tests.classify.conftest import unique_function

CODE = "import torch\n\n\n" + "\n\n".join(unique_function(i) for i in (610, 611, 612))


def _source(root: Path, name: str, family: str, seen: str, since: str = "") -> Path:
    (root / name / family).mkdir(parents=True)
    (root / name / family / "model.py").write_text(CODE, encoding="utf-8")
    manifest = root / f"{name}.toml"
    manifest.write_text("\n".join([
        "[source]", f'name = "{name}"', 'kind = "dir"', f'path = "{(root / name).as_posix()}"',
        'licence = "Apache-2.0"', *([f'since = "{since}"'] if since else []), "",
        "[[family]]", f'name = "{family}"', f'include = ["{family}/*.py"]', 'org = "Meta"',
        f'first_seen = "{seen}"', ""]), encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The same code in an engine's port of a 2019 model (engine public since 2024-06-01) and in
    a 2023 model's own source."""
    root = tmp_path_factory.mktemp("public")
    manifests = [_source(root, "engine", "oldmodel", "2019-02-14", since="2024-06-01"),
                 _source(root, "maker", "newmodel", "2023-01-10")]
    out = root / "two.lineage"
    api.build(manifests, out, workers=1)
    return api.open_index(out)


def test_the_earliest_holder_is_the_one_whose_code_was_public_first(index: EmbeddedIndex) -> None:
    assert dict(zip(index.family_keys, index.public)) == {"engine:oldmodel": "2024-06-01",
                                                           "maker:newmodel": "2023-01-10"}
    result, _ = api.scan_files([SourceFile("mine/model.py", CODE.encode())], index, Config(workers=1))
    code = [f for f in result.findings if f.kind == "code-match"]
    assert code
    for f in code:
        assert isinstance(f.details, CodeMatchDetails)
        assert set(f.details.equivalent_families) >= {"engine:oldmodel", "maker:newmodel"}
        assert f.details.earliest.to_json() == {"family": "maker:newmodel", "first_seen": "2023-01-10",
                                                "public": "2023-01-10"}
        assert "earliest: maker:newmodel (2023-01-10)." in f.explanation
    # the file's source, a tie in code and names, goes to whose code was public first
    verdict = result.summary.files["mine/model.py"].source
    assert verdict is not None and verdict.source is not None
    assert verdict.source.family == "maker:newmodel"


def test_ports_shipped_together_are_ordered_by_their_models_dates(tmp_path: Path) -> None:
    """An engine that shipped its Llama and DeepSeek ports in one release: the same code in both
    was the older model's first, not the alphabetically first family's; the explanation gives
    both dates, the JSON both fields."""
    manifests = [_source(tmp_path, "engine", "deepseek", "2024-01-05", since="2024-04-03")]
    (tmp_path / "engine" / "llama").mkdir()
    (tmp_path / "engine" / "llama" / "model.py").write_text(CODE, encoding="utf-8")
    manifests[0].write_text(manifests[0].read_text(encoding="utf-8") + "\n".join([
        "[[family]]", 'name = "llama"', 'include = ["llama/*.py"]', 'org = "Meta"', 'first_seen = "2023-02-24"', ""]),
        encoding="utf-8")
    out = tmp_path / "one.lineage"
    api.build(manifests, out, workers=1)
    index = api.open_index(out)
    result, _ = api.scan_files([SourceFile("mine/model.py", CODE.encode())], index, Config(workers=1))
    code = [f for f in result.findings if f.kind == "code-match"]
    assert code
    for f in code:
        assert isinstance(f.details, CodeMatchDetails)
        assert f.details.earliest.to_json() == {"family": "engine:llama", "first_seen": "2023-02-24",
                                                "public": "2024-04-03"}
        assert "earliest: engine:llama (2024-04-03, its model first seen 2023-02-24)." in f.explanation
