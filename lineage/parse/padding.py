"""Calls repeated as padding, read as absent (`lex-v35`).

The same callee called as a whole statement, taking nothing from the code around it (no
argument, or literals only) and its value thrown away, PADDING_CALLS times or more over a
module's function bodies: `_trace()` after every statement, `torch.empty(0)` between steps.
Since `lex-v41` the callee may be reached through calls, items and displays that take nothing
either (`__import__('os').getpid()`, `getattr(__import__('os'), 'getcwd')()`), never through
`super()`: a stranger's review padded whole copies with such calls, and an earlier try that let
any call taking nothing in read vLLM's `super().__init__()` as padding in 152 files.  Since
`lex-v42` the standard library's functions that change nothing given literals count together
(parse/modules.py's ``quiet``): padding rotating over thirty of `math`'s functions, or over
`math.sin`, `os.getpid` and `time.time` in turn, each called fewer than PADDING_CALLS times, is
still padding (a quiet call whose value is thrown away does nothing; the count keeps one such
call in real code as written).

`lex-v17` read a call to the module's own do-nothing function as absent (parse/deadcode.py); a
copier imports the hook instead (`from .telemetry import trace as _trace`), or calls a library
function for nothing, and after every statement it cuts every structural k-gram of every
function: a stranger's review (2026-12-04) had whole files of gemma2, exaone4, olmoe, phi3 and
granitemoe copied so read exit 0 ("mostly code of its own").  What such a callee does cannot be
read, but a call that takes nothing from the function gives the function nothing either: its own
computation reads the same without it.  The reference side is read alike, so code that calls
`torch.cuda.synchronize()` between many steps still matches its copy.

Since `lex-v45` a call may be handed values that take nothing from the code either (literals,
builtins computing from them, locals bound only to such values: parse/constants_only.py), and
counters repeated so count as such calls (`_STATS['calls'] += 1`, `_counter`); since `lex-v46`
guards that only raise after the statement whose name they test (`_guard`) and contexts made by
a call given constants framing statements (`_context`: read as their bodies, `_header`) do too.
Since `lex-v47` a call may also be handed its method's object, and an imported callee the name the
statement just before binds (`constants_only.handed_object`: `_TRACER.step(self, "f")`, `_observe("x", x)`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from tree_sitter import Node

from lineage.parse.constants_only import Known, bare, constants_only, handed_object, just_bound, local_of
from lineage.parse.wrappers import marks
from lineage.parse.identity import in_function
from lineage.parse.modules import Modules, quiet
from lineage.parse.neutral import LITERALS
from lineage.parse.queries import captured

PADDING_CALLS = 8  # a callee called this often as such a statement in one module is padding
_DOTTED = re.compile(rb"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def padding_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of the padding calls of a module (whole statements, in function bodies), and since
    `lex-v45` of the stores repeated so (`_STATS['calls'] += 1`)."""
    found: list[tuple[Node, Node | None, bytes, Node | None]] = []  # (statement, callee, its text, value to test)
    for stmt in captured(root, "padding.stmt"):  # (a whole-statement call, parse/queries.py)
        call = stmt.named_children[0] if stmt.named_child_count == 1 else None
        if call is None or call.type != "call":
            continue
        arguments = call.child_by_field_name("arguments")
        function = call.child_by_field_name("function")
        name = callee_key(function, source)
        if name is not None and function is not None:
            found.append((stmt, function, name, None if takes_nothing(arguments) else arguments))
    for stmt in captured(root, "padding.store"):  # (a whole-statement store to an attribute or an item)
        key = _store_key(stmt.named_children[0], source)
        if key is not None:
            found.append((stmt, None, key, stmt.named_children[0].child_by_field_name("right")))
    for stmt in captured(root, "padding.guard"):  # (`lex-v46`: an `if` that only raises, `_guard`)
        key = _guard(stmt, source)
        if key is not None:
            found.append((stmt, None, key, None))
    framed: set[int] = set()  # (`lex-v46`: contexts repeated so read as their bodies, `_context`)
    for stmt in captured(root, "padding.with"):
        key = _context(stmt, source)
        if key is not None:
            found.append((stmt, None, key, None))
            framed.add(stmt.id)
    if len(found) < PADDING_CALLS:
        return []  # (most modules)
    by_callee: dict[bytes, list[Node]] = defaultdict(list)
    for stmt, _, name, _ in found:
        by_callee[name].append(stmt)
    # (`lex-v45`: handed values computed from literals alone, parse/constants_only.py; tested only
    # where a callee is called often enough, most modules never)
    known = Known()

    def computed_here(stmt: Node, function: Node | None, name: bytes, value: Node | None) -> bool:
        if value is None:
            return False  # (literals alone)
        if len(by_callee[name]) < PADDING_CALLS:
            return True
        if function is None:  # (a store: a counter of the module's or the object's, `_counter`)
            return not _counter(stmt, source, known) or not constants_only(value, source, _own(stmt, source), known)
        return not constants_only(value, source, handed_object(stmt, function, source), known)

    computed = {item[0].id for item in found if computed_here(*item)}
    if computed:
        found = [item for item in found if item[0].id not in computed]
        by_callee = defaultdict(list)
        for stmt, _, name, _ in found:
            by_callee[name].append(stmt)
    spans = _repeated(by_callee, framed)
    calls = [(stmt, function) for stmt, function, _, _ in found if function is not None]
    # (`lex-v42`: quiet functions in rotation count together, parse/modules.py; what the imports bind is
    # read only where enough calls are left to be repeated)
    if len(spans) < len(found) and len(calls) >= PADDING_CALLS:
        modules = Modules(root, source)
        calm = [stmt for stmt, function in calls if quiet(modules.function_of(function))]
        spans += _repeated({"quiet": calm})  # (one called for what it does stays: `gc.collect()`, a barrier)
    return sorted(set(spans))


