"""Vestiges (issue 5 case 5): a copy that names another model but keeps the reference model's
multi-token-prediction handling (`num_nextn_predict_layers`) and its depth (layer 46)."""

from __future__ import annotations

import re

import pytest

from lineage.models import Finding, ScanResult

COPY = "acme/modeling_acme.py"
LOADER = "AcmeLMForCausalLM.load_weights"


def vestige(result: ScanResult, unit: str) -> Finding:
    (found,) = [f for f in result.findings if f.kind == "vestige" and f.unit == unit]
    return found


def token_lines(text: str, token: str, span: tuple[int, int]) -> list[int]:
    """Lines inside span whose code (not comments) holds token as a whole word."""
    lines = text.splitlines()
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(token)}(?![A-Za-z0-9_])")
    return [n for n in range(span[0], span[1] + 1) if word.search(lines[n - 1].split("#", 1)[0])]


@pytest.fixture(scope="module")
def copy_text(copies, headers) -> str:
    text = copies.with_header(copies.full_model, *headers["kept"])
    assert "glm" not in text.lower().replace("glm4_moe", "")  # its own file names another model
    return text


def test_loader_keeps_mtp_handling_and_depth(scan, oracle, copy_text: str) -> None:
    result = scan({COPY: copy_text})
    span = oracle.spans(copy_text)[LOADER]
    f = vestige(result, LOADER)
    found = {(v.token, v.kind, v.line) for v in f.details.vestiges}
    feature = "num_nextn_predict_layers"
    expected = {(feature, "feature", n) for n in token_lines(copy_text, feature, span)}
    expected |= {("46", "constant", n) for n in token_lines(copy_text, "46", span)}
    assert expected and found == expected
    assert f.details.reference_line == "glm4_moe"
    assert f.severity == "medium"  # a feature name is strong evidence
    assert f.role == "inference-glue"
    assert (f.start_line, f.end_line) == (min(n for *_, n in found), max(n for *_, n in found))
    assert f.matches[0].ref.family == "cls:glm4_moe"
    assert "num_nextn_predict_layers" in f.explanation and "46" in f.explanation


def test_config_keeps_reference_only_features(scan, copy_text: str) -> None:
    f = vestige(scan({COPY: copy_text}), "AcmeLMConfig.__init__")
    tokens = {v.token for v in f.details.vestiges}
    assert {"num_nextn_predict_layers", "use_qk_norm", "partial_rotary_factor"} <= tokens


