"""Values that take nothing from the code: literals and what is computed from literals alone (`lex-v45`).

parse/padding.py reads a call repeated after most statements as padding when it takes nothing
from the function calling it.  A stranger's review handed such a call a value computed for it
alone, `_t = [0] * 3` then `self._log.append(len(_t))`, or `_STATS['calls'] += 1`: whatever
the call or store changes, it is handed nothing the function computed, so the function's own
computation reads the same without it.  An expression takes nothing from the code
(`constants_only`) when it is made of literals, operators, displays and items of them, calls of
the builtins that compute from their arguments alone (`len`, `str`: parse/constant.py), the
name of a value's type (`type(x).__name__`: a new string, through which the call can change none
of the code's values), and locals of its function every binding of which is a plain
`name = value` of such a value (`constant_local`), each bounded in size; a store may also read
what it changes (`_log[k] = _log.get(k, 0) + 1`, `self._n = self._n + 1`: ``own``).  A
parameter, a name declared `global` or bound otherwise (a loop, `with`, a walrus, an import,
`+=`) is the code's.  What a repeated call may be handed besides (`lex-v47`): its method's object,
and for an imported callee the name the statement before it binds (``handed_object``).
"""

from __future__ import annotations

import builtins
import re

from tree_sitter import Node

from lineage.parse.bound import bound_by_imports, rebound
from lineage.parse.constant import pure_builtin
from lineage.parse.hoisted import role
from lineage.parse.edits import dotted_base
from lineage.parse.identity import enclosing_scope, root_of
from lineage.parse.neutral import LITERALS

_MAX_NODES = 64  # a value larger than this is the code's (left as written)
_MAX_DEPTH = 8  # locals bound from locals bound from ...: deeper is the code's
# what a value taking nothing may be made of, besides literals, calls and names
_PLAIN = frozenset({"binary_operator", "comparison_operator", "boolean_operator", "not_operator", "unary_operator",
                    "parenthesized_expression", "tuple", "list", "set", "dictionary", "pair", "expression_list",
                    "conditional_expression", "subscript", "slice", "keyword_argument", "argument_list"})


def constants_only(node: Node | None, source: bytes, own: frozenset[bytes] = frozenset(),
                   known: Known | None = None, depth: int = 0) -> bool:
    """The expression takes nothing from the code (the module's docstring); ``own``: what it may
    read besides, spelt without blanks (what a store changes, as it holds it: `_STATS['n']`,
    `_log.get(3, 0)` of `_log[3] = ...`); ``known``: what the module's other values found."""
    if node is None or depth > _MAX_DEPTH:
        return False
    known = Known() if known is None else known
    stack, seen = [node], 0
    while stack:
        current = stack.pop()
        seen += 1
        if seen > _MAX_NODES or current.type == "comment":
            if seen > _MAX_NODES:
                return False
            continue
        if own and current.type in ("identifier", "attribute", "subscript", "call") and bare(current, source) in own:
            continue  # (what the store changes)
        if current.type == "concatenated_string":
            stack.extend(current.named_children)
        elif current.type in LITERALS:
            if any(c.type == "interpolation" for c in current.children):
                return False  # (an f-string reads the code's values)
        elif current.type == "call":
            arguments = current.child_by_field_name("arguments")
            function = current.child_by_field_name("function")
            if arguments is None or arguments.type != "argument_list" or function is None:
                return False
            if not pure_builtin(current, source):
                return False
            stack.extend(arguments.named_children)
        elif current.type == "identifier":
            if not constant_local(current, source, known, depth + 1):
                return False
        elif current.type == "attribute" and _type_name(current, source, known):
            continue  # (a new string, through which nothing of the code can be changed)
        elif current.type in _PLAIN:
            if current.type == "keyword_argument":
                value = current.child_by_field_name("value")
                stack += [value] if value is not None else []
            else:
                stack.extend(current.named_children)
        else:
            return False
    return True


