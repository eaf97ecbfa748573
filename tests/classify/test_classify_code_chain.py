"""The look-through chain takes, at each step, the declared parent that holds most of the scanned
file, not the first one listed: transformers' manifest lists deepseek_v3's parents as llama,
deepseek_v2, qwen2_moe, and SK Telecom's axk1 read "axk1 -> deepseek_v3 -> llama", past the
DeepSeek-V2 code it holds (a stranger's review).  The chain still ends at the declared root."""

from __future__ import annotations

from lineage.classify.lookthrough import code_chain

# shares of a scanned copy of axk1's file each family holds (as measured on the default index)
HELD = {"axk1": 1.0, "deepseek_v3": 0.961, "llama": 0.391, "deepseek_v2": 0.763, "qwen2_moe": 0.394}
PARENTS = {"axk1": ["deepseek_v3"], "deepseek_v3": ["llama", "deepseek_v2", "qwen2_moe"],
           "deepseek_v2": ["llama", "qwen2_moe"], "qwen2_moe": ["llama"]}


def test_each_step_takes_the_parent_holding_most_of_the_file() -> None:
    assert code_chain("axk1", PARENTS, lambda f: HELD.get(f, 0.0)) == ("axk1", "deepseek_v3", "deepseek_v2", "qwen2_moe", "llama")


def test_the_chain_follows_the_code_not_the_listed_order() -> None:
    held = dict(HELD, qwen2_moe=0.9)
    assert code_chain("axk1", PARENTS, lambda f: held.get(f, 0.0)) == ("axk1", "deepseek_v3", "qwen2_moe", "llama")


def test_equal_holders_keep_the_declared_order_and_cycles_end_the_chain() -> None:
    parents = {"a": ["b", "c"], "b": ["a", "c"], "c": ["b"]}
    assert code_chain("a", parents, lambda f: 0.0) == ("a", "b", "c")
    assert code_chain("lonely", {}, lambda f: 1.0) == ("lonely",)