# what a guard's condition may be made of: it tests names, computing nothing (`x is None`, `not y`)
_TESTS = frozenset({"comparison_operator", "not_operator", "boolean_operator", "parenthesized_expression",
                    "identifier", "attribute", "subscript"}) | LITERALS


def _guard(stmt: Node, source: bytes) -> bytes | None:
    """`lex-v46`: an `if` with no other branch that only raises an exception made of constants, its
    condition testing the name the statement before it binds without calling anything (`x = f(h)`
    then `if x is None: raise RuntimeError('unset')`), keyed by what it raises (a review put one
    after every assignment of copies: repeated eight times or more, `_repeated`, such guards are
    padding, as calls are).  A guard of what the function was given (`if config is None: raise
    ValueError(...)`, real code's validation) stays as written."""
    if any(c.type in ("elif_clause", "else_clause") for c in stmt.children) or not _checks_last(stmt, source):
        return None
    condition = stmt.child_by_field_name("condition")
    stack, seen = [condition] if condition is not None else [], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > _MAX_NODES or node.type not in _TESTS or node.type == "string" and _interpolates(node):
            return None
        stack.extend(c for c in node.named_children if c.type != "comment")
    body = stmt.child_by_field_name("consequence")
    raised = body.named_children[0].named_children if body is not None and body.named_child_count == 1 else []
    if condition is None or len(raised) > 1:
        return None
    exception = raised[0] if raised else None
    if exception is not None and exception.type == "call":
        if not takes_nothing(exception.child_by_field_name("arguments")):
            return None
        exception = exception.child_by_field_name("function")
    if exception is not None and (exception.type not in ("identifier", "attribute")
                                  or _DOTTED.fullmatch(source[exception.start_byte:exception.end_byte]) is None):
        return None
    return b"raise " + (source[exception.start_byte:exception.end_byte] if exception is not None else b"")


def _checks_last(stmt: Node, source: bytes) -> bool:
    """The statement before ``stmt`` binds a name by `=` that ``stmt``'s condition spells."""
    name, condition = just_bound(stmt, source), stmt.child_by_field_name("condition")
    if name is None or condition is None:
        return False
    return re.search(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)",
                     source[condition.start_byte:condition.end_byte]) is not None


def _store_key(store: Node, source: bytes) -> bytes | None:
    """A store's key: its target (`_target`) and its operator (`_STATS[\\x00] +=`), when it stores to an
    attribute or an item; else None."""
    left, right = store.child_by_field_name("left"), store.child_by_field_name("right")
    if left is None or right is None or left.type not in ("attribute", "subscript") \
            or store.child_by_field_name("type") is not None:
        return None
    name = _target(left, source)
    operator = store.child_by_field_name("operator")
    return name + b" " + (source[operator.start_byte:operator.end_byte] if operator is not None else b"=") \
        if name is not None else None


