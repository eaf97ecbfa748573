"""Third-party code a reference family's file vendors is said as such (classify/vendored.py): a
copy of a kernel that a model's serving code keeps under `third_party/`, crediting the kernel's
authors, names the family where the code was found and whom its file credits, not the model's
maker as the code's author.  Every fixture here is our own code."""

from __future__ import annotations

import pytest

from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult
from tests.dir_index import dir_index, scan_text

KERNELS = "".join(f'''

def _scan_chunk_{k}(state, keys, values, decay, start, width):
    total = state * decay ** width
    for step in range(start, start + width):
        gate = decay ** (start + width - step - 1)
        total = total + gate * keys[step] * values[step] + {k}
        if total > {k + 10} * width:
            total = total / (step + {k + 1})
    return total, state - total * {k + 2}
''' for k in range(5))

THIRD_PARTY = ("# SPDX-License-Identifier: Apache-2.0\n# SPDX-FileCopyrightText: Copyright contributors to the vLLM project\n"
               "#\n# This file contains code copied from the example-scan-kernels project.\n"
               "# Copyright (c) 2024, Ada Example, Bo Sample\n\nimport torch\n" + KERNELS)
OWN = "# Copyright 2025 Zhipu AI. All rights reserved.\n# SPDX-License-Identifier: Apache-2.0\n\nimport torch\n" + KERNELS
# an engine's port whose header names the maker in a spelling of its own beside its lineage's holder,
# and says the code was modified from its original forms
PORT = ("# SPDX-License-Identifier: Apache-2.0\n# Copyright 2025 The ZhipuAI Team.\n"
        "# Copyright 2022 Ada Example and the Sample Inc. team. All rights reserved.\n#\n"
        "# This code is based on an earlier library. It has been modified from its original forms.\n\n"
        "import torch\n" + KERNELS.replace("_scan_chunk_", "_lambda_chunk_"))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    from lineage import api

    root = tmp_path_factory.mktemp("vendored-ref")
    lines = ["[source]", 'name = "eng"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"', ""]
    for name, rel, text in (("zeta", "zeta/ops/third_party/scan/chunk.py", THIRD_PARTY),
                            ("kappa", "kappa/ops/chunk.py", OWN.replace("_scan_chunk_", "_kappa_chunk_")),
                            ("lambda", "lambda/models/lam.py", PORT)):
        (root / rel).parent.mkdir(parents=True)
        (root / rel).write_text(text, encoding="utf-8")
        lines += ["[[family]]", f'name = "{name}"', f'include = ["{name}/**/*.py"]', 'org = "Zhipu AI"',
                  'first_seen = "2025-06-01"', ""]
    for i in range(4):
        (root / f"other_{i}").mkdir()
        (root / f"other_{i}" / "m.py").write_text(f"# Copyright 2025 Other {i}\n\n\ndef f_{i}(a):\n    return a + {i}\n",
                                                   encoding="utf-8")
        lines += ["[[family]]", f'name = "other_{i}"', f'include = ["other_{i}/*.py"]', 'org = "Meta"', ""]
    out = dir_index(tmp_path_factory, "vendored", lines)
    return api.open_index(out)


def _scan(index: EmbeddedIndex, text: str) -> ScanResult:
    return scan_text(index, "ops/scan.py", text)


COPY_HEAD = ("# This file contains code copied from the example-scan-kernels project.\n"
             "# Copyright (c) 2024, Ada Example, Bo Sample\n# SPDX-License-Identifier: MIT\n\nimport torch\n")


def test_a_copy_of_vendored_code_says_whom_the_reference_credits(index: EmbeddedIndex) -> None:
    result = _scan(index, COPY_HEAD + KERNELS)
    code = [f for f in result.findings if f.kind == "code-match" and f.matches[0].ref.family == "eng:zeta"]
    assert code and all(f.details.vendored == "Ada Example, Bo Sample" for f in code)
    assert all("third-party code its file credits to Ada Example, Bo Sample" in f.details.verdict for f in code)
    verdict = result.summary.files["ops/scan.py"].verdict
    assert "zeta (Zhipu AI, CN; third-party code its file credits to Ada Example, Bo Sample, not the model maker's)" \
        in verdict, verdict


def test_a_copy_of_the_makers_own_code_names_the_maker(index: EmbeddedIndex) -> None:
    """The same code in a file under the maker's own notice (kappa): no vendoring said."""
    result = _scan(index, "# Copyright 2026 Acme\n\nimport torch\n" + KERNELS.replace("_scan_chunk_", "_kappa_chunk_"))
    code = [f for f in result.findings if f.kind == "code-match" and f.matches[0].ref.family == "eng:kappa"]
    assert code and not any(f.details.vendored for f in code)
    assert "third-party" not in result.summary.files["ops/scan.py"].verdict


