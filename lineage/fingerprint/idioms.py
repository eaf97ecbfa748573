"""Equivalent spellings written one way, so that a copy respelt idiom by idiom keeps its prints.

A copier (or a model asked to "rewrite this") changes spellings that mean the same, and every
structural k-gram spanning one changes with it.  Before hashing, both token streams (structural
kinds and lexical texts) of a file are rewritten token by token, within a unit:

* ``x.size(i)`` as ``x.shape[i]``, ``x.size()`` as ``x.shape``;
* ``torch.matmul(a, b)`` as ``a @ b`` (two arguments, no keywords);
* ``name = name <op> rest`` as ``name <op>= rest`` (a plain name at the start of a statement);
* ``.view(`` as ``.reshape(`` (the same tokens structurally; the lexical stream differs);
* ``if not c`` / ``elif not c`` as ``if c`` / ``elif c``: an inverted condition swaps its two
  branches as well, and what lies inside them keeps its prints either way;
* a conditional expression ``a if c else b`` with its two branches in one order, whichever
  was written first (``b if not c else a`` is the same expression);
* a call's keyword arguments in one order, whichever was written (``f(x, b=2, a=1)`` is
  ``f(x, a=1, b=2)``): by their structural kinds, then their texts (keywords.py).

Tokens are respelt, dropped, or (a conditional's branches) reordered within their statement; a
unit keeps the tokens it owns, each with its own line.  Brackets and branches longer than LIMIT
tokens are left as written; every site is read, however many a file holds (the work per site is
bounded by LIMIT, the file by the per-file budget): a cap on sites per file let a copy placed
after thousands of padding sites be read as written while its source was respelt.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

import numpy as np

from lineage.fingerprint.keywords import keyword_order
from lineage.fingerprint.methods import as_methods, spaces, unpacked_shapes
from lineage.fingerprint.restated import LIMIT, OPEN, Spell, closing_bracket, depths, forwarded, unpacked
from lineage.parse.vocab import Vocab

_AUGMENTABLE = ("+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "@")

# what ends a conditional's first branch, read backwards, and its second, read forwards (`not`,
# `and`, `or` bind tighter: `not a if c else b` is `(not a) if c else b`)
_BEFORE = frozenset({",", "=", ":", "return", "yield", "lambda", "else", "in", "assert", "await",
                     *(o + "=" for o in _AUGMENTABLE), *OPEN})
_AFTER = frozenset({",", ":", "for", "if", "else", "=", "async"})  # (an enclosing bracket closes below its depth)


def canonical(kinds: np.ndarray, texts: np.ndarray, unit_of: np.ndarray, logical: np.ndarray,
              vocab: Vocab, forwarders: Sequence[str] = (), imports: Sequence[tuple[str, str]] = (),
              layout: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(kinds, texts, kept, order, statements): the file's token streams respelt and reordered
    (copies), which of their tokens remain, where each came from (``order``: positions in the
    input, for the other per-token arrays), and each token's statement number (a tuple assignment
    read as its assignments one by one is as many statements).  ``forwarders``: the module's call
    forwarders (parse/forwarders.py); ``imports``: what its imports bind (parse/bound.py);
    ``layout``: per input token, True where formatting alone put it (formatting.py): a keyword's
    value wrapped in grouping parentheses sorts as the value does."""
    kinds, texts = kinds.copy(), texts.copy()
    kept = np.ones(kinds.size, dtype=bool)
    ids = Spell(vocab)
    # a tuple assignment of as many targets as values is read as its assignments one by one
    first, logical = unpacked(kinds, texts, kept, unit_of, logical, vocab, ids)
    kinds, texts, kept, unit_of, logical = kinds[first], texts[first], kept[first], unit_of[first], logical[first]
    if forwarders:  # `_call(f, a, b)` read as `f(a, b)`
        moved = forwarded(kinds, texts, kept, unit_of, vocab, forwarders)
        kinds, texts, kept, unit_of, logical = kinds[moved], texts[moved], kept[moved], unit_of[moved], logical[moved]
        first = first[moved]
    known_text = vocab.texts.ids.get
    known_kind = vocab.kinds.ids.get
    depth = depths(kinds, vocab)
    dot = known_kind(".", -1)
    open_paren = known_kind("(", -1)

    def same_unit(a: int, b: int) -> bool:
        return 0 <= a and b < kinds.size and unit_of[a] == unit_of[b]

    def closing(at: int) -> int:
        return closing_bracket(depth, unit_of, at)

    def calls(name: str) -> np.ndarray:
        t = known_text(name, -1)
        if t < 0 or dot < 0 or open_paren < 0:
            return np.empty(0, dtype=np.int64)
        at = np.flatnonzero(texts == t)
        at = at[(at > 0) & (at + 1 < kinds.size)]
        sites: np.ndarray = at[(kinds[at - 1] == dot) & (kinds[at + 1] == open_paren)]
        return sites

    for i in calls("size").tolist():
        j = closing(i + 1)
        if j < 0:
            continue
        texts[i] = ids.text("shape")
        if j == i + 2:
            kept[[i + 1, j]] = False
        else:
            kinds[i + 1], kinds[j] = ids.kind("["), ids.kind("]")
            texts[i + 1], texts[j] = ids.text("["), ids.text("]")
    for i in calls("view").tolist():
        texts[i] = ids.text("reshape")
    _getattrs(kinds, texts, kept, unit_of, depth, vocab, ids, closing)
    # `torch.transpose(x, 1, 2)` read as `x.transpose(1, 2)`, `x.reshape((a, b))` as `x.reshape(a, b)`
    moved = as_methods(kinds, texts, kept, unit_of, logical, vocab, spaces(imports))
    kinds, texts, kept, unit_of, logical = kinds[moved], texts[moved], kept[moved], unit_of[moved], logical[moved]
    first = first[moved]
    unpacked_shapes(kinds, texts, kept, unit_of, vocab)
    depth = depths(kinds, vocab)
    torch = known_text("torch", -1)
    comma = known_kind(",", -1)
    for i in calls("matmul").tolist():
        if i < 2 or texts[i - 2] != torch or not same_unit(i - 2, i):
            continue
        j = closing(i + 1)
        inside = np.arange(i + 2, j) if j > 0 else np.empty(0, dtype=np.int64)
        commas = inside[(depth[inside] == depth[i + 1]) & (kinds[inside] == comma) & kept[inside]] if inside.size else inside
        commas = commas[commas + 1 != j]  # (a formatter's trailing comma, `torch.matmul(\n a,\n b,\n)`: layout)
        if j < 0 or commas.size != 1 or np.any(texts[inside] == known_text("=", -2)):
            continue
        kept[[i - 2, i - 1, i, i + 1, j]] = False
        kinds[commas[0]], texts[commas[0]] = ids.kind("@"), ids.text("@")
    _augmented(kinds, texts, kept, unit_of, logical, depth, vocab, ids)
    for keyword in ("if", "elif"):
        k, neg = known_kind(keyword, -1), known_kind("not", -1)
        if k < 0 or neg < 0:
            continue
        at = np.flatnonzero(kinds[1:] == neg) + 1
        before = at - 1  # (through the parentheses a formatter wraps a long condition in: `if (\n not c\n):`)
        wrapped = (kinds[before] == open_paren) & (before > 0)
        while wrapped.any():
            before = np.where(wrapped, before - 1, before)
            wrapped = (kinds[before] == open_paren) & (before > 0)
        run = at[(kinds[before] == k) & (unit_of[before] == unit_of[at])]
        while run.size:  # `if not not c` too
            kept[run] = False
            run = run[run + 1 < kinds.size] + 1
            run = run[(kinds[run] == neg) & (unit_of[run] == unit_of[run - 1])]
    read = kept if layout is None else kept & ~layout[first]  # (what sort keys read: layout aside)
    order = _conditionals(kinds, texts, read, unit_of, logical, depth, vocab)
    # (a conditional's branches keep the depth of each token: they are balanced, at one level)
    order = order[keyword_order(kinds[order], texts[order], kept[order], unit_of[order], depth[order], vocab,
                                read[order])]
    return kinds[order], texts[order], kept[order], first[order], logical[order]


