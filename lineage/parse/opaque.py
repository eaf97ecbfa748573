"""Padding that reads nothing of the code it pads: guards over builtins alone, and counters that
only feed themselves.

Two paddings a stranger's review put after every statement of real model files, each leaving
most copies reading as code of their own (`lex-v32`):

* ``if len(str(id(object()))) < 0: raise RuntimeError()``: an `if` with no other branch whose
  condition reads no name but builtins' (no local, parameter, attribute or module: nothing the
  function computes) and whose body only raises or passes.  Real guards test what the code holds
  (`if x.dim() != 3: raise ...`, `if not torch.cuda.is_available(): ...`).
* ``self._n = getattr(self, "_n", 0) + 1``: a statement storing an attribute of ``self`` from
  itself (`self._n += 1`, `self._n = self._n + 1`, through `getattr` with a default), calling
  nothing else, where the attribute's name stands nowhere else in the module: a counter nothing
  reads.  Since `lex-v41`, likewise a store under a private name (`self._tick = 3`) of a value
  that calls nothing, or only calls that take nothing from the function (parse/padding.py), the
  name standing nowhere else in the module: a flag nothing reads; under a public name only when
  one function stores it REPEATED times or more (padding after every statement).  A public flag
  stored once or twice (`self.is_causal = True`, read by code elsewhere) stays.

Both are read as absent (their byte spans), in function bodies only, on both sides.
"""

from __future__ import annotations

import builtins
import re
from collections import Counter

from tree_sitter import Node

from lineage.parse.identity import in_function
from lineage.parse.junk import pure
from lineage.parse.padding import quiet_call
from lineage.parse.queries import captured

_BUILTIN_NAMES = frozenset(n.encode() for n in dir(builtins) if not n.startswith("_"))
# what a condition over builtins alone may hold: calls of builtins on literals and each other
_READ = frozenset({"call", "argument_list", "identifier", "integer", "float", "string", "string_start",
                   "string_content", "string_end", "true", "false", "none", "comparison_operator",
                   "boolean_operator", "binary_operator", "unary_operator", "not_operator",
                   "parenthesized_expression", "tuple", "list", "keyword_argument", "<", ">", "<=", ">=",
                   "==", "!=", "+", "-", "*", "/", "//", "%", "(", ")", ",", "[", "]", "not", "and", "or",
                   "in", "is"})
_RAISES = frozenset({"raise_statement", "pass_statement", "comment"})
_MAX_NODES = 200
_COUNTER_CALLS = frozenset({b"getattr"})
_SELF = (b"self", b"cls")
REPEATED = 3  # a public flag stored this often in one function, the module reading it nowhere: padding



def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


