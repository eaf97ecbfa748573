"""`lineage verify` judges a suspect file's notice only on code it holds as a copy.

Two files that each write the same small helper alike (the same ALiBi-style slopes, two ports
of one upstream) resemble each other in part; under different holders' notices, that partial
resemblance made each file "replace" the other's notice, both ways.  A notice is judged
removed or replaced only on a unit that holds the reference's code at a copy's strength.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.workflow.conftest import run

REFERENCE = '# Copyright 2024 The Gamma Authors and Acme Research.\n# SPDX-License-Identifier: Apache-2.0\nimport math\n\nimport torch\n\n\ndef slopes_for_heads(total_heads: int) -> torch.Tensor:\n    nearest = 2 ** math.floor(math.log2(total_heads))\n    base = torch.tensor(2 ** (-(2 ** -(math.log2(nearest) - 3))), dtype=torch.float32)\n    powers = torch.arange(1, 1 + nearest, dtype=torch.int32)\n    slopes = torch.pow(base, powers)\n    if nearest != total_heads:\n        extra_base = torch.tensor(2 ** (-(2 ** -(math.log2(2 * nearest) - 3))), dtype=torch.float32)\n        remaining = min(nearest, total_heads - nearest)\n        extra_powers = torch.arange(1, 1 + 2 * remaining, 2, dtype=torch.int32)\n        slopes = torch.cat([slopes, torch.pow(extra_base, extra_powers)], dim=0)\n    return slopes\n\n\nclass GammaBlock(torch.nn.Module):\n    def __init__(self, width: int, heads: int) -> None:\n        super().__init__()\n        self.heads = heads\n        self.proj = torch.nn.Linear(width, width * 3)\n        self.out = torch.nn.Linear(width, width, bias=False)\n        self.drop = torch.nn.Dropout(0.1)\n        self.register_buffer("slopes", slopes_for_heads(heads), persistent=False)\n\n    def forward(self, x: torch.Tensor) -> torch.Tensor:\n        q, k, v = self.proj(x).chunk(3, dim=-1)\n        scores = torch.einsum("bqd,bkd->bqk", q, k) / math.sqrt(q.shape[-1])\n        weights = self.drop(torch.softmax(scores, dim=-1))\n        return self.out(weights @ v)\n'

PARTIAL = '# Copyright 2023 Delta Labs Inc. and Zeta Foundation.\n# SPDX-License-Identifier: Apache-2.0\nimport math\n\nimport torch\n\n\ndef slopes_for_heads(total_heads: int) -> torch.Tensor:\n    nearest = 2 ** math.floor(math.log2(total_heads))\n    base = torch.tensor(\n        2 ** (-(2 ** -(math.log2(nearest) - 3))),\n        dtype=torch.float32,\n    )\n    powers = torch.arange(1, 1 + nearest, dtype=torch.int32)\n    slopes = torch.pow(base, powers)\n    if nearest != total_heads:\n        extra = torch.tensor(2 ** (-(2 ** -(math.log2(2 * nearest) - 3))), dtype=torch.float32)\n        count = min(nearest, total_heads - nearest)\n        steps = torch.arange(start=1, end=1 + 2 * count, step=2, dtype=torch.int32)\n        slopes = torch.cat([slopes, extra.pow(steps)])\n    return slopes.float()\n\n\nclass DeltaLayer(torch.nn.Module):\n    def __init__(self, dim: int, n_heads: int) -> None:\n        super().__init__()\n        self.wq = torch.nn.Linear(dim, dim, bias=False)\n        self.wk = torch.nn.Linear(dim, dim, bias=False)\n        self.wv = torch.nn.Linear(dim, dim, bias=False)\n        self.alibi = slopes_for_heads(n_heads)\n\n    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:\n        att = self.wq(h) @ self.wk(h).transpose(-1, -2)\n        att = att.masked_fill(mask == 0, float("-inf"))\n        return att.softmax(-1) @ self.wv(h)\n'

BLOCK = 'class GammaBlock(torch.nn.Module):\n    def __init__(self, width: int, heads: int) -> None:\n        super().__init__()\n        self.heads = heads\n        self.proj = torch.nn.Linear(width, width * 3)\n        self.out = torch.nn.Linear(width, width, bias=False)\n        self.drop = torch.nn.Dropout(0.1)\n        self.register_buffer("slopes", slopes_for_heads(heads), persistent=False)\n\n    def forward(self, x: torch.Tensor) -> torch.Tensor:\n        q, k, v = self.proj(x).chunk(3, dim=-1)\n        scores = torch.einsum("bqd,bkd->bqk", q, k) / math.sqrt(q.shape[-1])\n        weights = self.drop(torch.softmax(scores, dim=-1))\n        return self.out(weights @ v)\n'


def _exhibit(tmp_path: Path, suspect_text: str, reference_text: str = REFERENCE) -> dict:  # type: ignore[type-arg]
    (tmp_path / "s").mkdir(parents=True)
    (tmp_path / "r").mkdir()
    (tmp_path / "s" / "modeling_delta.py").write_text(suspect_text, encoding="utf-8")
    (tmp_path / "r" / "modeling_gamma.py").write_text(reference_text, encoding="utf-8")
    done = run("verify", tmp_path / "s", "--against", tmp_path / "r", "--no-index", "--format", "json",
               "--exit-zero")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_a_partial_resemblance_does_not_judge_the_notice_in_either_direction(tmp_path: Path) -> None:
    for name, suspect, reference in (("one", PARTIAL, REFERENCE), ("other", REFERENCE, PARTIAL)):
        (tmp_path / name).mkdir()
        data = _exhibit(tmp_path / name, suspect, reference)
        helper = [m for m in data["matches"] if m["unit"] == "slopes_for_heads"]
        assert helper and helper[0]["severity"] != "info"  # the resemblance is reported ...
        assert helper[0]["attribution"] is None  # ... but says nothing of the notice
        assert "no notice judgement from a partial resemblance" in helper[0]["verdict"]
        assert "Notices: not judged" in data["summary"]["statement"]
        assert not any(m["attribution"] in ("removed", "replaced") for m in data["matches"])


def test_a_copy_under_another_holders_notice_is_still_judged(tmp_path: Path) -> None:
    """Control: the same suspect holding the reference's block as it is: the notice is judged, and
    as the block is under a quarter of a file otherwise its own, under its own holders' notice, the
    reference's notice was removed, not replaced (attribution.small_part); the block alone under
    that notice replaced it."""
    data = _exhibit(tmp_path / "part", PARTIAL + "\n\n" + BLOCK)
    copied = [m for m in data["matches"] if m["unit"].startswith("GammaBlock")]
    assert copied and {m["attribution"] for m in copied} == {"removed"}
    assert all(m["severity"] == "low" for m in copied)  # (no corpus: low at most, verify.UNBACKED)
    assert "Notices: removed (said of code rated low at most" in data["summary"]["statement"]
    # the notices section says what the statement and the units say (it had said "replaced")
    entries = [a for a in data["notices"]["attribution"] if a["suspect"] == "modeling_delta.py"]
    assert entries and {a["state"] for a in entries} == {"removed"}, entries
    assert "was removed" in entries[0]["explanation"]
    assert "not that a copy dropped them" in entries[0]["explanation"]  # (no unit above low: verify.UNSHOWN)
    assert entries[0]["copy_shown"] is False  # (said in the data too: the state alone read as an accusation)
    head = PARTIAL[: PARTIAL.index("import math")] + "import math\n\nimport torch\n\n\n"
    alone = _exhibit(tmp_path / "alone", head + BLOCK)
    assert {m["attribution"] for m in alone["matches"] if m["unit"].startswith("GammaBlock")} == {"replaced"}
    assert "Notices: replaced" in alone["summary"]["statement"]
    assert {a["state"] for a in alone["notices"]["attribution"]} == {"replaced"}