def _getattrs(kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray, unit_of: np.ndarray, depth: np.ndarray,
              vocab: Vocab, ids: Spell, closing: Callable[[int], int]) -> None:
    """``getattr(x, "name")`` (two arguments, a literal name) as ``x.name``: its `getattr (`,
    and `)` go, the comma becomes a dot and the string the name."""
    t, kind_of = vocab.texts.ids.get("getattr", -1), vocab.kinds.ids.get
    dot, open_paren, comma, string = kind_of(".", -1), kind_of("(", -1), kind_of(",", -1), kind_of("STR", -1)
    if t < 0 or min(dot, open_paren, comma, string) < 0:
        return
    at = np.flatnonzero(texts == t)
    at = at[(at + 1 < kinds.size)]
    at = at[(kinds[at + 1] == open_paren) & ((at == 0) | (kinds[np.maximum(at - 1, 0)] != dot))]
    text_of = vocab.texts.items
    for i in at.tolist():
        j = closing(i + 1)
        if j < 0 or kinds[j - 1] != string or kinds[j - 2] != comma or depth[j - 2] != depth[i + 1]:
            continue
        inside = np.arange(i + 2, j - 2)
        if not inside.size or np.any((kinds[inside] == comma) & (depth[inside] == depth[i + 1])):
            continue  # one object before the name (a default after it is another call)
        name = text_of[int(texts[j - 1])][1:-1]
        if not name.isidentifier() or text_of[int(texts[j - 1])][:1] not in ("'", '"'):
            continue
        kept[[i, i + 1, j]] = False
        kinds[j - 2], texts[j - 2] = dot, ids.text(".")
        kinds[j - 1], texts[j - 1] = ids.kind("ID"), ids.text(name)


