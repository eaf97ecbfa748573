"""Role, severity and verdict per copied unit (issue 5, cases 1, 2, 4 and 8).

The copies are derived from our own reference file (tests/classify/data) at test time:
identifiers renamed, comments and docstrings stripped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.compact.roles import classify
from lineage.config import Config
from lineage.data import shipped_dir
from lineage.models import Finding, ScanResult

COPY = "acme/modeling_acme.py"
ATTENTION = ("AcmeLMAttention.__init__", "AcmeLMAttention.forward")
MOE = ("AcmeLMRouter.forward", "AcmeLMSparseBlock.forward")


def unit_finding(result: ScanResult, unit: str, kind: str = "code-match") -> Finding:
    found = [f for f in result.findings if f.kind == kind and f.unit == unit]
    assert len(found) == 1, f"{kind} findings for {unit}: {[(f.unit, f.kind) for f in result.findings]}"
    return found[0]


@pytest.fixture(scope="module")
def attention_moe(scan, copies, headers) -> ScanResult:
    return scan({COPY: copies.with_header(copies.attention_moe, *headers["kept"])})


# --- case 1: copied attention + MoE block ----------------------------------------------------


@pytest.mark.parametrize("unit", ATTENTION + MOE)
def test_copied_attention_and_moe_are_core_architecture_copies(attention_moe: ScanResult, unit: str) -> None:
    f = unit_finding(attention_moe, unit)
    assert f.role == "core-architecture"
    assert f.severity in ("high", "medium")
    assert "core-architecture copy of glm4_moe (Zhipu AI, CN)" in f.details.verdict
    assert f.matches[0].ref.family == "cls:glm4_moe"
    assert f.matches[0].ref.unit == unit.replace("AcmeLM", "ZetaMoe")


@pytest.mark.parametrize(("unit", "feature"), [
    ("AcmeLMAttention.__init__", "class~'attention'"),
    ("AcmeLMAttention.forward", "class~'attention'"),
    ("AcmeLMAttention.forward", "call~'torch.matmul'"),
    ("AcmeLMRouter.forward", "class~'router'"),
    ("AcmeLMRouter.forward", "call~'sigmoid'"),
])
def test_core_findings_name_the_features_that_decided(attention_moe: ScanResult, unit: str, feature: str) -> None:
    features = unit_finding(attention_moe, unit).details.role_features
    assert any(x.startswith(feature) and x.endswith("core-architecture)") for x in features), features


def test_renamed_moe_block_keeps_its_core_role(attention_moe: ScanResult) -> None:
    """The renamed MoE block's own name no longer says "moe": the reference unit's role decides,
    and the finding says so."""
    f = unit_finding(attention_moe, "AcmeLMSparseBlock.forward")
    assert f.role == "core-architecture"
    assert f.details.reference_role == "core-architecture"
    assert f.details.role_features, "a finding must say which features decided its role"


def test_sparse_block_name_is_not_a_parser() -> None:
    decision = classify("AcmeLMSparseBlock.forward", ("nn.Module",), "self.router(x)", COPY)
    assert not any("parse" in f for f in decision.features), decision.features
    assert decision.role == "core-architecture"


@pytest.mark.parametrize("folder", ["quantization", "serve", "models"])
def test_a_top_folder_of_the_scan_counts_as_a_folder(folder: str) -> None:
    """Where a scan starts must not change a unit's role: a file read as `FOLDER/x.py` (its package
    scanned) is read as `pkg/FOLDER/x.py` (the package's parent scanned) is (a stranger's review: one
    unit high from one root, low glue from the other)."""
    args = ("Codebook.forward", ("nn.Module",), "dist = self.embed(x)")
    below, above = classify(*args, f"{folder}/core_vq.py"), classify(*args, f"pkg/{folder}/core_vq.py")
    assert below == above
    assert any(f.startswith("path~") for f in below.features), below.features


def test_a_folder_alone_does_not_make_a_copy_of_core_code_glue(scan, copies, headers) -> None:
    """A copy put under `quantization/` (a serving engine's glue folder): a unit whose own name says
    nothing takes its reference's core role, as elsewhere (a stranger's attack: the EnCodec quantiser,
    high under `vq/`, read low glue under `quantization/`)."""
    text = copies.with_header(copies.full_model, *headers["kept"])
    here, there = scan({"quantization/acme.py": text}), scan({COPY: text})
    unit = "AcmeLMConfig.__init__"  # (its own name says nothing; its reference's role is core)
    moved, kept = unit_finding(here, unit), unit_finding(there, unit)
    assert moved.role == kept.role == "core-architecture", moved.details.role_features
    assert moved.details.role_features == ("reference unit ZetaMoeConfig.__init__ is core-architecture",)


# --- case 2: copied weight loader -------------------------------------------------------------


@pytest.mark.parametrize(("header", "severity", "attribution"), [
    ("kept", "low", "retained"),
    ("removed", "medium", "removed"),
    ("replaced", "medium", "replaced"),
])
def test_copied_weight_loader_is_inference_glue(scan, copies, headers, header: str, severity: str,
                                                attribution: str) -> None:
    result = scan({COPY: copies.with_header(copies.loader, *headers[header])})
    f = unit_finding(result, "AcmeForCausalLM.load_weights")
    assert f.role == "inference-glue"
    assert f.severity == severity
    assert f.attribution == attribution
    assert f.details.verdict.startswith("inference-glue copy of glm4_moe (Zhipu AI, CN)")
    assert any(x.startswith("name~'load_weights'") and "inference-glue" in x for x in f.details.role_features)
    assert not any(g.role == "core-architecture" and g.severity != "info"
                   for g in result.findings if g.kind == "code-match")
    assert result.summary.files[COPY].verdict.startswith("inference-glue copy of glm4_moe (Zhipu AI, CN)")


# --- case 4: only the shared RMSNorm ----------------------------------------------------------


def test_shared_rmsnorm_alone_is_a_common_idiom(scan, copies) -> None:
    result = scan({"acme/norm.py": copies.rmsnorm})
    code = [f for f in result.findings if f.kind == "code-match" and f.unit != "<module>"]
    assert {f.unit for f in code} == {"RMSNorm.__init__", "RMSNorm.forward"}
    for f in code:
        assert f.role == "common-idiom"
        assert f.severity == "info"
        assert "copy" not in f.details.verdict and "common idiom" in f.details.verdict
        assert f"(rare evidence {f.matches[0].rarity:.2f})" in f.details.verdict  # why, as a figure
        assert any("rare evidence" in x and "many model lines" in x for x in f.details.role_features)
        # the same code stands in all 26 families: counted together (the listing itself is capped)
        assert f.details.equivalents >= 20 and len(f.details.equivalent_families) >= 3
    assert not [f for f in result.findings if f.kind in ("vestige", "notice") or f.severity != "info"]
    # common code never convicts, but it still says which shared line the file is built on
    row = result.summary.files["acme/norm.py"].to_json()
    assert row["verdict"].startswith("built on shared code of the") and "copy of" not in row["verdict"]
    assert row["source"]["basis"] == "common" and row["source"]["group"]["size"] >= 20


def test_rmsnorm_inside_a_copy_stays_a_common_idiom(attention_moe: ScanResult) -> None:
    for unit in ("RMSNorm.__init__", "RMSNorm.forward"):
        f = unit_finding(attention_moe, unit)
        assert (f.role, f.severity) == ("common-idiom", "info")
        assert f.attribution is None  # idioms are not evidence, so notices are not judged on them


# --- case 8: role rules are data ----------------------------------------------------------------


def test_role_rules_file_flips_a_decision(scan, copies, headers, tmp_path: Path) -> None:
    """Flip the load_weights rule to core-architecture in a copy of the shipped rules."""
    shipped = (shipped_dir() / "roles.toml").read_text(encoding="utf-8")
    rule = 'pattern = "load_weights|weight_loader|load_state_dict|state_dict|remap|mapping|convert|checkpoint"\n' \
           'role = "inference-glue"'
    assert rule in shipped
    rules = tmp_path / "roles.toml"
    rules.write_text(shipped.replace(rule, rule.replace("inference-glue", "core-architecture")), encoding="utf-8")
    text = copies.with_header(copies.loader, *headers["kept"])

    default = unit_finding(scan({COPY: text}), "AcmeForCausalLM.load_weights")
    flipped = unit_finding(scan({COPY: text}, Config(role_rules=str(rules))), "AcmeForCausalLM.load_weights")
    assert default.role == "inference-glue"
    assert flipped.role == "core-architecture"
    assert "name~'load_weights' (+5 core-architecture)" in flipped.details.role_features
    assert flipped.details.verdict.startswith("core-architecture copy of glm4_moe")


@pytest.mark.parametrize(("qualname", "bases", "text", "path", "role", "by_class"), [
    # a model class's weight loader is weight loading, whatever the class is called
    ("Glm4MoeForCausalLM.load_weights", ["nn.Module", "SupportsPP"],
     "params_dict = dict(self.named_parameters())\nweight_loader(param, loaded_weight)",
     "vllm/model_executor/models/glm4_moe.py", "inference-glue", False),
    # a method whose own name says nothing takes its class's: attention stays architecture
    ("Glm4MoeAttention.forward", ["nn.Module"], "q, k, v = qkv.split(sizes)\nattn = self.attn(q, k, v)",
     "vllm/model_executor/models/glm4_moe.py", "core-architecture", True),
    ("Glm4MoeForCausalLM", ["nn.Module"], "", "vllm/model_executor/models/glm4_moe.py", "core-architecture", False),
    # a reference implementation's model body is often called plainly `Transformer`
    ("Transformer.forward", ["nn.Module"], "h = self.tok_embeddings(tokens)\nfor layer in self.layers:\n    h = layer(h)",
     "acme/model.py", "core-architecture", True),
    ("VisionTransformer.__init__", ["nn.Module"], "self.patch = Conv(3, width)", "acme/vision.py",
     "core-architecture", True),
    # positions: complex rotary frequencies and ALiBi slopes are architecture, as `rotary` already is
    ("precompute_freqs_cis", [], "freqs = 1.0 / (theta ** (torch.arange(0, dim, 2) / dim))", "acme/model.py",
     "core-architecture", False),
    ("_get_alibi_slopes", [], "base = torch.tensor(2 ** (-(2 ** -(math.log2(n) - 3))))", "acme/model.py",
     "core-architecture", False),
    # a weight loader of a vision tower is still weight loading
    ("SiglipVisionTransformer.load_weights", ["nn.Module"], "weight_loader(param, loaded_weight)",
     "acme/siglip.py", "inference-glue", False),
    # an engine's multimodal input plumbing (token counts, profiling inputs) is glue by its class
    ("Qwen2VLProcessingInfo.get_image_size_with_most_features", ["BaseProcessingInfo"],
     "side = self.largest_side(limit)\nreturn side, side",
     "vllm/model_executor/models/qwen2_vl.py", "inference-glue", True),
    ("Qwen2VLDummyInputsBuilder.get_dummy_mm_data", ["BaseDummyInputsBuilder"],
     "width, height = self.info.largest()\nreturn {'image': [blank(width, height)] * count}",
     "vllm/model_executor/models/qwen2_vl.py", "inference-glue", True),
])
def test_own_name_outweighs_the_enclosing_class(qualname: str, bases: list[str], text: str, path: str,
                                                role: str, by_class: bool) -> None:
    from lineage.compact.roles import classify

    decision = classify(qualname, bases, text, path)
    assert decision.role == role, decision.features
    assert any(f.startswith("class~") for f in decision.features) == by_class, decision.features
