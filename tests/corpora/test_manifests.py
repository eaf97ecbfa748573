"""The corpus manifests under corpora/: format, labels and (with the network) real contents.

The offline tests read the TOML files with tomllib only. The network tests download each
pinned wheel (or reuse one from ``$LINEAGE_WHEEL_CACHE`` whose sha256 matches), check its
hash, and check that every include glob takes at least one member of the artefact.
"""

from __future__ import annotations

import os
import re
import tomllib
import zipfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lineage.index.manifest import glob_regex
from lineage.source.fetch import file_sha256

CORPORA = Path(__file__).resolve().parents[2] / "corpora"

DEFAULT_SOURCES = (
    "transformers", "vllm", "sglang", "lmdeploy", "mlx-lm",
    "transformers-4.33.3",  # an earlier transformers, for code others copied before it was rewritten
    "transformers-4.40.2", "transformers-4.46.3",  # two of 2024 (2026-12-06)
    "transformers-4.48.3", "transformers-4.51.3",  # and two of 2025 (2026-12-03)
    "llama-models", "gpt-oss", "gemma", "ai2-olmo-core", "mistral-inference",
    # issue 19: the labs' own implementations, training frameworks and vision encoders
    "timm", "timm-0.6.13", "torchvision", "open-clip", "paddlenlp", "mindformers", "xtuner", "modelscope", "vllm-ascend",
    "megatron-core", "torchtitan", "litgpt",
)
# `make scan`'s demo target: a scan of it must not find itself in the default index.
DEMO_PACKAGES = frozenset({"flash-linear-attention", "fla-core"})
# Ids written by corpora/licences.toml for model weights that carry their own terms.
WEIGHTS_LICENCES = frozenset({
    "", "llama2-community", "llama3-community", "llama3.1-community", "llama3.2-community",
    "llama3.3-community", "llama4-community", "gemma-terms", "qwen-license", "qwen-research",
    "deepseek-model",
})
# Code licences the default sources use (Llama reference code points at the model licences;
# torchtitan is BSD-3-Clause).
CODE_LICENCES = WEIGHTS_LICENCES - {""} | {"Apache-2.0", "MIT", "BSD-3-Clause"}
SOURCE_KEYS = ("name", "kind", "licence", "released")
PYPI_KEYS = ("package", "version", "sha256", "filename")
FAMILY_KEYS = ("name", "include", "org", "first_seen")
SHA256 = re.compile(r"[0-9a-f]{64}")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def manifest_paths() -> list[Path]:
    default = tomllib.loads((CORPORA / "default.toml").read_text(encoding="utf-8"))
    return [CORPORA / name for name in default["default"]["manifests"]]


@cache
def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def organisations() -> dict[str, Any]:
    return dict(tomllib.loads((CORPORA / "organisations.toml").read_text(encoding="utf-8"))["org"])


MANIFESTS = manifest_paths()
IDS = [p.stem for p in MANIFESTS]


def test_default_lists_the_pinned_sources() -> None:
    assert sorted(p.stem for p in MANIFESTS) == sorted(DEFAULT_SOURCES)
    assert all(p.is_file() for p in MANIFESTS)
    assert sorted(load(p)["source"]["name"] for p in MANIFESTS) == sorted(DEFAULT_SOURCES)


def test_the_scan_demo_stays_outside_the_default_index() -> None:
    packages = {re.sub(r"[-_.]+", "-", load(p)["source"].get("package", "")).lower() for p in MANIFESTS}
    assert not packages & DEMO_PACKAGES
    makefile = (CORPORA.parent / "Makefile").read_text(encoding="utf-8")
    demo = re.search(r"^DEMO\s*\?=\s*([A-Za-z0-9_.-]+)==", makefile, re.M)
    assert demo and re.sub(r"[-_.]+", "-", demo.group(1)).lower() not in packages


def test_a_family_name_shared_by_sources_keeps_one_organisation() -> None:
    """A family name reused across sources is the same model: it keeps one organisation."""
    seen: dict[str, tuple[str, str]] = {}
    for path in MANIFESTS:
        for fam in load(path)["family"]:
            org = fam["org"]
            first = seen.setdefault(fam["name"], (org, path.stem))
            assert first[0] == org, f"{fam['name']}: {org} in {path.stem}, {first[0]} in {first[1]}"


@pytest.mark.parametrize("path", MANIFESTS, ids=IDS)
def test_source_table(path: Path) -> None:
    source = load(path)["source"]
    missing = [k for k in SOURCE_KEYS if not source.get(k)]
    assert not missing, f"{path.name}: [source] lacks {missing}"
    assert source["kind"] == "pypi"
    assert not [k for k in PYPI_KEYS if not source.get(k)]
    assert SHA256.fullmatch(source["sha256"]), f"{path.name}: sha256 is not 64 lowercase hex"
    assert source["filename"].endswith(".whl")
    normalised = re.sub(r"[-_.]+", "_", source["package"]).lower()
    assert source["filename"].lower().startswith(f"{normalised}-{source['version']}-")
    assert source["licence"] in CODE_LICENCES
    date.fromisoformat(source["released"])
    for glob in source.get("exclude", []):
        assert isinstance(glob, str) and glob


