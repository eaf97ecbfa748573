"""The wheel as users get it: built, installed into a fresh virtual environment, run from elsewhere.

No editable install and no source tree on the path: the sdist and wheel are built from a copy
of the checkout (``python -m build``, the wheel from the sdist, as a release would), the wheel
goes into a new venv with pip, and every command runs from a directory outside the source
tree.  The reference index is built by the installed ``lineage corpus build`` from our own
fixture code (tests/workflow/data), so nothing here needs the 45 MB default index.  Slow:
the venv installs the full default dependencies (from pip's cache once it is warm).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest

from lineage import PROJECT_URL, api
from lineage.index.manifest import load_manifest
from tests.fixture_notices import copy_with_notices
from tests.workflow.conftest import DATA, GIT_ENV, ORIGINAL, renamed_copy

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_TABLES = sorted(p.name for p in (ROOT / "corpora").glob("*.toml"))
# the hook's budget: never scancode (fast notice detector), never the Redis extra's scipy
NOT_FOR_THE_HOOK = {"scancode", "licensedcode", "cluecode", "scipy", "datasketch", "redis", "jinja2", "rich"}


def run(cmd: Sequence[str | Path], *, cwd: Path, env: dict[str, str], timeout: float = 300,
        ok: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode in ok, f"{cmd}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would put the source tree or a venv on
    the path, or configure lineage behind the test's back."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LINEAGE_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, **extra}


@dataclass(frozen=True)
class Installed:
    """A fresh venv with the wheel installed, and where to run it from."""

    venv: Path
    wheel: Path
    sdist: Path
    work: Path  # outside the source tree
    env: dict[str, str]

    @property
    def lineage(self) -> Path:
        return self.venv / "bin" / "lineage"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def __call__(self, *args: str | Path, ok: Sequence[int] = (0,), cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run([self.lineage, *args], cwd=cwd or self.work, env={**self.env, **(env or {})}, ok=ok)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    tree = base / "source"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                 env=clean_env()).stdout
    for rel in filter(None, listed.split("\0")):  # the checkout as it stands, edits included
        src = ROOT / rel
        if src.is_file():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            (tree / rel).write_bytes(src.read_bytes())
    run([sys.executable, "-m", "build", "--outdir", base / "dist", tree], cwd=base, env=clean_env(), timeout=600)
    wheel = next((base / "dist").glob("*.whl"))
    sdist = next((base / "dist").glob("*.tar.gz"))

    venv = base / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=base, env=clean_env())
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], cwd=base, env=clean_env(),
        timeout=900)
    work = base / "elsewhere"
    work.mkdir()
    env = clean_env(XDG_CACHE_HOME=str(base / "xdg-cache"), NO_COLOR="1", COLUMNS="200", **GIT_ENV)
    return Installed(venv, wheel, sdist, work, env)


@pytest.fixture(scope="module")
def reference(installed: Installed) -> tuple[Path, Path]:
    """Our fixture reference code, and a tiny index built from it by the installed command."""
    data = copy_with_notices(DATA, installed.work / "reference")
    manifest = installed.work / "fix.toml"
    manifest.write_text(
        '[source]\nname = "fix"\nkind = "dir"\npath = "reference"\nlicence = "Apache-2.0"\n\n'
        '[[family]]\nname = "alpha"\ninclude = ["alpha/*.py"]\norg = "Zhipu AI"\nfirst_seen = "2025-07-28"\n',
        encoding="utf-8")
    built = installed("corpus", "build", manifest, "--out", "fix.lineage", "-q")
    assert "built index" in built.stderr and "1 sources, 1 families, 1 files" in built.stderr
    return data, installed.work / "fix.lineage"


@pytest.fixture(scope="module")
def suspect(installed: Installed) -> Path:
    """A renamed copy of the reference with its notice replaced, beside code of our own."""
    root = installed.work / "suspect"
    (root / "pkg").mkdir(parents=True)
    (root / "modeling_beta.py").write_text(renamed_copy(), encoding="utf-8")
    (root / "pkg" / "helpers.py").write_text(ORIGINAL, encoding="utf-8")
    return root


def test_the_wheel_carries_the_data_the_licence_and_this_projects_metadata(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as whl:
        names = set(whl.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(whl.read(meta_name).decode("utf-8"))
        licence = whl.read(meta_name.replace("METADATA", "licenses/LICENSE")).decode("utf-8")
    assert {f"lineage/corpora/{t}" for t in SHIPPED_TABLES} <= names
    assert {f"lineage/corpora/extended/{p.name}" for p in (ROOT / "corpora" / "extended").glob("*.toml")} <= names
    assert {"lineage/py.typed", "lineage/report/templates/report.html.j2"} <= names
    assert meta["Name"] == "lineage-scan" and meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"] and "Apache License" in licence
    assert meta.get_all("Project-URL") == [f"Homepage, {PROJECT_URL}"]
    plain = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    assert any(r.startswith("scancode-toolkit") for r in plain)
    assert not any(r.startswith(("datasketch", "scipy", "redis")) for r in plain)  # the redis extra
    with tarfile.open(installed.sdist) as sdist:
        members = {m.split("/", 1)[1] for m in sdist.getnames() if "/" in m}
    assert {"LICENSE", "corpora/roles.toml", "corpora/default.toml"} <= members


def test_nothing_comes_from_the_source_tree(installed: Installed) -> None:
    probe = ("import json, lineage, lineage.data as d, importlib.util as u; print(json.dumps("
             "[lineage.__file__, str(d.shipped_dir()), u.find_spec('scipy') is None]))")
    where, corpora, no_scipy = json.loads(run([installed.python, "-c", probe], cwd=installed.work,
                                              env=installed.env).stdout)
    site = str(installed.venv / "lib")
    assert where.startswith(site) and corpora.startswith(site) and not corpora.startswith(str(ROOT))
    assert no_scipy  # datasketch (and its scipy) only come with the redis extra
    assert installed("--version").stdout.strip() == "lineage, version 0.1.0"


def test_the_shipped_tables_load_and_the_default_manifests_resolve(installed: Installed) -> None:
    probe = (
        "import json\n"
        "from lineage import api\n"
        "from lineage.compact.roles import load_rules\n"
        "from lineage.classify.vestiges import load_facts\n"
        "from lineage.index.manifest import load_manifest, organisations\n"
        "from lineage.notices.licences import load_licences\n"
        "from lineage.workflow.scores import calibration\n"
        "paths = api.default_manifests()\n"
        "print(json.dumps({'digest': api.manifests_digest(paths), 'sources': [load_manifest(p).name for p in paths],\n"
        "                  'rules': len(load_rules().rules), 'lines': len(load_facts()), 'orgs': len(organisations()),\n"
        "                  'licences': len(load_licences()[0]), 'calibration': calibration() is not None}))\n"
    )
    seen = json.loads(run([installed.python, "-c", probe], cwd=installed.work, env=installed.env).stdout)
    # the same bytes as the checkout: an index built by either is current for the other
    assert seen["digest"] == api.manifests_digest(api.default_manifests())
    assert seen["sources"] == [load_manifest(p).name for p in api.default_manifests()] and "transformers" in seen["sources"]
    assert seen["rules"] and seen["lines"] and seen["orgs"] and seen["licences"] and seen["calibration"]


def test_corpus_list_from_the_installed_command(installed: Installed, reference: tuple[Path, Path]) -> None:
    _, index = reference
    listed = installed("corpus", "list", "--index", index)
    assert "1 families" in listed.stdout and "fix (dir)" in listed.stdout
    row = next(line for line in listed.stdout.splitlines() if line.strip().startswith("alpha"))
    assert "Zhipu AI" in row and " CN " in row  # the country comes from the shipped organisations table


def test_scan_finds_the_copy_and_honours_exclude(installed: Installed, reference: tuple[Path, Path],
                                                 suspect: Path) -> None:
    _, index = reference
    temp = installed.work / "temp"  # scancode, imported to read the notices, leaves nothing in it
    temp.mkdir()
    scanned = installed("scan", suspect, "--index", index, "--format", "json", "-q", "--workers", "2", ok=(1,),
                        env={"TMPDIR": str(temp)})
    assert list(temp.iterdir()) == []
    report = json.loads(scanned.stdout)
    high = [f for f in report["findings"] if f["severity"] == "high"]
    assert {f["path"] for f in high} == {"modeling_beta.py"}
    assert any(f["unit"] == "BetaAttention.forward" and f["role"] == "core-architecture" for f in high)
    assert {f["attribution"] for f in high} == {"replaced"}  # holders from the shipped organisations table
    assert report["tool"]["name"] == "lineage" and not report["errors"]

    project = installed.work / "project"  # settings come from the working directory
    project.mkdir(exist_ok=True)
    (project / "lineage.toml").write_text('exclude = ["modeling_*.py"]\n', encoding="utf-8")
    refused = installed("scan", suspect, "--index", index, "--format", "json", "-q", cwd=project, ok=(1,))
    assert "setting `exclude` refused" in refused.stderr  # a settings file found here may not loosen a scan
    excluded = installed("--trust-config", "scan", suspect, "--index", index, "--format", "json", "-q", cwd=project)
    assert json.loads(excluded.stdout)["findings"] == []


def test_hook_blocks_a_staged_copy(installed: Installed, reference: tuple[Path, Path]) -> None:
    _, index = reference
    repo = installed.work / "repo"
    repo.mkdir()
    run(["git", "init", "-q", "-b", "main"], cwd=repo, env=installed.env)
    (repo / "models").mkdir()
    (repo / "models" / "modeling_beta.py").write_text(renamed_copy(), encoding="utf-8")
    run(["git", "add", "models/modeling_beta.py"], cwd=repo, env=installed.env)
    blocked = installed("hook", "--index", index, "models/modeling_beta.py", cwd=repo, ok=(1,))
    assert "BetaAttention.forward" in blocked.stdout and "1 staged file" in blocked.stdout

    timed = run([installed.python, "-X", "importtime", "-m", "lineage", "hook", "--index", index, "--all-files"],
                cwd=repo, env=installed.env, ok=(1,))
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in timed.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "lineage" in imported and not imported & NOT_FOR_THE_HOOK


def test_verify_writes_the_exhibit(installed: Installed, reference: tuple[Path, Path], suspect: Path) -> None:
    data, index = reference
    exhibit = json.loads(installed("verify", suspect, "--against", data, "--index", index, "--format", "json",
                                   ok=(1,)).stdout)
    assert exhibit["background"]["families"] == 1 and exhibit["warnings"] == []  # rarity from the corpus
    assert ("BetaAttention.forward", "AlphaAttention.forward") in {
        (m["unit"], m["reference"]["unit"]) for m in exhibit["matches"]}
    assert [a["state"] for a in exhibit["notices"]["attribution"]] == ["replaced"]
    assert exhibit["scores_baseline"]["files"]["source"] == "calibration"  # the shipped calibration table


def test_the_redis_store_names_its_extra(installed: Installed, reference: tuple[Path, Path]) -> None:
    refused = installed("corpus", "list", "--index", "redis://127.0.0.1:1/0", ok=(2,))
    assert "pip install 'lineage-scan[redis]'" in refused.stderr and "Traceback" not in refused.stderr
