"""The ``weights`` click command: exit codes, formats, stderr messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lineage.cli.weights import weights


@pytest.fixture
def pair(model_dir: Callable[..., Path], builders: Any) -> tuple[Path, Path, Path]:
    ref = builders.reference_tensors(0)
    return (
        model_dir("reference", ref),
        model_dir("tuned", builders.finetune(ref, seed=2)),
        model_dir("independent", builders.reference_tensors(9)),
    )


def test_exit_codes_and_formats(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    reference, tuned, independent = pair
    runner = CliRunner()
    clean = runner.invoke(weights, [str(independent), "--against", str(reference)])
    assert clean.exit_code == 0, clean.output
    assert "own weights" in clean.stdout and clean.stderr == ""
    found = runner.invoke(weights, [str(tuned), "--against", str(reference), "--format", "json"])
    assert found.exit_code == 1
    assert json.loads(found.stdout)["summary"]["layers"] == "derived (fine-tuned)"
    out = tmp_path / "report.txt"
    written = runner.invoke(weights, [str(tuned), "--against", str(reference), "--output", str(out)])
    assert written.exit_code == 1 and written.stdout == ""
    assert "fine-tuned derivative of the reference" in out.read_text()


def test_unusable_input_is_a_message_not_a_traceback(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    reference = pair[0]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{")
    runner = CliRunner()
    for target in (tmp_path / "missing", broken):
        result = runner.invoke(weights, [str(target), "--against", str(reference)])
        assert result.exit_code == 2
        assert result.stderr.startswith("lineage: error: ") and str(target) in result.stderr
        assert "Traceback" not in result.output and result.stdout == ""


def test_help() -> None:
    result = CliRunner().invoke(weights, ["--help"])
    assert result.exit_code == 0 and "--against" in result.stdout and "identical" in result.stdout


def test_verify_embeds_the_weight_check_in_the_exhibit(tmp_path: Path, model_dir: Any, builders: Any) -> None:
    """`lineage verify ... --weights S R` carries the per-component weight verdicts."""
    import json

    from click.testing import CliRunner

    from lineage.cli.main import cli

    ref = builders.reference_tensors(1)
    ref_dir = model_dir("ref", ref)
    copy_dir = model_dir("copy", builders.finetune(ref, 2))
    code = tmp_path / "code"
    code.mkdir()
    (code / "m.py").write_text("def f(x):\n    return x + 1\n")
    result = CliRunner().invoke(cli, ["verify", str(code), "--against", str(code), "--format", "json",
                                      "--exit-zero", "--no-index", "--weights", str(copy_dir), str(ref_dir)])
    assert result.exit_code == 0, result.stderr
    exhibit = json.loads(result.stdout)
    verdicts = {c["verdict"] for c in exhibit["weights"]["components"]}
    assert any(v.startswith("derived") or v == "identical" for v in verdicts), verdicts
