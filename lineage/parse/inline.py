"""A function called from one place only, at the end or the beginning of another, read where
it is called.

A copier can cut a long function in two, moving its second half into a helper it returns
(`return _forward_rest(a, b)`), or move a method's body into a module-level function the
method only forwards to, or into a function nested in it: each cut breaks every 12-token gram
across it and leaves two units, each holding part of what the source holds as one, so a
renamed copy of a transformers file split so was named after another family for 7 of 17 files
that `make eval`'s held-out obfuscator turned (benchmarks/obfuscate_heldout.py, ``extract``).
A function that the module spells twice only, in its own `def` and in a call that another
function returns as its last statement (`return f(...)`, or `out = f(...)` then `return out`),
is read as part of that function: its body stands where the call stood, and the call's
statements and the helper's `def` line go, on the reference side and the scanned side alike
(parse/units.py).  So is one whose call is the first statement of another (`lex-v27`: `a, b =
f(...)`, a first half cut out), or a last call made through a local alias or a forwarding lambda
(parse/callsite.py says which call sites count).

Only what reading can be sure of: an undecorated `def` at the module's top level, or in the
body of the very function that calls it; not one bound again, imported or named in a string
(``__all__``), not one of a cycle.  A method (`lex-v24`) is read so when called through the
instance (`self.m(...)`) from another method of its class, or, static, through its class's name
(`Ops.m(...)`) from any function (also through `type(self)`, `self.__class__` or `getattr(self,
"m")`, `lex-v29`): the module spells its name twice in all, or twice in its class
and elsewhere only inside other top-level classes (each class with a `_rest` of its own), when no
class of the module derives from it (a subclass could override the method).  Since `lex-v49`
also when called through the instance from a top-level function that takes it first, that
function itself read, through its callers, in a method of the class (`_hosted`): `forward`
forwarding to `_f(self, x)` whose last statement is `return self._rest(x)`; a spelling in such a
function counts as its host class's.  Not a dunder
(Python calls those itself), nor one otherwise decorated.  A helper called in the middle of a
function (neither first nor last) is left as written: model code calls its own
`apply_rotary_pos_emb` so, and a copy of that function alone must still find it (merged there,
431 of transformers' 538 modeling files would have changed; as a last `return`, 13).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from tree_sitter import Node

from lineage.parse.callsite import WORD as _WORD, Site, site_of, spelt_as, spent
from lineage.parse.definitions import (TopClasses, class_of, class_of_def, first_parameter, function_at, method, outer,
                                      placed, scope, static, text)
from lineage.parse.identity import enclosing_scope
from lineage.parse.spans import covers, merged

MAX_CHAIN = 16  # a helper reached through more helpers than this (or a cycle of them) stays a unit


@dataclass(frozen=True)
class Inline:
    """Definition ``helper`` read inside definition ``caller`` (both indexes into the definitions
    given), at the call statement's bytes ``site``; the helper's `def` line is ``header``, and
    ``spent`` what else of it the reading spends (a prefix's closing `return`: parse/callsite.py);
    ``prefix``: the call begins the caller rather than ends it."""

    helper: int
    caller: int
    site: tuple[int, int]
    header: tuple[int, int]
    spent: tuple[tuple[int, int], ...] = ()
    prefix: bool = False


def inlined(root: Node, source: bytes, starts: list[int], dropped: list[tuple[int, int]] | None = None,
            identities: frozenset[bytes] = frozenset()) -> list[Inline]:
    """The single-use helpers of a module.  ``starts``: every definition's first byte (a
    decorator's, for a decorated one), ascending, as parse/units.py numbers them; ``dropped``:
    byte spans already read as absent (a call whose callee is among them, e.g. a call to the
    module's identity function, is read as its argument instead: parse/identity.py);
    ``identities``: the module's identity functions (a decorator of those leaves a helper one).
    Linear in the module's size: one pass finds every spelling of every function's name."""
    if source.count(b"def ") < 2:
        return []
    at = {s: i for i, s in enumerate(starts)}
    helpers = []
    for i, start in enumerate(starts):
        fn = function_at(root, source, start, identities)
        name = fn.child_by_field_name("name") if fn is not None else None
        if fn is not None and name is not None and (placed(fn) or method(fn, source)):
            helpers.append((i, fn, name))
    words = {source[n.start_byte:n.end_byte] for _, _, n in helpers}
    spelt: dict[bytes, list[int]] = defaultdict(list)  # name -> where the module spells it, ascending
    dotted: dict[bytes, list[int]] = defaultdict(list)  # every spelling, after a dot too (a method's)
    gone = merged(dropped or [])
    for lo, hi, word in spelt_as(words, source):
        if not covers(gone, hi) and not _in_comment(root, lo, hi):
            dotted[word].append(lo)  # (a comment or a docstring naming it is no use: `lex-v28`)
            if source[lo - 1: lo] != b".":
                spelt[word].append(lo)
    found: dict[int, Inline] = {}
    outside: list[tuple[Inline, Node]] = []  # (methods called from a top-level function taking the instance)
    spread: list[tuple[int, Node, Node, Node, list[int]]] = []  # (methods whose name the module spells more)
    classes = TopClasses(root, source)

    def take(reading: Inline | None, pending: bool, klass: Node) -> None:
        """A method's reading: kept, or pending until `_hosted` knows where its caller is read."""
        if reading is not None and pending:
            outside.append((reading, klass))
        elif reading is not None:
            found[reading.helper] = reading

    for i, fn, name in helpers:
        word = source[name.start_byte:name.end_byte]
        klass = class_of(fn)
        if klass is not None:  # a method: the module spells its name twice, in all or in its class
            places = dotted[word]
            if len(places) != 2 and classes.hold_all(word, places) and klass in classes:
                places = places[bisect.bisect_left(places, klass.start_byte): bisect.bisect_left(places, klass.end_byte)]
            if len(places) == 2:
                take(*_inline_method(root, source, i, fn, name, places, at, gone), klass)
            elif len(places) > 2:
                spread.append((i, fn, name, klass, places))
            continue
        within = scope(fn)  # where the name is read: the module, or the function defining a nested helper
        places = spelt[word]
        if len(places) != 2 and within is not None:
            places = places[bisect.bisect_left(places, within.start_byte): bisect.bisect_left(places, within.end_byte)]
        reading = _inline(root, source, i, fn, name, places, at, within, gone) if len(places) == 2 else None
        if reading is not None:
            found[i] = reading
    found.update(_hosted(root, starts, found, outside))
    if spread:  # (each class's own `_rest`, called from top-level functions read in that class's methods)
        tops = sorted((fn.start_byte, fn.end_byte, i) for i, fn, _ in helpers if class_of(fn) is None and scope(fn) is None)
        hosts = {i: class_of_def(root, starts[_outermost(found, i)[0]]) for _, _, i in tops}
        outside.clear()
        for i, fn, name, klass, places in spread:
            # every spelling in a top-level class, or in a top-level function read in a method of one:
            # that class's own (`hold_all`, for the functions too)
            held = [classes.at(p) or _span(hosts.get(_top_at(tops, p))) for p in places]
            mine = [p for p, k in zip(places, held) if k == (klass.start_byte, klass.end_byte)]
            if len(mine) == 2 and all(held) and klass in classes:
                take(*_inline_method(root, source, i, fn, name, mine, at, gone), klass)
        found.update(_hosted(root, starts, found, outside))
    for h in [h for h, x in found.items() if x.prefix and x.caller in found and not found[x.caller].prefix]:
        del found[h]  # first in a helper read at its caller's end: midway through the function read whole
    return [found[h] for h in sorted(found) if _outermost(found, h)[1] <= MAX_CHAIN]


def _inline(root: Node, source: bytes, i: int, fn: Node, name: Node, places: list[int], at: dict[int, int],
            within: Node | None, gone: list[tuple[int, int]]) -> Inline | None:
    width = name.end_byte - name.start_byte
    for place in places:
        if place == name.start_byte:
            continue
        ident = root.descendant_for_byte_range(place, place + width)
        site = site_of(ident, source, gone) if ident is not None and ident.type == "identifier" else None
        caller = enclosing_scope(site.first) if site is not None else None
        if ident is None or site is None or caller is None or caller.type != "function_definition" \
                or fn.start_byte <= caller.start_byte < fn.end_byte:
            return None  # (the call stands in the helper itself, or in a function nested in it)
        if within is not None and within != caller:
            return None  # a nested helper is read only in the function that defines it
        if covers(gone, ident.end_byte):
            return None
        return _read_in(i, fn, caller, site, at, source)
    return None


def _hosted(root: Node, starts: list[int], found: dict[int, Inline],
            outside: list[tuple[Inline, Node]]) -> dict[int, Inline]:
    """`lex-v49`: those methods called through the instance from a top-level function that takes it
    first (`def _f(self, x): ... return self._rest(x)`) whose caller is itself read, through its
    callers, in a method of the method's class: a copier who cut `forward` into chained helper
    methods and then moved every method's body out to a module-level function the method forwards
    to (`forward` -> `_f` -> `self._rest` -> `_rest_f`) had each link read as written, and whole
    copies of olmo2's and gemma2's files so rewritten passed (a stranger's review, 2026-12-06)."""
    out: dict[int, Inline] = {}
    for inline, klass in outside:
        host, links = _outermost(found, inline.caller)
        if links and class_of_def(root, starts[host]) == klass:
            out[inline.helper] = inline
    return out


def _span(node: Node | None) -> tuple[int, int] | None:
    return (node.start_byte, node.end_byte) if node is not None else None


def _outermost(found: dict[int, Inline], i: int) -> tuple[int, int]:
    """The function that definition ``i`` is read in through its callers (itself when none), and
    how many readings lead there; past MAX_CHAIN (or in a cycle, which has no such end) the walk
    stops with more links than MAX_CHAIN."""
    links = 0
    while i in found and links <= MAX_CHAIN:
        i, links = found[i].caller, links + 1
    return i, links


def _top_at(tops: list[tuple[int, int, int]], place: int) -> int:
    """The index of the top-level function holding byte ``place``, or -1."""
    k = bisect.bisect_right(tops, (place, 1 << 62, 1 << 62)) - 1
    return tops[k][2] if k >= 0 and tops[k][0] <= place < tops[k][1] else -1


def _inline_method(root: Node, source: bytes, i: int, fn: Node, name: Node, places: list[int],
                   at: dict[int, int], gone: list[tuple[int, int]]) -> tuple[Inline | None, bool]:
    """A method called once as the last statement of another function: through the caller's
    instance (`self.m(...)`) in another method of its class, or, for a static method, through
    its class's name (`Ops.m(...)`) from any function; and whether the reading is pending: its
    caller a top-level function taking the instance first (`_hosted` decides)."""
    place = places[1] if places[0] == name.start_byte else places[0]
    width = name.end_byte - name.start_byte
    ident = root.descendant_for_byte_range(place, place + width)
    attr = ident.parent if ident is not None and ident.type == "identifier" else None
    callee: Node | None
    if attr is not None and attr.type == "attribute" and attr.child_by_field_name("attribute") == ident:
        callee, held = attr, attr.child_by_field_name("object")
    else:
        callee, held = _by_getattr(ident, source, width)
    if callee is None:
        return None, False
    site = site_of(callee, source, gone)
    caller = enclosing_scope(site.first) if site is not None else None
    if site is None or caller is None or caller.type != "function_definition" \
            or fn.start_byte <= caller.start_byte < fn.end_byte or covers(gone, callee.end_byte):
        return None, False
    through = _through(held, source)
    klass = class_of(fn)
    class_name = text(klass.child_by_field_name("name"), source) if klass is not None else None
    by_instance = class_of(caller) == klass and through == first_parameter(caller, source)
    by_class = static(fn, source) and through == class_name  # a static method: from any function
    above = outer(caller).parent
    if through is not None and not (by_instance or by_class) and not static(fn, source) \
            and above is not None and above.type == "module" and through == first_parameter(caller, source):
        return _read_in(i, fn, caller, site, at, source), True
    if through is None or not (by_instance or by_class):
        return None, False
    return _read_in(i, fn, caller, site, at, source), False


def _by_getattr(ident: Node | None, source: bytes, width: int) -> tuple[Node | None, Node | None]:
    """(`getattr(self, "m")`, `self`) when the name stands alone in the string of such a call
    (`lex-v29`: `getattr(self, "_rest")(x)` calls the method as `self._rest(x)` does)."""
    string = ident.parent if ident is not None and ident.type == "string_content" else None
    arguments = string.parent if string is not None and string.type == "string" else None
    call = arguments.parent if arguments is not None and arguments.type == "argument_list" else None
    if call is None or call.type != "call" or text(call.child_by_field_name("function"), source) != b"getattr" \
            or arguments is None or arguments.named_child_count != 2 or arguments.named_children[1] != string \
            or string.end_byte - string.start_byte != width + 2 or ident is None:
        return None, None
    return call, arguments.named_children[0]


def _read_in(i: int, fn: Node, caller: Node, site: Site, at: dict[int, int], source: bytes) -> Inline | None:
    """Helper ``i`` (``fn``) read in ``caller`` where the call's statements stand; its header
    (decorators, `def` line) goes."""
    body = fn.child_by_field_name("body")
    if outer(caller).start_byte not in at or body is None:
        return None
    return Inline(i, at[outer(caller).start_byte], (site.first.start_byte, site.last.end_byte),
                  (outer(fn).start_byte, body.start_byte), spent(fn, site, source), site.prefix)


def _through(held: Node | None, source: bytes) -> bytes | None:
    """The name a method is reached through: `self` in `self.m`, in `type(self).m` and in
    `self.__class__.m` (`lex-v29`)."""
    if held is not None and held.type == "attribute" \
            and text(held.child_by_field_name("attribute"), source) == b"__class__":
        held = held.child_by_field_name("object")
    elif held is not None and held.type == "call":
        called, arguments = held.child_by_field_name("function"), held.child_by_field_name("arguments")
        inner = arguments.named_children if arguments is not None else []
        if called is None or text(called, source) != b"type" or len(inner) != 1:
            return None
        held = inner[0]
    return text(held, source) if held is not None and held.type == "identifier" else None


def _in_comment(root: Node, start: int, end: int) -> bool:
    node = root.descendant_for_byte_range(start, end)
    return node is not None and node.type == "comment"


def read_in_callers(inlines: list[Inline], owner: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort keys placing each helper's tokens where its call stood: ``owner`` becomes the
    outermost caller (in place); the first key is the token's own position, or for a helper's
    token the position of the call in that caller; the second orders a helper's tokens along
    the chain of calls (a helper's own helper stands where it is called, in turn: among its caller's
    tokens, at its call's position there, so a first half cut out of a first half cut out reads
    before the rest of each, `lex-v56`)."""
    where, then = pos.copy(), np.zeros(pos.size, dtype=np.int64)
    if not inlines:
        return where, then
    by_unit = {x.helper + 1: x for x in inlines}

    def path(u: int) -> tuple[int, list[int]]:  # (outermost caller, call positions from it down to u)
        x = by_unit.get(u)
        if x is None:
            return u, []
        top, sites = path(x.caller + 1)
        return top, sites + [x.site[0] * 2]

    moved = np.flatnonzero(np.isin(owner, np.fromiter(by_unit, dtype=np.int64)))
    paths = {u: path(u) for u in by_unit}
    keys = sorted(moved.tolist(), key=lambda t: (*paths[int(owner[t])][1], int(pos[t])))
    then[keys] = np.arange(1, len(keys) + 1)
    for t in moved.tolist():
        top, sites = paths[int(owner[t])]
        owner[t], where[t] = top, sites[0]
    return where, then
