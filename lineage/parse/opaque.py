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
  reads.  Since `lex-v41`, likewise a store of a constant (`3`, `len(str(7))`: parse/constant.py)
  under a private name the module spells nowhere else: `self._tick = 3`, `self._tick: int = 3`,
  `setattr(self, "_tick", 3)`, `self.__dict__["_tick"] = 3`, and `self._t = id(self)` (a
  builtin's number, string or truth of names): a flag nothing reads.  Under a public name only
  when one block stores it REPEATED times or more (padding after every statement; the branches
  of an `if` are blocks of their own).  A public flag stored once or twice (`self.is_causal =
  True`, read by code elsewhere) stays, and so does any store of a value that is no constant:
  `self._stage0 = nn.Linear(4, 8)` registers a layer code may reach by a computed name
  (`getattr(self, f"_stage{i}")`).

Both are read as absent (their byte spans), in function bodies only, on both sides.
"""

from __future__ import annotations

import builtins
import re
from collections import Counter
from collections.abc import Callable
from functools import cache

from tree_sitter import Node

from lineage.parse.globalstores import global_spans
from lineage.parse.identity import in_function
from lineage.parse.modules import Modules, quiet
from lineage.parse.padding import takes_nothing
from lineage.parse.constant import UNKNOWN, unshadowed, value
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
REPEATED = 3  # a public flag stored this often in one block, the module reading it nowhere: padding



def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


def opaque_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of guards over builtins alone and of self-fed counters, in function bodies."""
    if b"def " not in source:
        return []
    spans = [(n.start_byte, n.end_byte) for n in captured(root, "opaque.if")  # (parse/queries.py)
             if in_function(n) and _builtin_guard(n, source)]
    stores = [n for n in captured(root, "opaque.store") if in_function(n)]
    calls = [n for n in captured(root, "padding.stmt") if b"setattr" in _text(n, source) and in_function(n)]
    calls += [n for n in captured(root, "opaque.item") if in_function(n)]  # (`self.__dict__["_x"] = 3`)
    if stores or calls:
        spans += _counter_spans(stores, source, calls, cache(lambda: Modules(root, source)))
    declared = captured(root, "opaque.global") if b"global" in source else []
    if declared:  # globals stored and never read (`lex-v42`, parse/globalstores.py)
        spans += global_spans(declared, source, Words(source).only_in)
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


def _counter_spans(stores: list[Node], source: bytes, calls: list[Node],
                   modules: Callable[[], Modules]) -> list[tuple[int, int]]:
    """Statements storing `self.NAME` from itself only, NAME standing nowhere else in the module;
    and flags nothing reads (``calls``: whole-statement calls, `setattr(self, "_x", 3)` among them;
    ``modules``: what the module's imports bind, read when first asked)."""
    fed: dict[bytes, list[Node]] = {}
    set_: dict[bytes, list[Node]] = {}
    every: dict[bytes, list[Node]] = {}
    for statement in calls:
        name = _set_by_call(statement, source) or _set_as_item(statement, source)
        if name:
            every.setdefault(name, []).append(statement)
            set_.setdefault(name, []).append(statement)
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
        elif store.type == "assignment" and not name.endswith(b"__") and _plain_value(right, source, name, modules):
            # (a constant: never a module or tensor a framework registers on the object): a private
            # flag, or a public one stored again and again in one block
            key = b"" if name.startswith(b"_") else b"%d:" % (statement.parent.id if statement.parent else 0)
            set_.setdefault(key + name, []).append(statement)
    # flags nothing reads (`lex-v41`): under a private name (`self._tick = n`), or under a public
    # name stored REPEATED times or more in one block.  A public flag stored once or twice in a block
    # stays (branches of an `if` are blocks of their own), however many functions store it: code
    # elsewhere may read it, and a count over the module reads a copy of part of a module otherwise
    # than the module (eight such stores in transformers' qwen3_omni_moe, fewer in what was built on it)
    flags = [(key.rpartition(b":")[2], statements) for key, statements in set_.items()
             if b":" not in key or len(statements) >= REPEATED]
    spans: list[tuple[int, int]] = []
    if not fed and not flags:
        return spans  # (most modules: their words are never counted)
    stands = Words(source)
    for name, statements in [*fed.items(), *flags]:
        if stands.only_in(name, every[name]):
            spans += [(s.start_byte, s.end_byte) for s in statements]
    return spans


# builtins whose value is a number, a string, a truth or a type, whatever they are given: never a
# layer or tensor a framework registers on the object
_PLAIN_BUILTINS = frozenset({b"id", b"hash", b"len", b"str", b"repr", b"int", b"float", b"bool", b"type",
                             b"isinstance", b"callable", b"hasattr"})
_READS = frozenset({"identifier", "attribute", "integer", "float", "string", "string_start", "string_content",
                    "string_end", "true", "false", "none", "tuple"})


def _plain_value(right: Node | None, source: bytes, name: bytes, modules: Callable[[], Modules]) -> bool:
    """A constant (parse/constant.py); under a private name also what ``_computed`` reads: a flag,
    whatever it holds, never a layer."""
    if value(right, source) is not UNKNOWN:
        return True
    return right is not None and name.startswith(b"_") and _computed(right, source, modules)


def _computed(node: Node, source: bytes, modules: Callable[[], Modules], depth: int = 0) -> bool:
    """One of ``_PLAIN_BUILTINS`` of names, attributes and literals (`id(self)`, `len(self.layers)`);
    since `lex-v42` also what a standard-library function that changes nothing returns given
    literals alone (`time.time()`, `__import__('os').getpid()`, `from time import time` then
    `time()`: parse/modules.py), an object's metadata (`self.__class__.__name__`,
    `type(self).__qualname__`), and arithmetic and such builtins on these (`int(time.time())`,
    `time.time() * 1000`)."""
    if depth > _MAX_DEPTH:
        return False
    if depth and value(node, source) is not UNKNOWN:
        return True
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _computed(node.named_children[0], source, modules, depth + 1)
    if node.type in ("binary_operator", "unary_operator"):
        operands = [c for c in (node.child_by_field_name(f) for f in ("left", "right", "argument")) if c is not None]
        return bool(operands) and all(_computed(c, source, modules, depth + 1) for c in operands)
    if node.type == "attribute":
        return _metadata(node, source)
    function = node.child_by_field_name("function") if node.type == "call" else None
    arguments = node.child_by_field_name("arguments") if function is not None else None
    if function is None or arguments is None or arguments.type != "argument_list":
        return False
    if takes_nothing(arguments) and quiet(modules().function_of(function)):
        return True
    if function.type != "identifier" or _text(function, source) not in _PLAIN_BUILTINS \
            or not unshadowed(_text(function, source), source):
        return False
    return all(_reads(a) or _computed(a, source, modules, depth + 1) for a in arguments.named_children)


def _reads(node: Node) -> bool:
    """Names, attributes and literals alone: what a plain builtin may be given."""
    stack, seen = [node], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > _MAX_NODES or node.type not in _READS:
            return False
        stack.extend(node.named_children)
    return True


_MAX_DEPTH = 8


# what an object's metadata is read from (`self.__class__.__name__`): a name or a class, never a layer
_METADATA = frozenset({b"__name__", b"__qualname__", b"__module__", b"__doc__", b"__class__"})


def _metadata(right: Node, source: bytes) -> bool:
    """An attribute chain ending in metadata, read off names and `type(...)` of them alone."""
    attribute = right.child_by_field_name("attribute")
    if attribute is None or _text(attribute, source) not in _METADATA:
        return False
    stack, seen = [right.child_by_field_name("object")], 0
    while stack:
        node = stack.pop()
        seen += 1
        if node is None or seen > _MAX_NODES:
            return False
        if node.type == "call":
            function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if function is None or _text(function, source) != b"type" or not unshadowed(b"type", source) \
                    or arguments is None or arguments.named_child_count != 1:
                return False
            stack.append(arguments.named_children[0])
        elif node.type == "attribute":
            stack.append(node.child_by_field_name("object"))
        elif node.type != "identifier":
            return False
    return True


_SETATTR = (b"setattr", b"object.__setattr__")
_NAMESPACES = (b"self.__dict__", b"vars(self)", b"cls.__dict__")


def _set_by_call(statement: Node, source: bytes) -> bytes:
    """The private name `setattr(self, "_x", 3)` (or `object.__setattr__`) stores a constant
    under, or b"" (a call of another kind, a public or computed name, a value no constant)."""
    call = statement.named_children[0] if statement.named_child_count == 1 else None
    function = call.child_by_field_name("function") if call is not None and call.type == "call" else None
    arguments = call.child_by_field_name("arguments") if call is not None else None
    if function is None or arguments is None or _text(function, source) not in _SETATTR:
        return b""
    given = [a for a in arguments.named_children if a.type != "comment"]
    if len(given) != 3 or _text(given[0], source) not in _SELF or given[1].type != "string" \
            or value(given[2], source) is UNKNOWN:
        return b""
    return _private(value(given[1], source))


def _set_as_item(statement: Node, source: bytes) -> bytes:
    """The private name `self.__dict__["_x"] = 3` (or `vars(self)[...]`) stores a constant under,
    or b""."""
    store = statement.named_children[0] if statement.named_child_count == 1 else None
    left = store.child_by_field_name("left") if store is not None and store.type == "assignment" else None
    space = left.child_by_field_name("value") if left is not None else None
    key = left.child_by_field_name("subscript") if left is not None else None
    if store is None or space is None or key is None or b"".join(_text(space, source).split()) not in _NAMESPACES \
            or store.child_by_field_name("type") is not None \
            or value(store.child_by_field_name("right"), source) is UNKNOWN:
        return b""
    return _private(value(key, source))


def _private(name: object) -> bytes:
    """A private attribute's name (`_x`, not `__x__`) from a string's value, or b""."""
    if not isinstance(name, str) or not name.isidentifier() or not name.startswith("_") or name.endswith("__"):
        return b""
    return name.encode()


class Words:
    """How often each name stands as a word (``\\bNAME\\b``) in a module, counted once."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.counts = Counter(_ASCII_WORD.findall(source))
        self._within: dict[tuple[int, int], Counter[bytes]] = {}  # (a statement's words, counted once)

    def only_in(self, name: bytes, statements: list[Node]) -> bool:
        """``name`` stands as a word nowhere in the module but in ``statements``."""
        if not _ASCII_WORD.fullmatch(name):  # (bytes patterns' \\w is ASCII: a name beyond it, read by regex)
            pattern = re.compile(rb"\b" + re.escape(name) + rb"\b")
            return sum(len(pattern.findall(_text(s, self.source))) for s in statements) == \
                len(pattern.findall(self.source))
        return sum(self._words(s)[name] for s in statements) == self.counts[name]

    def _words(self, statement: Node) -> Counter[bytes]:
        """The words of a statement (one `global` statement may name a thousand globals, each asked)."""
        span = (statement.start_byte, statement.end_byte)
        found = self._within.get(span)
        if found is None:
            found = self._within[span] = Counter(_ASCII_WORD.findall(self.source[span[0]:span[1]]))
        return found


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
