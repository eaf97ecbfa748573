"""A C-speed regex lexer for Python source bytes.

tree-sitter gives units, spans and docstrings; the leaves themselves come from this lexer,
which is about four times faster than visiting every tree node from Python.  Each token
yields a structural kind (identifiers, numbers and strings abstracted) and a lexical text
(names and literals kept).  Comments are dropped.

Every byte that is not whitespace starts a token, so one ``findall`` of "whitespace, then a
token" returns the tokens back to back, each with the whitespace before it, as plain bytes
(no match objects).  Each distinct one is numbered and classified once (``vocab``): a file
becomes an array of ids, and the offsets are running sums of the widths the ids stand for.
"""

from __future__ import annotations

import re

import numpy as np

from lineage.parse.vocab import CONTINUATION, Vocab

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
# Fixed lists, not the running interpreter's ``keyword`` module: Python 3.12 made ``type`` a
# soft keyword, and an index built on one Python must tokenise as a scan on another does.
KEYWORDS = (
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
    "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
)
# Soft keywords (`_`, `case`, `match`, and `type` since 3.12) are names to the structural stream:
# as names they are everywhere (`for _ in ...`, `match = pattern.match(text)`), and renaming them
# must cost a copy no more than renaming any other name; a `match` statement reads as a name.
_KEYWORDS = frozenset(k.encode() for k in KEYWORDS)
_MAX_LEXICAL = 48  # a long literal carries little beyond its first characters


def _classify(raw: bytes) -> tuple[str, str]:
    """(structural kind, lexical text) of a token seen for the first time."""
    found = _PATTERN.match(raw)
    group = found.lastgroup if found is not None else "o"
    if group == "n":
        text = raw.decode("utf-8", "replace")
        return (text if raw in _KEYWORDS else "ID"), text
    if group == "s":
        return "STR", _string_text(raw)[:_MAX_LEXICAL].decode("utf-8", "replace")
    if group == "d":
        return "NUM", raw.decode("ascii", "replace")
    text = raw.decode("utf-8", "replace")
    return text, text


def _string_text(raw: bytes) -> bytes:
    """A string literal's lexical text in one quoting style: formatters choose the quotes
    (black double, ``ast.unparse`` single), the code chooses the prefix and the contents."""
    body = raw.lstrip(b"rRbBuUfF")
    prefix = raw[: len(raw) - len(body)].lower()
    quote = body[:3] if body[:3] in (b"'''", b'"""') else body[:1]
    inner = body[len(quote):]
    if inner.endswith(quote) and len(inner) >= len(quote):
        inner = inner[: len(inner) - len(quote)]
    return prefix + b"'" + inner + b"'"


_VOCAB = [Vocab(_classify)]


def vocabulary() -> Vocab:
    """The process's vocabulary; a new one once it is full (units keep the one they came from)."""
    if _VOCAB[0].full():
        _VOCAB[0] = Vocab(_classify)
    return _VOCAB[0]


def lex_ids(source: bytes, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """(entry ids in ``vocab``, byte offsets), both int64, of the tokens; comments dropped."""
    ids, starts, _ = lex_ids_continued(source, vocab)
    return ids, starts


TAIL = 64  # trailing whitespace from which the search stops at the last token


def _spaced_tokens(source: bytes) -> list[bytes]:
    """Each token with the whitespace before it, as ``_SPACED.findall`` reads them, without searching the
    whitespace after the last token: each of its bytes started a search to the end of the file, so a
    file ending in 20,000 spaces took 18 CPU-seconds, outside any budget.  A last token that reaches
    that whitespace (a string left open) is read again on the whole text, as the search would."""
    end = len(source.rstrip())
    if len(source) - end < TAIL:
        found: list[bytes] = _SPACED.findall(source)
        return found
    found = _SPACED.findall(source, 0, end)
    if found and sum(map(len, found)) == end:
        last = _SPACED.match(source, end - len(found[-1]))
        if last is not None:
            found[-1] = last.group()
    return found


def lex_ids_continued(source: bytes, vocab: Vocab) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``lex_ids``, and the byte offsets of the backslash continuations (int64): the lines they
    end are continued by the next, as one logical line."""
    ids = vocab.number(_spaced_tokens(source))
    kind, _, width, size, comment = vocab.columns()
    starts = np.cumsum(width[ids]) - size[ids]
    dropped = comment[ids]
    continued = starts[:0]
    if dropped.any():
        mark = vocab.kinds.ids.get(CONTINUATION)
        if mark is not None:
            at = np.flatnonzero(dropped)
            continued = starts[at[kind[ids[at]] == mark]]
        keep = ~dropped
        ids, starts = ids[keep], starts[keep]
    return ids, starts, continued


def lex_texts(source: bytes) -> list[str]:
    """``lex``'s lexical texts alone: for a statement's few words (parse/neutral.py, ten thousand times
    a module set), without the offsets and kinds whose arrays cost more than its tokens."""
    vocab = vocabulary()
    ids = vocab.number(_spaced_tokens(source))
    _, text, _, _, comment = vocab.columns()
    return list(vocab.text_strings(text[ids[~comment[ids]]]))


def lex(source: bytes) -> tuple[list[str], list[str], np.ndarray]:
    """Return parallel sequences (structural kinds, lexical texts, byte offsets as int64)."""
    vocab = vocabulary()
    ids, starts = lex_ids(source, vocab)
    kind, text, _, _, _ = vocab.columns()
    return list(vocab.kind_strings(kind[ids])), list(vocab.text_strings(text[ids])), starts


def joined_lines(source: bytes, continued: np.ndarray) -> tuple[int, ...]:
    """The lines that backslash continuations join to the line before (1-based, ascending)."""
    if continued.size == 0:
        return ()
    newlines = np.flatnonzero(np.frombuffer(source, dtype=np.uint8) == 10)
    return tuple((np.searchsorted(newlines, continued, side="right") + 2).tolist())
