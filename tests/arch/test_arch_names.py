"""Architecture names and the modules a file builds on: what a thin engine file still says."""

from __future__ import annotations

from pathlib import Path

from lineage.arch.extract import arch_print
from lineage.arch.imports import Interfaces, candidates
from lineage.arch.lookup import best_architecture
from lineage.arch.table import ArchTable
from tests.arch.conftest import architecture, scan_json
from tests.arch.models import ALPHA, BETA, INDEXED, port, reference

THIN = ("from .served import ServedForCausalLM\n\n"
        "class BetaForCausalLM(ServedForCausalLM):\n"
        "    packed_modules_mapping = {'qkv_proj': ['q_proj', 'k_proj', 'v_proj']}\n\n"
        "    def __init__(self, config):\n        super().__init__(config)\n"
        "        self.cap = getattr(config, 'beta_soft_cap', None)\n        self.scale = config.beta_logit_scale\n")


def test_architecture_names_come_from_model_classes_only() -> None:
    feats = arch_print("class Phi3ForCausalLM:\n    pass\nclass Gemma_2Model:\n    pass\n"
                       "class KappaConfig:\n    pass\nclass Model:\n    pass\nclass Helper:\n    pass\n").features
    assert {f for f in feats if f.startswith(("a:", "m:"))} == {"a:phi3", "m:gemma2", "a:kappa"}  # m: may be a vestige


def test_a_file_records_the_modules_it_builds_on_not_those_it_merely_calls() -> None:
    uses = arch_print("from .llama import LlamaForCausalLM, LlamaMLP\nfrom . import gemma_text\n"
                      "from .siglip import VisionTower\n\n"
                      "class X(LlamaForCausalLM):\n    def __init__(self, config):\n"
                      "        self.tower = VisionTower(config)\n        self.lm = gemma_text.Model(config)\n").uses
    assert (1, "llama") in uses and (1, "gemma_text") in uses
    assert not any("siglip" in m for _, m in uses)  # a part it builds, not a base it extends


def test_module_candidates_stay_inside_the_tree() -> None:
    assert candidates("pkg/models/a.py", 1, "llama") == ("pkg/models/llama.py", "pkg/models/llama/__init__.py")
    assert candidates("pkg/models/a.py", 2, "layers.x")[0] == "pkg/layers/x.py"
    assert candidates("a.py", 3, "x") == ()
    assert candidates("a.py", 1, "") == ()


def test_a_thin_file_is_read_with_its_sibling_models_interface() -> None:
    texts = {"m/served.py": port(ALPHA), "m/thin.py": THIN, "m/helpers.py": "x = 'model.layers.0.q_proj'\n",
             "other/thin.py": THIN.replace(".served", "..m.served")}
    inter = Interfaces(texts, lambda p: arch_print(texts[p]))
    own, full = inter.own("m/thin.py").features, inter.features("m/thin.py")
    base = inter.own("m/served.py").features
    assert "a:beta" in own and len(own) < 10
    assert {f for f in base if not f.startswith("a:")} <= full and "a:served" not in full
    assert inter.features("other/thin.py") == inter.own("other/thin.py").features  # another folder: no base


def _table() -> ArchTable:
    prints = {f"fx:{a.name}": arch_print(reference(a)).features for a in (ALPHA, BETA)}
    for i in range(5):  # unrelated lines, so that the shared keys are not all equally rare
        prints[f"fx:other{i}"] = frozenset({f"c:other{i}_key", "c:hidden_size", f"p:other{i}_proj"})
    return ArchTable(prints, {"fx:beta": ("alpha",)})


def test_the_name_a_file_carries_decides_between_siblings_its_keys_cannot_tell_apart() -> None:
    table = _table()
    served = arch_print(port(ALPHA)).features  # alpha's keys only: the ancestor wins the tie
    claim = best_architecture(table, type(arch_print(""))(served))
    assert claim is not None and claim.family == "fx:alpha"
    named = best_architecture(table, type(arch_print(""))(served | {"a:beta"}))
    assert named is not None and named.family == "fx:beta" and "a:beta" in named.distinguishing


