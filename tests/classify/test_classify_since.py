"""A source's code is no older than the source: time travel to a day before a project's first public
release (its manifest's `since`) leaves the project out, though the model it ports is older (vLLM's
Whisper port is of 2023 or later; Whisper of 2022): a 2022 original is no copy of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.errors import ManifestError
from lineage.index.embedded import EmbeddedIndex
from lineage.index.restrict import as_of, public_dates
from lineage.models import SourceFile
from tests.classify.test_classify_elder import HEAD, OLD


def _manifest(root: Path, name: str, since: str) -> Path:
    (root / "wave").mkdir(parents=True)
    (root / "wave" / "modeling_wave.py").write_text("# Copyright 2024 Engine Authors.\n" + HEAD + OLD, encoding="utf-8")
    manifest = root / f"{name}.toml"
    manifest.write_text("\n".join([
        "[source]", f'name = "{name}"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
        'released = "2026-01-01"', *([f'since = "{since}"'] if since else []), "",
        "[[family]]", 'name = "wave"', 'include = ["wave/*.py"]', 'org = "Meta"', 'first_seen = "2022-09-21"', ""]),
        encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    root = tmp_path_factory.mktemp("engine")
    out = root / "engine.lineage"
    assert not api.build([_manifest(root / "src", "engine", "2023-06-01")], out, workers=1).errors
    return api.open_index(str(out))


def test_a_family_is_public_no_earlier_than_its_source(engine: EmbeddedIndex) -> None:
    assert public_dates(engine) == {"engine:wave": "2023-06-01"}
    assert not as_of(engine, "2022-12-31").meta["families"]  # the model is older, its port is not
    assert [f["name"] for f in as_of(engine, "2023-06-01").meta["families"]] == ["wave"]


def test_an_original_dated_before_the_source_is_no_copy_of_it(engine: EmbeddedIndex) -> None:
    text = "# Copyright 2022 Origin Labs.\n" + HEAD + OLD.replace("Wave", "Origin")
    files = [SourceFile("origin/modeling_origin.py", text.encode())]
    then, _ = api.scan_files(files, api.at_date(engine, "2022-10-25"), Config(workers=1))
    assert not [f for f in then.findings if f.severity in ("medium", "high")]
    now, _ = api.scan_files(files, engine, Config(workers=1))
    assert any(f.kind == "code-match" and f.severity in ("medium", "high") for f in now.findings)


def test_since_must_be_a_date(tmp_path: Path) -> None:
    from lineage.index.manifest import load_manifest

    with pytest.raises(ManifestError, match="since"):
        load_manifest(_manifest(tmp_path, "bad", "June 2023"))


class _Index:
    """What public_dates reads of an index: its sources and its families."""

    def __init__(self, sources: list[dict[str, str]], families: list[dict[str, str]]) -> None:
        self.header = {"sources": sources}
        self.meta = {"families": families}


PINNED = "ab" * 32


@pytest.mark.parametrize(("digest", "expected"), [(PINNED, "2025-05-13"), ("cd" * 32, "2024-09-11")],
                         ids=["the-pinned-release", "another-release"])
def test_a_port_is_public_no_earlier_than_the_release_that_shipped_it(digest: str, expected: str) -> None:
    """SGLang's Pixtral port is dated with Pixtral (2024-09-11), but SGLang first shipped its file in
    2025-05-13: time travel takes the later date, for the pinned release the table names only."""
    index = _Index([{"name": "sglang", "kind": "pypi", "sha256": digest, "since": "2023-12-01"}],
                   [{"source": "sglang", "name": "pixtral", "first_seen": "2024-09-11"},
                    {"source": "sglang", "name": "llama", "first_seen": "2023-02-24"},
                    {"source": "sglang", "name": "nameless", "first_seen": ""}])
    shipped = {PINNED: {"pixtral": "2025-05-13", "llama": "2024-01-16", "nameless": "2024-01-16"}}
    dates = public_dates(index, shipped)  # type: ignore[arg-type]
    assert dates["sglang:pixtral"] == expected
    assert dates["sglang:llama"] == ("2024-01-16" if digest == PINNED else "2023-12-01")  # since, then shipped
    # a family without a model date is still no older than its source, nor than the release that shipped it
    assert dates["sglang:nameless"] == ("2024-01-16" if digest == PINNED else "2023-12-01")


def test_the_shipped_table_names_pinned_releases_and_their_families() -> None:
    """corpora/shipped.toml: each section is a default manifest's pinned release (its sha256), each
    family one of that manifest's, each date a release no later than the pinned one's."""
    import tomllib

    from lineage.api import default_manifests
    from lineage.data import load_table
    from lineage.index.manifest import load_manifest
    from lineage.index.restrict import shipped_dates

    manifests = {m.name: (m, tomllib.loads(p.read_text(encoding="utf-8"))["source"])
                 for p in default_manifests() for m in [load_manifest(p)]}
    table = load_table("shipped.toml")
    assert table and set(shipped_dates()) == {section["sha256"] for section in table.values()}
    for source, section in table.items():
        manifest, raw = manifests[source]
        assert (section["package"], section["version"], section["sha256"]) == (raw["package"], raw["version"],
                                                                               raw["sha256"])
        assert set(section["family"]) <= {f.name for f in manifest.families}
        for name, entry in section["family"].items():
            assert raw.get("since", "") <= entry["shipped"] <= raw["released"], (source, name)
            # the release holding every file of the family, where later than the first
            assert entry["shipped"] < entry.get("whole", "9999") and entry.get("whole", "") <= raw["released"]


@pytest.mark.parametrize("text", ['[vllm]\nsha256 = "nope"\nfamily.llama = { shipped = "2023-06-19" }\n',
                                  f'[vllm]\nsha256 = "{PINNED}"\nfamily.llama = {{ shipped = "June 2023" }}\n'],
                         ids=["sha256", "date"])
def test_a_bad_shipped_table_is_a_clear_error(tmp_path: Path, text: str) -> None:
    from lineage.index.restrict import shipped_dates

    bad = tmp_path / "shipped.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match="bad shipped.toml table"):
        shipped_dates(str(bad))