def opaque_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of guards over builtins alone and of self-fed counters, in function bodies."""
    if b"def " not in source:
        return []
    spans = [(n.start_byte, n.end_byte) for n in captured(root, "opaque.if")  # (parse/queries.py)
             if in_function(n) and _builtin_guard(n, source)]
    stores = [n for n in captured(root, "opaque.store") if in_function(n)]
    if stores:
        spans += _counter_spans(stores, source)
    return spans


def _builtin_guard(node: Node, source: bytes) -> bool:
    """An `if` with no other branch, whose condition reads builtins and literals only and whose
    body only raises or passes."""
    if any(c.type in ("elif_clause", "else_clause") for c in node.children):
        return False
    condition, body = node.child_by_field_name("condition"), node.child_by_field_name("consequence")
    if condition is None or body is None or not body.named_children:
        return False
    if any(c.type not in _RAISES for c in body.named_children):
        return False
    stack, seen, named = [condition], 0, False
    while stack:
        n = stack.pop()
        seen += 1
        if seen > _MAX_NODES or n.type not in _READ:
            return False
        if n.type == "identifier":
            up = n.parent
            # a builtin called (`len(...)`); a name read as a value may be a local (`format is None`)
            if _text(n, source) not in _BUILTIN_NAMES or up is None or up.type != "call" \
                    or up.child_by_field_name("function") != n:
                return False
            named = True
        stack.extend(n.children)
    return named  # (a condition of literals alone is parse/constant.py's)


def _counter_spans(stores: list[Node], source: bytes) -> list[tuple[int, int]]:
    """Statements storing `self.NAME` from itself only, NAME standing nowhere else in the module."""
    fed: dict[bytes, list[Node]] = {}
    set_: dict[bytes, list[Node]] = {}
    every: dict[bytes, list[Node]] = {}
    for statement in stores:
        store = statement.named_children[0]
        left, right = store.child_by_field_name("left"), store.child_by_field_name("right")
        if left is None or right is None:
            continue
        obj, attr = left.child_by_field_name("object"), left.child_by_field_name("attribute")
        if obj is None or attr is None or _text(obj, source) not in _SELF:
            continue
        name = _text(attr, source)
        every.setdefault(name, []).append(statement)
        if _feeds_itself(right, name, store.type == "augmented_assignment", source):
            fed.setdefault(name, []).append(statement)
        elif store.type == "assignment" and store.child_by_field_name("type") is None \
                and not name.endswith(b"__") and (pure(right, source) or quiet_call(right, source)):
            # (a value that calls nothing, or that takes nothing): a private flag, or a public one
            # stored again and again in one function
            key = b"" if name.startswith(b"_") else b"%d:" % _function_of(statement)
            set_.setdefault(key + name, []).append(statement)
    spans: list[tuple[int, int]] = []
    if not fed and not set_:
        return spans
    stands = _Words(source)
    for name, statements in fed.items():
        if stands.only_in(name, every[name]):
            spans += [(s.start_byte, s.end_byte) for s in statements]
    # flags nothing reads (`lex-v41`): under a private name (`self._tick = n`, also from a call that
    # takes nothing, `self._t = time.time()`), or under a public name stored REPEATED times or more in
    # one function.  A public flag stored once or twice stays, however many functions store it: code
    # elsewhere may read it, and a count over the module reads a copy of part of a module otherwise
    # than the module (eight such stores in transformers' qwen3_omni_moe, fewer in what was built on it)
    for key, statements in set_.items():
        _, _, name = key.rpartition(b":")
        if (key == name or len(statements) >= REPEATED) and stands.only_in(name, every[name]):
            spans += [(s.start_byte, s.end_byte) for s in statements]
    return spans


def _function_of(node: Node) -> int:
    """The id of the innermost function holding ``node``."""
    up = node.parent
    while up is not None and up.type != "function_definition":
        up = up.parent
    return up.id if up is not None else 0


class _Words:
    """How often each name stands as a word (``\\bNAME\\b``) in a module, counted once."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.counts = Counter(_ASCII_WORD.findall(source))

    def only_in(self, name: bytes, statements: list[Node]) -> bool:
        """``name`` stands as a word nowhere in the module but in ``statements``."""
        if not _ASCII_WORD.fullmatch(name):  # (bytes patterns' \\w is ASCII: a name beyond it, read by regex)
            pattern = re.compile(rb"\b" + re.escape(name) + rb"\b")
            return sum(len(pattern.findall(_text(s, self.source))) for s in statements) == \
                len(pattern.findall(self.source))
        inside = sum(_ASCII_WORD.findall(_text(s, self.source)).count(name) for s in statements)
        return inside == self.counts[name]


_ASCII_WORD = re.compile(rb"\w+")


_COUNTING = frozenset({"attribute", "call", "argument_list", "identifier", "integer", "float", "string",
                       "string_start", "string_content", "string_end", "binary_operator", "unary_operator",
                       "parenthesized_expression", "(", ")", ",", ".", "+", "-", "*", "/", "//", "%"})


def _feeds_itself(value: Node, name: bytes, augmented: bool, source: bytes) -> bool:
    """The value is arithmetic on the attribute itself (or the store is augmented) and literals,
    calling nothing but `getattr` with a default: a count."""
    reads = augmented
    stack, seen = [value], 0
    while stack:
        n = stack.pop()
        seen += 1
        if seen > _MAX_NODES or n.type not in _COUNTING:
            return False
        if n.type == "identifier" and _text(n, source) not in (*_SELF, *_COUNTER_CALLS) and not (
                n.parent is not None and n.parent.type == "attribute" and n.parent.child_by_field_name("attribute") == n):
            return False
        if n.type == "call":
            called, arguments = n.child_by_field_name("function"), n.child_by_field_name("arguments")
            if called is None or _text(called, source) not in _COUNTER_CALLS:
                return False
            given = arguments.named_children if arguments is not None else []
            reads |= len(given) >= 2 and _text(given[0], source) in _SELF and given[1].type == "string" \
                and _text(given[1], source)[1:-1] == name
        elif n.type in ("lambda", "await", "yield", "list_comprehension", "generator_expression", "named_expression"):
            return False
        elif n.type == "attribute":
            obj, attr = n.child_by_field_name("object"), n.child_by_field_name("attribute")
            reads |= obj is not None and attr is not None and _text(obj, source) in _SELF and _text(attr, source) == name
        stack.extend(n.children)
    return reads
