"""A function called from one place only, at the end of another, read where it is called.

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
(parse/units.py).

Only what reading can be sure of: an undecorated `def` at the module's top level, or in the
body of the very function that calls it; not a method (called through `self`, which reading
cannot follow), not one bound again, imported or named in a string (``__all__``), not one of a
cycle.  A helper called in the middle of a function is left as written: model code calls its
own `apply_rotary_pos_emb` so, and a copy of that function alone must still find it (merged
there, 431 of transformers' 538 modeling files would have changed; as a last `return`, 13).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from tree_sitter import Node

from lineage.parse.identity import enclosing_scope

_WORD = re.compile(rb"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*")
MAX_CHAIN = 16  # a helper reached through more helpers than this (or a cycle of them) stays a unit


@dataclass(frozen=True)
class Inline:
    """Definition ``helper`` read inside definition ``caller`` (both indexes into the definitions
    given), at the call statement's bytes ``site``; the helper's `def` line is ``header``."""

    helper: int
    caller: int
    site: tuple[int, int]
    header: tuple[int, int]


def inlined(root: Node, source: bytes, starts: list[int], dropped: list[tuple[int, int]] | None = None) -> list[Inline]:
    """The single-use helpers of a module.  ``starts``: every definition's first byte (a
    decorator's, for a decorated one), ascending, as parse/units.py numbers them; ``dropped``:
    byte spans already read as absent (a call whose callee is among them, e.g. a call to the
    module's identity function, is read as its argument instead: parse/identity.py).  Linear in
    the module's size: one pass finds every spelling of every function's name."""
    if source.count(b"def ") < 2:
        return []
    at = {s: i for i, s in enumerate(starts)}
    helpers = []
    for i, start in enumerate(starts):
        fn = _function_at(root, start)
        name = fn.child_by_field_name("name") if fn is not None else None
        if fn is not None and name is not None and _placed(fn):
            helpers.append((i, fn, name))
    words = {source[n.start_byte:n.end_byte] for _, _, n in helpers}
    spelt: dict[bytes, list[int]] = defaultdict(list)  # name -> where the module spells it, ascending
    for hit in _WORD.finditer(source):
        if hit.group() in words:
            spelt[hit.group()].append(hit.start())
    gone = _merged(dropped or [])
    found: dict[int, Inline] = {}
    for i, fn, name in helpers:
        scope = _scope(fn)  # where the name is read: the module, or the function defining a nested helper
        places = spelt[source[name.start_byte:name.end_byte]]
        if len(places) != 2 and scope is not None:
            places = places[bisect.bisect_left(places, scope.start_byte): bisect.bisect_left(places, scope.end_byte)]
        if len(places) == 2:
            found.update(_inline(root, source, i, fn, name, places, at, scope, gone))
    return [found[h] for h in sorted(found) if _depth(found, h) <= MAX_CHAIN]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, overlapping spans joined: disjoint and ascending, for a binary search."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _read_as_absent(gone: list[tuple[int, int]], end: int) -> bool:
    """The byte before ``end`` lies in one of the disjoint, ascending spans ``gone``."""
    k = bisect.bisect_left(gone, (end, -1)) - 1
    return k >= 0 and gone[k][0] < end <= gone[k][1]


def _function_at(root: Node, start: int) -> Node | None:
    """The undecorated `def` starting at byte ``start`` (None for a class or a decorated one)."""
    leaf = root.descendant_for_byte_range(start, start + 1)
    node = leaf.parent if leaf is not None else None
    if node is not None and leaf is not None and leaf.type == "async":
        return None
    return node if node is not None and node.type == "function_definition" and node.start_byte == start else None


def _scope(fn: Node) -> Node | None:
    """The function whose body defines ``fn`` (None at the module's top level)."""
    up = fn.parent
    return up.parent if up is not None and up.type == "block" else None


def _placed(fn: Node) -> bool:
    """At the module's top level or directly in a function's body: not a method, not a `def`
    under a condition."""
    up = fn.parent
    return up is not None and (up.type == "module" or (
        up.type == "block" and up.parent is not None and up.parent.type == "function_definition"))


def _inline(root: Node, source: bytes, i: int, fn: Node, name: Node, places: list[int], at: dict[int, int],
            scope: Node | None, gone: list[tuple[int, int]]) -> dict[int, Inline]:
    width = name.end_byte - name.start_byte
    for place in places:
        if place == name.start_byte:
            continue
        ident = root.descendant_for_byte_range(place, place + width)
        call = ident.parent if ident is not None and ident.type == "identifier" else None
        if call is None or call.type != "call" or call.child_by_field_name("function") != ident:
            return {}
        statements = _statements_of(call, source)
        caller = enclosing_scope(statements[0]) if statements is not None else None
        if statements is None or caller is None or caller.type != "function_definition" \
                or fn.start_byte <= caller.start_byte < fn.end_byte:
            return {}  # (the call stands in the helper itself, or in a function nested in it)
        if scope is not None and scope != caller:
            return {}  # a nested helper is read only in the function that defines it
        if _read_as_absent(gone, call.end_byte):
            return {}
        outer = caller.parent if caller.parent is not None and caller.parent.type == "decorated_definition" else caller
        body = fn.child_by_field_name("body")
        if outer.start_byte not in at or body is None:
            return {}
        return {i: Inline(i, at[outer.start_byte], (statements[0].start_byte, statements[1].end_byte),
                          (fn.start_byte, body.start_byte))}
    return {}


def _statements_of(call: Node, source: bytes) -> tuple[Node, Node] | None:
    """The statements the call is the whole of, when they end its function's body: `return
    f(...)`, or `out = f(...)` followed by `return out` (first and last statement)."""
    up = call.parent
    if up is not None and up.type == "return_statement" and up.named_child_count == 1:
        return (up, up) if _last_in_function(up) else None
    if up is None or up.type != "assignment" or up.child_by_field_name("right") != call:
        return None
    name, statement = up.child_by_field_name("left"), up.parent
    if name is None or name.type != "identifier" or up.child_by_field_name("type") is not None \
            or statement is None or statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    returned = _next_statement(statement)
    value = returned.named_children[0] if returned is not None and returned.named_child_count == 1 else None
    if returned is None or returned.type != "return_statement" or value is None or value.type != "identifier" \
            or source[value.start_byte:value.end_byte] != source[name.start_byte:name.end_byte]:
        return None
    return (statement, returned) if _last_in_function(returned) else None


def _next_statement(node: Node) -> Node | None:
    after = node.next_named_sibling
    while after is not None and after.type == "comment":
        after = after.next_named_sibling
    return after


def _last_in_function(statement: Node) -> bool:
    """The statement ends its function's body (comments aside)."""
    block = statement.parent
    return _next_statement(statement) is None and block is not None and block.type == "block" \
        and block.parent is not None and block.parent.type == "function_definition"


def _depth(found: dict[int, Inline], helper: int) -> int:
    """How many helpers the chain of callers from ``helper`` passes through before a function
    that is no helper; past MAX_CHAIN (or in a cycle, which has no such end) the helper stays."""
    depth, caller = 1, found[helper].caller
    while caller in found and depth <= MAX_CHAIN:
        depth, caller = depth + 1, found[caller].caller
    return depth
