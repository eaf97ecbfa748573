"""The licence of shared code (classify/sharedlicence.py): a verbatim copy of code that five lines
hold alike names no source and convicts no one, but when every holder is under one licence the
file's own declaration must not leave it out (a stranger's review: transformers' DeepSeek-V3
attention pasted into a file declared proprietary drew no licence finding at all)."""

from __future__ import annotations

from lineage import api
from lineage.config import Config
from lineage.index.embedded import EmbeddedIndex
from lineage.models import Finding, SourceFile
from tests.classify.conftest import unique_function
from tests.classify.test_classify_also_whole import IMPORTS, _code, joined_index  # noqa: F401 (a fixture)

ATTENTION = ("ZetaMoeAttention",)


def _licence(index: EmbeddedIndex, spdx: str) -> tuple[list[Finding], list[Finding]]:
    own = "\n\n".join(unique_function(500 + i) for i in range(8))
    text = (f"# Copyright 2026 Acme Corp.\n# SPDX-License-Identifier: {spdx}\n\n{IMPORTS}"
            + _code(ATTENTION, "Acme") + "\n\n" + own)
    result, _ = api.scan_files([SourceFile("acme/model.py", text.encode())], index, Config(workers=1))
    code = [f for f in result.findings if f.kind == "code-match" and f.severity != "info"]
    return [f for f in result.findings if f.kind == "licence"], code


def test_copies_of_shared_code_under_one_licence_owe_it(joined_index: EmbeddedIndex) -> None:  # noqa: F811
    licence, code = _licence(joined_index, "LicenseRef-Proprietary")
    assert code and all(f.severity == "low" for f in code)  # shared code: no copy verdict
    assert [f.severity for f in licence] == ["low"]
    said = licence[0].explanation
    assert "Apache-2.0" in said and "every one under Apache-2.0" in said and "no one is accused" in said
    assert not any(f.kind == "notice" and f.severity in ("medium", "high") for f in code)


def test_a_licence_that_keeps_the_shared_codes_licence_owes_nothing(joined_index: EmbeddedIndex) -> None:  # noqa: F811
    licence, _ = _licence(joined_index, "Apache-2.0")
    assert licence == []
