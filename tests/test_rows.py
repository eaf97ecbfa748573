"""The index's family rows: one typed record, written with the keys indexes always held."""

from __future__ import annotations

import json

from lineage.index.build import index_from_files
from lineage.index.rows import FamilyRow
from lineage.models import SourceFile

KEYS = ["name", "source", "source_label", "org", "country", "licence", "weights_licence", "first_seen", "lineage"]


def test_row_keys_and_order() -> None:
    row = FamilyRow("glm4_moe", "vllm", "vllm==0.33.0", "Zhipu AI", "CN", "Apache-2.0", "MIT", "2025-07-28",
                    ("transformers:glm4_moe",))
    assert list(row.to_dict()) == KEYS
    assert row.to_dict()["lineage"] == ["transformers:glm4_moe"]


def test_an_in_memory_index_stores_the_row() -> None:
    code = "class Mixer:\n    def forward(self, x):\n        y = x * 2\n        return y + 1\n"
    header, arrays = index_from_files([SourceFile("m.py", code.encode())], family="ref", source="side",
                                      org="Acme", country="US", licence="MIT")
    meta = json.loads(arrays["meta"].tobytes())
    assert meta["families"] == [{"name": "ref", "source": "side", "source_label": "side", "org": "Acme",
                                 "country": "US", "licence": "MIT", "weights_licence": "", "first_seen": "",
                                 "lineage": []}]
    assert list(meta["families"][0]) == KEYS
