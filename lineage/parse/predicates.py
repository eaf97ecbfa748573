"""Conditions padded with predicates of fixed value, and branches turned inside out, read as written.

obfupy (`expandIfCondition`) joins every test to constants and to calls of functions that always
return the same value: `if n_rep == 1:` becomes `if 51 >= 45 and (not 21) or (n_rep == 1 or not
K.always(15)):`, and (`rewriteIf`) turns the branch inside out, `if not n_rep == 1: pass` / `else:
...`.  Every k-gram of the test changes.  Read here, on the reference side and the scanned side
alike (`lex-v53`):

* a test of an `if` or `elif` whose `and` and `or` operands include some of fixed
  value (literals and comparisons of them, parse/constant.py, and calls, given arguments that call
  nothing, of a function the module binds once to return a literal: `def f(v): return True`, `f =
  lambda v: True`, a static method `K.f` so defined, in a module that binds names no other way:
  no `import *`, `globals()`, `setattr`, loop target or `as` of that name, no `K.f = ...`)
  reads as the operand left that decides it,
  when one is (`True and x` is `x`, `False or x` is `x`, `x and True` and `x or False` are `x`);
* `if not c: pass` / `else: body` reads as `if c: body`;
* an `else: pass` reads as absent.

Only function and method bodies are read.  A test left with two operands of unknown value, or of
fixed value as a whole, stays as written (parse/deadcode.py reads the latter).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from lineage.parse.constant import truth
from lineage.parse.identity import body_statements, bound_once_all, in_function, module_functions
from lineage.parse.queries import captured

_LITERALS = ("true", "false", "none", "integer", "float", "string")
_Folded = tuple[bool | None, Node | None]  # (the value, if fixed; else the operand that decides it)


def predicate_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans read as absent: what pads the tests, and the scaffolding of branches turned
    inside out."""
    if b"if" not in source and b"while" not in source:
        return []
    fixed = _fixed_functions(root, source) if b"return" in source or b"lambda" in source else {}
    spans: list[tuple[int, int]] = []
    for node in captured(root, "opaque.if"):
        if not in_function(node):
            continue
        tests = [node.child_by_field_name("condition")]
        tests += [c.child_by_field_name("condition") for c in node.children if c.type == "elif_clause"]
        for test in tests:
            if test is not None and test.type in ("boolean_operator", "parenthesized_expression"):
                spans += _padding(test, source, fixed)
        spans += _inside_out(node)
        spans += [(c.start_byte, c.end_byte) for c in node.children if c.type == "else_clause" and _passes(c)]
    return spans


def _padding(test: Node, source: bytes, fixed: dict[bytes, bool]) -> list[tuple[int, int]]:
    """The spans around the operand that decides a padded test, or none."""
    value, kept = _fold(test, source, fixed, 0)
    if value is not None or kept is None or kept == test:
        return []
    while kept.type == "parenthesized_expression" and kept.named_child_count == 1:
        kept = kept.named_children[0]  # (the parentheses that grouped it among the padding)
    return [(test.start_byte, kept.start_byte), (kept.end_byte, test.end_byte)]


def _fold(node: Node, source: bytes, fixed: dict[bytes, bool], depth: int) -> _Folded:
    if depth > 64:
        return None, node
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        value, kept = _fold(node.named_children[0], source, fixed, depth + 1)
        return value, (node if kept == node.named_children[0] else kept)
    if node.type == "boolean_operator":
        sign = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if sign is None or left is None or right is None:
            return None, node
        lv, lk = _fold(left, source, fixed, depth + 1)
        decides = sign.type == "or"  # (`True or _` is True, `False and _` is False: the right never runs)
        if lv is decides:
            return decides, None
        rv, rk = _fold(right, source, fixed, depth + 1)
        if lv is not None:  # (`True and x`, `False or x`: x decides)
            return rv, rk
        if rv is (not decides):  # (`x and True`, `x or False`: x decides)
            return None, lk
        return None, node
    if node.type == "not_operator":
        inner = node.child_by_field_name("argument")
        value = _fold(inner, source, fixed, depth + 1)[0] if inner is not None else None
        return (None, node) if value is None else (not value, None)
    if node.type == "call":
        value = _called(node, source, fixed)
        return value, (node if value is None else None)
    found = truth(node, source) if _constant(node) else None
    return found, (None if found is not None else node)


