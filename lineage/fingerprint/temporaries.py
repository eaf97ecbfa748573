"""A temporary bound once and read once, in the statement it feeds, read where it is used.

A copier (or a rewriting tool) splits nested calls into temporaries: `y = c(b(a(x)))` becomes
`t1 = a(x)`, `t2 = b(t1)`, `y = c(t2)`, and `self.q(h).view(s)` becomes `t = self.q(h)`,
`q = t.view(s)`.  The code computes what it did, but every structural k-gram across each call
changes: copies of llama-like files so split read as built on shared code (`lex-v36`).  So, in
function and method units, a name a statement binds (`NAME = value`) that the unit spells once
more, in a later simple statement, is read there: its value's tokens stand where the name was
read, and `NAME =` and the read are read as absent, on the reference side and the scanned side
alike, when

* every statement between the two is such a temporary too, read there or in the statement that
  reads this one (a run of temporaries feeding one statement): statements read as absent before
  (no-ops, dead stores, logging, asserts: fingerprint/deadstores.py) are not in the way;
* the reading statement opens no block (`if`, `for`, `while`, ... may run it more than once or
  not at all) and holds no lambda and no comprehension (code run later or repeatedly);
* the value holds no operator outside brackets: a call, an attribute, a subscript, a name, a
  literal or a display, what splitting nested calls binds.  A local bound to `a * b` or `x if c
  else y` stays: written in its read it would change the reading's precedence, and read so where
  it is whole it turned small differences into large ones (`cos = emb.cos() * s` read into
  `return cos, sin` but not into `return cos.to(dtype), ...`: two rotary embeddings that had
  differed by one call differed by every k-gram of both statements).

This runs on the token streams once the junk is out and the idioms are written one way, so that
padding between a temporary and its read does not keep it apart.  It orders the structural
stream only: the names stream keeps every name where it was written (a local's name is evidence
of whose code it is, and code written anew names its locals its own way).  Names read in an
f-string are not seen (such a binding reads as absent all the same).  Each token keeps its own
line, so evidence still points at the line the code is on.  A unit of a few statements may lose
a fingerprint or two (`make eval`'s measure of a floor under which units were read as written:
it cost the split copies more than it kept: heldout:temps 87.3% files at 40 tokens, 86.3% at 60,
87.9% without).
"""

from __future__ import annotations

import numpy as np

from lineage.fingerprint.restated import depths
from lineage.parse.vocab import Vocab

# a reading statement starting with one of these opens a block, or is a nested definition's placeholder
OPENS = ("if", "elif", "else", "for", "while", "with", "try", "except", "finally", "async", "def", "class",
         "<def>", "<class>", "match", "case")
# outside brackets in a value: operators (the value stays where it is)
OPERATORS = ("+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^", "~", "<", ">", "<=", ">=",
             "==", "!=", "in", "not", "is", "and", "or", "if", "else", "await")
KEEPS = (",", "lambda", "yield", "=", ":=", ":", "for")  # nor these
LATER = ("lambda", "for")  # a read after one of these in its statement runs later or repeatedly
MAX_RUN = 64  # statements between a temporary and its read, at most


