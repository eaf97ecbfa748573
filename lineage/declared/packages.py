"""The packages a file imports by absolute name: what a reference file builds on.

ModelScope's MMSpeech imports ``fairseq.models.wav2vec.wav2vec2``: scanned, fairseq's own
wav2vec2 matches it, and the match shows MMSpeech taking fairseq's code in, not fairseq copying
MMSpeech (classify/origins.py).  An index build stores each reference file's top-level imported
packages; the standard library and the file's own package are left out, and so, at scan time,
are packages that many reference files import (torch, transformers: frameworks, not origins).
Read from the text by lines (no parse: it runs for every file a build or scan compacts).
"""

from __future__ import annotations

import re
import sys

MAX_PACKAGES = 64  # kept per file
_IMPORT = re.compile(r"(?:^|;)[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b|import[ \t]+([^#\n;]+))", re.MULTILINE)
_NAME = re.compile(r"^\s*([A-Za-z_]\w*)")
_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def imported_packages(text: str, path: str = "") -> tuple[str, ...]:
    """Top-level packages the text imports by absolute name, sorted; not the standard library's,
    nor that of the file's own first path component (a package's imports of itself)."""
    own = path.split("/", 1)[0] if "/" in path else ""
    found: set[str] = set()
    for match in _IMPORT.finditer(text):
        if match.group(1):
            found.add(match.group(1))
        else:
            for part in match.group(2).split(","):
                name = _NAME.match(part)
                if name:
                    found.add(name.group(1))
    found -= _STDLIB
    found.discard(own)
    return tuple(sorted(found))[:MAX_PACKAGES]


def package_dirs(path: str) -> frozenset[str]:
    """The directory names of a scanned file's path: the packages it may belong to."""
    return frozenset(path.split("/")[:-1])
