"""Junk statements out of units before fingerprinting: insertion of no-ops and dead stores defeated.

The cheapest way to hide a copy from k-gram fingerprints is to put a junk statement between
the copied ones (`_u3 = 42`): every k-gram spanning two statements changes.  A plain
`NAME = ...` statement at bracket depth 0 whose NAME appears nowhere else in its function
is a dead store: its value is never read, so it says nothing about what the code does.  Such
statements are dropped from function and method units, on both the reference side and the
scanned side (the same code fingerprints both).  Statements with no effect at all (`pass`, a
bare constant, a bare name or attribute chain) are dropped from class bodies as well.
Diagnostics go from function and method units too: ``assert`` statements and logging calls
(``NAME.debug(...)``, ``logger.warning_once(...)``, ``warnings.warn(...)`` as whole statements).
They check or report and never compute what the code returns, and they are what a copier adds
or removes freely: a log line and an assert at the top of every function cost the units of
transformers' modeling files 8% of their structural fingerprints.  Module
bodies are left alone, and so are assignments in class bodies: they are attributes and
constants read from elsewhere.

All the units of a file are judged at once, with numpy over their tokens back to back (a
Python loop per token was a large share of the build time); statements never cross units.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np

from lineage.parse.neutral import ACTING, FALSE, KEYWORDS, NOT_CALLED, PURE_CALLS, SAFE_CALLS, TRUE, neutral

FUNCTION_KINDS = ("function", "method")
_OPEN, _CLOSE, _NAME, _EQ, _DOT, _CONST, _ASSERT = 1, 2, 4, 8, 16, 32, 64
# soft keywords are names when assigned to
_FLAGS = {
    **{k: _OPEN for k in "([{"}, **{k: _CLOSE for k in ")]}"},
    **{k: _NAME for k in ("ID", "_", "match", "case", "type")},
    **{k: _CONST for k in ("NUM", "STR", "None", "True", "False", "...", "pass")},
    "=": _EQ, ".": _DOT, "assert": _ASSERT,
}
# methods whose call, as a whole statement, only reports: logging's levels, transformers' `_once`
# variants, `warnings.warn`
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal",
                         "warning_once", "info_once", "warning_advice"})
NONE, EFFECT, STORES = 0, 1, 2  # per unit: left alone, no-effect statements out, dead stores out too


def _depth_before(flags: np.ndarray, unit_of: np.ndarray, offsets: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Bracket depth before each token, counted from its unit's start and never below 0.

    A running sum floored at 0 is the plain running sum minus the lowest point it has reached
    (or 0); units are kept apart by shifting each one far below the previous ones."""
    n = flags.size
    step = (flags & _OPEN).astype(np.int64) - ((flags & _CLOSE) > 0)
    total = np.cumsum(step)
    at = np.minimum(offsets, n - 1)  # an empty unit's base is never read
    base = total[at] - step[at]  # running sum before each unit's first token
    local = total - base[unit_of]
    shift = unit_of * (2 * n + 2)
    lowest = np.minimum.accumulate(local - shift) + shift
    after = local - np.minimum(lowest, 0)
    before = np.empty(n, dtype=np.int64)
    before[0] = 0
    before[1:] = after[:-1]
    before[first] = 0
    return before


def junk_mask(modes: np.ndarray, lengths: np.ndarray, kinds: Sequence[str], texts: Sequence[str],
              lines: np.ndarray) -> np.ndarray:
    """``junk_mask_ids`` for tokens given as strings."""
    numbered = dict(zip(dict.fromkeys(texts), range(len(texts))))
    text_ids = np.fromiter(map(numbered.__getitem__, texts), dtype=np.int64, count=len(texts))
    return junk_mask_ids(modes, lengths, flags_of(kinds), text_ids, lines, log_texts(list(numbered)),
                         list(numbered))


def log_texts(texts: Sequence[str]) -> np.ndarray:
    """Per text (in numbering order): whether it names a logging method (bool)."""
    return np.fromiter((t in LOG_METHODS for t in texts), dtype=bool, count=len(texts))


def flags_of(kinds: Sequence[str]) -> np.ndarray:
    """The statement-shape flags of token kinds (int64)."""
    return np.fromiter(map(_FLAGS.get, kinds, repeat(0)), dtype=np.int64, count=len(kinds))