def test_a_thin_file_is_named_but_its_base_makes_the_claim(arch_index: Path, tmp_path: Path) -> None:
    texts = {"m/served.py": port(ALPHA), "m/thin.py": THIN}
    inter = Interfaces(texts, lambda p: arch_print(texts[p]))
    prints = {f"fx:{a.name}": arch_print(reference(a)).features for a in INDEXED}
    table = ArchTable(prints, {"fx:beta": ("alpha",)})
    named = best_architecture(table, inter.resolved("m/thin.py"), threshold=0.5)
    assert named is not None and named.family == "fx:beta" and named.score >= 0.5
    assert not named.claimed  # above the threshold, but nearly all its interface is served.py's
    whole = best_architecture(table, inter.resolved("m/served.py"), threshold=0.5)
    assert whole is not None and whole.claimed
    root = tmp_path / "repo"
    root.mkdir()
    for name, text in texts.items():
        (root / name.partition("/")[2]).write_text(text, encoding="utf-8")
    doc = scan_json(arch_index, root)
    assert architecture(doc, "thin.py") is None
    assert architecture(doc, "served.py")["details"]["architecture"] == "fx:alpha"  # type: ignore[index]


def test_a_weak_model_class_name_decides_between_twins_unless_it_names_an_ancestor() -> None:
    twin = frozenset(arch_print(port(ALPHA)).features)
    prints = {"fx:alpha": twin | {"a:alpha", "m:alpha"}, "fx:twin": twin | {"a:twin", "m:twin", "c:twin_only", "c:twin_rope"}}
    for i in range(5):
        prints[f"fx:other{i}"] = frozenset({f"c:other{i}_key", "c:hidden_size", f"p:other{i}_proj"})
    served = type(arch_print(""))(twin | {"m:twin"})  # `class TwinModel`, no `TwinForCausalLM`
    claim = best_architecture(ArchTable(prints), served)
    assert claim is not None and claim.family == "fx:twin"
    # twin declared alpha's descendant: `AlphaModel` left in a file copied from alpha's says nothing
    copied = type(arch_print(""))(twin | {"m:alpha", "c:twin_only", "c:twin_rope"})
    claim = best_architecture(ArchTable(prints, {"fx:twin": ("alpha",)}), copied)
    assert claim is not None and claim.family == "fx:twin"


VL_REFERENCE = ("class AlphaVlConfig(PretrainedConfig):\n    text_config: dict = None\n    vision_config: dict = None\n\n\n"
                "class AlphaVlModel(nn.Module):\n    def __init__(self, config):\n"
                "        self.visual = AlphaVisionModel._from_config(config.vision_config)\n"
                "        self.language_model = AutoModel.from_config(config.text_config)\n"
                "        self.merger = nn.Linear(config.vision_hidden, config.hidden_size)\n")
WRAPPER = ("from . import served\n\n\n@dataclass\nclass ModelArgs(BaseModelArgs):\n    text_config: dict\n\n\n"
           "class Model(nn.Module):\n    def __init__(self, args):\n"
           "        self.language_model = served.Model(served.ModelArgs.from_dict(args.text_config))\n\n"
           "    def sanitize(self, weights):\n        weights.pop('visual', None)\n        return weights\n")


def test_a_multimodal_wrapper_is_read_through_the_text_model_it_builds() -> None:
    vl = arch_print(VL_REFERENCE).features
    assert {"p:visual", "c:text_config", "c:vision_config"} <= vl  # sub-models built from their config
    text = {f for f in arch_print(reference(ALPHA)).features if not f.startswith(("a:", "m:"))}
    prints = {f"fx:{a.name}": arch_print(reference(a)).features for a in INDEXED}
    prints["fx:alpha_vl"] = frozenset(vl | text | {f"c:vision_{i}" for i in range(30)})  # a large vision side
    table = ArchTable(prints, {"fx:beta": ("alpha",)})
    texts = {"m/served.py": port(ALPHA).replace("class ServedStack", "class Model"), "m/alpha_vl.py": WRAPPER}
    inter = Interfaces(texts, lambda p: arch_print(texts[p]))
    fp = inter.resolved("m/alpha_vl.py")
    assert table.scores(fp.features)[0][1] == "fx:alpha"  # the text model's family scores best
    claim = best_architecture(table, fp)
    assert claim is not None and claim.family == "fx:alpha_vl" and not claim.claimed  # what it adds decides
    texts["m/alpha_vl.py"] = WRAPPER.replace("text_config", "hidden_size").replace("'visual'", "'x'")
    inter = Interfaces(texts, lambda p: arch_print(texts[p]))
    claim = best_architecture(table, inter.resolved("m/alpha_vl.py"))
    assert claim is not None and claim.family == "fx:alpha"  # adds nothing the text family lacks
