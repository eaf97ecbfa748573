"""benchmarks/shipped_dates.py: which files of an old release stand for a family's pinned files."""

from __future__ import annotations

import io
import zipfile

from shipped_dates import _Release, _renamed


def _release(*paths: str) -> _Release:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in paths:
            zf.writestr(path, "x = 1\n")
    return _Release("pkg-0.1.0-py3-none-any.whl", buffer.getvalue())


def test_a_file_renamed_by_dropping_a_version_suffix_was_shipped_under_its_old_name() -> None:
    """SGLang's models/llama2.py became models/llama.py: the llama port shipped from the first."""
    old = _release("pkg/models/llama2.py", "pkg/models/qwen2.py", "pkg/models/gemma_v1.py", "pkg/other/mixtral3.py")
    stems = frozenset({"llama", "qwen", "qwen2", "gemma", "mixtral"})
    assert _renamed(old, "pkg/models/llama.py", stems)
    assert _renamed(old, "pkg/models/gemma.py", stems)
    assert not _renamed(old, "pkg/models/qwen.py", stems)  # qwen2.py is the qwen2 family's own file
    assert not _renamed(old, "pkg/models/mixtral.py", stems)  # another folder
    assert not _renamed(old, "pkg/models/llama.py", stems | {"llama2"})  # a pinned llama2.py is its own file
