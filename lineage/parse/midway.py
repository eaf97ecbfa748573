"""A helper called once, midway through another function, read there as well as on its own.

A copier cuts a third of a long function out into a module-level helper and calls it where the
code stood (`a, b = _part(x, y)`): the caller and the helper each hold part of what the source
holds as one function, and every 12-token gram across the cut breaks.  Stacked with renaming and
a few other refactorings, the cut halved what the source explains of ten real model files copied
whole.  parse/inline.py reads a helper called first or last in its caller where it is called, and
no longer on its own; a call midway it leaves as written, because model code calls its own
`apply_rotary_pos_emb` so, and a copy of that function alone must still find it.

So a helper cut out of its caller is read twice (`lex-v33`): as its own unit, as written, and in
its caller, its body standing where the call stood (the call statement and the helper's closing
`return` of names are not read there), on the reference side and the scanned side alike.  A cut
hands the caller's locals on under their own names and gives them back so: the call passes
exactly the helper's parameters, by name and in order (`a, b = _cut(x, a, b)` for `def _cut(x, a,
b)`), and binds exactly the names the helper's closing `return` hands back.  A function of the
code's own takes and gives values under names of its own (`q, k = apply_rotary_pos_emb(query,
key, cos, sin)` for `def apply_rotary_pos_emb(q, k, cos, sin, unsqueeze_dim=1)`), and is left as
written: read into every attention of the index, it cost `make eval` 4 of 307 files.  And only
where reading can be sure of it: an undecorated `def` at the module's top level whose name the
module spells, outside the helper's own body, only at its `def` and at calls as a whole statement
(at most MAX_CALLS) from functions neither it nor helpers of parse/inline.py, itself no helper
of parse/inline.py nor a caller of one.  Each such call reads the cut (`lex-v34`: a dead call of
the helper to itself, or a second caller, left a cut read on its own only).

A method cut out of another method is read so too (`lex-v37`): called through `self` from a
method of its class, or of a class of the module deriving from it (a cut moved to a mixin), under
the same rules of names handed on and back.  Every spelling of its name must be its definition,
such a call, or in classes of another line that define a method of that name of their own (an
obfuscator names every class's cut alike); reached from anywhere else (another object, a class of
neither line, the module's own code), it is read on its own only.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from tree_sitter import Node

from lineage.parse.callsite import binds_names, passes_names, spelt_as
from lineage.parse.identity import enclosing_scope
from lineage.parse.inline import Inline

_NOTHING: list[bytes] | None = []  # what a call that binds nothing binds
_PACKS = ("tuple", "expression_list", "parenthesized_expression")
MAX_CALLS = 4  # a cut called from more places than this is read on its own only
MAX_LINE = 64  # a method of a class more of the module's classes derive from, or define, is no cut's
MAX_SPELLINGS = 4096  # a method name spelt more often than this is no cut's
FEW_HELPERS = 32  # more top-level functions than this: their spellings are found in one pass over the module


@dataclass(frozen=True)
class Copy:
    """Definition ``helper``'s ``body`` (bytes) read again in definition ``caller`` where the call
    statement ``site`` (bytes) stands; ``spent``: its closing `return` of names (and what follows it),
    not read there."""

    helper: int
    caller: int
    site: tuple[int, int]
    body: tuple[int, int]
    spent: tuple[tuple[int, int], ...] = ()


def midway(root: Node, source: bytes, starts: list[int], inlines: list[Inline]) -> list[Copy]:
    """The helpers called once midway through another function.  ``starts``: every definition's
    first byte (a decorator's, for a decorated one), ascending, as parse/units.py numbers them."""
    at = {s: i for i, s in enumerate(starts)}
    taken = {x.helper for x in inlines} | {x.caller for x in inlines}
    helpers = [(node, name) for node in root.named_children if node.type == "function_definition"
               and (name := node.child_by_field_name("name")) is not None
               and at.get(node.start_byte) is not None and at[node.start_byte] not in taken]
    spelt = _spellings(source, {source[n.start_byte:n.end_byte] for _, n in helpers}) \
        if len(helpers) > FEW_HELPERS else None
    found = []
    for node, name in helpers:
        word = source[name.start_byte:name.end_byte]
        places = spelt.get(word, []) if spelt is not None else _spelt(source, word, MAX_CALLS + 2)
        found += _cut(root, source, node, name, places, at, taken)
    return found + _method_cuts(root, source, at, taken)


def _method_cuts(root: Node, source: bytes, at: dict[int, int], taken: set[int]) -> list[Copy]:
    """The methods cut out of a method of their class, or of a class of the module deriving from
    it (the cut moved to a mixin), called there through `self` (`lex-v37`).  Every spelling of
    the name in the classes of the helper's line must be its definition or such a call; another
    line's classes may define and call a method of that name of their own, and a spelling
    anywhere else (a class of neither, the module's own code) leaves the helper unread."""
    defined = [c.child_by_field_name("definition") if c.type == "decorated_definition" else c
               for c in root.named_children]
    classes = [c for c in defined if c is not None and c.type == "class_definition"]
    methods = [(cls, node, name) for cls in classes if (block := cls.child_by_field_name("body")) is not None
               for node in block.named_children
               if node.type == "function_definition" and (name := node.child_by_field_name("name")) is not None]
    if not methods:
        return []
    up = _ancestry(classes, source)  # per class: itself and the module's classes it derives from
    line = Counter(a for c in classes for a in up[c.id])  # per class: how many of the module's derive from it
    starts = [c.start_byte for c in classes]
    called = set(_SELF_CALL.findall(source)) & {source[n.start_byte:n.end_byte] for _, _, n in methods}
    if not called:  # (no method of the module's is called through `self`)
        return []
    reached = _spellings(source, called, after_dot=True, most=len(source))
    by_name: dict[bytes, list[tuple[Node, Node, Node]]] = {}
    for m in methods:
        by_name.setdefault(source[m[2].start_byte:m[2].end_byte], []).append(m)
    owners = {word: {cls.id for cls, _, _ in ms} for word, ms in by_name.items()}  # the classes defining each
    found: list[Copy] = []
    for word, places in reached.items():
        if len(places) > MAX_SPELLINGS or len(by_name[word]) > MAX_LINE:
            continue  # (a name spelt so often, or defined by so many classes, is no cut's)
        holder = [_holder(classes, starts, p) for p in places]
        if any(c is None or not owners[word] & up[c.id] for c in holder):
            continue  # spelt outside every line defining it (a class of neither, the module's own code)
        for cls, node, name in by_name[word]:
            if at.get(node.start_byte) is None or at[node.start_byte] in taken or line[cls.id] > MAX_LINE \
                    or any(o != cls.id and cls.id in up[o] for o in owners[word]):
                continue  # (a class of its line overrides it)
            mine = [p for p, c in zip(places, holder) if c is not None and cls.id in up[c.id]]
            if all(p == name.start_byte or source[max(0, p - 5):p] == b"self." for p in mine):
                found += _cut(root, source, node, name, mine, at, taken,
                              [c for c in classes if cls.id in up[c.id]])
    return found


def _holder(classes: list[Node], starts: list[int], at: int) -> Node | None:
    """The class holding byte ``at``, or None."""
    i = bisect.bisect_right(starts, at) - 1
    return classes[i] if i >= 0 and at < classes[i].end_byte else None


def _ancestry(classes: list[Node], source: bytes) -> dict[int, set[int]]:
    """Per class (by node id): itself and the module's classes it derives from, by their names
    (a dotted base's last name), up to MAX_LINE of them."""
    named = {_text(n, source): c for c in classes if (n := c.child_by_field_name("name")) is not None}
    bases: dict[int, list[Node]] = {}
    for c in classes:
        args = c.child_by_field_name("superclasses")
        for b in args.named_children if args is not None else []:
            key = _text(b, source).rsplit(b".", 1)[-1]
            if key in named and named[key] is not c:
                bases.setdefault(c.id, []).append(named[key])
    out: dict[int, set[int]] = {}
    for c in classes:
        seen, todo = {c.id}, list(bases.get(c.id, []))
        while todo and len(seen) <= MAX_LINE:
            b = todo.pop()
            if b.id not in seen:
                seen.add(b.id)
                todo += bases.get(b.id, [])
        out[c.id] = seen
    return out


def _cut(root: Node, source: bytes, node: Node, name: Node, places: list[int], at: dict[int, int],
         taken: set[int], within: list[Node] | None = None) -> list[Copy]:
    """The copies of helper ``node`` when every spelling of its name (``places``) but its
    definition's and its own recursion's is a call midway through another function (of one of
    the classes ``within``, for a method)."""
    calls = [p for p in places if not node.start_byte <= p < node.end_byte]  # (its own recursion aside)
    if not 0 < len(calls) <= MAX_CALLS or len(places) > MAX_CALLS + 1:
        return []
    copies = [_called_midway(root, source, at[node.start_byte], node, name, p, at, taken, within) for p in calls]
    # (a helper used any other way is no cut)
    return [c for c in copies if c is not None] if all(c is not None for c in copies) else []


def _spellings(source: bytes, words: set[bytes], after_dot: bool = False,
               most: int = MAX_CALLS + 2) -> dict[bytes, list[int]]:
    """Where the module spells each of ``words`` as a name of its own (``after_dot``: as any name,
    after a dot too), the first ``most`` of each, in the order of each one's first spelling: one
    pass over the module, for a module of many helpers (``_spelt`` per helper would read it once per
    helper)."""
    places: dict[bytes, list[int]] = {}
    for at, _, word in spelt_as(words, source, after_dot=after_dot):
        if word in words:
            seen = places.setdefault(word, [])
            if len(seen) < most:
                seen.append(at)
    return places


def _spelt(source: bytes, word: bytes, most: int) -> list[int]:
    """Where the module spells ``word`` as a name of its own (not after a dot), the first ``most``."""
    places: list[int] = []
    at = source.find(word)
    while at >= 0 and len(places) < most:
        end = at + len(word)
        if (at == 0 or not _NAMEISH.match(source, at - 1)) and not _WORDISH.match(source, end):
            places.append(at)
        at = source.find(word, at + 1)
    return places


_NAMEISH = re.compile(rb"[\w.]")  # what may not stand just before a name of its own
_WORDISH = re.compile(rb"\w")  # nor just after it
# a method called through `self` (what may not stand before `self` told after it: a pattern starting with a
# literal is searched for it at C speed, one starting with a look-behind is tried at every byte, 10x slower)
_SELF_CALL = re.compile(rb"self(?<![\w.]self)\.([^\W\d]\w*)\s*\(")


def _called_midway(root: Node, source: bytes, i: int, fn: Node, name: Node, place: int, at: dict[int, int],
                   taken: set[int], within: list[Node] | None = None) -> Copy | None:
    """The copy of helper ``i`` (``fn``) when its one other spelling, at byte ``place``, is such a call."""
    body = fn.child_by_field_name("body")
    ident = root.descendant_for_byte_range(place, place + name.end_byte - name.start_byte)
    reach = ident.parent if ident is not None and _through_self(ident, source) else ident  # (a method's call)
    call = reach.parent if reach is not None and ident is not None and ident.type == "identifier" else None
    if call is None or call.type != "call" or call.child_by_field_name("function") != reach \
            or not passes_names(call):
        return None
    up, bound = call.parent, _NOTHING
    if up is not None and up.type == "assignment":
        target = up.child_by_field_name("left")
        if up.child_by_field_name("right") != call or up.child_by_field_name("type") is not None \
                or target is None or not binds_names(target):
            return None
        bound, up = _names(target, source), up.parent
    if up is None or up.type != "expression_statement" or up.named_child_count != 1 or body is None:
        return None
    spent, returned = _closing(body, source)
    arguments = call.child_by_field_name("arguments")
    passed = [_text(a, source) for a in arguments.named_children] if arguments is not None else []
    if reach is not ident:
        passed = [b"self", *passed]  # (a method hands on its instance)
    if passed != _parameters(fn, source) or bound != returned:
        return None  # (not a cut: a function of its own, taking and giving values under names of its own)
    caller = enclosing_scope(up)
    outer = caller.parent if caller is not None and caller.parent is not None \
        and caller.parent.type == "decorated_definition" else caller
    j = at.get(outer.start_byte) if outer is not None else None
    if caller is None or caller.type != "function_definition" or j is None or j in taken \
            or fn.start_byte <= caller.start_byte < fn.end_byte \
            or (reach is not ident and not _method_of(outer, within or [])):
        return None  # (a method is cut out of a method of its class's line)
    return Copy(i, j, (up.start_byte, up.end_byte), (body.start_byte, body.end_byte), spent)


def _method_of(fn: Node | None, classes: list[Node]) -> bool:
    """``fn`` (a definition, or its decorated one) stands directly in one of ``classes``' bodies."""
    block = fn.parent if fn is not None else None
    return block is not None and block.type == "block" and any(block.parent == c for c in classes)


def _through_self(ident: Node, source: bytes) -> bool:
    """``ident`` is the name of ``self.<name>``."""
    up = ident.parent
    owner = up.child_by_field_name("object") if up is not None and up.type == "attribute" else None
    return up is not None and up.child_by_field_name("attribute") == ident and owner is not None \
        and owner.type == "identifier" and _text(owner, source) == b"self"


def _closing(body: Node, source: bytes) -> tuple[tuple[tuple[int, int], ...], list[bytes] | None]:
    """(the bytes from the body's last `return` at its own level to its end, the names it hands
    back) when it hands back names only (`return a, b`; or nothing: no names): what follows such
    a return never runs.  Without one: nothing spent, no names."""
    for statement in reversed(body.named_children):
        if statement.type != "return_statement":
            continue
        value = statement.named_children[0] if statement.named_child_count == 1 else None
        names = _names(value, source) if value is not None else []
        return (((statement.start_byte, body.end_byte),), names) if names is not None else ((), None)
    return (), []


def _names(node: Node, source: bytes) -> list[bytes] | None:
    """`a`, `a, b` or `(a, b)` as its names in order; None for anything else."""
    if node.type == "identifier":
        return [_text(node, source)]
    inner = node.named_children
    if node.type in _PACKS + ("pattern_list", "tuple_pattern") and inner and all(c.type == "identifier" for c in inner):
        return [_text(c, source) for c in inner]
    return None


def _parameters(fn: Node, source: bytes) -> list[bytes] | None:
    """A function's parameters' names, when all are plain names (no defaults, no stars)."""
    params = fn.child_by_field_name("parameters")
    inner = params.named_children if params is not None else []
    return [_text(p, source) for p in inner] if all(p.type == "identifier" for p in inner) else None


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


def copied(copies: list[Copy], owner: np.ndarray, keep: np.ndarray, starts: np.ndarray, seat: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(tokens read again, the unit reading each, where in it: the call statement's first byte
    times two, and their order there).  Per token: ``owner`` its unit, ``keep`` whether it is
    read at all, ``starts`` its first byte, ``seat`` its virtual one (parse/commuted.py)."""
    tokens, units, where, then = [], [], [], []
    for c in copies:
        t = np.arange(np.searchsorted(starts, c.body[0]), np.searchsorted(starts, c.body[1]))
        t = t[keep[t] & (owner[t] == c.helper + 1)]
        for lo, hi in c.spent:
            t = t[(starts[t] < lo) | (starts[t] >= hi)]
        t = t[np.argsort(seat[t], kind="stable")]
        tokens.append(t)
        units.append(np.full(t.size, c.caller + 1, dtype=np.int64))
        where.append(np.full(t.size, c.site[0] * 2, dtype=np.int64))
        then.append(np.arange(1, t.size + 1, dtype=np.int64))
    if not tokens:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, empty
    return np.concatenate(tokens), np.concatenate(units), np.concatenate(where), np.concatenate(then)
