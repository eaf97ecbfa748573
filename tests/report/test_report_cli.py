"""`lineage scan` reports end to end: a real git repository (a subdirectory of it scanned), an
index built at test time from our own fixture code, every format through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lineage import api
from lineage.cli.main import cli
from lineage.report import Format

from tests.lines_fixture import file_text

REPOSITORY = "https://github.com/example-org/reference-lines"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three fixture model lines in a dir source whose manifest names its public repository."""
    root = tmp_path_factory.mktemp("refs")
    rows = []
    for name, org in (("base", "Meta"), ("router", "DeepSeek"), ("gate", "Google")):
        (root / name).mkdir()
        (root / name / f"modeling_{name}.py").write_text(file_text(name), encoding="utf-8")
        rows.append(f'[[family]]\nname = "{name}"\ninclude = ["{name}/*.py"]\norg = "{org}"\n')
    manifest = root / "refs.toml"
    manifest.write_text(f'[source]\nname = "refs"\nkind = "dir"\npath = "{root}"\nlicence = "Apache-2.0"\n'
                        f'repository = "{REPOSITORY}"\n\n' + "\n".join(rows), encoding="utf-8")
    out = root / "refs.lineage"
    api.build([manifest], out, workers=1)
    return out


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose models/ subdirectory holds a renamed copy of the router line."""
    root = tmp_path_factory.mktemp("repo")
    (root / "models").mkdir()
    (root / "models" / "solar.py").write_text(file_text("upstage"), encoding="utf-8")
    (root / "models" / "own.py").write_text("def own(x):\n    return x * 3 + 1\n", encoding="utf-8")
    (root / "README.md").write_text("demo\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "trunk")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    _git(root, "remote", "add", "origin", "https://someone:s3cret-token@github.com/acme/solar.git")
    return root


def scan(*args: str) -> Result:
    env = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    return CliRunner().invoke(cli, ["scan", *args, "--quiet", "--exit-zero"], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def report(repo: Path, index: Path) -> dict[str, Any]:
    done = scan(str(repo / "models"), "--index", str(index), "--format", "json")
    assert done.exit_code == 0, done.output
    data: dict[str, Any] = json.loads(done.stdout)
    assert {f["severity"] for f in data["findings"]} >= {"high", "info"}
    return data


def test_every_match_carries_a_purl_and_the_manifests_repository(report: dict[str, Any]) -> None:
    matches = [m for f in report["findings"] for m in f["matches"]]
    assert matches
    for m in matches:
        assert m["purl"] == f"pkg:generic/refs#{m['path']}"
        assert m["upstream_url"] == REPOSITORY
    (source,) = report["index"]["sources"]
    assert source["repository"] == REPOSITORY and source["purl"] == "pkg:generic/refs"


def test_sarif_paths_from_the_repository_root_with_provenance(repo: Path, index: Path) -> None:
    done = scan(str(repo / "models"), "--index", str(index), "--format", "sarif")
    assert done.exit_code == 0
    run = json.loads(done.stdout)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"models/solar.py"}
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == f"file://{repo.resolve()}/"
    (vcs,) = run["versionControlProvenance"]
    assert vcs == {"repositoryUri": "https://github.com/acme/solar.git", "mappedTo": {"uriBaseId": "SRCROOT"},
                   "revisionId": _git(repo, "rev-parse", "HEAD"), "branch": "trunk"}
    assert "s3cret" not in done.stdout and "someone" not in done.stdout


def test_sarif_leaves_info_out_unless_asked(repo: Path, index: Path, report: dict[str, Any]) -> None:
    by_severity = {s: sum(1 for f in report["findings"] if f["severity"] == s) for s in ("high", "medium", "low", "info")}
    default = json.loads(scan(str(repo / "models"), "--index", str(index), "--format", "sarif").stdout)["runs"][0]
    assert len(default["results"]) == by_severity["high"] + by_severity["medium"] + by_severity["low"]
    assert all(r["properties"]["severity"] != "info" for r in default["results"])
    assert default["properties"]["findingsBelowMinimum"] == by_severity["info"]
    everything = json.loads(scan(str(repo / "models"), "--index", str(index), "--format", "sarif",
                                 "--min-severity", "info").stdout)["runs"][0]
    assert len(everything["results"]) == len(report["findings"])
    high = json.loads(scan(str(repo / "models"), "--index", str(index), "--format", "sarif",
                           "--min-severity", "high").stdout)["runs"][0]
    assert {r["level"] for r in high["results"]} == {"error"} and len(high["results"]) == by_severity["high"]


def test_sarif_outside_git_keeps_scan_relative_paths(tmp_path: Path, index: Path) -> None:
    (tmp_path / "solar.py").write_text(file_text("upstage"), encoding="utf-8")
    run = json.loads(scan(str(tmp_path), "--index", str(index), "--format", "sarif").stdout)["runs"][0]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {"solar.py"}
    assert "versionControlProvenance" not in run


def test_markdown_and_text_through_the_cli(repo: Path, index: Path, report: dict[str, Any]) -> None:
    md = scan(str(repo / "models"), "--index", str(index), "--format", "markdown")
    assert md.exit_code == 0 and md.stdout.startswith("## lineage ")
    assert f"[upstream](<{REPOSITORY}>)" in md.stdout and "\n| high |" in md.stdout and "\n| info |" not in md.stdout
    text = scan(str(repo / "models"), "--index", str(index)).stdout
    total = len(report["findings"])
    assert f"{total} findings (high " in text and text.index("[HIGH]") < text.index("[MEDIUM]")


@pytest.mark.parametrize("bad", ["http://github.com/a/b", "https://user:token@github.com/a/b", "github.com/a/b"])
def test_manifest_repository_must_be_public_https_without_credentials(tmp_path: Path, bad: str) -> None:
    from lineage.errors import ManifestError
    from lineage.index.manifest import load_manifest

    manifest = tmp_path / "m.toml"
    manifest.write_text(f'[source]\nname = "m"\nkind = "dir"\npath = "."\nrepository = "{bad}"\n\n'
                        '[[family]]\nname = "f"\ninclude = ["*.py"]\norg = "Meta"\n', encoding="utf-8")
    with pytest.raises(ManifestError, match="repository"):
        load_manifest(manifest)


def test_every_long_stage_reports_progress_in_order(tmp_path: Path, index: Path) -> None:
    """Read, fingerprint, match and notices, the rest: each reaches its total, counts never go
    back; 45 files take the forked path, whose shares report as they come back."""
    from lineage.config import Config

    for i in range(45):
        (tmp_path / f"m{i:02d}.py").write_text(file_text("upstage") if i % 9 == 0 else f"def f{i}(x):\n    return x\n",
                                               encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    result, _ = api.scan(str(tmp_path), api.open_index(index), Config(workers=2),
                         progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert result.findings
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["read", "fingerprint", api.MATCH_STAGE, "notices of unmatched files and vestiges"]
    for stage in stages:
        counts = [(d, t) for s, d, t in seen if s == stage]
        assert counts[-1][0] == counts[-1][1] and all(a[0] <= b[0] for a, b in zip(counts, counts[1:]))
    match = [d for s, d, _ in seen if s == api.MATCH_STAGE]
    assert match[0] == 0 and match[-1] == 45 and len(match) > 3  # more than one step per worker


def test_progress_is_silent_off_a_terminal(repo: Path, index: Path) -> None:
    env = {k: None for k in os.environ if k.startswith("LINEAGE_")}
    done = CliRunner().invoke(cli, ["scan", str(repo / "models"), "--index", str(index), "--exit-zero"],
                              env=env, catch_exceptions=False)
    assert done.exit_code == 0 and done.stderr == ""


def test_spdx_and_cyclonedx_through_the_cli(repo: Path, index: Path, tmp_path: Path) -> None:
    """Checksums are of the scanned file's bytes; snippets' byte ranges cut out the matched lines."""
    import hashlib

    raw = (repo / "models" / "solar.py").read_bytes()
    spdx = json.loads(scan(str(repo / "models"), "--index", str(index), "--format", "spdx").stdout)
    (solar,) = [f for f in spdx["files"] if f["fileName"] == "./solar.py"]
    assert {c["algorithm"]: c["checksumValue"] for c in solar["checksums"]} == {
        "SHA1": hashlib.sha1(raw).hexdigest(), "SHA256": hashlib.sha256(raw).hexdigest()}
    snippet = spdx["snippets"][0]
    (start, end), (first, last) = ((r["startPointer"].get("offset", r["startPointer"].get("lineNumber")),
                                    r["endPointer"].get("offset", r["endPointer"].get("lineNumber")))
                                   for r in snippet["ranges"])
    assert raw[start - 1: end].decode() == "\n".join(raw.decode().split("\n")[first - 1: last])
    bom = json.loads(scan(str(repo / "models"), "--index", str(index), "--format", "cyclonedx").stdout)
    assert bom["specVersion"] == "1.6"
    (library,) = [c for c in bom["components"] if c["type"] == "library"]
    assert library["purl"] == "pkg:generic/refs" and library["externalReferences"][0]["url"] == REPOSITORY


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_every_format_choice_is_wired(repo: Path, index: Path, fmt: str) -> None:
    done = scan(str(repo / "models"), "--index", str(index), "--format", fmt)
    assert done.exit_code == 0 and done.stdout.strip()
    if fmt in ("json", "sarif", "spdx", "cyclonedx"):
        assert isinstance(json.loads(done.stdout), dict)


@pytest.mark.parametrize("fmt,created", [("spdx", ("creationInfo", "created")), ("cyclonedx", ("metadata", "timestamp"))])
def test_sboms_honour_source_date_epoch_and_are_then_byte_identical(repo: Path, index: Path, fmt: str,
                                                                    created: tuple[str, str]) -> None:
    """reproducible-builds.org's SOURCE_DATE_EPOCH sets the creation time, so the same scan of
    the same code writes the same document; without it the time is the current one."""
    env = {**{k: None for k in os.environ if k.startswith("LINEAGE_")}, "SOURCE_DATE_EPOCH": "1700000000"}
    args = ["scan", str(repo / "models"), "--index", str(index), "--format", fmt, "--quiet", "--exit-zero"]
    one, two = (CliRunner().invoke(cli, args, env=env, catch_exceptions=False) for _ in range(2))
    assert one.exit_code == 0 and one.stdout == two.stdout
    section, key = created
    assert json.loads(one.stdout)[section][key] == "2023-11-14T22:13:20Z"
    unset = scan(str(repo / "models"), "--index", str(index), "--format", fmt)
    assert json.loads(unset.stdout)[section][key] != "2023-11-14T22:13:20Z"


@pytest.mark.parametrize("value", ["yesterday", "-1", "1.5", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_refused_before_the_scan(repo: Path, index: Path, value: str) -> None:
    env = {**{k: None for k in os.environ if k.startswith("LINEAGE_")}, "SOURCE_DATE_EPOCH": value}
    done = CliRunner().invoke(cli, ["scan", str(repo / "models"), "--index", str(index), "--format", "spdx",
                                    "--quiet"], env=env, catch_exceptions=False)
    assert done.exit_code == 2 and "SOURCE_DATE_EPOCH" in done.stderr and done.stdout == ""
