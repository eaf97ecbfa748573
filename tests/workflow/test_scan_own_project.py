"""`lineage scan name==version` of a project the index holds another release of.

The index's release of the project holds the project's own code, later or earlier: notices added
since, files rewritten.  Scanned against it, an older release read as a copy of its own later self
with the notices "removed" (a stranger's review: `mlx-lm==0.10.0` against the indexed mlx-lm
0.32.2).  The project's own sources are left out of such a scan, and the report says so; a tree
that is not a confirmed release of the project is scanned against everything, as before.

Real releases of `six` from the package index (one module, six.py), indexed as a source of our
own manifest: the package index is the only way to have a release to scan.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from click.testing import CliRunner

from lineage import api
from lineage.cli.main import cli

pytestmark = pytest.mark.skipif(os.environ.get("LINEAGE_NETWORK_TESTS") == "0",
                                reason="LINEAGE_NETWORK_TESTS=0: offline")

INDEXED, SCANNED = "1.16.0", "1.15.0"


@pytest.fixture(scope="module")
def six_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from lineage.source.target import load_target

    pinned = load_target(f"six=={INDEXED}").inputs
    root = tmp_path_factory.mktemp("six-index")
    manifest = root / "six.toml"
    manifest.write_text(
        '[source]\nname = "six"\nkind = "pypi"\npackage = "six"\n'
        f'version = "{INDEXED}"\nsha256 = "{pinned["sha256"]}"\nfilename = "{pinned["filename"]}"\n'
        'licence = "MIT"\nreleased = "2021-05-05"\n\n'
        '[[family]]\nname = "six"\ninclude = ["six.py"]\norg = "Meta"\nfirst_seen = "2010-01-01"\n',
        encoding="utf-8")
    out = root / "six.lineage"
    api.build([manifest], out, workers=1)
    return out


def _scan(target: str, index: Path) -> dict:
    done = CliRunner().invoke(cli, ["scan", target, "--index", str(index), "--format", "json", "--exit-zero", "-q"],
                              catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_an_older_release_is_not_read_as_a_copy_of_the_projects_indexed_release(six_index: Path,
                                                                              tmp_path: Path) -> None:
    data = _scan(f"six=={SCANNED}", six_index)
    said = data["index"]["restriction"]
    assert f"the sources six left out: the target is six=={SCANNED}, a release of their own project" in said, said
    assert data["index"]["families"] == 0
    assert [f for f in data["findings"] if f["severity"] != "info"] == []
    # the same code as a tree that is no confirmed release (no dist-info): scanned against the
    # whole index, it is read as what it resembles
    from lineage.source.target import load_target

    loaded = load_target(f"six=={SCANNED}")
    plain = tmp_path / "plain"
    plain.mkdir()
    with zipfile.ZipFile(loaded.inputs["path"]) as wheel:
        (plain / "six.py").write_bytes(wheel.read("six.py"))
    other = _scan(str(plain), six_index)
    assert other["index"].get("restriction") is None and other["index"]["families"] == 1
    assert any(f["kind"] == "code-match" and f["severity"] in ("medium", "high") for f in other["findings"])


def test_the_release_unpacked_is_its_project_too(six_index: Path, tmp_path: Path) -> None:
    from lineage.source.target import load_target

    loaded = load_target(f"six=={SCANNED}")
    with zipfile.ZipFile(loaded.inputs["path"]) as wheel:
        wheel.extractall(tmp_path / "unpacked")
    data = _scan(str(tmp_path / "unpacked"), six_index)
    assert "the sources six left out" in data["index"]["restriction"]
    assert [f for f in data["findings"] if f["severity"] != "info"] == []


def test_files_of_other_sources_crediting_the_project_are_its_code_carried(tmp_path: Path) -> None:
    """Another source holds six's code twice: once under a header that credits six ("adapted from
    six"), once under none.  Scanning a release of six leaves out six's own source and the file
    that credits six (the project's code, carried: with vLLM left out, SGLang's port of vLLM's
    solar.py, under vLLM's notice, read as the source of vLLM's own files); the other stays."""
    from lineage.index.restrict import without_own_project
    from lineage.source.target import load_target

    pinned = load_target(f"six=={INDEXED}").inputs
    with zipfile.ZipFile(pinned["path"]) as wheel:
        six_text = wheel.read("six.py").decode("utf-8")
    body = six_text[six_text.index("def _add_doc"):six_text.index("def _import_module")]
    (tmp_path / "carried").mkdir()
    (tmp_path / "carried" / "ported.py").write_text(
        "# Copyright 2024 Porters Inc.\n# Adapted from the six project (six.py).\n\n" + body, encoding="utf-8")
    (tmp_path / "carried" / "uncredited.py").write_text("# Copyright 2024 Porters Inc.\n\n" + body, encoding="utf-8")
    manifest = tmp_path / "both.toml"
    manifest.write_text(
        '[source]\nname = "six"\nkind = "pypi"\npackage = "six"\n'
        f'version = "{INDEXED}"\nsha256 = "{pinned["sha256"]}"\nfilename = "{pinned["filename"]}"\n'
        'licence = "MIT"\nreleased = "2021-05-05"\n\n'
        '[[family]]\nname = "six"\ninclude = ["six.py"]\norg = "Meta"\nfirst_seen = "2010-01-01"\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text(
        f'[source]\nname = "porters"\nkind = "dir"\npath = "{tmp_path / "carried"}"\nlicence = "MIT"\n\n'
        '[[family]]\nname = "ported"\ninclude = ["ported.py"]\norg = "Google"\nfirst_seen = "2012-01-01"\n\n'
        '[[family]]\nname = "uncredited"\ninclude = ["uncredited.py"]\norg = "Google"\nfirst_seen = "2012-01-01"\n',
        encoding="utf-8")
    out = tmp_path / "both.lineage"
    api.build([manifest, other], out, workers=1)
    index = api.open_index(out)
    kept = without_own_project(index, "six", f"six=={SCANNED}")
    assert {f["name"] for f in kept.meta["families"]} == {"uncredited"}
    assert [row["path"] for row in kept.meta["files"]] == ["uncredited.py"]
    assert "credit that project" in kept.header["restriction"]
    # a project the index does not hold: nothing is left out, whatever the headers say
    assert without_own_project(index, "seven", "seven==1.0") is index
    # the project's own files are dated by when the project shipped them (its own sources only)
    from lineage.index.restrict import own_file_dates, public_dates

    assert own_file_dates(index, "six") == {"six.py": public_dates(index)["six:six"]}
    assert own_file_dates(index, "seven") == {}
