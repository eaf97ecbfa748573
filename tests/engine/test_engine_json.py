"""The JSON report contract (schema_version 1): shape, order, stable ids, byte-identical output."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lineage import __version__, api
from lineage.cli.main import cli
from lineage.config import Config
from lineage.models import SourceFile
from lineage.report.jsonfmt import format_json

FINDING_KEYS = {"id", "kind", "path", "start_line", "end_line", "unit", "role", "attribution", "severity",
                "matches", "explanation"}
MATCH_KEYS = {"family", "org", "country", "licence", "source", "path", "unit", "start_line", "end_line",
              "similarity"}

INSERTED_ON_TOP = "# a header comment\n# added later\n\n"
INSERTED_HELPER = '''

def clamp(value, low, high):
    """Added later, between two copied functions."""
    if value < low:
        return low
    return high if value > high else value
'''


def scan_json(target: Path, index: Path) -> tuple[dict[str, Any], str]:
    env = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    result = CliRunner().invoke(cli, ["scan", str(target), "--index", str(index), "--format", "json", "--quiet",
                                      "--exit-zero"], env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stdout


@pytest.fixture
def report(cases, built_index, tmp_path) -> dict[str, Any]:
    (tmp_path / "copy.py").write_text(cases.model, encoding="utf-8")
    (tmp_path / "ledger.py").write_text(cases.embedded, encoding="utf-8")
    return scan_json(tmp_path, built_index)[0]


def test_top_level_contract(report, tmp_path, built_index):
    assert report["schema_version"] == 1
    assert report["tool"] == {"name": "lineage", "version": __version__}
    assert report["target"]["path"] == str(tmp_path)
    assert report["target"]["revision"] is None
    idx = report["index"]
    header_id = api.open_index(built_index).header["id"]
    assert idx["id"] == header_id and len(idx["id"]) == 16
    assert idx["path"] == str(built_index)
    assert (idx["families"], idx["files"]) == (2, 2)
    assert [(s["name"], s["kind"]) for s in idx["sources"]] == [("fix", "dir")]
    assert idx["params"]["num_perm"] == 128 and idx["params"]["k"] == 12
    assert report["config"]["index"] == str(built_index)
    assert report["errors"] == []
    assert isinstance(report["summary"], dict)


def test_findings_contract(report):
    findings = report["findings"]
    assert findings
    assert {f["path"] for f in findings} == {"copy.py", "ledger.py"}
    order = [(f["path"], f["start_line"], f["unit"], f["id"]) for f in findings]
    assert order == sorted(order), "findings are sorted by path and position"
    assert len({f["id"] for f in findings}) == len(findings), "ids are unique"
    for f in findings:
        assert FINDING_KEYS <= set(f), set(FINDING_KEYS) - set(f)
        assert f["kind"] == "code-match"
        assert f["severity"] in ("info", "low", "medium", "high")
        assert isinstance(f["id"], str) and len(f["id"]) == 16 and int(f["id"], 16) >= 0
        assert 1 <= f["start_line"] <= f["end_line"]
        assert f["unit"] in f["explanation"] and f["matches"][0]["unit"] in f["explanation"]
        sims = [m["similarity"] for m in f["matches"]]
        assert sims == sorted(sims, reverse=True), "matches best first"
        for m in f["matches"]:
            assert MATCH_KEYS <= set(m), set(MATCH_KEYS) - set(m)
            assert 0.0 <= m["similarity"] <= 1.0 and 1 <= m["start_line"] <= m["end_line"]
            assert m["source"] == "dir:fix"
    fwd = next(f for f in findings if f["path"] == "copy.py" and f["unit"] == "GroupedAttention.forward")
    best = fwd["matches"][0]
    assert {k: best[k] for k in MATCH_KEYS} == {
        "family": "fix:alpha", "org": "Meta", "country": "US", "licence": "Apache-2.0", "source": "dir:fix",
        "path": "alpha/model.py", "unit": "GroupedAttention.forward", "start_line": 113, "end_line": 125,
        "similarity": 1.0,
    }
    assert best["first_seen"] == "2023-02-24" and best["weights_licence"] == "alpha-community"


def shifted(model: str) -> str:
    """Lines inserted above the units: a comment block on top and a helper in the middle."""
    lines = model.splitlines(keepends=True)
    at = lines.index("class ScaleNorm:\n") - 2
    return INSERTED_ON_TOP + "".join(lines[:at]) + INSERTED_HELPER + "".join(lines[at:])


def test_finding_ids_survive_lines_inserted_above(cases, index):
    before, _ = api.scan_files([SourceFile("m.py", cases.model.encode())], index, Config(workers=1))
    after, _ = api.scan_files([SourceFile("m.py", shifted(cases.model).encode())], index, Config(workers=1))
    old = {f.unit: f for f in before.findings if f.unit != "<module>"}
    new = {f.unit: f for f in after.findings if f.unit != "<module>"}
    assert set(old) <= set(new)
    moved = 0
    for unit, f in old.items():
        assert new[unit].id == f.id, unit
        moved += new[unit].start_line != f.start_line
    assert moved == len(old), "every unit really moved"
    assert new["GroupedAttention.forward"].start_line == 113 + INSERTED_ON_TOP.count("\n") + INSERTED_HELPER.count("\n")


def test_finding_ids_depend_on_path_and_reference(cases, index):
    files = [SourceFile("a.py", cases.model.encode()), SourceFile("b.py", cases.model.encode())]
    result, _ = api.scan_files(files, index, Config(workers=1))
    ids = {(f.path, f.unit): f.id for f in result.findings}
    assert ids[("a.py", "load_weights")] != ids[("b.py", "load_weights")]
    assert ids[("a.py", "load_weights")] != ids[("a.py", "count_parameters")]


def test_same_input_gives_byte_identical_json(report, cases, built_index, tmp_path, index):
    target = tmp_path / "again"
    target.mkdir()
    (target / "copy.py").write_text(cases.renamed, encoding="utf-8")
    _, first = scan_json(target, built_index)
    _, second = scan_json(target, built_index)
    assert first == second
    files = [SourceFile("copy.py", cases.renamed.encode())]
    a = format_json(api.scan_files(files, index, Config(workers=1), target="t")[0])
    b = format_json(api.scan_files(files, index, Config(workers=1), target="t")[0])
    assert a == b


def test_json_text_holds_the_whole_report_one_finding_per_line(cases, index):
    from lineage.report.jsonfmt import report_dict

    files = [SourceFile("copy.py", cases.renamed.encode()), SourceFile("bad.py", b"\xff\xfe\x00broken")]
    result, _ = api.scan_files(files, index, Config(workers=1), target="t")
    text = format_json(result)
    assert json.loads(text) == json.loads(json.dumps(report_dict(result)))
    lines = text.splitlines()
    assert len(result.findings) > 5 and result.errors
    for f in result.findings:  # each finding is a whole line of its own, in report order
        assert sum(1 for line in lines if line.startswith(f'    {{"id": "{f.id}"')) == 1
    assert text.startswith("{\n") and text.endswith("}\n")
    for path, verdict in json.loads(text)["summary"]["files"].items():  # each file's verdict: a line of its own
        row = f"      {json.dumps(path)}: {json.dumps(verdict, ensure_ascii=False)}"
        assert sum(1 for line in lines if line.rstrip(",") == row) == 1