def test_no_vestige_once_the_traces_are_gone(scan, copies, headers) -> None:
    cleaned = copies.loader.replace("num_nextn_predict_layers", "extra_heads")
    cleaned = cleaned.replace("model.layers.46.", "model.layers.12.")
    assert cleaned != copies.loader
    result = scan({COPY: copies.with_header(cleaned, *headers["kept"])})
    assert [f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeForCausalLM.load_weights"]
    assert not [f for f in result.findings if f.kind == "vestige"]


def test_idioms_carry_no_vestiges(scan, copies) -> None:
    text = copies.rmsnorm.replace("eps=1e-6", "eps=46")  # a reference-size constant inside an idiom
    result = scan({"acme/norm.py": text})
    assert not [f for f in result.findings if f.kind == "vestige"]


def test_a_trace_named_twice_on_one_line_is_listed_once() -> None:
    """`self.routed_scaling_factor = config.routed_scaling_factor` is one trace, not two."""
    from lineage.classify.vestiges import LineFacts, _hits

    facts = LineFacts(stems=(), features=("routed_scaling_factor",), constants=())
    lines = ["        self.routed_scaling_factor = config.routed_scaling_factor",
             "        return x * self.routed_scaling_factor"]
    assert _hits(lines, 10, facts, "acme.py AcmeMoE") == [(10, "feature", "routed_scaling_factor"),
                                                          (11, "feature", "routed_scaling_factor")]


def _rotary_trace(holders: int, path: str = "acme/rope.py", unit: str = "Rotary.__init__") -> list[Finding]:
    """The vestige findings of a rotary constructor holding glm4_moe's `partial_rotary_factor`, matched
    to glm4_moe's at low, whose code ``holders`` model lines hold."""
    from lineage.classify.vestiges import vestige_findings
    from lineage.compact.files import compact
    from lineage.details import CodeMatchDetails, Earliest
    from lineage.fingerprint.params import FingerprintParams
    from lineage.models import Match, RefUnit, SourceFile

    text = ("class Rotary:\n    def __init__(self, config):\n"
            "        self.dim = int(config.head_dim * config.partial_rotary_factor)\n"
            "        self.base = config.rope_theta\n")
    cf = compact(SourceFile(path, text.encode()), FingerprintParams(), keep_text=True)
    ref = RefUnit("vllm:glm4_moe", "Zhipu AI", "CN", "MIT", "vllm==0.33.0", "glm4_moe.py", "Rotary.__init__", 1, 4)
    details = CodeMatchDetails("method", "core-architecture", "s", "core-architecture copy of glm4_moe", (), None,
                               ("vllm:glm4_moe",), 1, holders, holders, Earliest("vllm:glm4_moe", None))
    found = Finding("f1", "code-match", path, 2, 4, unit, "core-architecture", None, "low",
                    (Match(ref, 1.0, 1.0, 1.0, 1.0, 0.5, (), 40),), "", details)
    return vestige_findings([cf], [found])


@pytest.mark.parametrize(("path", "unit", "named"), [("acme/glm_rope.py", "Rotary.__init__", True),
                                                    ("acme/rope.py", "Glm4MoeRotary.__init__", True),
                                                    ("compat_glm_style/rope.py", "Rotary.__init__", False),
                                                    ("models/glm4_moe/rope.py", "Rotary.__init__", True),
                                                    ("models/glm/language.py", "Rotary.__init__", True),
                                                    ("models/acme_glm/rope.py", "Rotary.__init__", False),
                                                    ("acme/rope.py", "Rotary.__init__", False)])
def test_a_file_naming_the_model_it_implements_holds_its_traits_by_design(path: str, unit: str, named: bool) -> None:
    """ktransformers' `modeling_llama.py` (`LlamaMLP`) holding llama's `pretraining_tp` is no trace
    left over: the file says which model it implements (a stranger's review read it medium).  Said,
    but low; only the file's own name and the unit's names count, as whole words (a folder named
    `compat_glm_style/` silenced a copy's traces: a second stranger), and the first word of the
    file's own folder (mlx-vlm's `models/qwen3/language.py`: a third)."""
    (trace,) = _rotary_trace(1, path, unit)
    assert trace.severity == ("low" if named else "medium")
    assert ("names glm4_moe as the model it implements" in trace.explanation) == named


@pytest.mark.parametrize(("holders", "expected"), [(1, "medium"), (4, "medium"), (5, "low"), (32, "low")])
def test_a_trait_in_code_many_model_lines_hold_is_rated_low(holders: int, expected: str) -> None:
    """`partial_rotary_factor` is a GLM trait in the table, but gpt_neox, phi and stablelm wrote it
    first: in code that many model lines hold about as closely, a trait of the one matched says
    little about which of them it came from, and must not outrank the code match it rests on."""
    (trace,) = _rotary_trace(holders)
    assert trace.severity == expected and "partial_rotary_factor" in trace.explanation
    assert ("say little about which of them it came from" in trace.explanation) == (expected == "low")


def test_prose_citing_a_model_is_no_trace_of_its_code() -> None:
    """A docstring that cites where an idea came from ("the DeepSeek-V2 paper ... 64 dims") names
    the model in prose, not in code (a stranger's review: a textbook rotary function read "traces
    of deepseek_v2", medium, exit 1); the same names in the code itself still count."""
    from lineage.classify.vestiges import LineFacts, _hits

    facts = LineFacts(stems=("deepseek",), features=("qk_rope_head_dim",), constants=(64,))
    lines = ["    def rotate(self, x):",
             '        """Rotary on the decoupled part, an idea from the DeepSeek-V2 paper;',
             '        the part is 64 dims wide (qk_rope_head_dim there)."""',
             "        # as in DeepseekV2: 64 wide",
             "        return x * self.scale",
             "    def split(self, x):",
             "        '''One line, DeepSeek's.'''",
             "        return x[..., :self.config.qk_rope_head_dim], x[..., 64:]"]
    assert _hits(lines, 10, facts, "acme.py Acme") == [(17, "feature", "qk_rope_head_dim"), (17, "constant", "64")]
    # a unit cut out of a file that does not tokenize is read line by line, as before
    assert _hits(['        s = """DeepSeek'], 3, facts, "acme.py Acme") == [(3, "name", "DeepSeek")]


def test_a_hash_inside_a_string_starts_no_comment() -> None:
    """`_tag = "#"; ` put before a line hid every trace after it (a stranger's review: vLLM's
    deepseek_v2 lost a unit's traces so); a real comment is still no code."""
    from lineage.classify.vestiges import LineFacts, _hits

    facts = LineFacts(stems=(), features=("kv_lora_rank",), constants=())
    lines = ["    def attend(self, x):",
             '        _tag = "#"; r = self.config.kv_lora_rank',
             "        return x  # kv_lora_rank is DeepSeek's"]
    assert _hits(lines, 5, facts, "acme.py Acme") == [(6, "feature", "kv_lora_rank")]
