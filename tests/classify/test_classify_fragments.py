"""A source resting on fragments too small to judge names neither a source nor a shared line.

Found on unrelated code (rich's ``_null_file.py``, requests' ``_types.py``, torchtune's model
builders): every unit of such a file shares a few fingerprints with some model file, each
finding says "too little code to establish lineage", yet the file read "built on shared code
of the minicpmv line" or "mostly code of its own; 21% is shared code of the deepseek_ocr line,
held by 1 family".  The fixture is our own code: a small class that opens with the three-line
``__init__`` every family of the commons index carries.
"""

from __future__ import annotations

from lineage.classify.fileverdict import NO_EVIDENCE
from lineage.index.embedded import EmbeddedIndex
from lineage.scoring import SCORING
from tests.classify.test_classify_source import commons_index, scan

__all__ = ["commons_index"]  # the fixture, shared with the source tests

FRAGMENT = (
    "import torch\nfrom torch import nn\n\n\n"
    "class Buffer(nn.Module):\n"
    "    def __init__(self, width, eps=1e-6):\n"
    "        super().__init__()\n"
    "        self.weight = nn.Parameter(torch.ones(width))\n"
    "        self.eps = eps\n\n"
    "    def flush(self, out):\n"
    "        out.write(str(self.eps))\n"
    "        return len(str(self.weight))\n"
)


def test_fragments_name_no_source_and_no_shared_line(commons_index: EmbeddedIndex) -> None:
    result, row = scan(commons_index, FRAGMENT)
    matched = [f for f in result.findings if f.kind == "code-match" and f.unit != "<module>"]
    assert matched and all(f.matches[0].shared < SCORING.min_evidence for f in matched)  # fragments only
    assert row["verdict"] == NO_EVIDENCE, row["verdict"]
    assert row["source"]["basis"] == "fragments" and row["source"]["group"] is None
    assert row["origin"].startswith("no source: ") and "built on" not in row["origin"]
    text = result.summary.files["mine/modeling_mine.py"]
    assert "shared code of" not in text.verdict


def test_a_judged_unit_still_names_the_shared_line(commons_index: EmbeddedIndex) -> None:
    """The same class with the whole shared rotary step (a unit with enough code to judge) is
    still "built on shared code": only fragments lose the lineage group.  (The shared norm's
    two statements fell under the evidence floor once `torch.rsqrt(v)` read as `v.rsqrt()`,
    fingerprint/methods.py.)"""
    base = FRAGMENT.replace(
        "    def flush(self, out):\n",
        "    def forward(self, x, positions):\n"
        "        freqs = torch.outer(positions.float(), self.inv_freq)\n"
        "        emb = torch.cat((freqs, freqs), dim=-1)\n"
        "        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)\n\n"
        "    def flush(self, out):\n")
    _, row = scan(commons_index, base)
    assert row["source"]["basis"] == "common", row["source"]
    assert row["verdict"].startswith("built on shared code of the base line"), row["verdict"]
