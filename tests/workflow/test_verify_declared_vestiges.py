"""`lineage verify` names what the pair scan alone could not: the reference's model line.

The pair scan knows the reference side only as the family "reference", so (1) a suspect that
imports the reference's classes and wires them (declared reuse: the Naver shape) got an exhibit
saying only "0 of N suspect units match", and a statement claiming there was no corpus background
and no calibration, though both were there; (2) vestiges of the reference's line were never
looked for, so a renamed copy still reading `config.n_group` and `config.topk_group` listed none
in `verify` while `scan` listed them.  The reference code is our own Alpha model (data/alpha).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.lines_fixture import index_families
from tests.workflow.conftest import REFERENCE, renamed_copy, run

WIRING = '''# Copyright 2025 Gamma Labs. All rights reserved.
"""Our model: a tower of the Alpha model, imported and wired, not copied."""

from torch import nn
from transformers.models.alpha.configuration_alpha import AlphaConfig
from transformers.models.alpha.modeling_alpha import AlphaAttention


class GammaModel(nn.Module):
    def __init__(self, config: AlphaConfig, layers: int) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(AlphaAttention(config) for _ in range(layers))
        self.head = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(self, hidden, positions):
        for block in self.blocks:
            hidden = hidden + block(hidden, positions)
        return self.head(hidden)
'''


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus holding the Alpha reference file whole, as the line deepseek_v2 (whose vestige
    facts in corpora/vestiges.toml include n_group and topk_group)."""
    text = REFERENCE.read_text(encoding="utf-8")
    return index_families(tmp_path_factory.mktemp("corpus"), "bg", [("deepseek_v2", text, "DeepSeek", "2024-05-06", ())])


