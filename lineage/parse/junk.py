"""Computations that feed nothing: locals a function binds and reads only to bind each other.

fingerprint/deadstores.py drops a store whose name is never read, one statement at a time.
Obfuscators pad with more than that: chains of junk locals that read one another (`a = 'x'`,
`b = a`, `c = b`: each is read, by junk), and whole blocks over them, opaque predicates that
test junk against junk and assign junk (intensio-obfuscator's `if s1 == s2: for c in s3: ...`
between every two statements; python-obfuscator's stores after a `return`).  On a stranger's
review, copies of transformers' modeling files so padded read as weak resemblances.

A function's local is junk when each statement that binds it computes without calling anything
(literals, names, operators, items, conditional expressions, a string literal's methods) and
nothing but junk reads it; a statement is junk when it binds junk locals only and calls nothing,
changes in place junk that was only ever bound to a new object (`j = []` then `j.append(1)`,
`j[0] = 1`), is an assert (no part of a function's unit: fingerprint/deadstores.py), or is an
`if`, `for`, `while` or `try` whose conditions call nothing and whose every statement is junk,
or an `if` or `while` with no other branch whose condition is false by the constants it reads
(`_k = 9` then `if _k < 4: print(_k)`: a local every binding of which gives it the same value
of constants, parse/constant.py), whatever it calls (`lex-v31`).
Found as the largest such set: every candidate starts as junk, and a candidate read by a
statement that is not junk is live, until nothing changes.  Never junk: a parameter, a name
declared `global` or `nonlocal`, a name also bound by an import, a `with`, an `except`, a walrus
or a call's result, one a nested function reads (unless it has a local of that name), and any
local of a function that may read its names at run time (`locals()`, `vars()`, `eval`, `exec`,
its frame, however bound) or spells a name in letters other than ASCII (parse/uncalled.py).  Junk statements are read
as absent (their byte spans), on both sides.  Real code has few: in transformers' 530 modeling
files, 14 statements, all dead (`codes = []`, `codes.append(c)`, never read).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from tree_sitter import Node

from lineage.parse.callsite import spelt_as
from lineage.parse.constant import UNKNOWN, value
from lineage.parse.decided import never_runs, runs_junk
from lineage.parse.hoisted import role
from lineage.parse.queries import bound_values, functions
from lineage.parse.pure import pure
from lineage.parse.sinks import reads_junk, write_only
from lineage.parse.uncalled import by_name

_COMPOUND = frozenset({"if_statement", "for_statement", "while_statement", "try_statement"})
_NESTED = frozenset({"function_definition", "class_definition", "lambda"})


def junk_spans(root: Node, source: bytes, tick: Callable[[], None] = lambda: None,
               gone: frozenset[tuple[int, int]] = frozenset()) -> list[tuple[int, int]]:
    """Byte spans of junk statements in function bodies (outermost only); ``tick`` is called each
    round of the search and may raise to stop it (parse/budget.py); ``gone``: the spans of whole
    statements already read as absent, junk however they read (`lex-v45`: padding handed values
    computed for it alone, `_n = len('abc')` then `_trace(_n)`, parse/padding.py)."""
    if b"def " not in source:
        return []
    seeds: list[tuple[int, bytes]] = []  # (byte, name): a plain name bound to a value that calls nothing
    for node in bound_values(root):
        up = node.parent
        statement = up if up is not None and up.type == "for_statement" else (up.parent if up is not None else None)
        if statement is not None and pure(node, source):
            seeds += [(statement.start_byte, name) for name, quiet in _binds(statement, source) if quiet]
    sinks = write_only(root, source)
    if not seeds and not sinks:
        return []
    seeds.sort()
    at = [b for b, _ in seeds]
    spans: list[tuple[int, int]] = []
    for _, params, body in functions(root):
        names = {name for _, name in seeds[bisect_left(at, body.start_byte):bisect_left(at, body.end_byte)]}
        names |= {name for name in sinks if name in source[body.start_byte:body.end_byte]}
        if names:
            spans += _junk_in(names - _parameters(params, source), body, source, tick, sinks, gone)
    return sorted(set(spans))


def _junk_in(names: set[bytes], body: Node, source: bytes, tick: Callable[[], None],
             sinks: frozenset[bytes] = frozenset(),
             gone: frozenset[tuple[int, int]] = frozenset()) -> list[tuple[int, int]]:
    """Junk statements of one body, given the names it binds to values that call nothing (and the
    module's ``sinks``, `write_only`)."""
    if by_name(body, source):  # (names reached at run time, or spelt in letters NFKC reads otherwise)
        return []
    reads: list[tuple[Node, bytes]] = []
    binds: list[Node] = []
    shared: set[bytes] = set()
    junk = set(names)
    spellings = []
    for node, name in _spellings(body, junk, source):  # (each a walk up: deeply nested functions cost)
        tick()
        spellings.append((node, name, _nested_in(node, body)))
    # a name a nested function declares `nonlocal` (or the body `global`) is shared: never junk
    junk -= {name for node, name, _ in spellings
             if node.parent is not None and node.parent.type in ("nonlocal_statement", "global_statement")}
    # a nested function that binds the name has a local of its own (a parameter, a store)
    own = {(nested.id, name) for node, name, nested in spellings if nested is not None and role(node) == "binds"}
    for node, name, nested in spellings:
        if nested is not None and (nested.id, name) in own:
            continue
        how = role(node)
        if how == "reads":
            reads.append((node, name))
        elif how == "binds":
            binds.append(node)
            if not _bound_purely(node, name, source):
                junk.discard(name)  # also an import's, a `with`'s, a walrus's, a `global`, or a call's result
            if not _fresh(node):
                shared.add(name)
    fresh = junk - shared  # bound to new objects only: what changes them in place changes nothing else
    known = _constants(binds, junk, source)
    memo: dict[int, bool] = {}
    # whether a statement is junk turns on the names spelt in it alone: once some names are live,
    # only the readings under a top statement of the body spelling one of them can change (a chain
    # of n locals each read by the next is n rounds: each round reads two statements, not all n)
    top = {}
    of = _statements_of(body)
    for node, _, _ in spellings:  # (each reading is a spelling)
        tick()
        top[node.id] = of(node)
    where: dict[bytes, set[int]] = {}
    for node, name, _ in spellings:
        where.setdefault(name, set()).add(top[node.id])
    under: dict[int, list[tuple[Node, bytes]]] = {}
    for node, name in reads:
        under.setdefault(top[node.id], []).append((node, name))
    pending = reads
    while junk:  # the largest set whose every reading is junk
        tick()
        memo.clear()
        live = {name for node, name in pending
                if name in junk and _outermost(node, body, junk, fresh, known, source, memo, sinks, gone) is None}
        if not live:
            break
        junk -= live
        tops = set().union(*(where.get(name, set()) for name in live))
        pending = [read for top in sorted(tops) for read in under.get(top, ())]
    if not junk:
        return []
    memo.clear()
    found = {_outermost(node, body, junk, fresh, known, source, memo, sinks, gone)
             for node, name in reads if name in junk}
    found |= {_outermost(node, body, junk, fresh, known, source, memo, sinks, gone) for node in binds}
    return [(s.start_byte, s.end_byte) for s in found if s is not None]


def _top(node: Node, body: Node) -> int:
    """The id of the statement of ``body`` itself that holds ``node``."""
    up = node
    while up.parent is not None and up.parent != body:
        up = up.parent
    return up.id


def _statements_of(body: Node) -> Callable[[Node], int]:
    """`_top` for the nodes of one body, told by the bytes of its statements (a walk up costs a
    walk down from the root per step in tree-sitter); a node no statement's bytes hold, by `_top`."""
    children = body.children
    starts = [c.start_byte for c in children]

    def of(node: Node) -> int:
        k = bisect_right(starts, node.start_byte) - 1
        if k >= 0 and children[k].end_byte >= node.end_byte and children[k].end_byte > node.start_byte:
            return int(children[k].id)
        return _top(node, body)
    return of


_WORD = re.compile(rb"[A-Za-z_]\w*")


def _spellings(body: Node, names: set[bytes], source: bytes) -> list[tuple[Node, bytes]]:
    """The identifier nodes spelling any of ``names`` in ``body`` (not in strings or comments).
    Every ASCII word is read and looked up (one alternation of thousands of names costs their
    number at every byte)."""
    hits: Iterable[tuple[int, int, bytes]]
    if all(_WORD.fullmatch(n) for n in names):
        hits = spelt_as(names, source, body.start_byte, body.end_byte, after_dot=False)
    else:
        pattern = rb"(?<![\w.])(?:" + b"|".join(re.escape(n) for n in sorted(names)) + rb")(?!\w)"
        hits = ((hit.start(), hit.end(), hit.group())
                for hit in re.compile(pattern).finditer(source, body.start_byte, body.end_byte))
    out = []
    for lo, hi, word in hits:
        node = body.descendant_for_byte_range(lo, hi)
        if node is not None and node.type == "identifier" and node.start_byte == lo and node.end_byte == hi:
            out.append((node, word))
    return out


def _nested_in(node: Node, body: Node) -> Node | None:
    """The innermost function or lambda inside ``body`` holding ``node``, or None."""
    up = node.parent
    while up is not None and up != body:
        if up.type in ("function_definition", "lambda"):
            return up
        up = up.parent
    return None


_NEW = frozenset({"list", "dictionary", "set", "tuple", "string", "concatenated_string", "integer", "float", "true",
                  "false", "none", "list_comprehension", "dictionary_comprehension", "set_comprehension"})


def _fresh(name: Node) -> bool:
    """The binding at ``name`` gives it a new object (a display or a literal), not one held elsewhere."""
    up = name.parent
    while up is not None and up.type in ("pattern_list", "tuple_pattern", "list_pattern"):
        up = up.parent
    if up is None or up.type not in ("assignment", "augmented_assignment"):
        return False  # (a loop's target holds the iterable's items)
    value = up.child_by_field_name("right")
    stack = [value] if value is not None and up.child_by_field_name("left") == name else []
    if not stack:
        return False  # (unpacked: its parts may be anything's)
    while stack:
        current = stack.pop()
        if current.type == "parenthesized_expression":
            stack.extend(current.named_children)
        elif current.type == "conditional_expression" and current.named_child_count == 3:
            stack += [current.named_children[0], current.named_children[2]]
        elif current.type not in _NEW:
            return False
    return True


def _bound_purely(node: Node, name: bytes, source: bytes) -> bool:
    """The statement binding ``node`` binds it by assignment or `for`, to a value that calls nothing."""
    up = node.parent
    while up is not None and up.type not in ("expression_statement", "for_statement", "block", "module"):
        up = up.parent
    if up is None or up.type in ("block", "module"):
        return False
    return (name, True) in _binds(up, source)


def _constants(binds: list[Node], names: set[bytes], source: bytes) -> dict[bytes, object]:
    """The names every binding of which is a plain assignment of one and the same value of
    constants (parse/constant.py), read in the order bound (`_a = 3` then `_b = _a + 1`): what a
    predicate over them tests is fixed."""
    ordered = sorted(binds, key=lambda n: n.start_byte)
    broken: set[bytes] = set()
    for _ in range(4):  # (a name found to vary is read as unknown from the start, by those read from it too)
        known: dict[bytes, object] = {}
        before = len(broken)
        for node in ordered:
            name = source[node.start_byte:node.end_byte]
            up = node.parent
            if name in broken or up is None:
                continue
            plain = up.type == "assignment" and up.child_by_field_name("left") == node \
                and up.child_by_field_name("type") is None and name in names
            found = value(up.child_by_field_name("right"), source, known) if plain else UNKNOWN
            if found is UNKNOWN or name in known and (type(known[name]) is not type(found) or known[name] != found):
                broken.add(name)
                known.pop(name, None)
            else:
                known[name] = found
        if len(broken) == before:
            return known
    return {}


def _outermost(node: Node, body: Node, junk: set[bytes], fresh: set[bytes], known: dict[bytes, object],
               source: bytes, memo: dict[int, bool], sinks: frozenset[bytes] = frozenset(),
               gone: frozenset[tuple[int, int]] = frozenset()) -> Node | None:
    """The outermost junk statement of ``body`` holding ``node``, or None."""
    found = None
    up: Node | None = node
    while up is not None and up != body:
        if up.type in _NESTED:
            found = None  # (what a nested definition or lambda holds reads in its own right)
        elif up.parent is not None and up.parent.type == "block":
            if up.id not in memo:
                memo[up.id] = (up.start_byte, up.end_byte) in gone or _junk(up, junk, fresh, source, sinks) \
                    or never_runs(up, known, source) \
                    or runs_junk(up, known, source, lambda s: _junk(s, junk, fresh, source, sinks))
            found = up if memo[up.id] else found
        up = up.parent
    return found


def _assignment(statement: Node) -> Node | None:
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    inner = statement.named_children[0]
    return inner if inner.type in ("assignment", "augmented_assignment") else None


def _binds(statement: Node, source: bytes) -> list[tuple[bytes, bool]]:
    """(name, its value calls nothing) for each plain name the statement binds."""
    assignment = _assignment(statement)
    if assignment is not None:
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        names = _targets(left, source)
        quiet = right is not None and pure(right, source) and assignment.child_by_field_name("type") is None
        return [(n, quiet and names is not None) for n in names or []]
    if statement.type == "for_statement":
        names = _targets(statement.child_by_field_name("left"), source)
        right = statement.child_by_field_name("right")
        return [(n, right is not None and pure(right, source)) for n in names or []]
    return []


def _targets(left: Node | None, source: bytes) -> list[bytes] | None:
    """The plain names a target binds (`a`, `a, b`); None when it also stores elsewhere (`x.y`, `x[i]`)."""
    if left is None:
        return None
    if left.type == "identifier":
        return [source[left.start_byte:left.end_byte]]
    if left.type in ("pattern_list", "tuple_pattern", "list_pattern"):
        names = [_targets(c, source) for c in left.named_children]
        return None if any(n is None for n in names) else [x for n in names for x in n or []]
    value = left.child_by_field_name("value") if left.type == "subscript" else None
    if value is not None and value.type == "identifier" and pure(left, source):  # `a[0] = ...` changes a alone
        return [source[value.start_byte:value.end_byte]]
    return None


def _junk(statement: Node, junk: set[bytes], fresh: set[bytes], source: bytes,
          sinks: frozenset[bytes] = frozenset()) -> bool:
    """The statement changes junk alone (``fresh``: junk never bound to another object, so changed in
    place alone; what it puts in one of the module's ``sinks`` is junk too, `write_only`)."""
    assignment = _assignment(statement)
    if assignment is not None:
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        names = _targets(left, source)
        owned = fresh if left is not None and left.type == "subscript" else junk  # (`a[0] = 1` changes a's object)
        sunk = bool(names) and names is not None and names[0] in sinks  # (into a sink: junk alone, parse/sinks.py)
        return bool(names) and all(n in junk and n in owned for n in names or []) and right is not None \
            and left is not None and pure(right, source) \
            and (not sunk or reads_junk(left, junk, source) and reads_junk(right, junk, source))
        # (no set built per statement: a body may have thousands of junk candidates)
    if statement.type in ("pass_statement", "assert_statement"):
        return True  # (an assert is no part of a function's unit: fingerprint/deadstores.py)
    if statement.type == "expression_statement" and statement.named_child_count == 1:
        return _method_on(statement.named_children[0], junk, fresh, source, sinks)
    if statement.type not in _COMPOUND:
        return False
    if statement.type != "if_statement" and any(c.type == "else_clause" for c in statement.children):
        return False  # (a loop's `else` runs on its own terms)
    if statement.type == "for_statement":
        names = _targets(statement.child_by_field_name("left"), source)
        right = statement.child_by_field_name("right")
        if not names or not set(names) <= junk or right is None or not pure(right, source):
            return False
    conditions = [statement.child_by_field_name("condition")]
    conditions += [c.child_by_field_name("condition") for c in statement.children if c.type == "elif_clause"]
    if any(c is not None and not pure(c, source) for c in conditions):
        return False
    blocks = [c for c in statement.named_children if c.type == "block"]
    blocks += [b for c in statement.children if c.type in ("elif_clause", "else_clause", "except_clause",
                                                          "finally_clause")
               for b in c.named_children if b.type == "block"]
    return all(_junk(s, junk, fresh, source, sinks) for b in blocks for s in b.named_children if s.type != "comment")


def _method_on(call: Node, junk: set[bytes], fresh: set[bytes], source: bytes,
               sinks: frozenset[bytes] = frozenset()) -> bool:
    """`a.append(1)` as a statement, `a` junk (and ``fresh``) and its arguments calling nothing: it
    changes junk alone; into one of the module's ``sinks``, it must hand on junk or literals alone."""
    function = call.child_by_field_name("function") if call.type == "call" else None
    target = function.child_by_field_name("object") if function is not None and function.type == "attribute" else None
    arguments = call.child_by_field_name("arguments")
    name = source[target.start_byte:target.end_byte] if target is not None and target.type == "identifier" else None
    return name is not None and name in junk and name in fresh \
        and arguments is not None and all(pure(a, source) for a in arguments.named_children) \
        and (name not in sinks or reads_junk(arguments, junk, source))


def _parameters(params: Node, source: bytes) -> set[bytes]:
    """The names a function's parameters bind (and anything else spelt there: never junk)."""
    out: set[bytes] = set()
    stack = [params]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            out.add(source[current.start_byte:current.end_byte])
        else:
            stack.extend(current.named_children)
    return out
