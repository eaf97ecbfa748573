"""`scan` leaves out what the `exclude` setting names, as the hook always did.

The setting comes from the working directory's lineage.toml or [tool.lineage], never from
the scanned target, and only when that file is trusted (`--trust-config` or `--config`): a
settings file found where one runs may tighten a scan but not loosen it. Globs match paths
relative to the target with fnmatch (`*` crosses `/`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lineage.cli.main import cli
from lineage.config import Config
from lineage.models import FileError, SourceFile


def scan_json(target: Path, index: Path, *group: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*group, "scan", str(target), "--index", str(index), "--format", "json",
                                      "--quiet", "--exit-zero"])
    assert result.exit_code == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_scan_honours_exclude(cases: Any, built_index: Path, write_tree: Any, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    target = write_tree({
        "models/verbatim.py": cases.model,
        "vendor/upstream/model.py": cases.model,
        "vendor/broken.py": b"\xff\xfe\x00 not text",
        "ledger.py": cases.ledger,
    })
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)

    before = scan_json(target, built_index)
    paths = {f["path"] for f in before["findings"]}
    assert {"models/verbatim.py", "vendor/upstream/model.py"} <= paths
    assert any(e["path"] == "vendor/broken.py" for e in before["errors"])

    (project / "lineage.toml").write_text('exclude = ["vendor/*"]\n', encoding="utf-8")
    untrusted = scan_json(target, built_index)  # a settings file found here may not loosen a scan
    assert untrusted["config"]["exclude"] == []
    assert untrusted["summary"]["files_scanned"] == 4
    after = scan_json(target, built_index, "--trust-config")
    assert after["config"]["exclude"] == ["vendor/*"]
    assert not any(f["path"].startswith("vendor/") for f in after["findings"])
    assert not any(e["path"].startswith("vendor/") for e in after["errors"])  # nor their file errors
    assert "models/verbatim.py" in {f["path"] for f in after["findings"]}
    assert (before["summary"]["files_scanned"], after["summary"]["files_scanned"]) == (4, 2)


def test_one_rule_for_files_and_file_errors() -> None:
    config = Config(exclude=("vendor/*", "*_pb2.py"))
    files = [SourceFile(p, b"") for p in ("a.py", "vendor/x/y.py", "pkg/msg_pb2.py", "vendored.py")]
    assert [f.path for f in config.included(files)] == ["a.py", "vendored.py"]
    assert config.included([FileError("vendor/big.py", "read", "too large")]) == []
    assert Config().included(files) == files
