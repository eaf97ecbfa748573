"""A file named after an indexed model line holds a newer version of that line's code, which a
later line of another maker, built on it, holds more closely than the index's older copy of the
line's own file: the unit is the named line's code first, not a copy of the later line (a
stranger's review: aphrodite's `qwen3_vl.py` read "high copy of cohere_compass", a 2026 line,
where vLLM 0.33's qwen3_vl holds it at 0.72).  classify/named.py."""

from __future__ import annotations

import pytest

from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding
from lineage.vocab import company
from tests.dir_index import dir_index, scan_text
from tests.classify.conftest import SPDX, other_orgs, unique_function
from tests.classify.test_classify_template_crowd import LARGE_DETAIL, _forward, _with

EXTRA = [  # what the later line added to the elder's code, and the newer version of it holds too
    "        state = state * self.gate(state).sigmoid()\n",
    "        state = self.post_norm(state)\n",
]


def _index(tmp_path_factory: pytest.TempPathFactory, elder: str, later: str, same_maker: bool = False,
           elders: list[str] = LARGE_DETAIL) -> EmbeddedIndex:
    """``elder`` line (first seen ``elder``) holding the forward with ``elders`` (the routed one);
    ``later`` line holding the routed forward with EXTRA; other vendors' files of other code."""
    from lineage import api

    root = tmp_path_factory.mktemp("named-ref")
    orgs = list({company(o): o for o in reversed(other_orgs(40))}.values())[:12]  # (one per company)
    rows = [("elder", orgs[0], elder, _forward("forward", _with(elders))),
            ("later", orgs[0] if same_maker else orgs[1], later, _forward("forward", _with(LARGE_DETAIL + EXTRA)))]
    rows += [(f"fam_{i:02d}", orgs[i], "2024-03-01", "") for i in range(2, 12)]
    lines = ["[source]", 'name = "eng"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"',
             'released = "2026-01-01"', ""]
    for i, (name, org, seen, stage) in enumerate(rows):
        (root / name).mkdir()
        body = f"class Stage(nn.Module):\n{stage}\n\n" if stage else ""
        (root / name / "model.py").write_text(f"# Copyright 2025 {org}\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n"
                                              f"{body}{unique_function(i)}", encoding="utf-8")
        lines += ["[[family]]", f'name = "{name}"', f'include = ["{name}/*.py"]', f'org = "{org}"',
                  f'first_seen = "{seen}"', ""]
    return api.open_index(dir_index(tmp_path_factory, "named", lines))


def _unit(index: EmbeddedIndex, path: str) -> Finding:
    text = (f"# Copyright 2026 Acme Inc.\n{SPDX}\n\nimport torch\nfrom torch import nn\n\n\n"
            f"class AcmeStage(nn.Module):\n{_forward('forward', _with(LARGE_DETAIL + EXTRA))}")
    result = scan_text(index, path, text)
    return next(f for f in result.findings if f.kind == "code-match" and f.unit == "AcmeStage.forward")


@pytest.fixture(scope="module")
def elder_first(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedIndex:
    return _index(tmp_path_factory, "2024-01-01", "2025-06-01")


def test_a_file_named_after_the_elder_line_is_judged_on_its_code(elder_first: EmbeddedIndex) -> None:
    """The newer version of the elder's code, in a file named after it: the elder is named, the
    later line's closer match said in the explanation."""
    unit = _unit(elder_first, "engine/models/elder.py")
    assert unit.matches[0].ref.family == "eng:elder", [m.ref.family for m in unit.matches]
    assert unit.matches[0].similarity < 1.0 and any(m.ref.family == "eng:later" for m in unit.matches)
    assert "eng:later" in unit.explanation and "the file is named after elder" in unit.explanation
    modeling = _unit(elder_first, "modeling_elder.py")  # (transformers' spelling of the same name)
    assert modeling.matches[0].ref.family == "eng:elder"


def test_a_file_named_otherwise_names_the_closest_line(elder_first: EmbeddedIndex) -> None:
    unit = _unit(elder_first, "engine/models/acme.py")
    assert unit.matches[0].ref.family == "eng:later" and unit.matches[0].similarity == 1.0
    assert "is named after" not in unit.explanation


@pytest.mark.parametrize("elder, later, same_maker", [
    ("2025-06-01", "2024-01-01", False),  # the named line is the later one: no elder to name
    ("2024-01-01", "2025-06-01", True),  # one maker's two lines: its later line's code is its own
])
def test_the_named_line_comes_first_only_as_another_makers_elder(
        tmp_path_factory: pytest.TempPathFactory, elder: str, later: str, same_maker: bool) -> None:
    index = _index(tmp_path_factory, elder, later, same_maker)
    unit = _unit(index, "engine/models/elder.py")
    assert unit.matches[0].ref.family == "eng:later" and "is named after" not in unit.explanation


def test_a_name_is_no_way_to_make_a_copy_weigh_less(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The later line's code copied whole into a file named after an elder that holds only part of
    it: judged on the closer match as before, the later line named (a second review: GLM-4-MoE's
    MLP in a file named `deepseek.py` read low against DeepSeek's 0.60 where it read a medium copy)."""
    index = _index(tmp_path_factory, "2024-01-01", "2025-06-01", elders=LARGE_DETAIL[:3])
    unit = _unit(index, "engine/models/elder.py")
    elder = next(m for m in unit.matches if m.ref.family == "eng:elder")
    assert 0.6 <= elder.similarity < 0.8, elder.similarity  # (it holds most of the unit, not all)
    assert unit.matches[0].ref.family == "eng:later" and unit.severity == "high", unit.explanation
    assert "is named after" not in unit.explanation
