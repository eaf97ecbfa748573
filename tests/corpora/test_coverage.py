"""No model file of a pinned source is left out silently: it is in a family, or listed with a reason.

The first tests build a small directory source at test time and run `lineage corpus check`
as a user would. The last one checks the real default manifests against their pinned wheels
(downloaded once into the user cache, as `corpus build` does, and checked against their sha256).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineage.cli.main import cli
from lineage.index.coverage import coverage, member_names
from lineage.index.manifest import load_manifest

CORPORA = Path(__file__).resolve().parents[2] / "corpora"

HEAD = """[source]
name = "toy"
kind = "dir"
path = "{root}"
licence = "Apache-2.0"
released = "2026-01-01"
models = ["models/*/modeling_*.py"]

[[family]]
name = "alpha"
include = ["models/alpha/modeling_*.py"]
org = "Meta"
first_seen = "2024-01-01"
"""


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    for name in ("alpha", "beta", "auto"):
        (root / "models" / name).mkdir(parents=True)
        (root / "models" / name / f"modeling_{name}.py").write_text(f"class {name.title()}:\n    pass\n")
    (root / "models" / "alpha" / "configuration_alpha.py").write_text("X = 1\n")
    return root


def _manifest(tmp_path: Path, root: Path, extra: str = "") -> Path:
    path = tmp_path / "toy.toml"
    path.write_text(HEAD.format(root=root) + extra)
    return path


def test_an_unlisted_model_file_fails_the_check(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    left = '\n[[left_out]]\ninclude = ["models/auto/**"]\nreason = "infrastructure: auto classes"\n'
    result = CliRunner().invoke(cli, ["corpus", "check", str(_manifest(tmp_path, root, left))])
    assert result.exit_code == 1, result.output
    assert "UNLISTED models/beta/modeling_beta.py" in result.output
    assert "3 model files: 1 indexed in 1 families, 1 left out with a reason, 1 unlisted" in result.output
    assert "left out (1): infrastructure: auto classes" in result.output
    assert "configuration_alpha" not in result.output  # not model code by the manifest's own globs


def test_listing_the_file_with_a_reason_passes(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    left = ('\n[[left_out]]\ninclude = ["models/auto/**", "models/beta/**"]\n'
            'reason = "infrastructure: generic wrappers"\n')
    result = CliRunner().invoke(cli, ["corpus", "check", "--json", str(_manifest(tmp_path, root, left))])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.output)
    assert report["unlisted"] == [] and report["indexed"] == 1 and report["model_files"] == 3
    assert report["left_out"] == [{"reason": "infrastructure: generic wrappers", "files": 2}]


def test_a_left_out_entry_needs_a_reason(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    left = '\n[[left_out]]\ninclude = ["models/beta/**"]\nreason = " "\n'
    result = CliRunner().invoke(cli, ["corpus", "check", str(_manifest(tmp_path, root, left))])
    assert result.exit_code == 2
    assert "needs include globs and a reason" in result.output


def test_without_model_globs_the_check_says_it_did_not_run(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    path = _manifest(tmp_path, root)
    path.write_text(path.read_text().replace('models = ["models/*/modeling_*.py"]\n', ""))
    manifest = load_manifest(path)
    report = coverage(manifest, member_names(manifest))
    assert not report.checked and report.model_files == 0 and report.unlisted == ()


def _default_manifests() -> list[Path]:
    import tomllib

    data = tomllib.loads((CORPORA / "default.toml").read_text(encoding="utf-8"))
    return [CORPORA / name for name in data["default"]["manifests"]]


@pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0", reason="LINEAGE_NETWORK_TESTS=0: offline")
@pytest.mark.network
@pytest.mark.parametrize("path", _default_manifests(), ids=lambda p: p.stem)
def test_every_model_file_of_a_default_source_is_indexed_or_listed(path: Path) -> None:
    manifest = load_manifest(path)
    assert manifest.models, f"{path.name} names no model code (`models` globs)"
    report = coverage(manifest, member_names(manifest))
    assert report.model_files > 0 and report.indexed > 0
    assert report.unlisted == (), f"{path.name}: model files left out silently: {report.unlisted[:20]}"
    # every family takes model code: a family outside the model globs would escape this check
    assert report.families == len(manifest.families), f"{path.name}: a family has no file under the `models` globs"
