"""A C-speed regex lexer for Python source bytes.

tree-sitter gives units, spans and docstrings; the leaves themselves come from this lexer,
which is about four times faster than visiting every tree node from Python.  Each token
yields a structural kind (identifiers, numbers and strings abstracted) and a lexical text
(names and literals kept).  Comments are dropped.

Every byte that is not whitespace starts a token, so one ``findall`` of "whitespace, then a
token" returns the tokens back to back, as plain bytes (no match objects): their offsets are
running sums of their lengths.  Each distinct token is classified once, in Python, by
matching it again with the named groups; every other step is a C loop (``map``, numpy).
"""

from __future__ import annotations

import keyword
import re
from itertools import compress

import numpy as np

_TOKEN = (
    rb"(?P<c>\#[^\n]*|\\\r?\n)"  # comments and backslash continuations are not tokens
    # strings: possessive repeats (`*+`) keep no backtracking state per character, so a
    # 2 MB literal or an unclosed triple quote costs no more memory than its own bytes
    rb"|(?P<s>(?:[rRbBuUfF]{0,2})(?:'''(?:\\.|'(?!'')|[^'\\])*+(?:'''|\Z)"
    rb"|\"\"\"(?:\\.|\"(?!\"\")|[^\"\\])*+(?:\"\"\"|\Z)"
    rb"|'(?:\\.|[^'\\\n])*+'?|\"(?:\\.|[^\"\\\n])*+\"?))"
    rb"|(?P<n>[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)"
    rb"|(?P<d>0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)"
    rb"|(?P<o>\*\*=|//=|>>=|<<=|\.\.\.|->|:=|==|!=|<=|>=|\*\*|//|<<|>>|[-+*/%&|^@]=|[^\s\w])"
)
# one token with its group, for classifying a token seen for the first time
_PATTERN = re.compile(_TOKEN, re.DOTALL)
# whitespace then one token, groups made non-capturing so that findall returns whole matches
_SPACED = re.compile(rb"\s*(?:" + re.sub(rb"\(\?P<\w>", b"(?:", _TOKEN) + rb")", re.DOTALL)
_KEYWORDS = frozenset(k.encode() for k in [*keyword.kwlist, *keyword.softkwlist])
_MAX_LEXICAL = 48  # a long literal carries little beyond its first characters
_HASH, _BACKSLASH = ord("#"), ord("\\")

_KIND: dict[bytes, str] = {}
_TEXT: dict[bytes, str] = {}


def _classify(raw: bytes) -> tuple[str, str]:
    found = _PATTERN.match(raw)
    group = found.lastgroup if found is not None else "o"
    if group == "n":
        text = raw.decode("utf-8", "replace")
        return (text if raw in _KEYWORDS else "ID"), text
    if group == "s":
        return "STR", raw[:_MAX_LEXICAL].decode("utf-8", "replace")
    if group == "d":
        return "NUM", raw.decode("ascii", "replace")
    text = raw.decode("utf-8", "replace")
    return text, text


def lex(source: bytes) -> tuple[list[str], list[str], np.ndarray]:
    """Return parallel sequences (structural kinds, lexical texts, byte offsets as int64)."""
    spaced = _SPACED.findall(source)
    tokens = list(map(bytes.lstrip, spaced))
    ends = np.cumsum(np.fromiter(map(len, spaced), dtype=np.int64, count=len(spaced)))
    sizes = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    starts = ends - sizes
    first = np.frombuffer(source, dtype=np.uint8)[starts] if starts.size else np.empty(0, np.uint8)
    comment = (first == _HASH) | ((first == _BACKSLASH) & (sizes > 1))
    if comment.any():
        keep = ~comment
        tokens = list(compress(tokens, keep.tolist()))
        starts = starts[keep]
    if len(_KIND) > 500_000:  # long-running builds: keep memory bounded
        _KIND.clear()
        _TEXT.clear()
    for raw in set(tokens).difference(_KIND):
        _KIND[raw], _TEXT[raw] = _classify(raw)
    return list(map(_KIND.__getitem__, tokens)), list(map(_TEXT.__getitem__, tokens)), starts