def test_a_port_whose_header_names_the_maker_in_its_own_spelling_vendors_nothing(index: EmbeddedIndex) -> None:
    """vLLM's glm4_moe.py names "The ZhipuAI Team" beside EleutherAI's line and says it was modified
    from its original forms: its code is the maker's port, not third-party code it credits to others."""
    result = _scan(index, "# Copyright 2026 Acme\n\nimport torch\n" + KERNELS.replace("_scan_chunk_", "_lambda_chunk_"))
    code = [f for f in result.findings if f.kind == "code-match" and f.matches[0].ref.family == "eng:lambda"]
    assert code and not any(f.details.vendored for f in code)
    assert "third-party" not in result.summary.files["ops/scan.py"].verdict


# a larger kernel of our own, as an engine vendored it, and as its own project has it now (evolved since:
# a partial resemblance, too weak to judge notices by)
BIG = """

def _recurrent_chunk(state, keys, values, decay, gates, start, width, scale, eps):
    out = []
    norm = state.new_zeros(state.shape[0])
    for step in range(start, start + width):
        key = keys[step] * scale
        value = values[step]
        gate = gates[step].sigmoid()
        state = state * decay[step] + gate * key.unsqueeze(-1) * value.unsqueeze(-2)
        norm = norm * decay[step] + gate * key
        read = (state * key.unsqueeze(-1)).sum(-2)
        denom = (norm * key).sum(-1).clamp(min=eps)
        out.append(read / denom.unsqueeze(-1))
        if step % 16 == 15:
            state = state / state.norm(dim=(-1, -2), keepdim=True).clamp(min=1.0)
    total = torch.stack(out, dim=0)
    residual = total.mean(dim=0, keepdim=True)
    return total - residual * eps, state, norm
"""
EVOLVED = BIG.replace("        gate = gates[step].sigmoid()\n",
                      "        gate = gates[step].float().sigmoid()\n        gate = gate * mask[step]\n") \
    .replace("def _recurrent_chunk(state,", "def _recurrent_chunk(state, mask,") \
    .replace("    residual = total.mean(dim=0, keepdim=True)\n", "    residual = total.mean(dim=0, keepdim=True)\n"
             "    residual = residual.to(total.dtype)\n    if width > 64:\n        residual = residual * 0.5\n")


@pytest.fixture(scope="module")
def big_index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    from lineage import api

    root = tmp_path_factory.mktemp("vendored-big")
    lines = ["[source]", 'name = "eng"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"', ""]
    rel = "zeta/ops/third_party/rec/chunk.py"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text(THIRD_PARTY.split("import torch")[0] + "import torch\n" + BIG, encoding="utf-8")
    lines += ["[[family]]", 'name = "zeta"', 'include = ["zeta/**/*.py"]', 'org = "Zhipu AI"', 'first_seen = "2025-06-01"',
              ""]
    return api.open_index(dir_index(tmp_path_factory, "vendored-big", lines))


def _weak(result: ScanResult) -> list[str]:
    return [f"{f.severity} {f.attribution}" for f in result.findings if f.kind == "code-match"]


def test_the_vendored_project_s_own_evolved_code_is_its_own(big_index: EmbeddedIndex) -> None:
    """flash-linear-attention's own kernel file, under its authors' notice, read as a medium partial
    copy of vLLM's kimi_k3, whose `third_party/` copy credits those authors (a stranger's review):
    the file's notice names whom the reference credits, so the code may be theirs (state own)."""
    other = _scan(big_index, "# Copyright 2026 Acme Corp.\n\nimport torch\n" + EVOLVED)
    assert any(w.startswith(("medium", "high")) for w in _weak(other)), _weak(other)
    mine = _scan(big_index, "# Copyright (c) 2023-2026, Ada Example, Bo Sample, Cy Third\n\nimport torch\n" + EVOLVED)
    weak = _weak(mine)
    assert weak and all(w.endswith(" own") and not w.startswith(("medium", "high")) for w in weak), weak
    assert "code of Ada Example, Bo Sample, whom the reference credits" in mine.summary.files["ops/scan.py"].verdict


def test_a_copier_naming_the_vendored_authors_beside_itself_is_not_cleared(big_index: EmbeddedIndex) -> None:
    """Their names kept beside one's own holder: the file may be a copy keeping their line (low, not info)."""
    both = _scan(big_index, "# Copyright 2026 Acme Corp.\n# Copyright (c) 2023-2026, Ada Example, Bo Sample\n\n"
                            "import torch\n" + EVOLVED)
    weak = _weak(both)
    assert weak and all(w.endswith(" own") and w.startswith("low") for w in weak), weak
