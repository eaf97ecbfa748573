"""lineage.index.build: one pool for every source, fingerprints and architecture features read
in one task per file; the index is the same whatever the number of workers, and the same as
that of the architecture section read apart."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import lineage.index.build as build
from lineage.arch.extract import arch_print
from lineage.arch.findings import interface_only
from lineage.arch.section import ArchCollector, file_features
from lineage.arch.table import decode
from lineage.errors import ManifestError
from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import compact_all
from lineage.index.manifest import Manifest, family_of, load_manifest
from lineage.index.store import read_index
from lineage.models import SourceFile
from tests.arch.models import ALPHA, GAMMA, port, reference

# a forward pass the architecture reader never enters, decorated and not, beside what it reads
DECORATED = '''
class Tail(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.tail_proj = nn.Linear(config.tail_size, config.hidden_size)

    @torch.no_grad()
    def forward(self, x):
        y = self.tail_proj(x)
        z = y * 2 + 1
        return z.relu() + x.mean(dim=-1, keepdim=True) - y.softmax(dim=-1)

    def extra(self, x):
        w = x.sum(dim=0) + x.max(dim=0).values
        return w * self.tail_proj.weight.mean() + x.std()
'''


def _source(root: Path, name: str, files: dict[str, str], family: str) -> Manifest:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    toml = root.parent / f"{name}.toml"
    toml.write_text(f'[source]\nname = "{name}"\nkind = "dir"\npath = "{root}"\nlicence = "Apache-2.0"\n\n'
                    f'[[family]]\nname = "{family}"\ninclude = ["{family}/modeling_*.py"]\norg = "Meta"\n',
                    encoding="utf-8")
    return load_manifest(toml)


@pytest.fixture()
def manifests(tmp_path: Path) -> list[Manifest]:
    alpha = _source(tmp_path / "a", "srca", {
        "alpha/modeling_alpha.py": reference(ALPHA) + DECORATED,
        "alpha/configuration_alpha.py": "class AlphaConfig:\n    alpha_only_key: int = 3\n",
    }, "alpha")
    empty = _source(tmp_path / "b", "srcb", {"other/notes.py": "x = 1\n"}, "beta")  # no file in its family
    gamma = _source(tmp_path / "c", "srcc", {"gamma/modeling_gamma.py": port(GAMMA),
                                             "gamma/modeling_gamma_extra.py": DECORATED}, "gamma")
    return [alpha, empty, gamma]


def test_one_worker_or_two_build_the_same_index(manifests: list[Manifest], tmp_path: Path) -> None:
    one, two = tmp_path / "one.lineage", tmp_path / "two.lineage"
    r1 = build.build_index(manifests, one, workers=1)
    r2 = build.build_index(manifests, two, workers=2)
    assert one.read_bytes() == two.read_bytes() and r1.index_id == r2.index_id
    header, arrays = read_index(one)
    assert [s["name"] for s in header["sources"]] == ["srca", "srcb", "srcc"]  # the source without files too
    assert r1.files == 3 and r1.source_bytes == sum(
        len(f.data) for m in manifests for f in build.fetch_sources(m)[0])
    # the section read in the workers equals the one read apart, file by file, at the end
    apart = ArchCollector()
    for m in manifests:
        files, _, _ = build.fetch_sources(m)
        apart.add(m, [(f"{m.name}:{o.name}", f) for f in files if (o := family_of(f.path, m))])
    prints = decode(arrays["arch"])
    assert prints == decode(apart.arrays()["arch"])
    assert prints is not None and {"c:alpha_only_key", "p:tail_proj"} <= prints["srca:alpha"]


def test_a_source_that_cannot_be_fetched_fails_the_build(manifests: list[Manifest], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fetch = build.fetch_sources

    def failing(m: Manifest):  # type: ignore[no-untyped-def]
        if m.name == "srcc":
            raise ManifestError("artefact does not match its sha256", source=m.name)
        return fetch(m)

    monkeypatch.setattr(build, "fetch_sources", failing)
    out = tmp_path / "x.lineage"
    with pytest.raises(ManifestError, match="sha256"):
        build.build_index(manifests, out, workers=2)
    assert not out.exists()


def test_the_reader_skips_decorated_bodies_and_reads_the_same() -> None:
    text = reference(ALPHA) + DECORATED
    f = SourceFile("alpha/modeling_alpha.py", text.encode())
    cf = next(compact_all([f], FingerprintParams(), keep_text=True))
    spans = [(u.qualname.rpartition(".")[2], u.start_line, u.end_line) for u in cf.units
             if u.kind in ("function", "method")]
    trimmed = interface_only(text, spans)
    assert "@torch.no_grad()" not in trimmed and "z.relu()" not in trimmed and "tail_proj = nn.Linear" in trimmed
    assert len(trimmed.split("\n")) == len(text.split("\n"))  # line numbers kept
    assert file_features(f, cf) == file_features(f) == arch_print(text).features


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_a_file_leaves_garbage_collection_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert arch_print(reference(ALPHA))
        assert arch_print("def broken(:\n") == arch_print("")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