_STARTERS = frozenset({"del", "print"}) | PURE_CALLS
# what the value of `x = <name spelt the long way>` can start with besides the name
_SPELT_FROM = frozenset({"(", "[", "{", "+", "-", "copy"}) | TRUE | FALSE
_IDENTITY_WORDS = 48  # an assignment this long or shorter is read for the name spelt the long way


def _neutral_statements(words: Sequence[str], text_ids: np.ndarray, starts: np.ndarray, size: np.ndarray,
                        judged: np.ndarray) -> np.ndarray:
    """Per statement: judged, and ``neutral`` by its words (``words``: token texts by id; only the
    short statements, those that start with `del`, `print` or a builtin, and assignments of a
    bracket or of the name itself (`x = (lambda v: v)(x)`, `x = x if c else x`) are read word by word)."""
    found = np.zeros(starts.size, dtype=bool)
    firsts = text_ids[starts]
    starters = _texts_in(firsts, words, _STARTERS)
    n = text_ids.size
    second, third = text_ids[np.minimum(starts + 1, n - 1)], text_ids[np.minimum(starts + 2, n - 1)]
    spelt = (size >= 4) & (size <= _IDENTITY_WORDS) & _texts_in(second, words, frozenset({"="})) \
        & ((third == firsts) | _texts_in(third, words, _SPELT_FROM))
    idle = judged & (size >= 2) & (size <= 64) & ((~_texts_in(firsts, words, KEYWORDS)
                                                  & ~_acting(words, text_ids, starts, size)) | _quoted(firsts, words))
    middle = text_ids[np.minimum(starts + size // 2, n - 1)]
    mirrored = (size >= 3) & (size <= _IDENTITY_WORDS) & (_texts_in(middle, words, frozenset({"="}))
                                                          | _texts_in(firsts, words, frozenset({"("}))
                                                          | _texts_in(second, words, frozenset({","})))
    for at in np.flatnonzero(judged & (((size == 3) | (size == 5)) | (starters & (size <= 64)) | spelt | idle
                                       | mirrored)).tolist():
        lo = int(starts[at])
        if neutral([words[i] for i in text_ids[lo: lo + int(size[at])].tolist()]):
            found[at] = True
    return found


def _acting(words: Sequence[str], text_ids: np.ndarray, starts: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Per statement: it holds a call (a `(` after a name or a bracket) or an assignment."""
    n = text_ids.size
    before = np.empty(n, dtype=text_ids.dtype)
    before[0] = text_ids[0]
    before[1:] = text_ids[:-1]
    # (a builtin of SAFE_CALLS, or a parenthesised lambda, is read word by word: parse/neutral.py)
    called = _texts_in(text_ids, words, frozenset({"("})) & ~_texts_in(before, words, NOT_CALLED | SAFE_CALLS | {")"})
    called[starts] = False  # a statement that opens with a bracket calls nothing by it
    acting = called | _texts_in(text_ids, words, ACTING)
    stmt_of = np.repeat(np.arange(starts.size), size)
    return np.bincount(stmt_of[acting], minlength=starts.size) > 0


def _quoted(ids: np.ndarray, words: Sequence[str]) -> np.ndarray:
    """Per id: its text is a string literal."""
    return _texts_where(ids, words, _is_quoted, "quoted")


def _is_quoted(word: str) -> bool:
    return word[:1] in ("'", '"')


def _texts_in(ids: np.ndarray, words: Sequence[str], wanted: frozenset[str]) -> np.ndarray:
    """Per id: its text is one of ``wanted``."""
    return _texts_where(ids, words, wanted.__contains__, wanted)


_TABLES: dict[object, np.ndarray] = {}  # per test: whether each text of the vocabulary below passes it
_TABLES_OF: list[Sequence[str]] = []  # (the vocabulary they are of: one file's, the one last read)


def _texts_where(ids: np.ndarray, words: Sequence[str], test: Callable[[str], bool], key: object) -> np.ndarray:
    """Per id: its text passes ``test`` (named ``key``), each text of the vocabulary looked up once
    for all calls (a vocabulary only grows, its ids keep their texts: what it gained since is
    looked up as it comes)."""
    if not _TABLES_OF or _TABLES_OF[0] is not words:
        _TABLES.clear()
        _TABLES_OF[:] = [words]
    table = _TABLES.get(key, _NONE)
    if table.size < len(words):
        grown = np.fromiter((test(w) for w in words[table.size:]), dtype=bool, count=len(words) - table.size)
        table = _TABLES[key] = np.concatenate([table, grown])
    out: np.ndarray = table[ids]
    return out


_NONE = np.zeros(0, dtype=bool)


def junk_mask_ids(modes: np.ndarray, lengths: np.ndarray, flags: np.ndarray, text_ids: np.ndarray,
                  lines: np.ndarray, logs: np.ndarray | None = None,
                  words: Sequence[str] | None = None, annotations: np.ndarray | None = None) -> np.ndarray:
    """True for each token to keep, for units stored back to back (``lengths`` tokens each).

    ``modes`` says per unit what goes: NONE, EFFECT (statements with no effect) or STORES
    (those and dead stores).  A statement starts at the first token of a line at bracket
    depth 0 (``lines`` are logical: a scan gives a backslash-continued line its predecessor's
    number); a unit's first statement is its own header (def/class line).  Each token
    comes as the ``flags_of`` its kind and as a text id (equal ids exactly for equal texts);
    ``logs`` says per text id whether it names a logging method (None: no logging call is junk);
    ``words`` gives each text id's text (None: no statement is read as value-neutral);
    ``annotations`` marks a variable's annotation in a function body (`x: T = v`, whose store is
    read as `x = v` since `lex-v41`; None: none)."""
    n = flags.size
    keep = np.ones(n, dtype=bool)
    judged = (modes != NONE) & (lengths >= 2)
    if n == 0 or not judged.any():
        return keep
    n_units = lengths.size
    unit_of = np.repeat(np.arange(n_units), lengths)
    offsets = np.cumsum(lengths) - lengths
    first = offsets[lengths > 0]
    at_first = np.zeros(n, dtype=bool)
    at_first[first] = True
    new_line = np.ones(n, dtype=bool)
    new_line[1:] = lines[1:] != lines[:-1]
    depth = _depth_before(flags, unit_of, offsets, first)
    starts = np.flatnonzero(((new_line | at_first) & (depth == 0)) | at_first)
    ends = np.append(starts[1:], n)
    size = ends - starts
    stmt_unit = unit_of[starts]
    stmt_judged = judged[stmt_unit]
    # no effect: `pass`, a constant, or NAME(.NAME)* alone; never the unit's header
    stmt_of = np.repeat(np.arange(starts.size), size)
    at = np.arange(n) - starts[stmt_of]
    fits = np.where(at % 2 == 0, flags & _NAME, flags & _DOT) > 0
    misfits = np.bincount(stmt_of, weights=~fits, minlength=starts.size)
    lone_const = (size == 1) & ((flags[starts] & _CONST) > 0)
    no_effect = stmt_judged & ~at_first[starts] & (size % 2 == 1) & ((misfits == 0) | lone_const)
    keep[no_effect[stmt_of]] = False
    diagnostic = _diagnostics(flags, text_ids, logs, starts, size, depth, stmt_judged & ~at_first[starts]
                              & (modes[stmt_unit] == STORES))
    keep[diagnostic[stmt_of]] = False
    if words is not None:  # statements that leave every value as it was (before dead stores: `del` reads no name)
        still = stmt_judged & ~at_first[starts] & (modes[stmt_unit] == STORES)
        keep[_neutral_statements(words, text_ids, starts, size, still)[stmt_of]] = False
    # dead stores: `NAME = ...` whose NAME is used only in such stores among the unit's kept names
    stores = np.flatnonzero(stmt_judged & (modes[stmt_unit] == STORES) & ((flags[starts] & _NAME) > 0))
    if stores.size:
        after = starts[stores] + 1
        if annotations is not None and annotations.any():  # (`x: T = v`: the `=` after the annotation)
            unmarked = np.where(annotations, n, np.arange(n))
            after = np.append(np.minimum.accumulate(unmarked[::-1])[::-1], n)[np.minimum(after, n)]
        inside = after < n
        stores, after = stores[inside], after[inside]
        assign = ((flags[after] & _EQ) > 0) & (unit_of[after] == stmt_unit[stores])
        stores = stores[assign]
        stores = stores[keep[starts[stores]]]  # (a statement already dropped is not counted again)
    scopes = np.empty(0, dtype=np.int64)
    if words is not None:  # `global g` / `nonlocal g` for a name the unit never uses again
        scopes = np.flatnonzero(stmt_judged & (modes[stmt_unit] == STORES) & (size >= 2)
                                & _texts_in(text_ids[starts], words, frozenset({"global", "nonlocal"})))
    if stores.size or scopes.size:
        names = np.flatnonzero(((flags & _NAME) > 0) & keep)
        named = text_ids[names].astype(np.int64)
        key = unit_of[names] * (int(named.max()) + 1) + named
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        uses = np.zeros(n, dtype=np.int64)
        uses[names] = counts[inverse]
        # a name whose every use is such a store is never read: all of its stores are dead
        # (`_t = 0` after every statement, whatever `del _t` followed it)
        stored = np.zeros(counts.size, dtype=np.int64)
        at_name = np.full(n, -1, dtype=np.int64)
        at_name[names] = inverse
        np.add.at(stored, at_name[starts[stores]], 1)
        dead = stores[uses[starts[stores]] == stored[at_name[starts[stores]]]]
        dead_stmt = np.zeros(starts.size, dtype=bool)
        dead_stmt[dead] = True
        if scopes.size:  # every name they declare occurs in such declarations only
            in_scope = np.zeros(n, dtype=bool)
            for k in scopes.tolist():
                in_scope[int(starts[k]) + 1:int(starts[k] + size[k])] = True
            declared = np.zeros(counts.size, dtype=np.int64)
            np.add.at(declared, at_name[names[in_scope[names]]], 1)
            for k in scopes.tolist():
                lo, hi = int(starts[k]) + 1, int(starts[k] + size[k])
                declares = np.flatnonzero((flags[lo:hi] & _NAME) > 0) + lo
                dead_stmt[k] = bool(declares.size) and bool((uses[declares] == declared[at_name[declares]]).all())
        keep[dead_stmt[stmt_of]] = False
    return keep


def _diagnostics(flags: np.ndarray, text_ids: np.ndarray, logs: np.ndarray | None, starts: np.ndarray,
                 size: np.ndarray, depth: np.ndarray, judged: np.ndarray) -> np.ndarray:
    """Per statement: an ``assert``, or ``NAME.<log method>(...)`` and nothing after its ``)``."""
    n = flags.size
    found: np.ndarray = judged & ((flags[starts] & _ASSERT) > 0)
    if logs is None or not logs.size:
        return found
    head = np.flatnonzero(judged & (size >= 5))
    s = starts[head]
    ids = text_ids[np.minimum(s + 2, n - 1)]
    shaped = (((flags[s] & _NAME) > 0) & ((flags[s + 1] & _DOT) > 0) & ((flags[s + 3] & _OPEN) > 0)
              & logs[np.minimum(ids, logs.size - 1)] & (ids < logs.size))
    last = s + size[head] - 1
    shaped &= (flags[last] & _CLOSE) > 0
    # the call's own bracket stays open until the statement's last token: `log.debug(a) + f(b)` is no log line
    calls = np.flatnonzero(shaped)
    whole = np.fromiter((int(depth[a + 4: b].min(initial=1)) >= 1 for a, b in zip(s[calls].tolist(), last[calls].tolist())),
                        dtype=bool, count=calls.size)
    found[head[calls[whole]]] = True
    return found


def dead_store_mask(kinds: Sequence[str], texts: Sequence[str], lines: Sequence[int],
                    stores: bool = True) -> list[bool]:
    """True for each token of one unit to keep: statements with no effect go, and with
    ``stores`` dead stores too."""
    mask = junk_mask(np.asarray([STORES if stores else EFFECT]), np.asarray([len(kinds)]), kinds, texts,
                     np.asarray(lines, dtype=np.int64).reshape(-1))
    return [bool(k) for k in mask.tolist()]


def unit_mode(kind: str) -> int:
    if kind == "module":
        return NONE
    return STORES if kind in FUNCTION_KINDS else EFFECT


def without_dead_stores(kind: str, kinds: Sequence[str], texts: Sequence[str],
                        lines: Sequence[int]) -> tuple[Sequence[str], Sequence[str], Sequence[int]]:
    """The unit's (kinds, texts, lines) without statements that do nothing (class, function and
    method units) and without dead stores (function and method units)."""
    if kind == "module":
        return kinds, texts, lines
    keep = dead_store_mask(kinds, texts, lines, stores=kind in FUNCTION_KINDS)
    if all(keep):
        return kinds, texts, lines
    picked = [i for i, k in enumerate(keep) if k]
    return [kinds[i] for i in picked], [texts[i] for i in picked], [lines[i] for i in picked]
