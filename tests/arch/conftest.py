"""One tiny index of our own fixture architectures (tests/arch/models.py), built once per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lineage.cli.main import cli
from tests.arch.models import INDEXED, reference
from tests.lines_fixture import index_families

ORGS = {"alpha": "Meta", "beta": "Google", "gamma": "DeepSeek", "delta": "Microsoft", "epsilon": "Mistral AI"}


@pytest.fixture(scope="session")
def arch_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("arch_refs")
    return index_families(root, "fx", [(a.name, reference(a), ORGS[a.name], f"2024-0{i + 1}-01", a.parents)
                                       for i, a in enumerate(INDEXED)])


def scan(index: Path, target: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["scan", str(target), "--index", str(index), "--exit-zero", *args])


def scan_json(index: Path, target: Path, *args: str) -> dict[str, object]:
    res = scan(index, target, "--format", "json", *args)
    assert res.exit_code == 0, res.output + res.stderr
    doc: dict[str, object] = json.loads(res.stdout)
    return doc


def architecture(doc: dict[str, object], path: str) -> dict[str, object] | None:
    found = [f for f in doc["findings"] if f["kind"] == "architecture" and f["path"] == path]  # type: ignore[union-attr, index]
    assert len(found) <= 1
    return found[0] if found else None  # type: ignore[no-any-return]
