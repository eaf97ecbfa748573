"""Five model lines generated from our own fixture code (tests/classify/data/lines/).

A "base" line, a "router" line that adds mixture-of-experts routing to it, a "gate" line (a
sibling) that adds something else, a later "carrier" that only carries the router line's
code, and an "upstage" family that is the router line's code renamed under another holder's
notice and declares its lineage.  The notices are simulated at test time.
"""

from __future__ import annotations

import re
from pathlib import Path

from lineage import api

DATA = Path(__file__).parent / "classify" / "data" / "lines"
NOTICES = {
    "base": "# Copyright 2023 Meta Platforms, Inc. and affiliates.",
    "router": "# Copyright 2024 DeepSeek-AI. All rights reserved.",
    "gate": "# Copyright 2024 Google LLC.",
    "carrier": "# Copyright 2025 Microsoft Corporation.",
    "upstage": "# Copyright 2025 Upstage AI. All rights reserved.",
}
FAMILIES = {  # name: (parts, prefix, org, first seen, declared parents)
    "base": (("base",), "Base", "Meta", "2023-01-01", ()),
    "router": (("base", "router"), "Router", "DeepSeek", "2024-01-01", ("base",)),
    "gate": (("base", "gate"), "Gate", "Google", "2024-06-01", ("base",)),
    "carrier": (("base", "router"), "Carrier", "Microsoft", "2025-01-01", ("router",)),
    "upstage": (("base", "router"), "Solar", "Upstage", "2025-06-01", ("router",)),
}


def code(parts: tuple[str, ...], prefix: str) -> str:
    """Fixture parts joined, the class-name prefix and the helper names renamed."""
    text = "\n\n".join((DATA / f"{p}.py").read_text(encoding="utf-8") for p in parts)
    text = re.sub(r"\bBase(?=[A-Z])", prefix, text)
    return re.sub(r"\bbase_(?=[a-z])", prefix.lower() + "_", text)


def file_text(name: str) -> str:
    parts, prefix, *_ = FAMILIES[name]
    return NOTICES[name] + "\n# SPDX-License-Identifier: Apache-2.0\n" + code(parts, prefix)


def index_families(root: Path, source: str, families: list[tuple[str, str, str, str, tuple[str, ...]]],
                   since: str = "", released: str = "") -> Path:
    """Index one directory per family under `root`; each tuple is (name, file text, organisation,
    first seen, declared parents); ``since``: the source's first public date; ``released``: the
    upload date of the release it stands for.  Returns the index path."""
    rows = []
    for name, text, org, seen, parents in families:
        (root / name).mkdir()
        (root / name / f"modeling_{name}.py").write_text(text, encoding="utf-8")
        lineage = ", ".join(f'"{p}"' for p in parents)
        rows.append(f'[[family]]\nname = "{name}"\ninclude = ["{name}/*.py"]\norg = "{org}"\n'
                    f'first_seen = "{seen}"\nlineage = [{lineage}]\n')
    manifest = root / f"{source}.toml"
    manifest.write_text(f'[source]\nname = "{source}"\nkind = "dir"\npath = "{root}"\nlicence = "Apache-2.0"\n'
                        + (f'since = "{since}"\n' if since else "") + (f'released = "{released}"\n' if released else "")
                        + "\n" + "\n".join(rows), encoding="utf-8")
    out = root / f"{source}.lineage"
    api.build([manifest], out, workers=1)
    return out


def build_lines_index(root: Path, names: tuple[str, ...] = tuple(FAMILIES),
                      banners: dict[str, str] | None = None) -> Path:
    """The families `names` written under `root` and indexed (source "ln"); the index path.
    ``banners`` puts a first line of our choosing in front of some families' files."""
    return index_families(root, "ln", [(name, (banners or {}).get(name, "") + file_text(name), FAMILIES[name][2],
                                        FAMILIES[name][3], FAMILIES[name][4]) for name in names])