def _augmented(kinds: np.ndarray, texts: np.ndarray, kept: np.ndarray, unit_of: np.ndarray, logical: np.ndarray,
               depth: np.ndarray, vocab: Vocab, ids: Spell) -> None:
    """``name = name <op> rest`` -> ``name <op>= rest``, at the start of a statement; an annotated
    ``name: T = name <op> rest`` too (its annotation is out of the streams: formatting.py)."""
    eq = vocab.kinds.ids.get("=", -1)
    name = vocab.kinds.ids.get("ID", -1)
    colon = vocab.kinds.ids.get(":", -1)
    ops = {vocab.kinds.ids[o]: o for o in _AUGMENTABLE if o in vocab.kinds.ids}
    if eq < 0 or name < 0 or not ops:
        return
    i = np.flatnonzero(kinds == eq)
    i = i[(i >= 1) & (i + 2 < kinds.size)]
    begins = np.ones(kinds.size, dtype=bool)
    begins[1:] = (unit_of[1:] != unit_of[:-1]) | (logical[1:] != logical[:-1])
    first = np.maximum.accumulate(np.where(begins, np.arange(kinds.size), 0))  # each token's line's first
    t = first[i]
    annotated = (t + 1 < i) & (kinds[np.minimum(t + 1, kinds.size - 1)] == colon) & (depth[t] == 0)
    t = np.where(annotated, t, i - 1)
    before = np.maximum(t - 1, 0)
    starts = (t == 0) | (logical[before] != logical[t]) | (unit_of[before] != unit_of[t])
    site = starts & (kinds[t] == name) & (depth[i] == 0)
    ok = site & (unit_of[i + 2] == unit_of[t]) & (texts[i + 1] == texts[t]) & np.isin(kinds[i + 2], list(ops)) \
        & (logical[i + 2] == logical[t])
    # (`name = (name <op> rest)`: the name and the operator one token further, inside the parentheses)
    sites = [(at, at + 1) for at in i[ok].tolist()]
    sites += [(at, at + 2) for at in _wrapped(kinds, texts, unit_of, logical, depth, vocab, i[site & ~ok],
                                              t[site & ~ok], ops)]
    for at, read in sites:
        op = ops[int(kinds[read + 1])]
        kept[[read, read + 1]] = False
        kinds[at], texts[at] = ids.kind(op + "="), ids.text(op + "=")


def _wrapped(kinds: np.ndarray, texts: np.ndarray, unit_of: np.ndarray, logical: np.ndarray, depth: np.ndarray,
             vocab: Vocab, eqs: np.ndarray, names: np.ndarray, ops: dict[int, str]) -> list[int]:
    """The sites ``name = (name <op> rest)`` among ``eqs`` (each "=" after its statement's first token,
    ``names``), as the positions of their "=": a formatter wraps a long value in parentheses (black at a narrow width wraps most),
    and they are layout (formatting.py), so the value they wrap reads as written without them.  A
    tuple, `x = (x + a, b)`, and a group closing before the statement ends, `x = (x + a) * b`, are
    no such value."""
    open_paren = vocab.kinds.ids.get("(", -1)
    stops = {vocab.kinds.ids.get(k, -1) for k in (",", "for")}
    out: list[int] = []
    fits = (eqs + 3 < kinds.size) & (kinds[np.minimum(eqs + 1, kinds.size - 1)] == open_paren)
    for at, t in zip(eqs[fits].tolist(), names[fits].tolist()):
        if texts[at + 2] != texts[t] or int(kinds[at + 3]) not in ops or unit_of[at + 3] != unit_of[t]:
            continue
        end = closing_bracket(depth, unit_of, at + 1)
        if end < 0 or end + 1 < kinds.size and unit_of[end + 1] == unit_of[end] and logical[end + 1] == logical[end]:
            continue
        inside = np.arange(at + 2, end)
        if np.isin(kinds[inside[depth[inside] == depth[at + 1]]], list(stops)).any():
            continue
        out.append(at)
    return out


