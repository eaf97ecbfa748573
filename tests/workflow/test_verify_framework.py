"""`lineage verify` of two files one engine or framework published: code that only that source's
own files hold is the source's, carried between its ports, not the reference maker's.

A stranger verified PaddleNLP's gemma/modeling.py against its mixtral/modeling.py: "HIGH
GemmaMLP.__init__ ... core-architecture copy of reference (paddlenlp:mixtral, Mistral AI), notice
replaced", on PaddleNLP's own tensor-parallel MLP.  Here our corpus source "fw" publishes Alpha
(Zhipu AI) and Beta (DeepSeek), Beta holding Alpha's router and experts renamed beside code of
its own: Beta's file against Alpha's is low throughout and judges no notice.  A file the corpus does not hold (Beta's code with code of its
own) and a copy of Alpha's own file keep their ratings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineage.workflow.prior_art import FRAMEWORK_CODE
from tests.classify.conftest import unique_function
from tests.lines_fixture import index_families
from tests.workflow.conftest import ORIGINAL, reference_text, run, unit_source

# Beta's file: Alpha's router and experts (renamed) beside helpers of its own
OWN = ORIGINAL.split("\n\n\n", 1)[1]
BETA = ("# Copyright 2025 DeepSeek. All rights reserved.\nimport torch\nfrom torch import nn\n\n\n"
        + (unit_source("AlphaTopKRouter") + "\n\n" + unit_source("AlphaExperts")).replace("Alpha", "Beta")
        + "\n\n" + OWN)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fw")
    return index_families(root, "fw", [("alpha", reference_text(), "Zhipu AI", "2025-07-28", ()),
                                       ("beta", BETA, "DeepSeek", "2025-09-01", ())])


def _exhibit(tmp_path: Path, suspect_text: str, corpus: Path) -> dict:
    suspect, reference = tmp_path / "suspect" / "modeling_beta.py", tmp_path / "reference" / "modeling_alpha.py"
    suspect.parent.mkdir(parents=True)
    reference.parent.mkdir(parents=True)
    suspect.write_text(suspect_text, encoding="utf-8")
    reference.write_text(reference_text(), encoding="utf-8")
    done = run("verify", suspect, "--against", reference, "--index", corpus, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def _rated(data: dict) -> set[str]:
    return {m["severity"] for m in data["matches"] if m["severity_before_corpus"] in ("medium", "high")
            or m["severity"] in ("medium", "high")}


def test_code_only_the_sources_own_files_hold_is_the_sources(tmp_path: Path, corpus: Path) -> None:
    data = _exhibit(tmp_path, BETA, corpus)
    lowered = [m for m in data["matches"] if m["corpus"]["framework"]]
    assert lowered and {m["corpus"]["framework"] for m in lowered} == {"fw"}
    assert all(m["severity"] in ("low", "info") and m["attribution"] is None for m in lowered)
    assert any(m["severity_before_corpus"] == "high" and m["verdict"].startswith(FRAMEWORK_CODE) for m in lowered)
    assert all("Both files are fw's own published files" in m["explanation"] for m in lowered
               if m["severity_before_corpus"])
    assert _rated(data) <= {"low"}
    assert "not compared" in data["summary"]["statement"]


def test_a_file_the_corpus_does_not_hold_or_the_references_own_copy_keeps_its_rating(
        tmp_path: Path, corpus: Path) -> None:
    mine = "\n\n".join(unique_function(i) for i in range(500, 530))  # code of the suspect's own
    padded = _exhibit(tmp_path / "a", BETA + "\n\n" + mine, corpus)
    assert not any(m["corpus"]["framework"] for m in padded["matches"])
    assert "high" in {m["severity"] for m in padded["matches"]}
    copy = reference_text().replace("Zhipu AI", "Acme Corp")
    whole = _exhibit(tmp_path / "b", copy, corpus)  # the reference family's own code: a copy of it
    assert not any(m["corpus"]["framework"] for m in whole["matches"])
    assert "high" in {m["severity"] for m in whole["matches"]}
