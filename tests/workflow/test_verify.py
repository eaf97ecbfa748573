"""`lineage verify`: matched units, real source lines, input hashes, byte-identical exhibits."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import git
import pytest

from lineage.api import open_index
from lineage.config import Config
from lineage.workflow import verify as wv
from lineage.workflow.scores import calibration
from tests.workflow.conftest import ORIGINAL, Repo, reference_text, renamed_copy, run

# RMSNorm.__init__ is left out: three statements every model writes alike are too little code to
# judge (info), once the parameter annotations no longer count as fingerprints.
COPIED = {"RMSNorm.forward", "TopKRouter.__init__", "TopKRouter.forward", "Experts.__init__",
          "Experts.forward", "Attention.__init__", "Attention.forward"}


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path]:
    suspect, reference = tmp_path / "suspect", tmp_path / "reference"
    (suspect / "pkg").mkdir(parents=True)
    (suspect / "modeling_beta.py").write_text(renamed_copy(), encoding="utf-8")
    (suspect / "pkg" / "helpers.py").write_text(ORIGINAL, encoding="utf-8")
    (reference / "alpha").mkdir(parents=True)
    (reference / "alpha" / "modeling_alpha.py").write_text(reference_text(), encoding="utf-8")
    return suspect, reference


def _lines(path: Path, start: int, end: int) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[start - 1: end]


def test_exhibit_matches_lines_hashes_and_is_byte_identical(sides: tuple[Path, Path], tmp_path: Path,
                                                           index_path: Path) -> None:
    suspect, reference = sides
    out1, out2 = tmp_path / "one.json", tmp_path / "two.json"
    first = run("verify", suspect, "--against", reference, "--index", index_path, "--format", "json", "--output", out1)
    assert first.exit_code == 1, first.output  # high-severity matches reach the default --fail-on
    assert run("verify", suspect, "--against", reference, "--index", index_path, "--format", "json",
               "-o", out2).exit_code == 1
    assert out1.read_bytes() == out2.read_bytes()
    assert str(tmp_path) not in out1.read_text()
    data = json.loads(out1.read_text())

    pairs = {(m["unit"], m["reference"]["unit"]) for m in data["matches"] if m["severity"] != "info"}
    assert {("Beta" + u, "Alpha" + u) for u in COPIED} <= pairs
    assert ("beta_partial_rotary", "alpha_partial_rotary") in pairs
    assert not any(m["path"] == "pkg/helpers.py" for m in data["matches"])
    for m in data["matches"]:
        assert m["regions"]
        assert m["role"] is None or m["role_features"]  # a role always says what decided it
        for g in m["regions"]:
            s, r = g["suspect"], g["reference"]
            assert s["lines"] == _lines(suspect / m["path"], s["start_line"], s["end_line"])
            assert r["lines"] == _lines(reference / m["reference"]["path"], r["start_line"], r["end_line"])

    sus_in, ref_in = data["inputs"]["suspect"], data["inputs"]["reference"]
    assert sus_in["files"] == {p: hashlib.sha256((suspect / p).read_bytes()).hexdigest()
                               for p in ("modeling_beta.py", "pkg/helpers.py")}
    assert ref_in["files"] == {"alpha/modeling_alpha.py": hashlib.sha256(reference_text().encode()).hexdigest()}
    assert (sus_in["kind"], sus_in["name"], ref_in["name"]) == ("dir", "suspect", "reference")
    assert data["tool"]["version"] and data["parameters"]["fingerprint"]["num_perm"] == 128

    att = data["notices"]["attribution"]
    assert [(a["state"], a["missing"], a["replacements"], a["copy_shown"]) for a in att] == [
        ("replaced", ["The Zhipu AI team"], ["Acme Corp"], True)]  # (high units: the copy is shown)
    null = data["scores_baseline"]["units"]["unrelated"]
    # every suspect unit is a draw, against the reference units but its counterparts: 14, too few for a p99
    assert null["n"] == data["summary"]["suspect_units"] == 14 and null["p99"] is None
    assert all(m["scores"]["above_unrelated_p99"] is None for m in data["matches"])
    assert data["summary"]["units_above_unrelated_p99"] is None  # none placed: not "0 above"
    assert [f["path"] for f in data["files"]] == ["modeling_beta.py"] and data["files"][0]["score"] > 0.9
    assert {m["attribution"] for m in data["matches"] if m["severity"] == "high"} == {"replaced"}
    assert data["summary"]["matched_units"] >= len(COPIED) and data["summary"]["by_role"]["core-architecture"] >= len(COPIED) + 1  # + partial_rotary
    # the corpus background is named, and each judged unit says how many indexed lines hold its code
    assert data["background"]["families"] == 1
    # the shipped calibration was measured on the default index, not on this test's: said plainly
    placed_on = data["scores_baseline"]["files"]
    assert placed_on["computed_on_this_index"] is False and placed_on["calibration_index"] != data["background"]["id"]
    assert data["warnings"] == [] and data["background"]["id"] in placed_on["statement"]
    assert "not on this run's index" in placed_on["statement"]
    versions = data["tool"]["versions"]
    assert set(versions) == {"python", "tree-sitter", "tree-sitter-python", "scancode-toolkit", "numpy"}
    # the code that made it: every module of the package as installed, not only its version string
    import lineage
    root = Path(lineage.__file__).resolve().parent
    modules = sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*.py")
                     if "__pycache__" not in p.parts)
    assert len(modules) > 200
    assert data["tool"]["code_sha256"] == hashlib.sha256(b"".join(
        f"{name}".encode() + b"\0" + body + b"\0" for name, body in modules)).hexdigest()
    assert versions["tree-sitter"] == "0.26.1" and versions["tree-sitter-python"] == "0.25.0"
    assert all(versions.values())
    judged = [m for m in data["matches"] if m["severity"] != "info"]
    assert all(m["corpus"]["model_lines"] <= 1 and m["severity_before_corpus"] is None for m in judged)


def test_against_a_git_revision(sides: tuple[Path, Path], tmp_path: Path) -> None:
    suspect, reference = sides
    handle = git.Repo.init(reference, initial_branch="main")
    r = Repo(reference, handle)
    r.add("alpha/modeling_alpha.py")
    v1 = r.commit("reference v1")
    handle.create_tag("v1")
    text = reference_text()
    start = text.index("class AlphaAttention")
    r.write("alpha/modeling_alpha.py", text[:start] + text[text.index("def alpha_load_weights"):])
    r.add("alpha/modeling_alpha.py")
    r.commit("drop attention")

    at_v1 = wv.verify(str(suspect), f"{reference}@v1", Config()).to_dict()
    at_head = wv.verify(str(suspect), f"{reference}@HEAD", Config()).to_dict()
    assert at_v1["inputs"]["reference"]["commit"] == v1 and at_v1["inputs"]["reference"]["rev"] == "v1"
    assert "BetaAttention.forward" in {m["unit"] for m in at_v1["matches"]}
    assert "BetaAttention.forward" not in {m["unit"] for m in at_head["matches"]}
    handle.close()


def test_text_exhibit_and_calibration(sides: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                      index_path: Path) -> None:
    suspect, reference = sides
    text = run("verify", suspect, "--against", reference, "--index", index_path, "--exit-zero")
    assert text.exit_code == 0
    assert "BetaAttention.forward  <->  alpha/modeling_alpha.py" in text.stdout
    assert "| " in text.stdout and "notice replaced" in text.stdout
    assert "    role from: " in text.stdout

    figures = {"source": "corpora/calibration.toml", "level": "file", "unrelated_p99": 0.42, "derived_median": 0.9}
    monkeypatch.setattr(wv, "calibration", lambda: figures)
    data = wv.verify(str(suspect), str(reference), Config()).to_dict()
    assert data["scores_baseline"]["files"]["source"] == "calibration"
    assert data["scores_baseline"]["files"]["computed_on_this_index"] is False  # no index at all here

    same = wv.verify(str(suspect), str(reference), Config(), background=open_index(index_path)).to_dict()
    monkeypatch.setattr(wv, "calibration", lambda: {**figures, "index": same["background"]["id"]})
    on_it = wv.verify(str(suspect), str(reference), Config(), background=open_index(index_path)).to_dict()
    assert on_it["scores_baseline"]["files"]["computed_on_this_index"] is True
    shown = run("verify", suspect, "--against", reference, "--index", index_path, "--exit-zero").stdout
    assert f"calibration was computed on this run's index {same['background']['id']}" in shown
    assert "versions: python " in shown and "tree-sitter-python 0.25.0" in shown
    # an index rebuilt with other architecture data but the same fingerprints: the same scores
    from lineage.index.header import scores_digest

    header = open_index(index_path).header
    rebuilt = {**header, "arrays": {**header["arrays"], "arch": {**header["arrays"]["arch"], "sha256": "0" * 64}}}
    assert scores_digest(rebuilt) == scores_digest(header)
    moved = {**header, "arrays": {**header["arrays"], "s_hash": {**header["arrays"]["s_hash"], "sha256": "0" * 64}}}
    assert scores_digest(moved) != scores_digest(header)
    monkeypatch.setattr(wv, "calibration", lambda: {**figures, "index": "0123456789abcdef",
                                                    "scores": scores_digest(header)})
    shares = wv.verify(str(suspect), str(reference), Config(), background=open_index(index_path)).to_dict()
    placed = shares["scores_baseline"]["files"]
    assert placed["computed_on_this_index"] is True and "whose code fingerprints this run's index" in placed["statement"]
    monkeypatch.setattr(wv, "calibration", lambda: {**figures, "index": "0123456789abcdef", "scores": "f" * 16})
    other = wv.verify(str(suspect), str(reference), Config(), background=open_index(index_path)).to_dict()
    assert other["scores_baseline"]["files"]["computed_on_this_index"] is False
    assert data["files"][0]["above_unrelated_p99"] is True and data["files"][0]["vs_derived_median"] > 0
    assert "1 of 1 matched files score above the calibrated unrelated p99" in data["summary"]["statement"]


def test_calibration_file(tmp_path: Path) -> None:
    good = tmp_path / "calibration.toml"
    good.write_text("unrelated_p99 = 0.41\nderived_median = 0.93\n")
    assert calibration(good) == {"source": "corpora/calibration.toml", "level": "file", "unrelated_p99": 0.41,
                                 "derived_median": 0.93}
    written = tmp_path / "written.toml"  # the table benchmarks/calibrate.py writes
    written.write_text('[calibration]\nindex = "abc"\nunrelated_plain_p99 = 0.3\nderived_plain_p50 = 0.8\n')
    assert calibration(written) == {"source": "corpora/calibration.toml", "level": "file", "unrelated_p99": 0.3,
                                    "derived_median": 0.8, "index": "abc"}
    bad = tmp_path / "bad.toml"
    bad.write_text('unrelated_p99 = "high"\n')
    assert calibration(bad) is None and calibration(tmp_path / "missing.toml") is None


def test_unusable_side_is_a_usage_error(sides: tuple[Path, Path], tmp_path: Path) -> None:
    suspect, _ = sides
    missing = run("verify", suspect, "--against", tmp_path / "nowhere", "--no-index")
    assert missing.exit_code == 2 and "cannot use target" in missing.stderr


def test_the_reference_may_be_given_second_as_the_brief_writes_it(sides: tuple[Path, Path], tmp_path: Path) -> None:
    """`lineage verify SUSPECT REFERENCE` is the exhibit `--against` gives (a stranger's review typed
    it so and was refused); the reference given twice, or not at all, is a usage error."""
    suspect, reference = sides
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert run("verify", suspect, reference, "--no-index", "--format", "json", "-o", one).exit_code == 1
    assert run("verify", suspect, "--against", reference, "--no-index", "--format", "json", "-o", two).exit_code == 1
    assert one.read_bytes() == two.read_bytes()
    twice = run("verify", suspect, reference, "--against", reference, "--no-index")
    assert twice.exit_code == 2 and "given twice" in twice.stderr
    none = run("verify", suspect, "--no-index")
    assert none.exit_code == 2 and "no reference" in none.stderr


def _distinct_functions(n: int, prefix: str) -> str:
    """n functions of different shapes (loops, branches and operators vary with the number)."""
    ops = ["+", "-", "*", "/", "//", "%"]
    out = []
    for i in range(n):
        body = [f"    total = seed {ops[i % 6]} {i + 1}"]
        for j in range(1 + i % 4):
            body.append(f"    for k{j} in range(len(items) - {j}):")
            body.append(f"        total = total {ops[(i + j) % 6]} items[k{j}] * scale")
        if i % 3 == 0:
            body += ["    if total > limit:", "        total = limit - total"]
        if i % 2:
            body += ["    values = [v * total for v in items if v != total]", "    return sum(values), total"]
        else:
            body.append(f"    return total {ops[(i + 2) % 6]} len(items)")
        out.append(f"def {prefix}_{i}(items, seed, scale, limit):\n" + "\n".join(body) + "\n")
    return "\n\n".join(out)


def test_the_in_pair_baseline_draws_every_unit_but_not_its_own_counterpart(tmp_path: Path, index_path: Path) -> None:
    """Every suspect unit is a draw, against the reference units it did not match: a matched unit is
    not placed among draws that stand below the match threshold by construction (until 2026-12-02
    only the units that matched nothing were drawn, so every match scored above the p99)."""
    suspect, reference = tmp_path / "suspect.py", tmp_path / "reference.py"
    text = _distinct_functions(24, "work")
    suspect.write_text(text, encoding="utf-8")
    reference.write_text(text, encoding="utf-8")
    done = run("verify", suspect, "--against", reference, "--index", index_path, "--format", "json", "--exit-zero")
    data = json.loads(done.stdout)
    null = data["scores_baseline"]["units"]["unrelated"]
    units = [m for m in data["matches"] if m["unit_kind"] != "module"]
    assert len(units) == data["summary"]["suspect_units"] == null["n"] == 24
    # each unit's own counterpart (similarity 1.0) is out of its draw: the draws are other functions
    assert null["max"] < 1.0 and null["p99"] is not None
    assert "but its counterparts" in data["scores_baseline"]["units"]["method"]
    exact = [m for m in units if m["scores"]["similarity"] > null["p99"]]
    assert exact and all(m["scores"]["above_unrelated_p99"] for m in exact)


def test_progress_is_reported_and_quiet_changes_nothing_else(sides: tuple[Path, Path], tmp_path: Path,
                                                           index_path: Path) -> None:
    suspect, reference = sides
    seen: list[tuple[str, int, int]] = []
    wv.verify(str(suspect), str(reference), Config(), open_index(index_path),
              progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert seen and any(done == total > 0 for _, done, total in seen)  # the scan's stages reach the caller
    loud, quiet = tmp_path / "loud.json", tmp_path / "quiet.json"
    assert run("verify", suspect, "--against", reference, "--index", index_path, "--format", "json",
               "-o", loud).exit_code == 1
    assert run("verify", suspect, "--against", reference, "--index", index_path, "--format", "json",
               "-q", "-o", quiet).exit_code == 1
    assert loud.read_bytes() == quiet.read_bytes()