def _counter(stmt: Node, source: bytes, known: Known) -> bool:
    """The store counts: it changes an attribute or an item of a name the function does not bind (a
    module's, or the object's: `self`), by an operator (`_STATS['calls'] += 1`, `self._n += 1`) or
    from what the target holds (`_log[3] = _log.get(3, 0) + 1`).  A flag set, `self._state = 2`, is
    parse/opaque.py's to read; a local's item, `stats['n'] += 1`, is the function's own computation."""
    store = stmt.named_children[0]
    base = store.child_by_field_name("left")
    while base is not None and base.type in ("attribute", "subscript"):
        base = base.child_by_field_name("object" if base.type == "attribute" else "value")
    if base is None or base.type != "identifier" or local_of(base, source, known):
        return False
    return store.child_by_field_name("operator") is not None or bool(_own(stmt, source))


def _reads(value: Node, text: bytes, source: bytes) -> bool:
    """The value spells ``text`` (without blanks) as one of its parts."""
    stack = [value]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "attribute", "subscript", "call") and bare(node, source) == text:
            return True
        stack.extend(node.named_children)
    return False


def _own(stmt: Node, source: bytes) -> frozenset[bytes]:
    """What a store's value may read of what it changes, without blanks: the target itself
    (`_STATS['n']`, `self._n`), and an item's `get` of the same key (`_log.get(3, 0)` for `_log[3]`)
    found in its value."""
    store = stmt.named_children[0] if stmt.named_child_count == 1 else None
    left = store.child_by_field_name("left") if store is not None and store.type in (
        "assignment", "augmented_assignment") else None
    right = store.child_by_field_name("right") if store is not None else None
    if left is None or right is None:
        return frozenset()
    own = {bare(left, source)}
    container, key = (left.child_by_field_name("value"), left.child_by_field_name("subscript")) \
        if left.type == "subscript" else (None, None)
    stack = [right] if container is not None and key is not None else []
    while stack:
        node = stack.pop()
        function = node.child_by_field_name("function") if node.type == "call" else None
        arguments = node.child_by_field_name("arguments") if function is not None else None
        given = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if function is not None and container is not None and key is not None \
                and bare(function, source) == bare(container, source) + b".get" \
                and given and bare(given[0], source) == bare(key, source) and all(_literal(a) for a in given[1:]):
            own.add(bare(node, source))
        stack.extend(node.named_children)
    return frozenset(own) if any(_reads(right, text, source) for text in own) else frozenset()


def _repeated(groups: dict[Any, list[Node]], framed: set[int] | None = None) -> list[tuple[int, int]]:
    """The spans of the statements of each group called PADDING_CALLS times or more in function
    bodies (of a `with` of ``framed``, its header alone: its body stays)."""
    spans: list[tuple[int, int]] = []
    for stmts in groups.values():
        inside = [s for s in stmts if in_function(s)] if len(stmts) >= PADDING_CALLS else []
        if len(inside) >= PADDING_CALLS:
            spans += [_header(s) if framed and s.id in framed else (s.start_byte, s.end_byte) for s in inside]
    return spans


def _header(stmt: Node) -> tuple[int, int]:
    """A `with` statement's span up to its body."""
    body = stmt.child_by_field_name("body") or next((c for c in stmt.children if c.type == "block"), None)
    return (stmt.start_byte, body.start_byte if body is not None else stmt.start_byte)


def _context(stmt: Node, source: bytes) -> bytes | None:
    """A `with` of one context made by a call given constants alone, no `as` (parse/wrappers.marks),
    keyed by its callee: `with torch.profiler.record_function('x'):` around every few statements of
    copies (a review: they read as code of their own); one used a few times, `with torch.no_grad():`,
    stays as written."""
    clause = next((c for c in stmt.children if c.type == "with_clause"), None)
    item = clause.named_children[0] if clause is not None and clause.named_child_count == 1 else None
    value = item.child_by_field_name("value") if item is not None and item.type == "with_item" else None
    spelt = marks(value, source) if value is not None else None
    return b"with " + spelt if spelt is not None else None


def _target(node: Node | None, source: bytes) -> bytes | None:
    """`a.b[3].c` as `a.b[\\x00].c`: names, attributes and items at literals (read alike), else None."""
    parts: list[bytes] = []
    while node is not None and node.type in ("attribute", "subscript"):
        if node.type == "attribute":
            attribute = node.child_by_field_name("attribute")
            if attribute is None:
                return None
            parts.append(b"." + source[attribute.start_byte:attribute.end_byte])
            node = node.child_by_field_name("object")
        else:
            index = node.child_by_field_name("subscript")
            if index is None or not _literal(index):
                return None
            parts.append(b"[\x00]")
            node = node.child_by_field_name("value")
    if node is None or node.type != "identifier":
        return None
    return source[node.start_byte:node.end_byte] + b"".join(reversed(parts))


