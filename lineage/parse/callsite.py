"""Where a single-use helper is called, for parse/inline.py: the statements that are the whole of
its call, when they end the caller's body or begin it.

At the end: `return f(...)`, `out = f(...)` then `return out`, or the call alone (`f(...)`, its
value thrown away), also inside a wrapper read as absent (`try:` ... `finally: pass`).  The call
may go through a local alias bound just before it (`g = self._rest` then `return g(...)`, the
alias spelt nowhere else in the caller) or through a lambda that only forwards its parameters
(`(lambda *a: self._rest(*a))(x)`), through a walrus, `(f := self._rest)(x)`, or a partial,
`functools.partial(self._rest, a)(b)` (`lex-v29`): each reads as the plain call.  At the beginning
(`lex-v27`): the caller's first statement (its docstring, comments and a
`super().__init__(...)` aside) is the call alone, `f(...)`, or its value bound to names, `a, b =
f(...)`, as when a copier cuts a function's first half out into a helper; the helper's closing
`return` of those names is then spent (it stood nowhere in the uncut code).  The call must hand
on names only, as a cut first half takes the caller's parameters: one that computes its
arguments (`out = self._norm(x.float())`) is the code's own factoring.  A call anywhere
else stays where it is: model code calls its own `apply_rotary_pos_emb` midway through
`forward`.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

from tree_sitter import Node

from lineage.parse.spans import covers

WORD = re.compile(rb"(?<!\w)[A-Za-z_][A-Za-z0-9_]*")  # a name as spelt (after a dot too)
_NAMES = ("identifier", "none")  # what a prefix's closing `return` may hand back: names only
_PACKS = ("tuple", "expression_list", "parenthesized_expression", "pattern_list", "tuple_pattern")
_IDLE = ("comment", "pass_statement", "assert_statement")  # what may stand before a first call (`lex-v28`)
_PARTIAL = (b"partial", b"functools.partial")  # a call it binds its first arguments to is its call (`lex-v29`)


_FEW = 64  # names looked for one by one (more: every name of the text is read and looked up)
_OWN = re.compile(rb"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*")  # a name of its own, whole (not after a dot)
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")  # (bytes patterns' \w)
_WORD_OR_DOT = _WORD_BYTES | {ord(".")}


def spelt_as(words: Set[bytes], source: bytes, start: int = 0, end: int | None = None,
             after_dot: bool = True) -> list[tuple[int, int, bytes]]:
    """(first byte, end, name) of the `WORD` hits of ``source[start:end]`` (without ``after_dot``, those
    not after a dot) that are one of ``words``, in order: a few names each found by ``bytes.find`` (a
    name no such hit can be, not an ASCII identifier, is never looked for: it is never one), many by
    reading every name.  (What ``(?<!\\w)(?:NAME|...)(?!\\w)`` finds, as the bytes around the slice
    count for it; re tries a pattern opening with a look-behind at every byte of the text, a tenth of a
    second a module set.  No hit starts inside another, which would follow a word byte, so the names
    are found apart as together.)"""
    names = [w for w in words if WORD.fullmatch(w)]
    stop = len(source) if end is None else min(end, len(source))
    if len(names) > _FEW:
        return [(hit.start(), hit.end(), hit.group())
                for hit in (WORD if after_dot else _OWN).finditer(source, start, stop) if hit.group() in words]
    before = _WORD_BYTES if after_dot else _WORD_OR_DOT
    found: list[tuple[int, int, bytes]] = []
    for name in names:
        at = source.find(name, start, stop)
        while at >= 0:
            after = at + len(name)
            if (at == 0 or source[at - 1] not in before) and (after == stop or source[after] not in _WORD_BYTES):
                found.append((at, after, name))
            at = source.find(name, at + 1, stop)
    found.sort()
    return found


@dataclass(frozen=True)
class Site:
    """The caller's statements ``first`` to ``last`` are the whole of the call; ``prefix``: they
    begin the caller's body rather than end it."""

    first: Node
    last: Node
    prefix: bool = False