def _constant(node: Node) -> bool:
    """Literals under operators only (what ``truth`` reads without names)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "call", "attribute", "subscript", "named_expression", "await", "lambda"):
            return False
        stack.extend(current.named_children)
    return True


def _called(call: Node, source: bytes, fixed: dict[bytes, bool]) -> bool | None:
    """The value of a call of a function that always returns one, given arguments that call nothing."""
    function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
    if function is None or arguments is None or arguments.type != "argument_list":
        return None
    name = source[function.start_byte:function.end_byte]
    if name not in fixed or not all(_constant(a) for a in arguments.named_children if a.type != "comment"):
        return None
    return fixed[name]


def _fixed_functions(root: Node, source: bytes) -> dict[bytes, bool]:
    """The truth of what each function the module binds once to return a literal returns, by the
    name it is called by: `f` for a top-level `def` or lambda, `K.f` for a static method of a
    top-level class."""
    found: dict[bytes, tuple[bool, bool]] = {}  # name -> (truth, bound by a def)
    for f in module_functions(root, source):
        returned = _returns_literal(f.body, source) if f.by_def else \
            truth(f.body, source) if f.body is not None and f.body.type in _LITERALS else None
        if returned is not None:
            found[f.name] = (returned, f.by_def)
    for statement in root.named_children:
        if statement.type == "class_definition" and b"@staticmethod" in source[statement.start_byte:statement.end_byte]:
            found.update(_static(statement, source))
    if not found or re.search(rb"\bimport\s*\*|\bglobals\s*\(|\bsetattr\s*\(|__dict__|\bvars\s*\(", source):
        return {}  # (names bound at run time: nothing is known to stay)
    found = {n: v for n, v in found.items() if not _rebound(n, source)}
    owners = {n.split(b".", 1)[0] for n in found if b"." in n}
    once = bound_once_all(source, [(n, by_def) for n, (_, by_def) in found.items() if b"." not in n]
                          + [(owner, True) for owner in sorted(owners)])
    return {n: v for n, (v, _) in found.items() if n.split(b".", 1)[0] in once}


def _rebound(name: bytes, source: bytes) -> bool:
    """The name (or `K.f`) bound another way than its definition: a loop's target, an `as`, an import,
    a `del`, an assignment to the class's attribute."""
    parts = name.split(b".")
    if len(parts) == 2:
        return re.search(rb"\b" + re.escape(parts[0]) + rb"\s*\.\s*" + re.escape(parts[1]) + rb"\s*=(?!=)",
                         source) is not None
    word = rb"\b" + re.escape(name) + rb"\b"
    return re.search(rb"\bfor\b[^\n:]*" + word + rb"[^\n:]*\bin\b|\bas\s+" + word + rb"|\bimport\b[^\n]*" + word
                     + rb"|\bdel\b[^\n]*" + word, source) is not None


def _static(cls: Node, source: bytes) -> dict[bytes, tuple[bool, bool]]:
    """`K.f` of each static method of a top-level class that returns a literal (the method defined
    once in it; the class bound once, `_fixed_functions` reads)."""
    name, body = cls.child_by_field_name("name"), cls.child_by_field_name("body")
    if name is None or body is None:
        return {}
    owner = source[name.start_byte:name.end_byte]
    out: dict[bytes, tuple[bool, bool]] = {}
    seen: set[bytes] = set()
    for item in body.named_children:
        definition = item.child_by_field_name("definition") if item.type == "decorated_definition" else item
        if definition is None or definition.type != "function_definition":
            continue
        spelt = definition.child_by_field_name("name")
        method = source[spelt.start_byte:spelt.end_byte] if spelt is not None else b""
        value = _returns_literal(definition.child_by_field_name("body"), source)
        if method in seen:
            out.pop(owner + b"." + method, None)
            continue
        seen.add(method)
        decorators = [source[d.start_byte:d.end_byte] for d in item.children if d.type == "decorator"]
        if method and value is not None and decorators == [b"@staticmethod"]:
            out[owner + b"." + method] = (bool(value), True)
    return out


def _returns_literal(body: Node | None, source: bytes) -> bool | None:
    """The truth of the literal a function's body returns when it is `return <literal>` alone (a
    docstring aside), else None."""
    statements = body_statements(body)
    if len(statements) != 1 or statements[0].type != "return_statement" or statements[0].named_child_count != 1 \
            or statements[0].named_children[0].type not in _LITERALS:
        return None
    return truth(statements[0].named_children[0], source)


def _passes(clause: Node) -> bool:
    block = next((c for c in clause.children if c.type == "block"), None)
    return block is not None and all(s.type in ("pass_statement", "comment") for s in block.named_children)


def _inside_out(node: Node) -> list[tuple[int, int]]:
    """`if not c: pass` / `else: body` (and nothing else) as `if c: body`: the `not`, the `pass`
    and the `else:`."""
    test, body = node.child_by_field_name("condition"), node.child_by_field_name("consequence")
    alternatives = [c for c in node.children if c.type in ("elif_clause", "else_clause")]
    if test is None or body is None or test.type != "not_operator" or len(alternatives) != 1 \
            or alternatives[0].type != "else_clause" or _passes(alternatives[0]) \
            or not all(s.type in ("pass_statement", "comment") for s in body.named_children):
        return []
    keyword = test.children[0]
    rest = next((c for c in alternatives[0].children if c.type == "block"), None)
    if rest is None:
        return []
    return [(keyword.start_byte, keyword.end_byte), (body.start_byte, body.end_byte),
            (alternatives[0].start_byte, rest.start_byte)]
