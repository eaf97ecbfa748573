"""Calls to a module's own identity function, read as their argument.

`def _id(x): return x` at a module's top level, and `x = _id(x)` after every assignment of a
copied file (or `_id(...)` around every argument), broke every 12-token gram across each call:
a copy of transformers' `modeling_qwen3.py` padded so was explained to 45% by its source and
read as a weak resemblance (a stranger's review).  A call, in a function body, to a function
the module binds once at its top level to return its one parameter unchanged (an undecorated
`def` of an optional docstring and `return <parameter>`, or `lambda v: v`), with one positional
argument, reads as that argument: its name and brackets go, as a docstring's bytes do
(parse/units.py), on both sides; `x = x` is then a statement that changes no value
(parse/neutral.py).  What the module binds again, imports or declares `global` is not certain
by reading, and stays (``bound_once``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tree_sitter import Node, QueryCursor

from lineage.parse.queries import captured, query

_SCOPES = frozenset({"function_definition", "class_definition", "module", "lambda"})
_DOCSTRING = frozenset({"string", "concatenated_string"})


# the module's top-level definitions and lambda assignments (read in C: a module of 300,000
# assignments is not walked in Python)
_DEFINED = """
(module (function_definition) @def)
(module (expression_statement (assignment left: (identifier) right: (lambda)) @lambda))
"""



def identity_spans(root: Node, source: bytes, names: frozenset[bytes]) -> list[tuple[int, int]]:
    """Byte spans of the callee and brackets of calls to the module's identity functions ``names``
    (``identity_functions``)."""
    if not names:
        return []
    spans: list[tuple[int, int]] = []
    for call in captured(root, "identity.call"):  # (parse/queries.py)
        called, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        if called is None or arguments is None or _text(called, source) not in names or not in_function(call):
            continue
        inner = arguments.named_children
        if len(inner) != 1 or inner[0].type in ("keyword_argument", "list_splat", "dictionary_splat", "comment"):
            continue
        spans += [(call.start_byte, arguments.start_byte + 1), (arguments.end_byte - 1, arguments.end_byte)]
    return spans


@dataclass(frozen=True)
class ModuleFunction:
    """A function the module binds at its top level: an undecorated `def`, or `name = lambda ...`."""

    name: bytes
    parameters: Node | None
    body: Node | None  # a def's block, or a lambda's expression
    by_def: bool
    statement: Node  # the whole `def`, or the assignment's statement


def module_functions(root: Node, source: bytes) -> list[ModuleFunction]:
    """The module's top-level `def`s and lambda assignments, in the order of its text."""
    cursor = QueryCursor(query(_DEFINED))
    cursor.set_max_start_depth(0)  # (both patterns start at the module: nothing below is walked)
    found = cursor.captures(root)
    out: list[ModuleFunction] = []
    for node in sorted([*found.get("def", []), *found.get("lambda", [])], key=lambda n: n.start_byte):
        if node.type == "function_definition":
            name = node.child_by_field_name("name")
            if name is not None:
                out.append(ModuleFunction(_text(name, source), node.child_by_field_name("parameters"),
                                          node.child_by_field_name("body"), True, node))
        else:
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
            if target is not None and value is not None and node.parent is not None:
                out.append(ModuleFunction(_text(target, source), value.child_by_field_name("parameters"),
                                          value.child_by_field_name("body"), False, node.parent))
    return out


def body_statements(body: Node | None) -> list[Node]:
    """A function body's statements, its comments and docstring aside."""
    statements = [c for c in body.named_children if c.type != "comment"] if body is not None else []
    if statements and statements[0].type == "expression_statement" and statements[0].named_child_count == 1 \
            and statements[0].named_children[0].type in _DOCSTRING:
        statements = statements[1:]
    return statements


def identity_functions(root: Node, source: bytes) -> frozenset[bytes]:
    """Names the module binds once, at its top level, to a function returning its one parameter."""
    if b"return" not in source and b"lambda" not in source:
        return frozenset()
    found: list[tuple[bytes, bool]] = []  # (name, bound by a def)
    for f in module_functions(root, source):
        param = _one_parameter(f.parameters, source) if f.parameters is not None else b""
        if not param:
            continue
        if f.by_def and _returns_it(param, f.body, source) or not f.by_def and f.body is not None \
                and _text(f.body, source) == param:
            found.append((f.name, f.by_def))
    return bound_once_all(source, found)


def _returns_it(param: bytes, body: Node | None, source: bytes) -> bool:
    statements = body_statements(body)
    return len(statements) == 1 and statements[0].type == "return_statement" \
        and statements[0].named_child_count == 1 and _text(statements[0].named_children[0], source) == param


def _one_parameter(params: Node, source: bytes) -> bytes:
    """The name of the only parameter, when it is a plain one (no default, no star); else b""."""
    inner = params.named_children
    if len(inner) != 1 or inner[0].type != "identifier":
        return b""
    return _text(inner[0], source)


def bound_once(source: bytes, name: bytes, by_def: bool) -> bool:
    """The module's text binds ``name`` once only: by its one `def` (or one assignment), with no
    other `def`, `class`, assignment, import, `global` or `nonlocal` of it anywhere."""
    word = re.escape(name)
    defs = len(re.findall(rb"\b(?:def|class)\s+" + word + rb"\b", source))
    stores = len(re.findall(rb"(?<![\w.])" + word + rb"\s*(?::[^=\n]*)?(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)", source))
    imported = re.search(rb"\bimport\b[^\n]*\b" + word + rb"\b|\b(?:global|nonlocal)\b[^\n]*\b" + word + rb"\b",
                         source)
    return imported is None and (defs, stores) == ((1, 0) if by_def else (0, 1))


FEW_NAMES = 8  # more names than this are counted in one pass over the module, not one pass each
_DEFS = re.compile(rb"\b(?:def|class)\s+(\w+)\b")
_STORES = re.compile(rb"(?<![\w.])([^\W\d]\w*)(?=\s*(?::[^=\n]*)?(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=))")  # (read ahead:
# an annotation may hold the next name stored, `f(a: int, b=1)`)
_IMPORTING = re.compile(rb"\b(?:import|global|nonlocal)\b([^\n]*)")
_WORD = re.compile(rb"\w+")


def bound_once_all(source: bytes, names: list[tuple[bytes, bool]]) -> frozenset[bytes]:
    """Of ``names`` (each with whether a `def` binds it), those ``bound_once``: read name by name
    for a few, in one pass over the module for many (a module of thousands of one-line
    functions read once per function took seconds)."""
    if len(names) <= FEW_NAMES:
        return frozenset(name for name, by_def in names if bound_once(source, name, by_def))
    defs = Counter(m.group(1) for m in _DEFS.finditer(source))
    stores = Counter(m.group(1) for m in _STORES.finditer(source))
    imported = {w for m in _IMPORTING.finditer(source) for w in _WORD.findall(m.group(1))}
    return frozenset(name for name, by_def in names
                     if name not in imported and (defs[name], stores[name]) == ((1, 0) if by_def else (0, 1)))


def enclosing_scope(node: Node) -> Node | None:
    """The nearest function, class, lambda or module holding the node."""
    up = node.parent
    while up is not None and up.type not in _SCOPES:
        up = up.parent
    return up


def root_of(node: Node) -> Node:
    """The module holding the node (its tree's root)."""
    while node.parent is not None:
        node = node.parent
    return node


def in_function(node: Node) -> bool:
    """The node stands in a function's body (not at a module's or class's top level, nor in a lambda)."""
    up = enclosing_scope(node)
    return up is not None and up.type == "function_definition"


def _text(node: Node | None, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte] if node is not None else b""