def site_of(callee: Node, source: bytes, gone: list[tuple[int, int]]) -> Site | None:
    """The site of the call of ``callee`` (the expression naming the helper: `f`, `self.m`), or
    None when it is called anywhere else or not called.  ``gone``: disjoint, ascending byte
    spans already read as absent."""
    up = callee.parent
    if up is not None and up.type == "named_expression" and up.child_by_field_name("value") == callee \
            and up.parent is not None and up.parent.type == "parenthesized_expression":
        callee, up = up.parent, up.parent.parent  # (`(f := self._rest)(x)` calls it as `self._rest(x)`: `lex-v29`)
    elif up is not None and up.type == "argument_list" and up.named_child_count and up.named_children[0] == callee \
            and up.parent is not None and _text(up.parent.child_by_field_name("function"), source) in _PARTIAL:
        callee, up = up.parent, up.parent.parent  # (`functools.partial(self._rest, x)(y)`, as `self._rest(x, y)`)
    if up is not None and up.type == "call" and up.child_by_field_name("function") == callee:
        return _around(_unwrapped(up, source), source, gone)
    if up is not None and up.type == "assignment" and up.child_by_field_name("right") == callee:
        return _aliased(up, source, gone)
    return None


def spent(helper: Node, site: Site, source: bytes) -> tuple[tuple[int, int], ...]:
    """What reading ``helper`` at ``site`` spends of it: a prefix's closing `return` of names
    (`return a, b`; or a bare `return`; or `return locals()`, whose names the site takes back)."""
    body = helper.child_by_field_name("body")
    last = body.named_children[-1] if site.prefix and body is not None and body.named_child_count else None
    while last is not None and last.type == "comment":
        last = last.prev_named_sibling
    if last is None or last.type != "return_statement" or last.named_child_count > 1:
        return ()
    value = last.named_children[0] if last.named_child_count else None
    return ((last.start_byte, last.end_byte),) if _names_only(value) or _namespace(value, source) else ()


def _namespace(value: Node | None, source: bytes) -> bool:
    """`locals()` or `vars()`: every name of the helper handed back (`lex-v44`)."""
    return value is not None and value.type == "call" and _text(value, source).replace(b" ", b"") in (b"locals()",
                                                                                                   b"vars()")


def _names_only(value: Node | None) -> bool:
    """Nothing, `None`, a name, or names packed in a tuple (`a, b`, `(a, b)`)."""
    if value is None or value.type in _NAMES:
        return True
    return value.type in _PACKS and all(_names_only(c) for c in value.named_children)


def _unwrapped(call: Node, source: bytes) -> Node:
    """The call that invokes ``call`` through a lambda forwarding its parameters unchanged
    (`(lambda *a: f(*a))(x)`), or ``call`` itself."""
    lam = call.parent
    outer = lam.parent.parent if lam is not None and lam.type == "lambda" and lam.parent is not None \
        and lam.parent.type == "parenthesized_expression" else None
    if lam is None or outer is None or outer.type != "call" or outer.child_by_field_name("function") != lam.parent \
            or lam.child_by_field_name("body") != call:
        return call
    params, args = lam.child_by_field_name("parameters"), call.child_by_field_name("arguments")
    passed = [_text(a, source) for a in args.named_children] if args is not None else []
    taken = [_text(p, source) for p in params.named_children] if params is not None else []
    forwards = params is None or all(p.type in ("identifier", "list_splat_pattern", "dictionary_splat_pattern")
                                     for p in params.named_children)
    return outer if forwards and passed == taken else call


