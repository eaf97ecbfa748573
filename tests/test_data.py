"""Reference data through one loader: every shipped table loads, every failure is one error.

The wheel itself is tested in tests/packaging/test_wheel.py; here the tables are read from
the editable install, where lineage.corpora is the corpora/ folder people edit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lineage import api
from lineage.compact.roles import load_rules
from lineage.classify.vestiges import load_facts
from lineage.data import load_table, organisations, read_bytes, shipped, shipped_dir, shipped_path, table_error
from lineage.errors import LineageError, ManifestError
from lineage.index.manifest import load_manifest
from lineage.notices.holders import load_organisations
from lineage.notices.licences import load_licences
from lineage.workflow.scores import calibration

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("roles.toml", "vestiges.toml", "organisations.toml", "licences.toml", "calibration.toml", "default.toml",
          "shipped.toml")


def test_a_checkout_reads_the_folder_people_edit() -> None:
    assert shipped_dir().resolve() == (ROOT / "corpora").resolve()
    assert shipped_path("roles.toml").read_bytes() == (ROOT / "corpora" / "roles.toml").read_bytes()


@pytest.mark.parametrize("name", TABLES)
def test_every_shipped_table_loads(name: str) -> None:
    assert shipped(name).is_file()
    assert load_table(name)


def test_every_loader_reads_the_shipped_tables() -> None:
    assert load_rules().rules and load_facts()
    assert "Zhipu AI" in organisations() and load_organisations()
    entries, _ = load_licences()
    assert "Apache-2.0" in entries
    figures = calibration()
    assert figures is not None and 0 < figures["unrelated_p99"] < 1


def test_default_manifests_name_each_other_relative_to_the_list() -> None:
    paths = api.default_manifests()
    assert paths and all(p.parent == shipped_dir() for p in paths)
    assert {load_manifest(p).name for p in paths} >= {"transformers", "vllm"}


def test_default_index_digest_covers_the_manifests_role_rules_and_organisations() -> None:
    """Same formula as before the tables moved into the package: an index built from a
    checkout stays current under a wheel install of the same data, and the reverse."""
    paths = api.default_manifests()
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    h.update((ROOT / "corpora" / "roles.toml").read_bytes())
    h.update((ROOT / "corpora" / "organisations.toml").read_bytes())
    h.update(api.BUILD_CONTENT)
    assert api.manifests_digest(paths) == h.hexdigest()[:16]


def test_a_changed_organisation_table_makes_the_default_index_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Families' countries are stored in the index: a relabelled organisation must rebuild it."""
    import lineage.data

    paths = api.default_manifests()
    before = api.manifests_digest(paths)
    shipped = lineage.data.read_bytes

    def relabelled(name: str, path: str | Path | None = None) -> bytes:
        raw = shipped(name, path)
        return raw.replace(b'country = "CN"', b'country = "HK"', 1) if name == "organisations.toml" else raw

    monkeypatch.setattr(lineage.data, "read_bytes", relabelled)
    assert api.manifests_digest(paths) != before


def test_a_user_table_replaces_the_shipped_one(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('margin = 1.0\n[[rule]]\non = "name"\npattern = "zeta"\nrole = "core-architecture"\nweight = 3\n')
    loaded = load_rules(str(rules))
    assert len(loaded.rules) == 1 and loaded.margin == 1.0
    assert load_table("roles.toml", "") == load_table("roles.toml")  # "" means the shipped table


def test_one_error_for_every_table_problem(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ManifestError) as info:
        read_bytes("roles.toml", missing)
    assert info.value.source == str(missing) and "cannot read the roles.toml table" in str(info.value)
    assert info.value.exit_code == 2

    broken = tmp_path / "broken.toml"
    broken.write_text("margin = \n")
    with pytest.raises(ManifestError, match="roles.toml table is not valid TOML"):
        load_table("roles.toml", broken)
    broken.write_bytes(b"\xff\xfe")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_table("roles.toml", broken)

    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[[rule]]\non = "colour"\npattern = "x"\nrole = "core-architecture"\nweight = 1\n')
    for loader in (load_rules, load_facts):
        with pytest.raises(ManifestError):
            loader(str(missing))
    with pytest.raises(ManifestError, match="bad roles.toml table") as bad:
        load_rules(str(wrong))
    assert bad.value.source == str(wrong)
    wrong.write_text('[licence.X]\nkind = "poem"\n')
    with pytest.raises(ManifestError, match="bad licences.toml table"):
        load_licences(wrong)
    wrong.write_text('[org]\nAcme = "not a table"\n')
    with pytest.raises(ManifestError, match="bad organisations.toml table"):
        load_organisations(wrong)
    with pytest.raises(ManifestError):
        organisations(wrong)
    assert isinstance(table_error("x.toml", "why"), LineageError)


def test_calibration_is_optional_evidence(tmp_path: Path) -> None:
    assert calibration(tmp_path / "missing.toml") is None  # verify then says it has none
