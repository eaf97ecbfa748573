"""A family whose manifest gives no lineage declares its parents in its files' headers
(index/parents.py): vLLM's solar.py says it is "Adapted from .../models/llama/modeling_llama.py",
and a copy of it named solar and stopped, with no look-through to llama (a stranger's review,
2026-12-06).  A header naming its own model declares no parent; a manifest's lineage stands.
Our own fixture code."""

from __future__ import annotations

import pytest

from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from tests.classify.test_classify_look_through_root import HEAD, MIXER, POOL, REEF_OWN, TIDE_OWN
from tests.lines_fixture import index_families

URL = "https://github.com/huggingface/transformers/blob/v4.40.0/src/transformers/models/{0}/modeling_{0}.py"
STAR_OWN = TIDE_OWN.replace("tide", "star")
AXE_OWN = '''

def axe_window(length, width, stride, device):
    starts = torch.arange(0, max(1, length - width + 1), stride, device=device)
    spans = starts.unsqueeze(-1) + torch.arange(width, device=device)
    valid = spans < length
    return spans.clamp(max=length - 1), valid, starts.numel()
'''
ROUTE = '''
def deep_route(scores, top_k, groups, bias):
    grouped = scores.view(scores.shape[0], groups, -1)
    best = grouped.topk(2, dim=-1)[0].sum(dim=-1)
    keep = best.topk(max(1, groups // 2), dim=-1)[1]
    mask = torch.zeros_like(best).scatter_(1, keep, 1.0)
    masked = grouped.masked_fill(mask.unsqueeze(-1) == 0, float("-inf")).flatten(1)
    picked = (masked + bias).topk(top_k, dim=-1)[1]
    weights = scores.gather(1, picked)
    return picked, weights / weights.sum(dim=-1, keepdim=True).clamp(min=1e-20)
'''
FAMILIES = {
    # name: (org, first seen, header after the notice, manifest lineage, code)
    "tide": ("Meta", "2023-02-01", "", [], MIXER + "\n\n" + POOL),
    # a line whose header declares tide while holding none of its code, and a later family built on it
    "deep": ("DeepSeek", "2024-05-01", f"# Adapted from {URL.format('tide')}\n", [], ROUTE + REEF_OWN.replace("reef", "deep")),
    "axe": ("SK Telecom", "2025-06-01", "", ["deep"], ROUTE.replace("deep", "axe") + REEF_OWN.replace("reef", "axe")
            + AXE_OWN),
    "star": ("Upstage", "2023-12-13", f"# Adapted from\n# {URL.format('tide')}\n", [],
             MIXER.replace("Tide", "Star") + "\n\n" + POOL.replace("tide", "star") + STAR_OWN),
    "kelp": ("IBM", "2024-03-01", f"# Adapted from {URL.format('kelp')}\n", [], MIXER.replace("Tide", "Kelp")),
    "moss": ("Microsoft", "2024-05-01", f"# Adapted from {URL.format('tide')}\n", ["kelp"],
             MIXER.replace("Tide", "Moss")),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(index_families(tmp_path_factory.mktemp("header-lineage"), "eng", [
        (name, f"# Copyright 2024 {org}.\n{said}{HEAD}{code}", org, seen, tuple(parents))
        for name, (org, seen, said, parents, code) in FAMILIES.items()]))


@pytest.fixture(scope="module")
def index(built: str) -> EmbeddedIndex:
    from lineage import api

    return api.open_index(built)


def test_a_header_adapted_from_another_family_declares_it_a_parent(index: EmbeddedIndex) -> None:
    assert index.lineage_of("eng:star") == ("tide",)
    assert index.lineage_of("eng:kelp") == ()  # (adapted from its own model: no parent)
    assert index.lineage_of("eng:moss") == ("kelp",)  # (the manifest's lineage stands)
    assert index.lineage_of("eng:tide") == ()


def test_a_copy_of_the_family_looks_through_to_the_root_its_header_declares(index: EmbeddedIndex) -> None:
    from lineage.api import scan_files

    _, _, _, _, code = FAMILIES["star"]
    result, _ = scan_files([SourceFile("copy_star.py", (HEAD + code).encode())], index, Config(workers=1))
    row = result.summary.files["copy_star.py"]
    assert row.source is not None and row.source.source is not None and row.source.source.family == "eng:star"
    through = row.source.look_through
    assert through is not None and through.root == "eng:tide" and through.chain == ("eng:star", "eng:tide")


def test_a_parent_only_a_header_declares_is_no_root_of_a_file_that_holds_none_of_its_code(
        index: EmbeddedIndex) -> None:
    """axe declares deep (its manifest); deep's file says it is adapted from tide, but axe's code
    holds deep's and none of tide's: the root is deep, whose notices are owed (SK Telecom's axk1
    declares deepseek_v2, whose vLLM file says it is adapted from llama)."""
    from lineage.api import scan_files

    assert index.lineage_of("eng:axe") == ("deep", "tide")
    code = FAMILIES["axe"][4]
    result, _ = scan_files([SourceFile("copy_axe.py", (HEAD + code).encode())], index, Config(workers=1))
    through = result.summary.files["copy_axe.py"].source.look_through  # type: ignore[union-attr]
    assert through is not None and through.root == "eng:deep" and through.chain == ("eng:axe", "eng:deep")
    assert through.root_path == "deep/modeling_deep.py"


def run(*args: str) -> str:
    from click.testing import CliRunner

    from lineage.cli.main import cli

    done = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.stdout


def test_corpus_show_says_where_the_lineage_comes_from(built: str) -> None:
    shown = run("corpus", "show", "star", "--index", built)
    assert "declared lineage tide (in its files' headers)" in shown
    assert "declared lineage kelp\n" in run("corpus", "show", "moss", "--index", built)