def _aliased(assignment: Node, source: bytes, gone: list[tuple[int, int]]) -> Site | None:
    """`g = f` then, as the next statement, the end of the caller calling `g` (`return g(...)`,
    or `out = g(...)` then `return out`), ``g`` spelt nowhere else in the caller."""
    alias, statement = assignment.child_by_field_name("left"), assignment.parent
    if alias is None or alias.type != "identifier" or assignment.child_by_field_name("type") is not None \
            or statement is None or statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    after = _next_statement(statement)
    inner = after.named_children[0] if after is not None and after.named_child_count == 1 else None
    call = inner.child_by_field_name("right") if inner is not None and inner.type == "assignment" else inner
    called = call.child_by_field_name("function") if call is not None and call.type == "call" else None
    if called is None or _text(called, source) != _text(alias, source):
        return None
    site = _around(call, source, gone) if call is not None else None
    body = statement.parent
    while body is not None and body.type != "function_definition":
        body = body.parent
    if site is None or site.prefix or site.first != after or body is None \
            or WORD.findall(_text(body.child_by_field_name("body"), source)).count(_text(alias, source)) != 2:
        return None
    return Site(statement, site.last)


def _around(call: Node, source: bytes, gone: list[tuple[int, int]]) -> Site | None:
    """The statements the call is the whole of, when they end its function's body (`return
    f(...)`, `out = f(...)` followed by `return out`, or `f(...)` alone) or begin it (`f(...)`,
    `a, b = f(...)`, handing on names only)."""
    inner, up = call, call.parent
    while up is not None and up.type == "parenthesized_expression" and up.named_child_count == 1:
        call, up = up, up.parent  # (`return (f(...))`)
    if up is not None and up.type == "return_statement" and up.named_child_count == 1:
        return Site(up, up) if _last_in_function(up, gone) else None
    statement = up.parent if up is not None and up.type == "assignment" else up
    if up is None or statement is None or statement.type != "expression_statement" \
            or statement.named_child_count != 1:
        return None
    if up.type != "assignment" and _last_in_function(statement, gone):
        return Site(statement, statement)  # `f(...)` last: its value, as the caller's, thrown away
    if up.type == "assignment":
        name = up.child_by_field_name("left")
        if up.child_by_field_name("right") != call or up.child_by_field_name("type") is not None or name is None:
            return None
        returned = _next_statement(statement)
        value = returned.named_children[0] if returned is not None and returned.named_child_count == 1 else None
        if returned is not None and returned.type == "return_statement" and value is not None \
                and _names(name, source) is not None and _names(value, source) == _names(name, source) \
                and _last_in_function(returned, gone):
            return Site(statement, returned)  # (`out = f(...)`, or `a, b = f(...)`, then returned as it is)
        if not binds_names(name):
            return None
    if not (passes_names(inner) and _first_in_function(statement, source, gone)):
        return None
    return Site(statement, _unpacked(statement, up, source, gone), True)


def _unpacked(statement: Node, assignment: Node, source: bytes, gone: list[tuple[int, int]]) -> Node:
    """The last of the statements after a prefix call `env = f(...)` that take its names back out
    of what it returned, `a = env['a']` each (a helper cut out of its caller returning `locals()`:
    a stranger's review, `lex-v44`), when the caller spells `env` nowhere else; else ``statement``."""
    env = assignment.child_by_field_name("left")
    if env is None or env.type != "identifier":
        return statement
    name = _text(env, source)
    last, after, taken = statement, _next_statement(statement), 0
    while after is not None and _takes(after, name, source, gone):
        last, after, taken = after, _next_statement(after), taken + 1
    body = statement.parent
    if not taken or body is None or WORD.findall(_text(body, source)).count(name) != taken + 1:
        return statement
    return last


def _takes(statement: Node, env: bytes, source: bytes, gone: list[tuple[int, int]]) -> bool:
    """`a = env['a']`: a name taken out of ``env`` under its own name (through a call read as its
    argument, ``gone``: parse/wrapped.py, parse/identity.py)."""
    assignment = statement.named_children[0] if statement.type == "expression_statement" \
        and statement.named_child_count == 1 else None
    left = assignment.child_by_field_name("left") if assignment is not None and assignment.type == "assignment" else None
    right = assignment.child_by_field_name("right") if assignment is not None else None
    arguments = right.child_by_field_name("arguments") if right is not None and right.type == "call" else None
    if right is not None and arguments is not None and covers(gone, right.start_byte) \
            and arguments.named_child_count == 1:
        right = arguments.named_children[0]
    if left is None or left.type != "identifier" or right is None or right.type != "subscript" \
            or _text(right.child_by_field_name("value"), source) != env:
        return False
    key = right.child_by_field_name("subscript")
    return key is not None and key.type == "string" and _text(key, source)[1:-1] == _text(left, source) \
        and _text(key, source)[:1] in (b"'", b'"')