def read_through(kinds: np.ndarray, texts: np.ndarray, keep: np.ndarray, unit_of: np.ndarray,
                 statement: np.ndarray, bodies: np.ndarray, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """(order, keep): the tokens of units back to back reordered so that each temporary's value
    stands where it is read (positions in the input), and which of them remain.  ``keep``: the
    tokens remaining so far; ``statement``: each token's statement number; ``bodies``: per unit,
    whether it is a function or method."""
    n = kinds.size
    order = np.arange(n)
    known = vocab.kinds.ids
    name_kind, eq = known.get("ID", -1), known.get("=", -2)
    live = np.flatnonzero(keep)
    if live.size < 3 or not np.any(kinds[live] == eq):
        return order, keep
    u, st = unit_of[live], statement[live]
    depth = np.concatenate([[0], depths(kinds[live], vocab)[:-1]])  # before each token, from the file's start ...
    first = np.ones(live.size, dtype=bool)
    first[1:] = u[1:] != u[:-1]
    depth = depth - depth[np.maximum.accumulate(np.where(first, np.arange(live.size), 0))]  # ... and its unit's
    # a statement starts where its line does outside brackets (a call written across lines is one),
    # never right after an `=` (a tuple assignment read as its pieces keeps each value's lines)
    new = first.copy()
    new[1:] |= (st[1:] != st[:-1]) & (depth[1:] <= 0) & (kinds[live[:-1]] != eq)
    heads = np.flatnonzero(new)
    second = heads + 1 < live.size
    second[second] = ~new[heads[second] + 1]  # the statement has a second token
    bound = second & bodies[u[heads]] & (kinds[live[heads]] == name_kind) \
        & (kinds[live[np.minimum(heads + 1, live.size - 1)]] == eq)
    units = np.unique(u[heads[bound]])
    if units.size == 0:
        return order, keep
    keep = keep.copy()
    names = np.asarray(vocab.kinds.items, dtype=object)
    bounds = np.searchsorted(u, np.stack([units, units + 1]))
    for lo, hi in bounds.T.tolist():
        tokens = live[lo:hi]
        moved = _unit(tokens, [str(k) for k in names[kinds[tokens]]], texts[tokens].tolist(),
                      np.flatnonzero(new[lo:hi]).tolist())
        if moved is None:
            continue
        sequence, dropped = moved
        order[tokens] = tokens[sequence]
        keep[tokens[dropped]] = False
    return order, keep[order]


def _unit(tokens: np.ndarray, kinds: list[str], texts: list[int],
          heads: list[int]) -> tuple[np.ndarray, list[int]] | None:
    """One unit's remaining tokens (their kinds and texts, and where each statement starts):
    (the new order of its tokens, as positions among them; the positions read as absent), or None."""
    spans = list(zip(heads, heads[1:] + [len(kinds)]))
    reads: dict[int, list[int]] = {}  # each name's readings: positions of its tokens not after a "."
    for at, (k, t) in enumerate(zip(kinds, texts)):
        if k == "ID" and (at == 0 or kinds[at - 1] != "."):
            reads.setdefault(t, []).append(at)
    of_statement = np.repeat(np.arange(len(spans)), [b - a for a, b in spans]).tolist()
    temps: dict[int, tuple[int, int]] = {}  # statement -> (the read's position, the reading statement)
    for i, (a, b) in enumerate(spans):
        if b - a < 3 or kinds[a] != "ID" or kinds[a + 1] != "=":
            continue
        spelt = reads.get(texts[a], [])
        if len(spelt) != 2 or spelt[0] != a:
            continue
        use = spelt[1]
        r = of_statement[use]
        if not i < r <= i + MAX_RUN or not _value_fits(kinds, a + 2, b, use, spans[r]):
            continue
        temps[i] = (use, r)
    through: dict[int, bool] = {}
    for i in sorted(temps, reverse=True):
        r = temps[i][1]
        through[i] = all(through.get(k, False) and temps[k][1] <= r for k in range(i + 1, r))
    kept = {i: temps[i] for i, ok in through.items() if ok}
    if not kept:
        return None
    values = {use: spans[i] for i, (use, _) in kept.items()}
    sequence: list[int] = []
    dropped: list[int] = []
    for i, (a, b) in enumerate(spans):
        if i in kept:
            dropped += [a, a + 1, kept[i][0]]
            continue
        sequence += _expanded(a, b, values)
    return np.asarray(sequence + dropped, dtype=np.int64), dropped


def _value_fits(kinds: list[str], lo: int, hi: int, use: int, reader: tuple[int, int]) -> bool:
    """The value (tokens lo..hi) may stand for its read at ``use`` in the statement ``reader``:
    it holds no operator outside brackets (a call, an attribute, a subscript, a name, a literal or
    a display: what splitting nested calls binds), and the reading statement opens no block and
    reads it in no lambda or comprehension."""
    if kinds[reader[0]] in OPENS or any(k in LATER for k in kinds[reader[0]:use]) or "for" in kinds[use:reader[1]]:
        return False
    depth = 0
    for k in kinds[lo:hi]:
        if k in ("(", "[", "{"):
            depth += 1
        elif k in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and (k in KEEPS or k in OPERATORS):
            return False
    return True


def _expanded(lo: int, hi: int, values: dict[int, tuple[int, int]]) -> list[int]:
    """Positions lo..hi, each read of a temporary replaced by its value's (in turn)."""
    out: list[int] = []
    stack = [iter(range(lo, hi))]
    while stack:
        at = next(stack[-1], None)
        if at is None:
            stack.pop()
        elif at in values:
            a, _ = values[at]
            stack.append(iter(range(a + 2, values[at][1])))
        else:
            out.append(at)
    return out
