"""Simulated vendor notices for lineage's own fixture files, applied at test time.

The reference files under tests/*/data/ are test code written for lineage.  To exercise
notice comparison they must carry a vendor's notice when scanned, but the committed files
carry none: their first two lines are a placeholder, replaced here with the simulated notice
(same line count, so every line number the tests check stays put).
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
PLACEHOLDER = "# lineage test fixture: a simulated notice replaces these two lines at test time"
ZHIPU = ("# Copyright 2025 The ZhipuAI Inc. team.", "# SPDX-License-Identifier: Apache-2.0")
NOTICES = {
    "classify/data/glm4_moe/modeling_glm4_moe.py": ZHIPU,
    "classify/data/glm4_moe/tool_parser_glm4_moe.py": ZHIPU,
    "classify/data/scan/tool_parser.py": ("# Copyright 2026 Acme Inc.", "# SPDX-License-Identifier: MIT"),
    "workflow/data/alpha/modeling_alpha.py": ("# Copyright 2025 The Zhipu AI team. All rights reserved.",
                                              "# SPDX-License-Identifier: Apache-2.0"),
}


def with_notice(path: Path) -> str:
    """The fixture's text as the tests scan it: its simulated notice in place of the placeholder."""
    text = path.read_text(encoding="utf-8")
    notice = NOTICES.get(path.resolve().relative_to(TESTS).as_posix())
    if notice is None:
        return text
    first, second, rest = text.split("\n", 2)
    assert first == PLACEHOLDER, f"{path}: expected the notice placeholder on line 1"
    return "\n".join([*notice, rest])


def copy_with_notices(src: Path, dest: Path) -> Path:
    """A copy of the fixture tree `src` at `dest`, notices applied."""
    for path in sorted(src.rglob("*.py")):
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(with_notice(path), encoding="utf-8")
    return dest
