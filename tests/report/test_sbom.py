"""SPDX 2.3 and CycloneDX 1.6 output, validated against the official schema and validator.

The CycloneDX 1.6 JSON schema (with the SPDX licence-id and JSF schemas it refers to) ships in
the ``cyclonedx-python-lib`` wheel (Apache-2.0): the tests download that pinned wheel with pip at
test time, check its hash and read the schemas from it, nothing committed.  SPDX documents are
parsed and validated by ``spdx-tools``, the SPDX project's own Python tools (scancode-toolkit
already installs the pinned 0.8.2).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from lineage.models import Finding, ScanResult
from lineage.report.cyclonedx import cyclonedx_bom
from lineage.report.spdx import format_spdx, spdx_document

WHEEL = "cyclonedx_python_lib-11.12.0-py3-none-any.whl"
WHEEL_SHA256 = "0e807521a921a5c3cb8ce1153f8a61d29eedfe76a46aac2796b7c6b573391a54"
SCHEMAS = {"bom-1.6.SNAPSHOT.schema.json": "83821ba49aa366ad1f1d16c34837d05edd010f036f652e310db1c77d57b37c58",
           "spdx.SNAPSHOT.schema.json": "ea6e844ee6fba1e93473d94834d0ee0996970533497935f932f73d488ffdf4a3",
           "jsf-0.82.SNAPSHOT.schema.json": "8bae002c25e723db7ee1f26afde680ae1a2b1a8f6b4b4b0fd65dc3becb090aae"}
CREATED = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
Maker = Callable[..., ScanResult]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="session")
def cyclonedx_validator(request: pytest.FixtureRequest) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    cache = Path(request.config.cache.mkdir("cyclonedx-schema"))
    wheel = cache / WHEEL
    if not wheel.exists():
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                               "--quiet", "cyclonedx-python-lib==11.12.0", "-d", str(cache)],
                              capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0 or not wheel.exists():
            pytest.skip(f"cannot download cyclonedx-python-lib for the schema: {done.stderr.strip()[-300:]}")
    assert _sha(wheel.read_bytes()) == WHEEL_SHA256, "cyclonedx-python-lib wheel hash changed"
    texts = {}
    with zipfile.ZipFile(wheel) as archive:
        for name, digest in SCHEMAS.items():
            data = archive.read(f"cyclonedx/schema/_res/{name}")
            assert _sha(data) == digest
            texts[name] = json.loads(data)
    registry = referencing.Registry()
    for name, schema in texts.items():
        resource = referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT7)
        registry = registry.with_resources([(schema["$id"], resource),
                                            (f"http://cyclonedx.org/schema/{name}", resource)])
    return jsonschema.Draft7Validator(texts["bom-1.6.SNAPSHOT.schema.json"], registry=registry,
                                      format_checker=jsonschema.FormatChecker())


def _cdx_errors(validator: Any, bom: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(bom)]


def _spdx_errors(doc: dict[str, Any], tmp_path: Path) -> list[str]:
    parse = pytest.importorskip("spdx_tools.spdx.parser.parse_anything")
    validator = pytest.importorskip("spdx_tools.spdx.validation.document_validator")
    path = tmp_path / "doc.spdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    document = parse.parse_file(str(path))
    return [m.validation_message for m in validator.validate_full_spdx_document(document, "SPDX-2.3")]


def _texts(findings: tuple[Finding, ...]) -> dict[str, str]:
    return {f.path: "\n".join(f"line {n} é" for n in range(1, 60)) + "\n" for f in findings}


def _checksums(findings: tuple[Finding, ...]) -> dict[str, tuple[str, str]]:
    return {f.path: (hashlib.sha1(f.path.encode()).hexdigest(), _sha(f.path.encode())) for f in findings}


def test_cyclonedx_validates_and_carries_pedigree(make_result: Maker, findings: tuple[Finding, ...],
                                                  cyclonedx_validator: Any) -> None:
    bom = cyclonedx_bom(make_result(), checksums=_checksums(findings), created=CREATED)
    assert _cdx_errors(cyclonedx_validator, bom) == []
    libs = {c["purl"]: c for c in bom["components"] if c["type"] == "library"}
    assert set(libs) == {"pkg:pypi/vllm@0.33.0", "pkg:pypi/transformers@5.23.0"}
    assert libs["pkg:pypi/vllm@0.33.0"]["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    assert libs["pkg:pypi/transformers@5.23.0"]["licenses"] == [{"license": {"name": "Llama-3.1"}}]
    solar = next(c for c in bom["components"] if c.get("name") == "model/solar_open.py")
    (ancestor,) = solar["pedigree"]["ancestors"]
    assert ancestor["purl"] == "pkg:pypi/vllm@0.33.0#vllm/model_executor/models/glm4_moe.py"
    assert [o["line"] for o in solar["evidence"]["occurrences"]] == [10, 33]  # info left out by default
    assert {h["alg"] for h in solar["hashes"]} == {"SHA-1", "SHA-256"}


def test_cyclonedx_schema_check_is_live(cyclonedx_validator: Any, make_result: Maker) -> None:
    bom = cyclonedx_bom(make_result(), created=CREATED)
    bom["components"][0]["licenses"] = [{"license": {"id": "Not-A-Licence-Id"}}]
    bom["specVersion"] = "1.6"
    assert _cdx_errors(cyclonedx_validator, bom)


def test_spdx_validates_with_snippets_per_finding(make_result: Maker, findings: tuple[Finding, ...],
                                                  tmp_path: Path) -> None:
    doc = spdx_document(make_result(), checksums=_checksums(findings), sources=_texts(findings), created=CREATED,
                        min_severity="info")
    assert _spdx_errors(doc, tmp_path) == []
    packages = {p["externalRefs"][0]["referenceLocator"]: p for p in doc["packages"]}
    assert set(packages) == {"pkg:pypi/vllm@0.33.0", "pkg:pypi/transformers@5.23.0"}
    assert packages["pkg:pypi/transformers@5.23.0"]["licenseDeclared"] in ("Apache-2.0", "LicenseRef-Llama-3.1")
    snippets = {s["name"]: s for s in doc["snippets"]}
    glm = snippets["SolarAttention"]
    solar_file = next(f["SPDXID"] for f in doc["files"] if f["fileName"] == "./model/solar_open.py")
    assert glm["snippetFromFile"] == solar_file
    assert [glm["ranges"][1]["startPointer"]["lineNumber"], glm["ranges"][1]["endPointer"]["lineNumber"]] == [10, 30]
    text = _texts(findings)["model/solar_open.py"].encode("utf-8")
    start, end = glm["ranges"][0]["startPointer"]["offset"], glm["ranges"][0]["endPointer"]["offset"]
    assert text[start - 1: end].decode("utf-8") == "\n".join(f"line {n} é" for n in range(10, 31))
    assert glm["licenseInfoInSnippets"] == ["Apache-2.0"]
    assert snippets["load_weights"]["licenseInfoInSnippets"] == ["LicenseRef-Llama-3.1"]
    assert {e["licenseId"] for e in doc["hasExtractedLicensingInfos"]} == {"LicenseRef-Llama-3.1"}
    kinds = {(r["spdxElementId"], r["relationshipType"]) for r in doc["relationships"]}
    assert (glm["SPDXID"], "DESCENDANT_OF") in kinds and ("SPDXRef-DOCUMENT", "DESCRIBES") in kinds


def test_spdx_validator_is_live(make_result: Maker, findings: tuple[Finding, ...], tmp_path: Path) -> None:
    doc = spdx_document(make_result(), checksums=_checksums(findings), sources=_texts(findings), created=CREATED)
    doc["snippets"][0]["snippetFromFile"] = "SPDXRef-File-does-not-exist"
    assert _spdx_errors(doc, tmp_path)


def test_deterministic_ids_and_files_without_checksums(make_result: Maker, findings: tuple[Finding, ...]) -> None:
    texts = _texts(findings)
    one = format_spdx(make_result(), checksums=_checksums(findings), sources=texts, created=CREATED)
    assert one == format_spdx(make_result(), checksums=_checksums(findings), sources=texts, created=CREATED)
    other = format_spdx(make_result(findings=findings[:1]), checksums=_checksums(findings), sources=texts,
                        created=CREATED)
    assert json.loads(one)["documentNamespace"] != json.loads(other)["documentNamespace"]
    partial = spdx_document(make_result(), checksums={"serve/loader.py": ("a" * 40, "b" * 64)}, sources=texts,
                            created=CREATED)
    assert [s["name"] for s in partial["snippets"]] == ["load_weights"]
    assert "findings in files without checksums or text left out" in partial["creationInfo"]["comment"]


def test_git_sources_become_github_purls(make_result: Maker, findings: tuple[Finding, ...],
                                         cyclonedx_validator: Any) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    moved = tuple(replace(f, matches=tuple(replace(m, ref=replace(m.ref, source=f"https://github.com/o/r.git@{commit}"))
                                           for m in f.matches)) for f in findings)
    bom = cyclonedx_bom(make_result(findings=moved), checksums=_checksums(moved), created=CREATED)
    assert _cdx_errors(cyclonedx_validator, bom) == []
    lib = next(c for c in bom["components"] if c["type"] == "library")
    assert lib["purl"] == f"pkg:github/o/r@{commit}" and lib["externalReferences"][0]["url"] == "https://github.com/o/r.git"


def test_reference_notices_of_a_notice_finding_reach_the_sboms(make_result: Maker, findings: tuple[Finding, ...],
                                                                 tmp_path: Path) -> None:
    """A notice finding with its code's match names the reference's holders: the ancestor's copyright
    (CycloneDX) and the snippet's copyrightText (SPDX)."""
    notice = replace(findings[2], severity="high", matches=findings[0].matches[:1])
    result = make_result(findings=(notice, *findings))
    bom = cyclonedx_bom(result, created=CREATED)
    solar = next(c for c in bom["components"] if c.get("name") == "model/solar_open.py")
    (ancestor,) = solar["pedigree"]["ancestors"]
    assert ancestor["copyright"] == "# Copyright 2025 Zhipu AI\n# SPDX-License-Identifier: Apache-2.0"
    doc = spdx_document(result, checksums=_checksums(findings), sources=_texts(findings), created=CREATED)
    assert _spdx_errors(doc, tmp_path) == []
    snippet = next(s for s in doc["snippets"] if s["name"] == "<module>")
    assert "Zhipu AI" in snippet["copyrightText"]
