"""Fixture headers written for these tests, and one scancode warm-up per session.

The headers are our own toy files: a vLLM-style reference with a vendor notice, and
variants of a copy that keep, drop, replace, declare or translate that notice.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lineage.models import Match, RefUnit
from lineage.notices import FileNotices, detect_notices, warm_up

REF_PATH = "vllm/model_executor/models/toy_glm.py"
REF_LINE = "# Copyright 2025 The ZhipuAI Inc. team."
REF = f"""# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: Copyright contributors to the vLLM project
{REF_LINE}
\"\"\"A toy mixture-of-experts block used only by lineage's tests.\"\"\"

import torch


class ToyMoE(torch.nn.Module):
    def forward(self, x):
        return x
"""
FRAMEWORK_ONLY = """# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: Copyright contributors to the vLLM project
\"\"\"A toy helper with only the framework header.\"\"\"
"""


def copy_with(replacement: str) -> str:
    """The reference text with its vendor notice line replaced ("" drops the line)."""
    return REF.replace(REF_LINE + "\n", replacement + ("\n" if replacement else ""))


@pytest.fixture(scope="session")
def scancode_ready() -> dict[str, float]:
    """Import cluecode once for the session (the licence index is loaded on demand)."""
    return warm_up(licences=False)


@pytest.fixture(scope="session")
def reference(scancode_ready: dict[str, float]) -> FileNotices:
    return detect_notices(REF_PATH, REF)


@pytest.fixture()
def scan(scancode_ready: dict[str, float]) -> Callable[..., FileNotices]:
    def run(text: str, path: str = "solar/modeling_solar.py", **kwargs: object) -> FileNotices:
        return detect_notices(path, text, **kwargs)  # type: ignore[arg-type]

    return run


def make_match(
    licence: str = "Apache-2.0",
    *,
    path: str = REF_PATH,
    org: str = "Zhipu AI",
    family: str = "vllm:toy_glm",
) -> Match:
    ref = RefUnit(family, org, "CN", licence, "vllm==0.33.0", path, "ToyMoE", 9, 11)
    return Match(ref, 0.97, 0.95, 0.9, 0.93, 0.8, ())


class Toy:
    """The fixture texts and builders, handed to tests as one fixture."""

    REF = REF
    REF_PATH = REF_PATH
    REF_LINE = REF_LINE
    FRAMEWORK_ONLY = FRAMEWORK_ONLY
    copy_with = staticmethod(copy_with)
    make_match = staticmethod(make_match)


@pytest.fixture(scope="session")
def toy() -> type[Toy]:
    return Toy
