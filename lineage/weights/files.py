"""Bounded, non-executing reads of the small JSON and text files beside a checkpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from lineage.errors import SourceError

MAX_SIDE_FILE: Final[int] = 256 * 1024 * 1024


def read_text(root: Path, name: str) -> str | None:
    """The text of ``root/name`` if it is a regular file of sane size, else None."""
    path = root / name
    try:
        if not path.is_file() or path.stat().st_size > MAX_SIDE_FILE:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def read_json(root: Path, name: str) -> Any:
    """Parsed JSON of ``root/name``; None when absent; SourceError when malformed."""
    text = read_text(root, name)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"malformed JSON: {exc.msg} at line {exc.lineno}", source=str(root / name)
        ) from None
    except RecursionError:
        raise SourceError("JSON nested too deeply", source=str(root / name)) from None
