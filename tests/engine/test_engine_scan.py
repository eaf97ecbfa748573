"""Scan cases with their expected verdicts, through `api.scan_files` and through the CLI.

Cases (all derived from tests/engine/data, written for these tests): a verbatim copy, every
identifier renamed, re-wrapped without comments or docstrings, methods reordered, one
function pasted into an unrelated file, and unrelated code.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lineage import api
from lineage.cli.main import cli
from lineage.config import Config
from lineage.models import ScanResult, SourceFile
from lineage.vocab import SEVERITIES

REF_PATH = "alpha/model.py"


def case_files(cases) -> dict[str, str]:
    return {
        "verbatim.py": cases.model, "renamed.py": cases.renamed, "rewrapped.py": cases.rewrapped,
        "reordered.py": cases.reordered, "embedded.py": cases.embedded, "unrelated.py": cases.ledger,
    }


def findings_from_result(result: ScanResult) -> list[dict[str, Any]]:
    """The API's findings in the JSON report's shape, built without the JSON formatter."""
    return [
        {"path": f.path, "unit": f.unit, "start_line": f.start_line, "end_line": f.end_line, "id": f.id,
         "matches": [{"family": m.ref.family, "path": m.ref.path, "unit": m.ref.unit,
                      "start_line": m.ref.start_line, "end_line": m.ref.end_line, "similarity": m.similarity,
                      "lexical": m.lexical,
                      "regions": [{"start_line": r.start_line, "end_line": r.end_line,
                                   "ref_start_line": r.ref_start_line, "ref_end_line": r.ref_end_line}
                                  for r in m.regions]}
                     for m in f.matches]}
        for f in result.findings
    ]


def clean_env() -> dict[str, str | None]:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    env["COLUMNS"] = "200"
    return env


def scan_cli(*args: str, env: dict[str, str | None] | None = None):
    return CliRunner().invoke(cli, ["scan", *args], env={**clean_env(), **(env or {})})


@pytest.fixture(scope="module")
def target_dir(cases, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("target")
    for name, text in case_files(cases).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def api_findings(cases, index) -> list[dict[str, Any]]:
    files = [SourceFile(name, text.encode()) for name, text in case_files(cases).items()]
    result, _ = api.scan_files(files, index, Config(workers=1))
    assert result.files_scanned == len(files) and result.errors == ()
    return findings_from_result(result)


@pytest.fixture(scope="module")
def cli_report(target_dir, built_index) -> dict[str, Any]:
    result = scan_cli(str(target_dir), "--index", str(built_index), "--format", "json", "--quiet",
                      "--exit-zero")
    assert result.exit_code == 0, result.stderr
    assert "{" not in result.stderr, "JSON goes to stdout only"
    return json.loads(result.stdout)


@pytest.fixture(params=["api", "cli"])
def findings(request, api_findings, cli_report) -> dict[str, dict[str, dict[str, Any]]]:
    """path -> unit -> finding, from one of the two front doors."""
    rows = api_findings if request.param == "api" else cli_report["findings"]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for f in rows:
        assert f["unit"] not in out.setdefault(f["path"], {}), "one finding per unit"
        out[f["path"]][f["unit"]] = f
    return out


def indexed_units(index, path: str = REF_PATH) -> dict[str, tuple[int, int]]:
    refs = (index.ref_unit(u) for u in range(index.n_units))
    return {r.unit: (r.start_line, r.end_line) for r in refs if r.path == path}


def assert_regions_inside(match: dict[str, Any], finding: dict[str, Any]) -> None:
    assert match["regions"], "a match carries evidence regions"
    for g in match["regions"]:
        assert finding["start_line"] <= g["start_line"] <= g["end_line"] <= finding["end_line"]
        assert match["start_line"] <= g["ref_start_line"] <= g["ref_end_line"] <= match["end_line"]


# --- the cases --------------------------------------------------------------------------------


def test_verbatim_copy(findings, index, cases, oracle):
    got = findings["verbatim.py"]
    expected = indexed_units(index)
    assert set(got) == set(expected)
    spans, _ = oracle.spans(cases.model)
    for unit, f in got.items():
        best = f["matches"][0]
        assert (best["family"], best["path"], best["unit"]) == ("fix:alpha", REF_PATH, unit)
        assert best["similarity"] >= 0.99 and best["lexical"] >= 0.99
        if unit != "<module>":
            assert (f["start_line"], f["end_line"]) == spans[unit] == (best["start_line"], best["end_line"])
        for g in best["regions"]:
            assert g["ref_start_line"] == g["start_line"] and g["ref_end_line"] == g["end_line"]


def test_every_identifier_renamed(findings, index, cases, oracle):
    shift = cases.rename_shift
    got = findings["renamed.py"]
    back = {new: old for old, new in cases.rename_map.items()}
    expected = indexed_units(index)
    assert {".".join(back.get(p, p) for p in u.split(".")) for u in got} == set(expected)
    spans, _ = oracle.spans(cases.model)
    for unit, f in got.items():
        original = ".".join(back.get(p, p) for p in unit.split("."))
        best = f["matches"][0]
        assert (best["family"], best["path"], best["unit"]) == ("fix:alpha", REF_PATH, original), unit
        assert best["similarity"] >= 0.9, unit
        if unit != "<module>":
            assert best["lexical"] <= 0.2, unit
            assert (f["start_line"] - shift, f["end_line"] - shift) == spans[original]
            assert_regions_inside(best, f)
        for g in best["regions"]:
            assert g["start_line"] - g["ref_start_line"] == shift, (unit, g)
            assert g["end_line"] - g["ref_end_line"] == shift, (unit, g)
    # one region checked against the known span by hand: GroupedAttention.forward is 113-125
    fwd = got[f"{cases.rename_map['GroupedAttention']}.{cases.rename_map['forward']}"]
    region = fwd["matches"][0]["regions"][0]
    assert spans["GroupedAttention.forward"] == (113, 125)
    assert region["ref_start_line"] == 113 and 120 <= region["ref_end_line"] <= 125
    assert region["start_line"] == 113 + shift


def test_rewrapped_without_comments_or_docstrings(findings, index, cases, oracle):
    got = findings["rewrapped.py"]
    spans, _ = oracle.spans(cases.rewrapped)
    ref_spans, _ = oracle.spans(cases.model)
    assert set(got) - {"<module>"} == set(indexed_units(index)) - {"<module>"}
    for unit, f in got.items():
        best = f["matches"][0]
        assert (best["family"], best["unit"]) == ("fix:alpha", unit)
        if unit == "<module>":
            continue
        assert best["similarity"] >= 0.99 and best["lexical"] >= 0.99, unit
        assert (f["start_line"], f["end_line"]) == spans[unit]
        assert (best["start_line"], best["end_line"]) == ref_spans[unit]
        assert_regions_inside(best, f)


def test_methods_reordered_in_a_class(findings, cases, oracle):
    got = findings["reordered.py"]
    spans, _ = oracle.spans(cases.reordered)
    ref_spans, _ = oracle.spans(cases.model)
    methods = ["GroupedAttention.__init__", "GroupedAttention.split_heads", "GroupedAttention.merge_heads",
               "GroupedAttention.forward"]
    assert spans["GroupedAttention.forward"][0] < spans["GroupedAttention.__init__"][0], "really reordered"
    for unit in methods:
        f = got[unit]
        best = f["matches"][0]
        assert (best["unit"], best["start_line"], best["end_line"]) == (unit, *ref_spans[unit])
        assert (f["start_line"], f["end_line"]) == spans[unit]
        assert best["similarity"] >= 0.99
        assert_regions_inside(best, f)


def test_one_function_copied_into_a_large_original_file(findings, cases, oracle):
    got = findings["embedded.py"]
    spans, _ = oracle.spans(cases.embedded)
    ref_spans, _ = oracle.spans(cases.model)
    assert set(got) == {"count_parameters"}, "the file's own units are not reported"
    f = got["count_parameters"]
    assert (f["start_line"], f["end_line"]) == spans["count_parameters"]
    best = f["matches"][0]
    assert (best["family"], best["path"], best["unit"]) == ("fix:alpha", REF_PATH, "count_parameters")
    assert (best["start_line"], best["end_line"]) == ref_spans["count_parameters"]
    assert best["similarity"] >= 0.99
    assert_regions_inside(best, f)


def test_unrelated_code_has_no_findings(findings):
    assert "unrelated.py" not in findings


def test_unrelated_code_scores_below_a_renamed_copy(cases, index):
    loose = Config(workers=1, report_similarity=0.0, min_similarity=0.0, min_containment=0.0)
    files = [SourceFile("unrelated.py", cases.ledger.encode()), SourceFile("renamed.py", cases.renamed.encode())]
    result, _ = api.scan_files(files, index, loose)
    best: dict[str, list[float]] = {}
    for f in result.findings:
        best.setdefault(f.path, []).append(f.matches[0].similarity)
    assert best["renamed.py"], "the loose configuration still finds the renamed copy"
    assert max(best.get("unrelated.py", [0.0])) < min(best["renamed.py"])
    assert max(best.get("unrelated.py", [0.0])) < Config().report_similarity


def test_api_and_cli_agree(api_findings, cli_report):
    def key(rows):
        return sorted((f["path"], f["unit"], f["start_line"], f["end_line"], f["id"],
                       f["matches"][0]["unit"], f["matches"][0]["similarity"]) for f in rows)

    assert key(api_findings) == key(cli_report["findings"])


# --- exit codes -------------------------------------------------------------------------------


def test_findings_at_fail_on_exit_1(target_dir, built_index):
    result = scan_cli(str(target_dir / "verbatim.py"), "--index", str(built_index), "--format", "json",
                      "--fail-on", "low", "--quiet")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"]


def test_exit_zero_overrides_findings(target_dir, built_index):
    result = scan_cli(str(target_dir / "verbatim.py"), "--index", str(built_index), "--format", "json",
                      "--fail-on", "info", "--exit-zero", "--quiet")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"]


def test_clean_scan_exits_0(target_dir, built_index):
    result = scan_cli(str(target_dir / "unrelated.py"), "--index", str(built_index), "--format", "json",
                      "--fail-on", "info", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []


def test_fail_on_above_every_finding_exits_0(cases, index, tmp_path, built_index):
    """A file whose worst finding is below high: --fail-on one step above it passes, and
    --fail-on at its worst fails (so the first exit 0 is not for want of findings)."""
    order = SEVERITIES  # least severe first
    candidates = {"embedded.py": cases.embedded, "ledger.py": cases.ledger, "rewrapped.py": cases.rewrapped,
                  "renamed.py": cases.renamed, "model.py": cases.model}
    worst = {}
    for name, text in candidates.items():
        found = api.scan_files([SourceFile(name, text.encode())], index, Config(workers=1))[0].findings
        if found:
            worst[name] = max(order.index(f.severity) for f in found)
    below = sorted((w, n) for n, w in worst.items() if w < 3)
    assert below, f"every fixture case is rated high or has no finding: {worst}"
    level, name = below[0]
    (tmp_path / name).write_text(candidates[name], encoding="utf-8")
    result = scan_cli(str(tmp_path / name), "--index", str(built_index), "--fail-on", order[level + 1], "--quiet")
    assert result.exit_code == 0
    result = scan_cli(str(tmp_path / name), "--index", str(built_index), "--fail-on", order[level], "--quiet")
    assert result.exit_code == 1


def one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("lineage: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr


def test_missing_index_exits_2(target_dir, tmp_path):
    result = scan_cli(str(target_dir), "--index", str(tmp_path / "none.lineage"), "--format", "json")
    one_line_error(result, "none.lineage", "corpus build")


def test_default_index_missing_exits_2(target_dir, tmp_path):
    result = scan_cli(str(target_dir), "--format", "json", env={"XDG_CACHE_HOME": str(tmp_path / "empty")})
    one_line_error(result, "default index is not built yet", "corpus ensure")


def test_damaged_index_exits_2(target_dir, index_copy):
    index_copy.write_bytes(b"garbage" * 10)
    one_line_error(scan_cli(str(target_dir), "--index", str(index_copy)), "not a lineage index")


def test_missing_target_exits_2(tmp_path, built_index):
    result = scan_cli(str(tmp_path / "no-such-dir"), "--index", str(built_index), "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_bad_config_value_exits_2(target_dir, built_index):
    result = scan_cli(str(target_dir), "--index", str(built_index), env={"LINEAGE_TOP": "many"})
    one_line_error(result, "top", "'many'")


@pytest.mark.parametrize("option,value", [("--format", "xml"), ("--fail-on", "severe"), ("--workers", "lots")])
def test_unknown_option_value_exits_2(target_dir, built_index, option, value):
    result = scan_cli(str(target_dir), "--index", str(built_index), option, value)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    last = [line for line in result.stderr.splitlines() if line.strip()][-1]
    assert last.startswith("Error: Invalid value for") and option in last and value in last


def test_unknown_option_exits_2(target_dir):
    result = scan_cli(str(target_dir), "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.stderr and result.stdout == ""


def test_text_format_goes_to_stdout(target_dir, built_index):
    result = scan_cli(str(target_dir / "embedded.py"), "--index", str(built_index), "--quiet", "--exit-zero")
    assert result.exit_code == 0
    assert "count_parameters" in result.stdout and "fix:alpha" in result.stdout
    assert result.stderr == ""


def test_output_file(target_dir, built_index, tmp_path):
    out = tmp_path / "report.json"
    result = scan_cli(str(target_dir / "verbatim.py"), "--index", str(built_index), "--format", "json",
                      "--output", str(out), "--quiet", "--exit-zero")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert str(out) in result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == 1


def test_workers_do_not_change_the_result(cases, index):
    # > 40 files: fingerprinting, matching and attribution are shared out between workers;
    # copies under each notice state, unrelated code and a foreign notice with no code
    owned = "# Copyright 2025 Example Labs Inc.\n" + cases.renamed
    texts = [cases.model, cases.renamed, owned, cases.embedded, cases.ledger]
    files = [SourceFile(f"pkg{i % 3}/f{i:02d}.py", texts[i % len(texts)].encode()) for i in range(40)]
    # a copy keeping its upstream organisation's notice: not a stale notice, in any share
    files.append(SourceFile("pkg0/kept.py", f"# Copyright 2024 Meta Platforms, Inc.\n{cases.model}".encode()))
    files += [SourceFile(f"vendor/v{i}.py", f"# Copyright 2024 {holder}\n{cases.ledger}".encode())
              for i, holder in enumerate(["DeepSeek-AI.", "The Qwen team, Alibaba Group.", "The ZhipuAI Inc. team.",
                                          "Mistral AI."])]
    serial, _ = api.scan_files(files, index, Config(workers=1))
    pooled, _ = api.scan_files(files, index, Config(workers=2))
    assert {f.kind for f in serial.findings} >= {"code-match", "notice"}
    assert len({f.attribution for f in serial.findings}) >= 2
    assert serial.findings == pooled.findings
    assert replace(serial, config={}) == replace(pooled, config={})


def test_a_copy_with_cr_only_line_endings_is_still_found(cases, index):
    result, _ = api.scan_files([SourceFile("cr.py", cases.model.replace("\n", "\r").encode())], index,
                               Config(workers=1))
    assert result.errors or {"GroupedAttention.forward", "load_weights"} <= {f.unit for f in result.findings}
