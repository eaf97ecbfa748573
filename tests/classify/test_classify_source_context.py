"""A class goes to its file's source when that source explains it nearly as well as the best
holder does: one source explains a file as a whole, and a sibling that holds one of its
classes a little more closely shares its parent's generation of that code.

Fixture code is our own (tests/classify/data/lines/): a "base" line, a "router" line built on
it, and a later "twin" that declares the router line and adds one small method to its
attention class and a helper, as the scanned file also does, and rewrites its model's and
block's forward passes, which the scanned file keeps as the router line has them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from tests.lines_fixture import FAMILIES, NOTICES, code, file_text, index_families

TWIN_REPR = '''    def extra_repr(self):
        parts = [f"heads={self.heads}", f"kv_heads={self.kv_heads}", f"head_dim={self.head_dim}"]
        if self.scale != 1.0 / math.sqrt(self.head_dim):
            parts.append(f"scale={self.scale}")
        return ", ".join(parts)

'''

TWIN_FORWARD = '''    def forward(self, tokens, mask=None, cache=None, return_hidden=False):
        hidden = []
        x = self.embed(tokens) * self.embed_scale
        start = 0 if cache is None else cache.length
        positions = torch.arange(start, start + tokens.shape[1], device=tokens.device)
        cos, sin = self.rotary(x, positions)
        for i, block in enumerate(self.blocks):
            if return_hidden:
                hidden.append(x)
            x = block(x, cos, sin, mask if cache is None else cache.mask(i, mask))
        x = self.norm(x)
        return (x, tuple(hidden)) if return_hidden else x
'''
TWIN_BLOCK_FORWARD = '''    def forward(self, x, cos, sin, mask=None, residual_scale=1.0):
        attended = self.attn(self.attn_norm(x), cos, sin, mask)
        x = x + residual_scale * attended
        mixed = self.mlp(self.mlp_norm(x))
        return x + residual_scale * mixed
'''
TWIN_HELPER = '''

def {lower}_init_weights(module, std=0.02, zero_bias=True):
    for name, param in module.named_parameters():
        if name.endswith("bias"):
            if zero_bias:
                nn.init.zeros_(param)
        elif param.dim() > 1:
            nn.init.normal_(param, mean=0.0, std=std / math.sqrt(2.0 if "out" in name else 1.0))
        else:
            nn.init.ones_(param)
    return module
'''


def _replace(text: str, cls: str, method: str, new: str) -> str:
    head = text.index(f"class {cls}")
    start = text.index(f"    def {method}", head)
    ends = [e for e in (text.find("\n    def ", start + 1), text.find("\n\n\nclass ", start)) if e >= 0]
    return text[:start] + new + (text[min(ends) + 1:] if ends else "")


def twin(prefix: str, model_forward: bool = True) -> str:
    """The router line's code with a small method of the twin's own in its attention and a
    helper function (and, for the twin family itself, its model's and block's forward passes
    rewritten: the scanned file keeps the router line's)."""
    text = code(("base", "router"), prefix)
    at = text.index("    def forward", text.index(f"class {prefix}Attention"))
    text = text[:at] + TWIN_REPR + text[at:] + TWIN_HELPER.format(lower=prefix.lower())
    if not model_forward:
        return text
    return _replace(_replace(text, f"{prefix}Model", "forward", TWIN_FORWARD), f"{prefix}Block", "forward",
                    TWIN_BLOCK_FORWARD)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    families = [(name, file_text(name), FAMILIES[name][2], FAMILIES[name][3], FAMILIES[name][4])
                for name in ("base", "router")]
    families.append(("twin", NOTICES["carrier"] + "\n" + twin("Twin"), "Microsoft", "2024-09-01", ("router",)))
    return api.open_index(index_families(tmp_path_factory.mktemp("context"), "ln", families))


def classes_of(index: EmbeddedIndex, text: str) -> tuple[dict, dict]:
    path = "mine/modeling_mine.py"
    result, _ = api.scan_files([SourceFile(path, text.encode())], index, Config(workers=1))
    row = result.summary.files[path].to_json()
    return row["source"], row["classes"]


def test_a_class_a_sibling_holds_a_little_more_closely_goes_to_the_files_source(index: EmbeddedIndex) -> None:
    source, classes = classes_of(index, twin("Xray", model_forward=False))
    assert source["source"]["family"] == "ln:router", source
    attention = classes["XrayAttention"]
    assert attention["source"]["family"] == "ln:router" and attention["decided_by"] == "context", attention
    assert attention["runner_up"]["family"] == "ln:twin" and attention["margin"] < 0, attention


def test_a_class_its_files_source_does_not_hold_keeps_its_own_source(index: EmbeddedIndex) -> None:
    """A file that adds another line's class: that class is not pulled to the file's source."""
    text = code(("base", "router"), "Xray") + "\n\n" + re.sub(r"\bBase(?=[A-Z])", "Xray", code(("gate",), "Xray"))
    source, classes = classes_of(index, text)
    assert source["source"]["family"] == "ln:router", source
    assert "XrayGatedMixer" not in classes or classes["XrayGatedMixer"]["source"]["family"] != "ln:router"


def test_a_class_the_source_only_carried_from_its_ancestor_goes_to_the_ancestor(index: EmbeddedIndex) -> None:
    """The base line's norm, held alike by the base line, the router line built on it and the twin
    (three lines: not common code): the file's source, the router line, holds it exactly as its
    declared ancestor does, so the tie-breaks decide between those two and the elder has it; a
    class only the router line added stays with the router line."""
    source, classes = classes_of(index, code(("base", "router"), "Xray"))
    assert source["source"]["family"] == "ln:router", source
    norm = classes["XrayNorm"]
    assert norm["source"]["family"] == "ln:base" and norm["decided_by"] == "lineage", norm
    assert classes["XrayRouter"]["source"]["family"] == "ln:router", classes["XrayRouter"]


def test_an_ancestor_released_the_same_day_does_not_take_a_class_from_the_files_source(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same file, the router line now published the same day as the base line it declares (a
    model and its variant released together): no date says the base line had the norm first, so
    the norm stays with the file's source instead of going to the elder (or to "ambiguous")."""
    families = [(name, file_text(name), FAMILIES[name][2], "2023-01-01", FAMILIES[name][4])
                for name in ("base", "router")]
    families.append(("twin", NOTICES["carrier"] + "\n" + twin("Twin"), "Microsoft", "2024-09-01", ("router",)))
    same_day = api.open_index(index_families(tmp_path_factory.mktemp("same_day"), "ln", families))
    source, classes = classes_of(same_day, code(("base", "router"), "Xray"))
    assert source["source"]["family"] == "ln:router", source
    norm = classes["XrayNorm"]
    assert norm["status"] == "source" and norm["source"]["family"] == "ln:router", norm
    assert norm["decided_by"] == "context", norm
