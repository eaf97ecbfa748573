"""Licence obligations from corpora/licences.toml, and the lazy scancode import."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lineage.data import shipped_dir
from lineage.notices import obligations
from lineage.notices.licences import licence_conflict

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("licence", "kind", "needle"),
    [
        ("Apache-2.0", "code", "NOTICE"),
        ("MIT", "code", "permission notice"),
        ("BSD-3-Clause", "code", "endorse"),
        ("llama2-community", "model", "Notice"),
        ("llama3-community", "model", "Built with Meta Llama 3"),
        ("llama3.1-community", "model", "Built with Llama"),
        ("llama3.2-community", "model", "Built with Llama"),
        ("llama3.3-community", "model", "Built with Llama"),
        ("llama4-community", "model", "Built with Llama"),
        ("gemma-terms", "model", "Gemma Terms of Use"),
        ("qwen-license", "model", "Built with Qwen"),
        ("qwen-research", "model", "Built with Qwen"),
        ("deepseek-model", "model", "use-based restrictions"),
    ],
)
def test_obligations_present(licence: str, kind: str, needle: str) -> None:
    entry = obligations(licence)
    assert (entry["licence"], entry["kind"]) == (licence, kind)
    assert entry["name"]
    assert any(needle in o for o in entry["obligations"])
    assert bool(entry["restrictions"]) == (kind == "model")


@pytest.mark.parametrize(
    ("alias", "licence"),
    [
        ("LicenseRef-scancode-llama-3.1-license-2024", "llama3.1-community"),
        ("gemma-tou-2024-04-01", "gemma-terms"),
        ("qwen-2024", "qwen-license"),
        ("LicenseRef-scancode-deepseek-la-1.0", "deepseek-model"),
        ("apache-2.0", "Apache-2.0"),
    ],
)
def test_scancode_keys_resolve(alias: str, licence: str) -> None:
    assert obligations(alias)["licence"] == licence


def test_unknown_licence_says_check_manually() -> None:
    entry = obligations("LicenseRef-Acme-Proprietary")
    assert entry["kind"] == "unknown"
    assert entry["obligations"] == ["unknown licence: check manually"]


def test_restricted_model_licences_have_restrictions() -> None:
    data = tomllib.loads((shipped_dir() / "licences.toml").read_text(encoding="utf-8"))
    for licence_id, entry in data["licence"].items():
        assert entry["obligations"], licence_id
        if entry["kind"] == "model":
            assert entry["restrictions"], licence_id


def test_conflict_rules() -> None:
    assert licence_conflict(["MIT"], "Apache-2.0")
    assert licence_conflict(["LicenseRef-Proprietary"], "Apache-2.0")
    assert not licence_conflict(["Apache-2.0 OR MIT"], "Apache-2.0")
    assert not licence_conflict(["Apache-2.0"], "MIT")  # notice-only source licence
    assert not licence_conflict([], "Apache-2.0")
    assert licence_conflict(["Apache-2.0"], "llama3.1-community")


def _modules_after(code: str) -> list[str]:
    probe = (
        "import sys, json\n"
        + code
        + "\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('cluecode', 'licensedcode', 'scancode', 'textcode', 'commoncode'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return list(json.loads(out.stdout))


def test_import_does_not_load_scancode() -> None:
    assert _modules_after("import lineage.notices") == []
    fallback_only = (
        "from lineage.notices import detect_notices\n"
        "detect_notices('a.py', '# 深度求索 版权所有\\n', use_scancode=False)"
    )
    assert _modules_after(fallback_only) == []
    scanning = "from lineage.notices import detect_notices\ndetect_notices('a.py', '# (c) 2024 X')"
    assert "cluecode" in _modules_after(scanning)


def test_exports_resolve_even_after_submodules_load() -> None:
    probe = (
        "import importlib, inspect, lineage.notices as n\n"
        "for m in ('compare', 'detect', 'engine', 'fallback', 'findings', 'header', 'holders',"
        " 'licences', 'records'):\n"
        "    importlib.import_module('lineage.notices.' + m)\n"
        "got = {x: getattr(n, x) for x in n.__all__}\n"
        "bad = [x for x, v in got.items() if inspect.ismodule(v) or not callable(v)]\n"
        "assert sorted(n.__all__) == sorted(n._EXPORTS), n.__all__\n"
        "print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "[]"


def _licence_values(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {
            v for k, v in node.items() if k in ("licence", "weights_licence") and isinstance(v, str)
        }
        for value in node.values():
            found |= _licence_values(value)
        return found
    if isinstance(node, list):
        return set().union(*map(_licence_values, node)) if node else set()
    return set()


def test_every_licence_named_in_corpus_manifests_is_known() -> None:
    used: set[str] = set()
    for manifest in shipped_dir().glob("*.toml"):
        if manifest.name != "licences.toml":
            used |= _licence_values(tomllib.loads(manifest.read_text(encoding="utf-8")))
    unknown = sorted(v for v in used if v and obligations(v)["kind"] == "unknown")
    assert unknown == []
