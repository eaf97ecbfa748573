"""Fixtures of the benchmark-tool tests: benchmarks/ importable, the pinned transformers wheel.

benchmarks/ is a directory of scripts, not a package: they import each other by module name
with their own directory on sys.path (see benchmarks/run.py).  These tests do the same, so
``import obfuscate`` and ``import truth`` resolve here exactly as they do for the scripts.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

from truth import FILENAME, SHA256  # noqa: E402


@pytest.fixture(scope="session")
def transformers_wheel() -> Path:
    """The pinned transformers wheel from lineage's cache; the test is skipped when it is not
    on disk (tests never download it: `make index` or `python benchmarks/truth.py` does)."""
    from lineage.source.fetch import cache_dir

    for candidate in sorted((cache_dir() / "pypi" / "transformers-5.23.0").glob(f"*/{FILENAME}")):
        if hashlib.sha256(candidate.read_bytes()).hexdigest() == SHA256:
            return candidate
    pytest.skip(f"{FILENAME} is not in lineage's cache")