def constant_local(spelling: Node, source: bytes, known: Known | None = None, depth: int = 0) -> bool:
    """The name read at ``spelling`` is a local of its function every binding of which there is a
    plain `name = value` of a value taking nothing from the code (``constants_only``)."""
    function = enclosing_scope(spelling)
    if function is None or function.type != "function_definition":
        return False
    name = _text(spelling, source)
    known = Known() if known is None else known
    key = (function.id, name)
    if key in known.constant:
        return known.constant[key]
    known.constant[key] = False  # (a name bound from itself, `a = a + 1`, is the code's: a cycle reads False)
    values = known.binds(function, source).get(name, [])
    if not values or depth > _MAX_DEPTH or any(v is None for v in values) or _parameter(function, name, source):
        return False  # (a loop, `with`, a walrus, `+=`, a tuple's target, `global`, a definition, ...)
    found = all(constants_only(value, source, frozenset(), known, depth + 1) for value in values)
    known.constant[key] = found
    return found


class Known:
    """What the readings of one module found, kept for its other values: which locals are constant,
    and per function what its body binds (read once: a body of thousands of such statements is
    read in one walk, not once per statement)."""

    def __init__(self) -> None:
        self.constant: dict[tuple[int, bytes], bool] = {}
        self._binds: dict[int, dict[bytes, list[Node | None]]] = {}

    def binds(self, function: Node, source: bytes) -> dict[bytes, list[Node | None]]:
        """Name -> the value of each binding of it in the function's body: a plain `name = value`'s
        value, None for any other (a loop's target, `with`, `+=`, `global`, a definition's name)."""
        if function.id not in self._binds:
            self._binds[function.id] = _bindings(function, source)
        return self._binds[function.id]


def _bindings(function: Node, source: bytes) -> dict[bytes, list[Node | None]]:
    out: dict[bytes, list[Node | None]] = {}
    body = function.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        node = stack.pop()
        if node.type in _NESTED:  # (a nested scope's names are its own; its definition's name is this one's)
            name = node.child_by_field_name("name")
            if name is not None and node.type != "lambda":
                out.setdefault(_text(name, source), []).append(None)
            continue
        if node.type == "identifier" and role(node) == "binds":
            up = node.parent
            plain = up is not None and up.type == "assignment" and up.child_by_field_name("left") == node \
                and up.child_by_field_name("type") is None
            out.setdefault(_text(node, source), []).append(up.child_by_field_name("right") if plain and up else None)
            continue
        stack.extend(node.children)
    return out


_NESTED = frozenset({"function_definition", "class_definition", "lambda"})


def local_of(spelling: Node, source: bytes, known: Known | None = None) -> bool:
    """The name at ``spelling`` is its function's own: a parameter (but a method's first, the
    object: `self`), or bound in its body."""
    function = enclosing_scope(spelling)
    if function is None or function.type != "function_definition":
        return False
    name = _text(spelling, source)
    if name != receiver(function, source) and _parameter(function, name, source):
        return True
    return name in (Known() if known is None else known).binds(function, source)


def receiver(function: Node, source: bytes) -> bytes | None:
    """A method's first parameter (the object), spelt as in its parameters, or a function's first
    parameter named `self` (a method defined outside its class, bound there by name); else None."""
    params = function.child_by_field_name("parameters")
    named = [p for p in params.named_children if p.type != "comment"] if params is not None else []
    up = function.parent if function.parent is not None and function.parent.type == "decorated_definition" \
        else function
    method = up is not None and up.parent is not None and up.parent.type == "block" \
        and up.parent.parent is not None and up.parent.parent.type == "class_definition"
    first = _text(named[0], source) if named and named[0].type == "identifier" else None
    return first if method or first == b"self" else None