@pytest.mark.parametrize("path", MANIFESTS, ids=IDS)
def test_families_are_complete_and_labelled(path: Path) -> None:
    data = load(path)
    families = data["family"]
    assert families, f"{path.name}: no [[family]]"
    released = date.fromisoformat(data["source"]["released"])
    orgs = organisations()
    for fam in families:
        where = f"{path.name}:{fam.get('name')}"
        missing = [k for k in FAMILY_KEYS if not fam.get(k)]
        assert not missing, f"{where} lacks {missing}"
        assert NAME.fullmatch(fam["name"]), where
        assert isinstance(fam["include"], list) and all(isinstance(g, str) and g for g in fam["include"]), where
        assert fam["org"] in orgs, f"{where}: organisation {fam['org']!r} is not in organisations.toml"
        assert orgs[fam["org"]].get("kind", "vendor") == "vendor", f"{where}: a framework is not a model maker"
        assert fam.get("weights_licence", "") in WEIGHTS_LICENCES, f"{where}: {fam.get('weights_licence')!r}"
        assert fam.get("licence", data["source"]["licence"]) in CODE_LICENCES, where
        first_seen = date.fromisoformat(fam["first_seen"])
        assert date(2012, 1, 1) <= first_seen <= released, f"{where}: first_seen {first_seen} after the release"


@pytest.mark.parametrize("path", MANIFESTS, ids=IDS)
def test_family_names_unique_and_lineage_resolves(path: Path) -> None:
    families = load(path)["family"]
    names = [f["name"] for f in families]
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert not repeated, f"{path.name}: repeated family names {repeated}"
    for fam in families:
        for parent in fam.get("lineage", []):
            assert parent in names, f"{path.name}:{fam['name']}: parent {parent!r} is not a family here"
            assert parent != fam["name"]


def test_every_country_is_covered() -> None:
    orgs = organisations()
    countries = {orgs[f["org"]]["country"] for p in MANIFESTS for f in load(p)["family"]}
    assert {"CN", "US", "KR", "FR"} <= countries


def test_lineage_reader_accepts_every_manifest() -> None:
    """The index's own manifest reader must take the files as they are."""
    from lineage.index.manifest import load_manifest

    for path in MANIFESTS:
        manifest = load_manifest(path)
        assert len(manifest.families) == len(load(path)["family"])


def test_glob_semantics_the_manifests_rely_on() -> None:
    """The product's glob: `*` stays within a directory, `**/` crosses any number of them."""
    assert glob_regex("a/*.py").match("a/b.py")
    assert not glob_regex("a/*.py").match("a/b/c.py")
    assert glob_regex("a/**/*.py").match("a/b.py")
    assert glob_regex("a/**/*.py").match("a/b/c/d.py")
    assert not glob_regex("a/**/*.py").match("ab/c.py")


# --- with the network -------------------------------------------------------------------

network = pytest.mark.skipif(
    os.environ.get("LINEAGE_NETWORK_TESTS") != "1", reason="set LINEAGE_NETWORK_TESTS=1 to download wheels"
)


@cache
def wheel_members(path: Path) -> tuple[str, ...]:
    source = load(path)["source"]
    local = os.environ.get("LINEAGE_WHEEL_CACHE")
    wheel = Path(local) / source["filename"] if local else None
    if wheel is None or not wheel.is_file() or file_sha256(wheel) != source["sha256"]:
        from lineage.source.fetch import fetch_pypi

        wheel = fetch_pypi(
            source["package"], source["version"], sha256=source["sha256"], filename=source["filename"],
            python_version=source.get("python_version") or None, platform=source.get("platform") or None,
        )
    assert file_sha256(wheel) == source["sha256"]
    with zipfile.ZipFile(wheel) as archive:
        return tuple(n for n in archive.namelist() if not n.endswith("/"))


@network
@pytest.mark.network
@pytest.mark.parametrize("path", MANIFESTS, ids=IDS)
def test_every_include_glob_matches_the_pinned_wheel(path: Path) -> None:
    data = load(path)
    excluded = [glob_regex(g) for g in data["source"].get("exclude", [])]
    members = [m for m in wheel_members(path) if not any(r.match(m) for r in excluded)]
    owner: dict[str, str] = {}
    for fam in data["family"]:
        fam_excluded = [glob_regex(g) for g in fam.get("exclude", [])]
        for glob in fam["include"]:
            regex = glob_regex(glob)
            hits = [m for m in members if regex.match(m) and not any(r.match(m) for r in fam_excluded)]
            assert hits, f"{path.name}:{fam['name']}: {glob} matches no member of {data['source']['filename']}"
            for member in hits:
                if member.endswith(".py"):
                    assert owner.setdefault(member, fam["name"]) == fam["name"], (
                        f"{member} is claimed by {owner[member]} and {fam['name']}")