def _conditionals(kinds: np.ndarray, texts: np.ndarray, read: np.ndarray, unit_of: np.ndarray, logical: np.ndarray,
                  depth: np.ndarray, vocab: Vocab) -> np.ndarray:
    """A token order in which each conditional expression ``a if c else b`` has its two branches
    in one order, whichever was written first (``b if not c else a`` swaps them and negates the
    condition, whose ``not`` is dropped above), by the tokens ``read`` of each (layout aside: a
    branch a formatter wrapped in parentheses sorts as written without them).  Nested or overlong
    ones stay as written."""
    order = np.arange(kinds.size)
    k_if, k_else = vocab.kinds.ids.get("if", -1), vocab.kinds.ids.get("else", -1)
    if k_if < 0 or k_else < 0:
        return order
    items = vocab.kinds.items
    text_crcs = vocab.texts.crcs()  # (names too as stable numbers: per-process ids made the order, and
    # so a unit's lexical fingerprints and the index id, depend on which file a process read first)
    # statements: a new one where a line (or a unit) begins outside every bracket
    begins = np.ones(kinds.size, dtype=bool)
    begins[1:] = (unit_of[1:] != unit_of[:-1]) | ((logical[1:] != logical[:-1]) & (depth[:-1] == 0))
    statement = np.cumsum(begins)
    done = -1
    for i in np.flatnonzero(kinds == k_if).tolist():
        if i == 0 or i <= done or begins[i]:
            continue  # a statement's `if` begins it
        span = _branches(kinds, statement, depth, items, i, k_if, k_else)
        if span is None:
            continue
        a0, e, b1 = span
        a, b = np.arange(a0, i), np.arange(e + 1, b1 + 1)

        def key(part: np.ndarray) -> tuple[int, ...]:
            part = part[read[part]]
            return tuple(_stable(items, kinds[part])) + tuple(text_crcs[texts[part]].tolist())

        if key(b) < key(a):
            order[a0: b1 + 1] = np.concatenate([b, np.arange(i, e + 1), a])
        done = b1
    return order


def _stable(items: list[str], kinds: np.ndarray) -> list[int]:
    """Kinds as stable numbers (their CRC-32), not per-process ids: the order must not depend on
    which file a process read first."""
    return [zlib.crc32(items[k].encode("utf-8", "surrogatepass")) for k in kinds.tolist()]


def _branches(kinds: np.ndarray, statement: np.ndarray, depth: np.ndarray, items: list[str],
              i: int, k_if: int, k_else: int) -> tuple[int, int, int] | None:
    """(first token of the branch before `if`, the `else`, last token of the branch after it) of
    the conditional expression whose `if` is at `i`, or None (a comprehension's `if`, a nested or
    overlong one, a statement that ends first)."""
    d, here = depth[i], statement[i]
    a0 = i
    for k in range(i - 1, max(-1, i - LIMIT), -1):
        if statement[k] != here or depth[k] < d or (depth[k] == d and items[kinds[k]] in _BEFORE):
            if depth[k] == d and kinds[k] == k_else:
                return None  # the else branch of another conditional
            break
        a0 = k
    else:
        if i - LIMIT > 0:
            return None
    e = -1
    for k in range(i + 1, min(kinds.size, i + LIMIT)):
        if statement[k] != here or depth[k] < d:
            return None
        if depth[k] == d and kinds[k] == k_else:
            e = k
            break
        if depth[k] == d and kinds[k] == k_if:
            return None
    if e < 0 or a0 == i:
        return None
    b1 = e
    for k in range(e + 1, min(kinds.size, e + LIMIT)):
        if statement[k] != here or depth[k] < d or (depth[k] == d and items[kinds[k]] in _AFTER):
            if depth[k] == d and kinds[k] in (k_if, k_else):
                return None  # a nested conditional
            break
        b1 = k
    else:
        if e + LIMIT < kinds.size:
            return None
    return (a0, e, b1) if b1 > e else None
