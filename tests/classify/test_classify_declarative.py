"""A class of declarations only (fields and settings, no methods) goes with its file's source.

Such classes (a model output's fields, a base class's settings) are spelt alike by every family,
so which family holds the same list most closely says little; the file they stand in says more.
Fixture code is our own: an "alpha" line whose model file the scan copies, and a "beta" line
whose settings class matches the scan's settings class more closely than alpha's does."""

from __future__ import annotations

import pytest

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import SourceFile
from tests.lines_fixture import index_families

FIELDS = (("hidden", "torch.FloatTensor | None = None"), ("logits", "torch.Tensor"),
          ("past", "Cache | None = None"), ("attentions", "tuple[torch.FloatTensor, ...] | None = None"),
          ("router_logits", "tuple[torch.Tensor] = ()"), ("aux_loss", "float = 0.0"),
          ("cache_position", "torch.LongTensor | None = None"), ("image_states", "list[torch.Tensor] | None = None"),
          ("scores", "dict[str, float] | None = None"), ("mask", "torch.BoolTensor | None = None"))
OTHER = (("extra", "int = 0"),)  # alpha's own last field


def settings(prefix: str, fields: tuple[tuple[str, str], ...]) -> str:
    body = "".join(f"    {name}: {spec}\n" for name, spec in fields)
    return f"@dataclass\nclass {prefix}Output:\n    \"\"\"Outputs.\"\"\"\n\n{body}"


def model(prefix: str) -> str:
    return f'''class {prefix}Scaler(nn.Module):
    def __init__(self, dim, eps=1e-6, offset=1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(dim))
        self.eps, self.offset = eps, offset

    def forward(self, x):
        var = x.float().pow(2).mean(-1, keepdim=True)
        y = x.float() * torch.rsqrt(var + self.eps)
        return (y * (self.offset + self.weight.float())).type_as(x)


class {prefix}Mixer(nn.Module):
    def __init__(self, dim, hidden, groups=4):
        super().__init__()
        self.groups = groups
        self.up = nn.Linear(dim, hidden * 2, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        a, b = self.up(x).chunk(2, dim=-1)
        a = a.view(*a.shape[:-1], self.groups, -1).softmax(-1).flatten(-2)
        return self.down(torch.nn.functional.silu(a) * b)
'''


HEAD = "import torch\nfrom torch import nn\nfrom dataclasses import dataclass\n\n\n"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    alpha = HEAD + settings("Alpha", FIELDS[:9] + OTHER) + "\n\n" + model("Alpha")
    beta = HEAD + settings("Beta", FIELDS) + "\n\n" + "def beta_only(x):\n    return x.flip(-1).cumsum(0) * 3\n"
    pads = [(f"pad{k}", f"def pad_{k}(x):\n    return x * {k} + {k + 1}\n", "Google", "2022-01-01", ())
            for k in range(40)]
    families = [("alpha", alpha, "Meta", "2024-01-01", ()), ("beta", beta, "Alibaba Qwen", "2024-02-01", ()), *pads]
    return api.open_index(index_families(tmp_path_factory.mktemp("declarative"), "dc", families))


def test_a_settings_class_goes_with_its_files_source(index: EmbeddedIndex) -> None:
    text = HEAD + settings("Mine", FIELDS) + "\n\n" + model("Mine")
    path = "mine/modeling_mine.py"
    result, _ = api.scan_files([SourceFile(path, text.encode())], index, Config(workers=1))
    row = result.summary.files[path].to_json()
    assert row["source"]["source"]["family"] == "dc:alpha", row["source"]
    out = row["classes"]["MineOutput"]
    # beta holds the class's fields as they are, alpha only some of them: the file's source has it
    assert out["runner_up"]["family"] == "dc:beta" and out["runner_up"]["score"] > out["source"]["score"] + 0.2, out
    assert out["source"]["family"] == "dc:alpha" and out["decided_by"] == "context", out
    # a class with code of its own keeps its best holder (the mixer is alpha's either way)
    assert row["classes"]["MineMixer"]["source"]["family"] == "dc:alpha"
