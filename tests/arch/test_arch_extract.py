"""The architecture fingerprint of one file: what it reads, creates and maps, folded across engines."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lineage.arch.conversion import conversion_features
from lineage.arch.section import ArchCollector
from lineage.index.build import fetch_sources
from lineage.index.manifest import load_manifest
from lineage.arch.extract import arch_print
from lineage.arch.table import decode, encode
from tests.arch.models import ALPHA, GAMMA, port, reference


def test_a_port_and_its_reference_fold_onto_the_same_checkpoint_names() -> None:
    served, ref = arch_print(port(ALPHA)).features, arch_print(reference(ALPHA)).features
    for name in ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"):
        assert f"p:{name}" in served and f"p:{name}" in ref
        assert f"k:{name}:linear" in served and f"k:{name}:linear" in ref  # tensor-parallel classes are linear layers
    assert not {"p:qkv_proj", "p:gate_up_proj"} & served
    assert {"t:self_attn.q_proj", "t:mlp.gate_proj"} <= served & ref  # module tree edges
    # config keys read with getattr, through a renamed parameter, and a config class's fields
    assert {"c:alpha_window", "c:alpha_sink_tokens", "c:hidden_size"} <= served & ref


def test_literal_bias_and_latent_attention_are_features() -> None:
    feats = arch_print(port(GAMMA)).features
    assert {"p:kv_a_proj_with_mqa", "k:kv_a_layernorm:norm", "c:topk_group", "c:n_group"} <= feats
    biased = "class A:\n    def __init__(self, config):\n        self.q_proj = Linear(config.hidden_size, 4, bias=True)\n"
    assert "b:q_proj" in arch_print(biased).features
    assert "b:q_proj" not in arch_print(biased.replace("bias=True", "bias=config.qkv_bias")).features


def test_engine_packing_and_mapping_tables() -> None:
    text = ("class M:\n    def load_weights(self, weights):\n"
            "        mapping = [('experts.w13_weight', 'experts.0.w1.weight', 0), ('experts.w2_weight', 'experts.0.w2.weight', 0)]\n"
            "        renamed = {'model.layers.0.block_sparse_moe.gate': 'router'}\n")
    feats = arch_print(text).features
    assert {"p:gate_proj", "p:up_proj", "p:down_proj", "p:block_sparse_moe", "t:block_sparse_moe.gate"} <= feats
    assert "t:experts.gate_proj" in feats  # "experts.0.w1": the expert index is no part of the name


def test_files_that_are_no_python_give_no_fingerprint() -> None:
    assert not arch_print("def broken(:\n    pass\n")
    assert not arch_print("x = " + "(" * 5000 + ")" * 5000 + "\n")
    assert not arch_print("")
    assert arch_print("print('hello')\n").features == frozenset()


def test_a_conversion_table_adds_the_names_a_library_renames_from() -> None:
    table = (
        "_MODEL_TO_CONVERSION_PATTERN = {'kappa': 'iota'}\n"
        "def build():\n"
        "    mapping = {\n"
        "        'iota': [WeightRenaming(r'\\.moe_block\\.', '.mlp.'),\n"
        "                 WeightConverter(source_patterns=['.experts.*.w1.weight', '.experts.*.w3.weight'],\n"
        "                                 target_patterns='.experts.gate_up_proj')],\n"
        "    }\n"
        "    mapping['lambda'] = mapping['iota'].copy()\n"
        "    mapping['lambda'] += [WeightRenaming('old_norm', 'norm')]\n"
        "    return mapping\n")
    found = conversion_features(table)
    assert {"p:moe_block", "p:gate_proj", "p:up_proj", "t:experts.gate_proj"} <= found["iota"]
    assert found["kappa"] == found["iota"]
    assert "p:old_norm" in found["lambda"] and "p:moe_block" in found["lambda"]
    assert conversion_features("def broken(:") == {}


def test_the_section_round_trips_and_refuses_what_it_does_not_know() -> None:
    prints = {"fx:a": frozenset({"c:x", "p:y"}), "fx:b": frozenset({"p:y"})}
    assert decode(encode(prints)) == prints
    for bad in (b"[]", b'{"version": 99, "vocab": [], "families": {}}', b'{"version": 1, "vocab": ["a"], "families": {"f": [7]}}',
                b"\xff\xfe"):
        assert decode(np.frombuffer(bad, dtype=np.uint8)) is None


def test_the_build_takes_configuration_modules_and_the_conversion_table(tmp_path: Path) -> None:
    (tmp_path / "iota").mkdir()
    (tmp_path / "iota" / "modeling_iota.py").write_text(reference(ALPHA), encoding="utf-8")
    (tmp_path / "iota" / "configuration_iota.py").write_text(
        "class IotaConfig:\n    iota_only_key: int = 3\n    attribute_map = {'n_ctx': 'max_positions'}\n", encoding="utf-8")
    (tmp_path / "conversion_mapping.py").write_text(
        "def build():\n    mapping = {'iota': [WeightRenaming(r'\\.moe_block\\.', '.mlp.')]}\n    return mapping\n",
        encoding="utf-8")
    manifest = tmp_path / "src.toml"
    manifest.write_text(f'[source]\nname = "src"\nkind = "dir"\npath = "{tmp_path}"\nlicence = "Apache-2.0"\n\n'
                        '[[family]]\nname = "iota"\ninclude = ["iota/modeling_*.py"]\norg = "Meta"\n', encoding="utf-8")
    m = load_manifest(manifest)
    files, _, _ = fetch_sources(m)
    arch = ArchCollector()
    arch.add(m, [("src:iota", f) for f in files])
    prints = decode(arch.arrays()["arch"])
    assert prints is not None
    feats = prints["src:iota"]
    assert {"c:iota_only_key", "c:n_ctx", "c:max_positions", "p:moe_block", "c:alpha_window"} <= feats