# zero-argument calls that read the calling function's own frame: `super()` is its class and first argument
_FRAME_READERS = frozenset({b"super", b"locals", b"vars", b"dir"})
# what a callee taking nothing from its function may be made of (and calls that take nothing)
_QUIET = frozenset({"identifier", "attribute", "call", "subscript", "parenthesized_expression", "list", "tuple",
                    "dictionary", "set", "pair"}) | LITERALS
_MAX_NODES = 64


def callee_key(callee: Node | None, source: bytes) -> bytes | None:
    """A callee's text without blanks, when it takes nothing from the function calling it: a
    dotted name, or since `lex-v41` one reached through calls, items and displays that take
    nothing either (`__import__('os').getpid`, `getattr(__import__('os'), 'getpid')`,
    `[f, g][0]`, `{}.get`), its literals read alike; never through `super()` or another call
    that reads the frame."""
    if callee is None:
        return None
    name = source[callee.start_byte:callee.end_byte]
    if _DOTTED.fullmatch(name):
        return name
    stack, seen, literals = [callee], 0, []
    while stack:
        node = stack.pop()
        seen += 1
        if seen > _MAX_NODES or node.type not in _QUIET or node.type == "string" and any(
                c.type == "interpolation" for c in node.children):
            return None
        if node.type == "call":
            function = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if function is None or source[function.start_byte:function.end_byte] in _FRAME_READERS \
                    or arguments is None or arguments.type != "argument_list":
                return None
            stack.append(function)
            for argument in arguments.named_children:
                value = argument.child_by_field_name("value") if argument.type == "keyword_argument" else argument
                if value is None:
                    return None
                if value.type != "comment":
                    stack.append(value)
        elif node.type == "subscript":
            value, index = node.child_by_field_name("value"), node.child_by_field_name("subscript")
            if value is None or index is None or index.type not in LITERALS:
                return None
            stack.append(value)
        elif node.type in LITERALS:
            literals.append((node.start_byte, node.end_byte))
        else:
            stack.extend(c for c in node.named_children if c.type != "comment")
    # the literals read as one placeholder: a callee varied by a literal at each call is one callee
    # (`getattr(m, 'f', 3)()`, `{'k': 4}.get('k')`)
    parts, at = [], callee.start_byte
    for lo, hi in sorted(literals):
        parts += [source[at:lo], b"\x00"]
        at = hi
    return b"".join(b"".join(parts + [source[at:callee.end_byte]]).split())


def takes_nothing(arguments: Node | None) -> bool:
    """No argument, or literals only (a keyword's value too; a negative number; an f-string
    interpolating nothing since `lex-v42`; since `lex-v43` a display of such literals, `{}`,
    `[1, 2]`, `{'k': (0, '')}`)."""
    if arguments is None or arguments.type != "argument_list":
        return False
    for arg in arguments.named_children:
        if arg.type == "comment":
            continue
        value = arg.child_by_field_name("value") if arg.type == "keyword_argument" else arg
        if value is None or not _literal(value):
            return False  # (an f-string reads the code's values: `os.remove(f"{path}.lock")`)
    return True


_DISPLAYS = frozenset({"list", "tuple", "set", "dictionary", "pair", "parenthesized_expression"})


def _literal(node: Node) -> bool:
    """A literal (a negative number, an f-string interpolating nothing), or a display of literals
    alone (`lex-v43`), of _MAX_NODES nodes at most."""
    stack, seen = [node], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > _MAX_NODES:
            return False
        if node.type == "unary_operator":
            argument = node.child_by_field_name("argument")
            if argument is None or argument.type not in LITERALS or _interpolates(argument):
                return False
        elif node.type in _DISPLAYS:
            stack.extend(c for c in node.named_children if c.type != "comment")
        elif node.type not in LITERALS or _interpolates(node):
            return False
    return True


def _interpolates(literal: Node) -> bool:
    """A string, or strings side by side, with an f-string's `{...}` in it."""
    return literal.type in ("string", "concatenated_string") and any(
        c.type == "interpolation" or c.type == "string" and _interpolates(c) for c in literal.children)
