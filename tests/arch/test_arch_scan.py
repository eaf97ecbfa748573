"""The architecture lookup through `lineage scan`: ports named, ancestors kept apart, no claim
on foreign architectures, old indexes without the section, the reports that show it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lineage.index.store import read_index, write_index
from tests.arch.conftest import architecture, scan, scan_json
from tests.arch.models import ALPHA, BETA, GAMMA, ZETA, Arch, port, reference


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _claim(arch_index: Path, tmp_path: Path, a: Arch, *args: str) -> dict[str, object] | None:
    root = _write(tmp_path, {"served.py": port(a)})
    return architecture(scan_json(arch_index, root, *args), "served.py")


def test_a_port_is_named_by_its_checkpoint_interface(arch_index: Path, tmp_path: Path) -> None:
    found = _claim(arch_index, tmp_path, GAMMA)
    assert found is not None
    d = found["details"]
    assert d["architecture"] == "fx:gamma" and d["org"] == "DeepSeek"  # type: ignore[index]
    assert d["score"] >= d["threshold"]  # type: ignore[index, operator]
    keys = set(d["distinguishing_keys"])  # type: ignore[index, call-overload]
    assert keys & {"c:topk_group", "c:n_group", "c:first_k_dense_replace", "p:kv_a_proj_with_mqa", "c:kv_lora_rank"}
    assert found["severity"] == "info" and found["unit"] == "<file>" and found["matches"] == []
    assert "Implements the architecture of gamma (DeepSeek, CN)" in str(found["explanation"])
    assert "code not copied" in str(found["explanation"])


def test_fused_and_tensor_parallel_names_fold_onto_the_checkpoint_names(arch_index: Path, tmp_path: Path) -> None:
    found = _claim(arch_index, tmp_path, ALPHA)
    assert found is not None and found["details"]["architecture"] == "fx:alpha"  # type: ignore[index]


def test_the_ancestor_is_named_unless_the_file_has_what_the_descendant_added(arch_index: Path, tmp_path: Path) -> None:
    beta = _claim(arch_index, tmp_path / "b", BETA)
    assert beta is not None
    d = beta["details"]
    assert d["architecture"] == "fx:beta" and d["compared_with"] == "fx:alpha"  # type: ignore[index]
    # what beta adds to alpha is the evidence; alpha's own keys are not
    assert set(d["distinguishing_keys"]) & {"c:beta_soft_cap", "c:beta_logit_scale", "p:q_norm", "p:k_norm"}  # type: ignore[index, call-overload]
    assert not set(d["distinguishing_keys"]) & {"c:alpha_window", "c:alpha_rope_base"}  # type: ignore[index, call-overload]
    alpha = _claim(arch_index, tmp_path / "a", ALPHA)
    assert alpha is not None and alpha["details"]["architecture"] == "fx:alpha"  # type: ignore[index]


def test_no_claim_for_an_architecture_the_index_does_not_hold(arch_index: Path, tmp_path: Path) -> None:
    assert _claim(arch_index, tmp_path, ZETA) is None


def test_no_claim_for_code_that_is_not_a_model(arch_index: Path, tmp_path: Path) -> None:
    text = ("import json\n\n\nclass Settings:\n    def __init__(self, path):\n        self.path = path\n"
            "        self.data = json.loads(open(path).read())\n\n    def get(self, key):\n"
            "        return self.data.get(key)\n")
    root = _write(tmp_path, {"settings.py": text})
    doc = scan_json(arch_index, root)
    assert not [f for f in doc["findings"] if f["kind"] == "architecture"]  # type: ignore[union-attr, index]
    assert "architectures" not in doc["summary"]  # type: ignore[operator]


def test_a_copy_is_both_a_code_match_and_an_architecture(arch_index: Path, tmp_path: Path) -> None:
    root = _write(tmp_path, {"copied.py": reference(GAMMA)})
    doc = scan_json(arch_index, root)
    found = architecture(doc, "copied.py")
    assert found is not None and found["details"]["architecture"] == "fx:gamma"  # type: ignore[index]
    assert found["details"]["code_copied_lines"] > 0  # type: ignore[index, operator]
    assert "code also matches gamma" in str(found["explanation"])
    assert any(f["kind"] == "code-match" for f in doc["findings"])  # type: ignore[union-attr, index]


def test_summary_text_sarif_and_html_keep_it_apart_from_code_lineage(arch_index: Path, tmp_path: Path) -> None:
    root = _write(tmp_path, {"served.py": port(GAMMA)})
    doc = scan_json(arch_index, root)
    row = doc["summary"]["architectures"]["served.py"]  # type: ignore[index]
    assert row["architecture"] == "fx:gamma"
    assert "fx:gamma" not in doc["summary"]["by_family"]  # type: ignore[index, operator]
    text = scan(arch_index, root).stdout
    assert "architecture (checkpoint interface, not code lineage): 1 file" in text
    assert "served.py: Implements the architecture of gamma" in text
    # an info finding: SARIF takes it when asked for info findings (code scanning is not flooded by default)
    sarif = json.loads(scan(arch_index, root, "--format", "sarif", "--min-severity", "info").stdout)
    rules = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert "lineage/architecture" in rules
    html = scan(arch_index, root, "--format", "html", "--min-severity", "info").stdout
    assert "Implements the architecture of gamma" in html


def test_time_travel_keeps_the_section(arch_index: Path, tmp_path: Path) -> None:
    found = _claim(arch_index, tmp_path / "late", GAMMA, "--as-of", "2030-01-01")
    assert found is not None and found["details"]["architecture"] == "fx:gamma"  # type: ignore[index]
    # gamma first seen 2024-03-01: an index as of before it cannot name it
    early = _claim(arch_index, tmp_path / "early", GAMMA, "--as-of", "2024-02-15")
    assert early is None or early["details"]["architecture"] != "fx:gamma"  # type: ignore[index]


def _without_section(arch_index: Path, out: Path, section: np.ndarray | None) -> Path:
    header, arrays = read_index(arch_index)
    kept = {k: v for k, v in arrays.items() if k != "arch"}
    if section is not None:
        kept["arch"] = section
    write_index(out, {k: v for k, v in header.items() if k not in ("arrays", "format", "id")}, kept)
    return out


def test_an_index_without_the_section_loads_and_claims_nothing(arch_index: Path, tmp_path: Path) -> None:
    root = _write(tmp_path, {"served.py": port(GAMMA), "copied.py": reference(GAMMA)})
    full = scan_json(arch_index, root)
    for name, section in (("old", None), ("bad", np.frombuffer(b"{not json", dtype=np.uint8))):
        old = scan_json(_without_section(arch_index, tmp_path / f"{name}.lineage", section), root)
        assert not [f for f in old["findings"] if f["kind"] == "architecture"]  # type: ignore[union-attr, index]
        rest = [f["id"] for f in full["findings"] if f["kind"] != "architecture"]  # type: ignore[union-attr, index]
        assert [f["id"] for f in old["findings"]] == rest  # type: ignore[union-attr, index]


def test_the_commit_hook_leaves_the_architecture_lookup_out(arch_index: Path, tmp_path: Path) -> None:
    """Architecture findings are information only and never fail a commit: the hook, whose
    latency is the point, does not look them up; `scan` of the same staged copy does."""
    import subprocess

    from lineage.api import open_index
    from lineage.config import Config
    from lineage.workflow.hook import check_staged

    root = _write(tmp_path, {"copied.py": reference(GAMMA)})
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=env)
    subprocess.run(["git", "add", "copied.py"], cwd=root, check=True, env=env)
    outcome = check_staged(root, open_index(arch_index), Config(workers=1))
    kinds = {f.kind for f in outcome.result.findings}
    assert "code-match" in kinds and "architecture" not in kinds
    assert architecture(scan_json(arch_index, root), "copied.py") is not None
