"""Look-through to a declared root that is no origin of the file: a parent first seen after the
family it is declared for (transformers' xglm, 2021, says it copies musicgen, 2023), or a root
that holds none of the file's code (CLAP's chain ends at EfficientNet through ALIGN)."""

from __future__ import annotations

import pytest

from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult, SourceFile

HEAD = "import torch\nfrom torch import nn\n\n\n"
MIXER = '''\
class TideMixer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.up = nn.Linear(config.hidden_size, 4 * config.hidden_size)
        self.down = nn.Linear(4 * config.hidden_size, config.hidden_size)
        self.gate = nn.Parameter(torch.zeros(config.hidden_size))
        self.scale = config.mixer_scale

    def forward(self, hidden, residual=None):
        lifted = torch.nn.functional.silu(self.up(hidden)) * self.scale
        mixed = self.down(lifted) * torch.sigmoid(self.gate)
        if residual is not None:
            mixed = mixed + residual[:, : mixed.shape[1]]
        if self.training:
            mixed = torch.nn.functional.dropout(mixed, p=0.1)
        return hidden + mixed.clamp(min=-30.0, max=30.0)
'''
POOL = '''\
def tide_pool(states, mask, width):
    weights = mask.float().unsqueeze(-1)
    summed = (states * weights).sum(dim=1)
    counts = weights.sum(dim=1).clamp(min=1.0)
    pooled = summed / counts
    if width is not None and pooled.shape[-1] != width:
        pooled = torch.nn.functional.interpolate(pooled.unsqueeze(1), size=width).squeeze(1)
    norms = pooled.norm(dim=-1, keepdim=True).clamp(min=1e-6)
    return pooled / norms, counts.squeeze(-1)
'''
TIDE_OWN = '''

def tide_schedule(step, warmup, total, floor):
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    cosine = 0.5 * (1.0 + torch.cos(torch.tensor(progress * 3.14159)))
    return floor + (1.0 - floor) * float(cosine)
'''
REEF_OWN = '''

def reef_tokens(ids, table, pad, limit):
    kept = [table.get(i, pad) for i in ids if i != pad]
    while len(kept) < limit:
        kept.append(pad)
    chunks = [kept[i: i + 8] for i in range(0, len(kept), 8)]
    return torch.tensor(chunks[: limit // 8]), len(chunks)
'''
# a small helper the root holds and reef carries too: a few percent of reef's file
SCALE = "def coral_scale(x, k):\n    y = x * k\n    z = y - x.mean()\n    w = z / (x.std() + 1e-6)\n    return w.clamp(-k, k), y.sum()\n"
FAMILIES = {
    # name: (org, first seen, declared parents, code)
    "tide": ("Meta", "2021-12-20", ["surge"], MIXER + "\n\n" + POOL + TIDE_OWN),
    "surge": ("Google", "2023-06-08", [], MIXER.replace("Tide", "Surge")),
    "reef": ("LAION", "2022-11-01", ["coral"],
             MIXER.replace("Tide", "Reef") + "\n\n" + POOL.replace("tide", "reef") + REEF_OWN + "\n\n" + SCALE),
    "coral": ("Google", "2019-05-01", [], SCALE),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    from lineage import api

    root = tmp_path_factory.mktemp("root-ref")
    lines = ["[source]", 'name = "lt"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
             'released = "2026-01-01"', ""]
    for name, (org, seen, parents, code) in FAMILIES.items():
        (root / name).mkdir()
        (root / name / f"modeling_{name}.py").write_text(f"# Copyright 2024 {org}.\n{HEAD}{code}", encoding="utf-8")
        lines += ["[[family]]", f'name = "{name}"', f'include = ["{name}/*.py"]', f'org = "{org}"',
                  f'first_seen = "{seen}"', "lineage = [" + ", ".join(f'"{p}"' for p in parents) + "]", ""]
    manifest = root / "lt.toml"
    manifest.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path_factory.mktemp("root-index") / "lt.lineage"
    assert not api.build([manifest], out, workers=1).errors
    return api.open_index(str(out))


def scan(index: EmbeddedIndex, name: str) -> ScanResult:
    from lineage.api import scan_files

    org, _, _, code = FAMILIES[name]
    result, _ = scan_files([SourceFile(f"copy_{name}.py", (HEAD + code).encode())], index, Config(workers=1))
    return result


def test_a_parent_first_seen_after_the_family_is_no_root_of_it(index: EmbeddedIndex) -> None:
    row = scan(index, "tide").summary.files["copy_tide.py"]
    assert row.source is not None and row.source.source is not None
    assert row.source.source.family == "lt:tide"
    assert row.source.look_through is None  # tide (2021) declares surge (2023): no origin of it


def test_a_root_that_holds_none_of_the_file_names_no_file_and_judges_no_notice(index: EmbeddedIndex) -> None:
    result = scan(index, "reef")
    row = result.summary.files["copy_reef.py"]
    assert row.source is not None and row.source.look_through is not None
    through = row.source.look_through
    assert through.root == "lt:coral" and through.root_path == ""  # coral holds only its small helper
    assert any(m.ref.family == "lt:coral" for f in result.findings for m in f.matches)
    assert row.root_notice == ()
    assert not [f for f in result.findings if f.kind == "notice" and "declared root" in f.explanation]