def _exhibit(*args: str | Path) -> dict:
    done = run("verify", *args, "--format", "json", "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_vestiges_of_the_dated_reference_line_are_listed(tmp_path: Path, corpus: Path) -> None:
    suspect = tmp_path / "modeling_beta.py"
    suspect.write_text(renamed_copy(), encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--index", corpus)
    assert data["background"]["reference_lines"]["modeling_alpha.py"]["family"] == "bg:deepseek_v2"
    found = {v["unit"]: {x["token"] for x in v["details"]["vestiges"]} for v in data["vestiges"]}
    assert {"n_group", "topk_group"} <= found.get("BetaTopKRouter.__init__", set()), found
    assert all(v["details"]["reference_line"] == "deepseek_v2" for v in data["vestiges"])
    text = run("verify", suspect, "--against", REFERENCE, "--index", corpus, "--exit-zero").stdout
    assert "vestige modeling_beta.py:" in text and "topk_group (feature)" in text
    # the statement says them too (an exhibit exiting 1 on vestiges said "0 high, 0 medium" only)
    rates = {v["severity"] for v in data["vestiges"]}
    assert f"(vestiges): {len(data['vestiges'])} (" in data["summary"]["statement"] and rates


def test_a_trace_in_code_many_indexed_lines_hold_is_low(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The router that carries `n_group` and `topk_group` also stands in six lines of other companies:
    its traces say little about which of them the copy came from, and the exhibit rates them low as
    a scan does (a review: axk1 against deepseek_v3, seven medium traces in code 7 to 26 lines
    hold, exit 1 on them alone).  Counted in the corpus, not in the pair, where only one file
    holds it."""
    from tests.workflow.conftest import unit_source

    text = REFERENCE.read_text(encoding="utf-8")
    router = unit_source("AlphaTopKRouter")
    others = [(f"line{k}", "import torch\nfrom torch import nn\n\n\n" + router.replace("Alpha", f"Line{k}"), org,
               "2024-06-01", ()) for k, org in enumerate(("Alibaba Qwen", "Google", "Microsoft", "NVIDIA", "IBM",
                                                          "Mistral AI"))]
    corpus = index_families(tmp_path_factory.mktemp("shared"), "bg",
                            [("deepseek_v2", text, "DeepSeek", "2024-05-06", ()), *others])
    suspect = tmp_path / "modeling_beta.py"
    suspect.write_text(renamed_copy(), encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--index", corpus)
    router_traces = [v for v in data["vestiges"] if v["unit"].startswith("BetaTopKRouter")]
    assert router_traces and all(v["severity"] == "low" for v in router_traces), data["vestiges"]
    assert "model lines hold this code about as closely" in router_traces[0]["explanation"]


def test_a_file_importing_the_reference_is_declared_reuse_and_the_statement_is_true(tmp_path: Path,
                                                                                   corpus: Path) -> None:
    suspect = tmp_path / "modeling_gamma.py"
    suspect.write_text(WIRING, encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--index", corpus)
    assert [m for m in data["matches"] if m["severity"] != "info"] == []
    # the configuration import only names the architecture: one declaration, the attention class
    assert [(d["path"], d["line"], d["target"]) for d in data["declared"]] == [
        ("modeling_gamma.py", 6, "transformers.models.alpha.modeling_alpha.AlphaAttention")]
    statement = data["summary"]["statement"]
    assert "declares reuse of the reference's code (alpha) by import" in statement
    assert "lineage weights" in statement
    # a background and a calibration were there: nothing matched, which is what the statement says
    assert data["background"] is not None
    assert "No corpus background" not in statement and "no corpora/calibration.toml" not in statement
    assert "no matched unit or file" in statement
    text = run("verify", suspect, "--against", REFERENCE, "--index", corpus, "--exit-zero").stdout
    assert "declared: modeling_gamma.py:6 modular-import transformers.models.alpha.modeling_alpha.AlphaAttention" in text


def test_a_generated_file_declares_what_its_modular_file_imports(tmp_path: Path) -> None:
    suspect = tmp_path / "gamma"
    suspect.mkdir()
    (suspect / "modular_gamma.py").write_text(
        "from ..alpha.modeling_alpha import AlphaMLP\n\n\nclass GammaMLP(AlphaMLP):\n    pass\n", encoding="utf-8")
    banner = ("#           This file was automatically generated from src/transformers/models/gamma/modular_gamma.py.\n"
              "#               Do NOT edit this file manually as any edits will be overwritten by the generation of\n")
    (suspect / "modeling_gamma.py").write_text(banner + renamed_copy().replace("Beta", "Gamma"), encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--no-index")
    generated = [d for d in data["declared"] if d["path"] == "modeling_gamma.py"]
    assert generated and generated[0]["kind"] == "generated-from"
    assert generated[0]["via"] == {"path": "modular_gamma.py", "line": 1, "kind": "modular-import"}
    assert "2 suspect files (modeling_gamma.py, modular_gamma.py) declare reuse" in data["summary"]["statement"]
    assert "(alpha) by inheritance and by import (3 declarations)" in data["summary"]["statement"]


def test_an_adapted_from_banner_is_said_as_such(tmp_path: Path) -> None:
    suspect = tmp_path / "modeling_delta.py"
    suspect.write_text("# Adapted from transformers.models.alpha.modeling_alpha.AlphaAttention\n"
                       + renamed_copy().replace("Beta", "Delta"), encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--no-index")
    kinds = {d["kind"] for d in data["declared"]}
    assert "adapted-from" in kinds, data["declared"]
    statement = data["summary"]["statement"]
    assert 'by an "Adapted from" line' in statement and "by import or inheritance" not in statement


def _importing_copy(imports: str) -> str:
    """The renamed copy with ``imports`` added after its own imports (a copy that also imports)."""
    text = renamed_copy()
    return text.replace("from torch import nn\n", "from torch import nn\n" + imports, 1)


def test_an_import_declares_what_it_names_and_the_copied_rest_is_said(tmp_path: Path, corpus: Path) -> None:
    suspect = tmp_path / "modeling_beta.py"
    suspect.write_text(_importing_copy("from transformers.models.alpha.modeling_alpha import AlphaRMSNorm\n"),
                       encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--index", corpus)
    copied = {m["unit"].split(".", 1)[0] for m in data["matches"] if m["severity"] in ("medium", "high")}
    assert copied, data["matches"]
    assert [d["target"] for d in data["declared"]] == ["transformers.models.alpha.modeling_alpha.AlphaRMSNorm"]
    statement = data["summary"]["statement"]
    assert "declares reuse of the reference's code (alpha) by import (1 declaration), yet" in statement
    n = len({(m["path"], m["unit"]) for m in data["matches"] if m["severity"] in ("medium", "high")})
    assert f"yet {n} units of that file rated medium or high are copies of the reference's code" in statement
    assert "not concealment" not in statement


def test_a_tokenizer_or_processor_import_declares_no_model_code(tmp_path: Path, corpus: Path) -> None:
    suspect = tmp_path / "modeling_beta.py"
    suspect.write_text(_importing_copy(
        "from transformers.models.alpha.tokenization_alpha import AlphaTokenizer\n"
        "from transformers.models.alpha.processing_alpha import AlphaProcessor\n"), encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--index", corpus)
    assert data["declared"] == []
    assert "declare" not in data["summary"]["statement"].split("Notices:")[1].split("Code evidence")[0]


def test_a_copied_from_line_covers_its_unit_and_a_module_banner_the_whole_file(tmp_path: Path, corpus: Path) -> None:
    copy = renamed_copy()
    suspect = tmp_path / "modeling_beta.py"
    marked = copy.replace("class BetaExperts(", "# Copied from transformers.models.alpha.modeling_alpha.AlphaExperts\n"
                          "class BetaExperts(", 1)
    suspect.write_text(marked, encoding="utf-8")
    data = _exhibit(suspect, "--against", REFERENCE, "--index", corpus)
    above = {m["unit"] for m in data["matches"] if m["severity"] in ("medium", "high")}
    rest = {u for u in above if u.split(".", 1)[0] != "BetaExperts"}
    assert rest and rest != above, above
    assert f"yet {len(rest)} units of that file rated medium or high" in data["summary"]["statement"]
    suspect.write_text("# Adapted from transformers/models/alpha/modeling_alpha.py\n" + copy, encoding="utf-8")
    statement = _exhibit(suspect, "--against", REFERENCE, "--index", corpus)["summary"]["statement"]
    assert 'by an "Adapted from" line (1 declaration): declared reuse, not concealment' in statement
    # (a review read "declared reuse, not concealment" beside "notice replaced" as a mixed message)
    assert "the notices are judged apart" in statement


def test_a_low_match_no_declaration_names_is_not_called_declared_reuse() -> None:
    """One verbatim class beside an import of the rest of its module, rated low as code many models
    share: the statement says it is not declared, never "declared reuse, not concealment" (a
    stranger's review, 2026-12-07)."""
    from lineage.workflow.verify_declared import declared_sentence

    declared = [{"path": "vl.py", "line": 3, "kind": "modular-import", "family": "alpha",
                 "target": "transformers.models.alpha.modeling_alpha.AlphaPatchEmbed", "unit": "<module>"}]
    said = declared_sentence(declared, [], [("vl.py", "VisionAttention"), ("vl.py", "VisionAttention.forward")])
    assert "not concealment" not in said
    assert "2 matched units of that file that no declaration names are rated low" in said
    # what the import names is declared reuse, as before
    named = declared_sentence(declared, [], [("vl.py", "AlphaPatchEmbed")])
    assert "declared reuse, not concealment" in named