def _type_name(attribute: Node, source: bytes, known: Known) -> bool:
    """`type(x).__name__`, `x.__class__.__qualname__`: the name of a value's type, `x` a name or an
    attribute of one (its metadata: the code's values are read for nothing else)."""
    name, target = attribute.child_by_field_name("attribute"), attribute.child_by_field_name("object")
    if name is None or target is None or _text(name, source) not in (b"__name__", b"__qualname__"):
        return False
    if target.type == "attribute":
        inner, member = target.child_by_field_name("object"), target.child_by_field_name("attribute")
        return member is not None and _text(member, source) == b"__class__" and _plain(inner)
    function = target.child_by_field_name("function") if target.type == "call" else None
    arguments = target.child_by_field_name("arguments") if function is not None else None
    given = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    return function is not None and _text(function, source) == b"type" and len(given) == 1 and _plain(given[0]) \
        and _builtin_type(function, source, known)


def _builtin_type(node: Node, source: bytes, known: Known) -> bool:
    """The module binds `type` nowhere (parse/bound.py reads the tree: a comment's "this type of
    RoPE" binds nothing); once per module."""
    root = root_of(node)
    key = (root.id, b"\x00type")
    if key not in known.constant:
        known.constant[key] = not rebound(root, source, {"type"})
    return known.constant[key]


def _plain(node: Node | None) -> bool:
    """A name, or a name's attributes (`x`, `self.proj`): reading it runs nothing of the code's."""
    while node is not None and node.type == "attribute":
        node = node.child_by_field_name("object")
    return node is not None and node.type == "identifier"


def _parameter(function: Node, name: bytes, source: bytes) -> bool:
    """The function's parameters spell the name (a parameter with a default is the caller's too)."""
    params = function.child_by_field_name("parameters")
    return params is not None and re.search(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)",
                                            source[params.start_byte:params.end_byte]) is not None


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


def bare(node: Node, source: bytes) -> bytes:
    """The node's text without blanks."""
    return b"".join(_text(node, source).split())


def just_bound(stmt: Node, source: bytes) -> bytes | None:
    """The name the statement before ``stmt`` binds by a plain `name = value`, else None."""
    before = stmt.prev_named_sibling
    while before is not None and before.type == "comment":
        before = before.prev_named_sibling
    store = before.named_children[0] if before is not None and before.type == "expression_statement" \
        and before.named_child_count == 1 else None
    left = store.child_by_field_name("left") if store is not None and store.type == "assignment" else None
    return source[left.start_byte:left.end_byte] if left is not None and left.type == "identifier" else None


def handed_object(stmt: Node, function: Node, source: bytes) -> frozenset[bytes]:
    """`lex-v47`: what a call may be handed besides constants: the object of the method calling it
    (`_TRACER.step(self, "forward")` after every statement of copies, a review), for the object is
    not what the method computes, and the name the statement just before binds (`x = f(h)` then
    `_observe("x", x)`: what an observer sees, the code computed without it); a builtin given them
    (`setattr(self, "k", 1)`) stays the code's."""
    scope = enclosing_scope(stmt)
    if scope is None or scope.type != "function_definition" \
            or function.type == "identifier" and source[function.start_byte:function.end_byte] in _BUILTINS:
        return frozenset()
    names = {receiver(scope, source), just_bound(stmt, source) if _imported_callee(function, source) else None}
    return frozenset(name for name in names if name is not None)


def _imported_callee(function: Node, source: bytes) -> bool:
    """The callee is reached through a name the module's top-level imports bind (`_observe`,
    `trace.mark`): another module's function, not the code's own collection (`hs.append(h)`)."""
    base = dotted_base(function)
    if base is None:
        return False
    root = root_of(function)
    if not _IMPORTS or _IMPORTS[0][0] != root:  # (the module last asked about, held: no id reused)
        bound = {name for name, _ in bound_by_imports(root, source)}
        _IMPORTS[:] = [(root, frozenset(name.encode() for name in bound - rebound(root, source, bound)))]
    return source[base.start_byte:base.end_byte] in _IMPORTS[0][1]


_IMPORTS: list[tuple[Node, frozenset[bytes]]] = []


_BUILTINS = frozenset(name.encode() for name in dir(builtins))
