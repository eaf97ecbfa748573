"""Baselines: line-free ids, audit verdicts, schema upgrades and parameter refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineage.api import open_index, scan_files
from lineage.config import Config
from lineage.models import ScanResult, SourceFile
from lineage.workflow import baseline as wb
from tests.workflow.conftest import Repo, renamed_copy, run

INSERTED = '''

def helper_added_later(values: list[float], scale: float) -> list[float]:
    out = []
    for value in values:
        out.append(value * scale if value > 0 else value / scale)
    return out

# a comment block added above the copied units
'''


def _scan(index_path: Path, text: str) -> ScanResult:
    result, _ = scan_files([SourceFile("models/m.py", text.encode())], open_index(index_path), Config())
    return result


def test_ids_survive_inserting_lines_above_a_copied_unit(index_path: Path) -> None:
    text = renamed_copy()
    head, sep, tail = text.partition("class BetaRMSNorm")
    before = _scan(index_path, text)
    after = _scan(index_path, head + INSERTED + sep + tail)
    units = {f.unit: f for f in before.findings if f.unit != "<module>"}
    moved = {f.unit: f for f in after.findings if f.unit != "<module>"}
    assert len(units) >= 10 and set(units) == set(moved)
    assert all(moved[u].start_line > units[u].start_line for u in units)
    assert {u: f.id for u, f in units.items()} == {u: f.id for u, f in moved.items()}
    left = wb.subtract(after, wb.create(before))
    assert {f.unit for f in left} <= {"<module>"}  # only the module body changed shape


def test_audit_records_verdict_and_update_keeps_it(repo: Repo, index_path: Path) -> None:
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    assert run("baseline", "create", "--index", index_path, "-q").exit_code == 0
    path = repo.path / ".lineage-baseline.json"
    entries = json.loads(path.read_text())["entries"]
    fid = next(i for i, e in entries.items() if e["unit"] == "BetaAttention.forward")

    done = run("audit", fid[:8], "--verdict", "accepted", "--reason", "Apache-2.0 reuse, notice restored")
    assert done.exit_code == 0, done.output
    assert fid in done.stdout and "accepted" in done.stdout
    assert json.loads(path.read_text())["entries"][fid]["audit"] == {
        "verdict": "accepted", "reason": "Apache-2.0 reuse, notice restored"}

    assert run("baseline", "update", "--index", index_path, "-q").exit_code == 0
    assert json.loads(path.read_text())["entries"][fid]["audit"]["verdict"] == "accepted"

    assert run("audit", fid, "--verdict", "rejected", "--reason", "must be rewritten").exit_code == 0
    failing = run("hook", "--index", index_path, "models/modeling_beta.py")
    assert failing.exit_code == 1 and "BetaAttention.forward" in failing.stdout
    assert "BetaMLP" not in failing.stdout  # the others stay baselined
    # the rejected finding is a known one that must be fixed, not a new one
    assert f"id {fid} (recorded in the baseline, audited rejected: must be rewritten)" in failing.stdout
    assert "0 new finding(s) and 1 audited rejected (must be fixed) at or above the failing severity" in failing.stdout

    unknown = run("audit", "ffffffffffff", "--verdict", "accepted", "--reason", "x")
    assert unknown.exit_code == 2 and "not in the baseline" in unknown.stderr
    short = run("audit", fid[:4], "--verdict", "accepted", "--reason", "x")  # in the baseline, but too short
    assert short.exit_code == 2 and "too short: give at least 6 characters" in short.stderr
    assert run("audit", fid, "--verdict", "accepted", "--reason", "  ").exit_code == 2


def test_upgrade_from_schema_1(index_path: Path) -> None:
    params = open_index(index_path).header["params"]
    v1 = {"version": 1, "tool_version": "0.0.9", "index_id": "abc", "params": params,
          "results": [{"id": "1234567890abcdef", "kind": "code-match", "path": "m.py", "unit": "A.f",
                       "reference": "fix:alpha:alpha/modeling_alpha.py:A.f", "severity": "high"}],
          "audits": {"1234567890abcdef": {"verdict": "false-positive", "reason": "generated code"}}}
    loaded = wb.loads(json.dumps(v1))
    entry = loaded.entries["1234567890abcdef"]
    assert (entry.verdict, entry.reason, entry.unit) == ("false-positive", "generated code", "A.f")
    assert loaded.params == params and loaded.tool_version == "0.0.9"
    assert json.loads(wb.dumps(loaded))["schema_version"] == wb.SCHEMA_VERSION
    assert wb.loads(wb.dumps(loaded)) == loaded
    with pytest.raises(wb.BaselineError, match="newer"):
        wb.loads(json.dumps({"schema_version": 99}))
    with pytest.raises(wb.BaselineError, match="not a lineage baseline"):
        wb.loads("[]")


def test_baseline_from_other_fingerprint_params_is_refused(repo: Repo, index_path: Path) -> None:
    result = _scan(index_path, renamed_copy())
    made = wb.create(result)
    other = wb.Baseline(made.tool_version, made.index_id, {**made.params, "k": 99}, made.entries)
    with pytest.raises(wb.BaselineError, match="other fingerprint parameters.*k: baseline 99"):
        wb.update(other, result)
    (repo.path / ".lineage-baseline.json").write_text(wb.dumps(other))
    refused = run("hook", "--index", index_path, "--all-files")
    assert refused.exit_code == 2 and "other fingerprint parameters" in refused.stderr


def test_baseline_of_a_subdirectory_uses_repository_paths(repo: Repo, index_path: Path) -> None:
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    assert run("baseline", "create", "models", "--index", index_path, "-q").exit_code == 0
    entries = json.loads((repo.path / ".lineage-baseline.json").read_text())["entries"]
    assert {e["path"] for e in entries.values()} == {"models/modeling_beta.py"}
    assert run("hook", "--index", index_path, "models/modeling_beta.py").exit_code == 0


def test_a_finding_more_severe_than_recorded_is_new_again(index_path: Path) -> None:
    """A finding recorded at info (declared reuse) that has become medium (its declaration dropped)
    was never reviewed so: the baseline no longer covers it (a stranger's review: deleting a file's
    "Adapted from" line left its medium copy "in the baseline")."""
    result = _scan(index_path, renamed_copy())
    made = wb.create(result)
    target = next(f for f in result.findings if f.severity in ("medium", "high"))
    lowered = {fid: (wb.replace(e, severity="info") if fid == target.id else e) for fid, e in made.entries.items()}
    old = wb.replace(made, entries=lowered)
    assert [f.id for f in wb.subtract(result, old)] == [target.id]
    assert wb.subtract(result, made) == []
    raised = {fid: (wb.replace(e, severity="high") if fid == target.id else e) for fid, e in made.entries.items()}
    assert wb.subtract(result, wb.replace(made, entries=raised)) == []  # (less severe than recorded: still seen)


def test_the_hook_names_an_escalated_finding_as_new_not_as_rejected(repo: Repo, index_path: Path) -> None:
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    assert run("baseline", "create", "--index", index_path, "-q").exit_code == 0
    path = repo.path / ".lineage-baseline.json"
    data = json.loads(path.read_text())
    fid = next(i for i, e in data["entries"].items() if e["severity"] in ("medium", "high"))
    severity = data["entries"][fid]["severity"]
    data["entries"][fid]["severity"] = "info"
    path.write_text(json.dumps(data))
    failing = run("hook", "--index", index_path, "models/modeling_beta.py")
    assert failing.exit_code == 1
    assert f"id {fid} (recorded in the baseline at info, now {severity}: review it again)" in failing.stdout
    assert "audited rejected" not in failing.stdout and "1 new finding(s)" in failing.stdout


def test_updating_from_a_subdirectory_keeps_the_rest_of_the_baseline(repo: Repo, index_path: Path) -> None:
    """`lineage baseline update` run in one directory rewrote the root's baseline with that subtree
    alone, audit verdicts lost (a stranger's review: 2,219 entries to 10)."""
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.write("other/modeling_gamma.py", renamed_copy().replace("Beta", "Gamma"))
    repo.add("models/modeling_beta.py")
    repo.add("other/modeling_gamma.py")
    assert run("baseline", "create", "--index", index_path, "-q").exit_code == 0
    path = repo.path / ".lineage-baseline.json"
    before = json.loads(path.read_text())["entries"]
    gamma = next(i for i, e in before.items() if e["path"] == "other/modeling_gamma.py" and e["unit"] != "<module>")
    assert run("audit", gamma, "--verdict", "accepted", "--reason", "licensed from the vendor").exit_code == 0
    done = run("baseline", "update", "models", "--index", index_path)
    assert done.exit_code == 0 and "entries outside models kept as they were" in done.stderr
    after = json.loads(path.read_text())["entries"]
    assert {e["path"] for e in after.values()} == {e["path"] for e in before.values()}
    assert after[gamma]["audit"]["verdict"] == "accepted"
    assert {i for i, e in after.items() if e["path"].startswith("other/")} == \
        {i for i, e in before.items() if e["path"].startswith("other/")}


def test_a_fresh_baseline_keeps_the_audit_verdicts_of_findings_still_found(repo: Repo, index_path: Path) -> None:
    """`baseline create` over an old baseline (after an upgrade changed the fingerprint parameters,
    the way out `update` points to) dropped every audit verdict without a word."""
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    assert run("baseline", "create", "--index", index_path, "-q").exit_code == 0
    path = repo.path / ".lineage-baseline.json"
    fid = next(i for i, e in json.loads(path.read_text())["entries"].items() if e["unit"] == "BetaAttention.forward")
    assert run("audit", fid, "--verdict", "false-positive", "--reason", "our own rewrite").exit_code == 0
    data = json.loads(path.read_text())
    data["fingerprint"] = {**data.get("fingerprint", {}), "normaliser": "lex-v1"}
    path.write_text(json.dumps(data))
    again = run("baseline", "create", "--index", index_path)
    assert again.exit_code == 0 and "1 audit verdicts kept" in again.stderr
    assert json.loads(path.read_text())["entries"][fid]["audit"]["verdict"] == "false-positive"


def test_a_new_baseline_file_is_readable_by_the_team(repo: Repo, index_path: Path) -> None:
    """It is a file committed for every developer's hook to read: written with the usual umask
    mode, not the 0600 of the temporary file it was written to (a stranger's review)."""
    import os
    import stat

    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    old = os.umask(0o022)
    try:
        assert run("baseline", "create", "--index", index_path, "-q").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((repo.path / ".lineage-baseline.json").stat().st_mode) == 0o644


def test_a_baseline_records_the_staged_content_as_the_hook_checks_it(repo: Repo, index_path: Path) -> None:
    """An untracked scratch copy went into the baseline and passed the hook when committed later
    (a stranger's review): in a work tree a baseline reads what the hook reads, the staged files."""
    repo.write("models/modeling_beta.py", renamed_copy())
    repo.add("models/modeling_beta.py")
    repo.write("scratch/modeling_gamma.py", renamed_copy().replace("Beta", "Gamma"))  # untracked
    assert run("baseline", "create", "--index", index_path, "-q").exit_code == 0
    entries = json.loads((repo.path / ".lineage-baseline.json").read_text())["entries"]
    assert {e["path"] for e in entries.values()} == {"models/modeling_beta.py"}
    repo.add("scratch/modeling_gamma.py")
    failing = run("hook", "--index", index_path, "scratch/modeling_gamma.py")
    assert failing.exit_code == 1 and "GammaAttention" in failing.stdout