def _names(node: Node, source: bytes) -> list[bytes] | None:
    """`a`, `a, b` or `(a, b)` as its names in order; None for anything else."""
    if node.type == "identifier":
        return [_text(node, source)]
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _names(node.named_children[0], source)
    if node.type in _PACKS and node.named_child_count and all(c.type == "identifier" for c in node.named_children):
        return [_text(c, source) for c in node.named_children]
    return None


def passes_names(call: Node) -> bool:
    """The call hands on names only (`f(a, b, *rest, key=c)`), as a first half cut off takes the
    caller's parameters; one computing its arguments (`self._norm(x.float())`) is the code's own
    factoring."""
    arguments = call.child_by_field_name("arguments")
    for arg in arguments.named_children if arguments is not None else []:
        value = arg.child_by_field_name("value") if arg.type == "keyword_argument" else \
            arg.named_children[0] if arg.type in ("list_splat", "dictionary_splat") and arg.named_child_count else arg
        if value is None or value.type not in ("identifier", "comment"):
            return False
    return True


def binds_names(target: Node) -> bool:
    """Names only: `a`, `a, b`, `(a, b)`."""
    if target.type == "identifier":
        return True
    return target.type in ("pattern_list", "tuple_pattern") \
        and all(c.type == "identifier" for c in target.named_children)


def _next_statement(node: Node) -> Node | None:
    after = node.next_named_sibling
    while after is not None and after.type == "comment":
        after = after.next_named_sibling
    return after


def _first_in_function(statement: Node, source: bytes, gone: list[tuple[int, int]]) -> bool:
    """The statement begins its function's body: only comments, what is read as absent (the
    docstring) and a call of the base class's constructor (`super().__init__(...)`) stand
    before it."""
    block = statement.parent
    if block is None or block.type != "block" or block.parent is None or block.parent.type != "function_definition":
        return False
    before = statement.prev_named_sibling
    while before is not None and (before.type in _IDLE or covers(gone, before.end_byte) or _super_init(before, source)
                                  or _constant(before)):
        before = before.prev_named_sibling
    return before is None


def _constant(statement: Node) -> bool:
    """A statement of a lone literal (`...`, `0`, `"note"`): it does nothing."""
    return statement.type == "expression_statement" and statement.named_child_count == 1 \
        and statement.named_children[0].type in ("string", "integer", "float", "ellipsis", "none", "true", "false")


def _super_init(statement: Node, source: bytes) -> bool:
    """`super().__init__(...)`, `super(Cls, self).__init__(...)`, as a statement."""
    call = statement.named_children[0] if statement.type == "expression_statement" \
        and statement.named_child_count == 1 else None
    called = call.child_by_field_name("function") if call is not None and call.type == "call" else None
    held = called.child_by_field_name("object") if called is not None and called.type == "attribute" else None
    base = held.child_by_field_name("function") if held is not None and held.type == "call" else None
    return called is not None and _text(called.child_by_field_name("attribute"), source) == b"__init__" \
        and base is not None and _text(base, source) == b"super"


def _last_in_function(statement: Node, gone: list[tuple[int, int]]) -> bool:
    """The statement ends its function's body (comments aside), or the body of a wrapper that
    ends it and is read as absent (`try:` ... `finally: pass`, `with nullcontext():`:
    parse/deadcode.py, whose spans are ``gone``)."""
    node = statement
    while _next_statement(node) is None:
        block = node.parent
        up = block.parent if block is not None and block.type == "block" else None
        if up is not None and up.type == "function_definition":
            return True
        if up is None or up.type not in ("try_statement", "with_statement") \
                or up.child_by_field_name("body") != block or not covers(gone, up.start_byte + 1):
            return False
        node = up
    return False


def _text(node: Node | None, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte] if node is not None else b""
