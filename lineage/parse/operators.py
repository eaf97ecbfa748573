"""A call of the `operator` module's function of a binary operator read as the operator (`lex-v47`).

A copier spells `a * b` as `operator.mul(a, b)` (or `mul(a, b)` from `from operator import mul`,
or `a.__mul__(b)`): the code computes what it did, but every structural k-gram across each such
expression changes, and parse/commuted.py no longer sees the chain it orders.  A stranger's review
did so throughout renamed copies of qwen3 and mistral, with the object's attributes hoisted into
locals (parse/selfalias.py): they read as code of their own.  So such a call, given two positional
arguments and nothing else, is read as the expression it computes: the source is rewritten (the
callee and the call's parentheses blanked, the comma written as the operator, parentheses added
where the operator's precedence needs them), line for line as parse/namespace.py rewrites, and
parsed again: every later reading (operands in one order, idioms) sees the operator.  A name
bound otherwise than by its import (parse/bound.py's ``rebound``) stays a call.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from lineage.parse.bound import bound_by_imports, rebound_in
from lineage.parse.edits import applied
from lineage.parse.modules import STAR_IMPORT
from lineage.parse.queries import shallow

# the functions of `operator` computing a binary operator, and the dunder methods doing the same
_OPERATORS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%", "pow": "**",
              "matmul": "@", "and_": "&", "or_": "|", "xor": "^", "lshift": "<<", "rshift": ">>",
              "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_DUNDERS = {f"__{name.rstrip('_')}__": op for name, op in _OPERATORS.items()}
# a tensor library's functions of two tensors that compute an operator, given two positional arguments and
# nothing else (`torch.add(a, b, alpha=2)`, `torch.div(a, b, rounding_mode="floor")` stay calls): a stranger's
# review spelt every `*`, `+`, `-`, `/` and `@` of olmo2's file so, and it read as info (`lex-v55`)
# (`torch.matmul(a, b)` is left to fingerprint/idioms.py, which reads it as `a @ b` token for token, so that the
# role rules still read the call, corpora/roles.toml)
_LIBRARY = {"torch": {"mul": "*", "multiply": "*", "add": "+", "sub": "-", "subtract": "-", "div": "/",
                      "divide": "/", "true_divide": "/", "pow": "**", "floor_divide": "//", "remainder": "%"}}
# binding strength (higher binds tighter); comparisons chain, so one inside another is parenthesised
_PRECEDENCE = {"|": 4, "^": 5, "&": 6, "<<": 7, ">>": 7, "+": 8, "-": 8, "*": 9, "@": 9, "/": 9, "//": 9, "%": 9,
               "**": 11, **{c: 3 for c in ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not")}}
_UNARY = 10
# values binding less tightly than any binary operator
_LOOSE = frozenset({"conditional_expression", "lambda", "boolean_operator", "not_operator", "named_expression"})
_PRIMARY = frozenset({"attribute", "call", "subscript", "await"})  # what an operand of these binds tighter than
# a module importing `operator` at its top, or calling an operator's method: most modules neither (two patterns,
# each searched only where the bytes it needs are: one alternation of both, starting `(?m)^`, is tried at every byte)
_IMPORTED = re.compile(rb"(?m)^[ \t]*(?:import|from)[ \t]+operator\b")
_DUNDER_CALL = re.compile(rb"\.(?:" + b"|".join(re.escape(d.encode()) for d in sorted(_DUNDERS)) + rb")\(")
_LIBRARY_IMPORTED = re.compile(rb"(?m)^[ \t]*(?:import|from)[ \t]+(?:" + b"|".join(m.encode() for m in _LIBRARY) + rb")\b")
_LIBRARY_CALL = re.compile(rb"\b(?:" + b"|".join(sorted({f.encode() for t in _LIBRARY.values() for f in t})) + rb")\(")


def operator_calls(root: Node, source: bytes) -> bytes | None:
    """The source with such calls read as their operators, or None when it has none."""
    if not (b"operator" in source and _IMPORTED.search(source) or b".__" in source and _DUNDER_CALL.search(source)
            or _LIBRARY_IMPORTED.search(source) and _LIBRARY_CALL.search(source)):
        return None  # (each of its spellings holds one or the other: told fast first)
    names, local = _callees(root, source)
    sites: dict[int, tuple[Node, str]] = {}
    for call in shallow(root, "(call) @call", "call"):
        op = _operator_of(call, source, names)
        if op is not None and not _shadowed(call, source, local):
            sites[call.id] = (call, op)
    if not sites:
        return None
    edits: list[tuple[int, int, bytes]] = []
    for call, op in sites.values():
        edits += _edits(call, op, sites, source)
    return applied(source, edits)


def _shadowed(call: Node, source: bytes, local: dict[str, list[tuple[int, int]]]) -> bool:
    """The call's callee (or the module it is reached through) is a local of a function it stands in."""
    function = call.child_by_field_name("function")
    while function is not None and function.type == "attribute":
        function = function.child_by_field_name("object")
    if function is None or function.type != "identifier":
        return False
    spans = local.get(_text(function, source), ())
    return any(lo <= call.start_byte < hi for lo, hi in spans)


def _callees(root: Node, source: bytes) -> tuple[dict[str, str], dict[str, list[tuple[int, int]]]]:
    """Names the module's top-level imports bind to `operator` (`operator`, `op`), to a tensor
    library of _LIBRARY (`torch`, `T`) or to one of their operators' functions (`mul`): the name ->
    "" for `operator`, the library's name after a ":" for a library (":torch"), the operator for a
    function; none when the module binds the name otherwise too at its level, or imports `*`.  And
    per name, the spans of the functions binding it as a local of their own (there it is not the
    module's: a stranger's review named one parameter `torch` to switch the reading off module-wide)."""
    if STAR_IMPORT.search(source):
        return {}, {}
    found: dict[str, str] = {}
    for name, path in bound_by_imports(root, source):
        module, _, member = path.rpartition(".")
        if path == "operator":
            found[name] = ""
        elif path in _LIBRARY:
            found[name] = f":{path}"
        elif module == "operator" and member in _OPERATORS:
            found[name] = _OPERATORS[member]
        elif module in _LIBRARY and member in _LIBRARY[module]:
            found[name] = _LIBRARY[module][member]
        else:
            found.pop(name, None)  # (bound to something else later)
    local: dict[str, list[tuple[int, int]]] = {}
    for name, spans in rebound_in(root, source, set(found), fallbacks=True).items():
        if spans is None:
            found.pop(name, None)
        else:
            local[name] = spans
    return found, local


def _operator_of(call: Node, source: bytes, names: dict[str, str]) -> str | None:
    """The operator a call computes: `operator.mul(a, b)`, `mul(a, b)`, `a.__mul__(b)`."""
    function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
    if function is None or arguments is None or arguments.type != "argument_list":
        return None
    given = [a for a in arguments.named_children if a.type != "comment"]
    if any(a.type in ("keyword_argument", "list_splat", "dictionary_splat") for a in given):
        return None
    if function.type == "identifier":
        op = names.get(_text(function, source))
        return op if op and not op.startswith(":") and len(given) == 2 else None
    if function.type != "attribute":
        return None
    obj, attr = function.child_by_field_name("object"), function.child_by_field_name("attribute")
    if obj is None or attr is None:
        return None
    member = _text(attr, source)
    bound = names.get(_text(obj, source)) if obj.type == "identifier" else None
    if bound == "" and member in _OPERATORS:
        return _OPERATORS[member] if len(given) == 2 else None
    if bound and bound.startswith(":"):
        op = _LIBRARY[bound[1:]].get(member)
        return op if op and len(given) == 2 else None
    if member in _DUNDERS and len(given) == 1 and obj.type in ("identifier", "attribute", "subscript", "call") \
            and not (obj.type == "call" and _text(obj, source).startswith("super(")):
        return _DUNDERS[member]
    return None


def _edits(call: Node, op: str, sites: dict[int, tuple[Node, str]], source: bytes) -> list[tuple[int, int, bytes]]:
    """Byte edits reading one call as its operator."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    assert function is not None and arguments is not None
    given = [a for a in arguments.named_children if a.type != "comment"]
    spelt = b" " + op.encode() + b" "
    # (a call over several lines keeps its parentheses: without them the lines would not join)
    group = _needs_group(call, op, sites) or b"\n" in source[call.start_byte:call.end_byte]
    opening, closing = arguments.children[0], arguments.children[-1]
    if len(given) == 2:  # (`operator.mul(a, b)`: the callee blanked, the comma the operator)
        left, right = given
        comma = next(c for c in arguments.children if c.type == "," and left.end_byte <= c.start_byte)
        edits = [(function.start_byte, function.end_byte, b""), (comma.start_byte, comma.end_byte, spelt),
                 (opening.start_byte, opening.end_byte, b"(" if group else b""),
                 (closing.start_byte, closing.end_byte, b")" if group else b"")]
        after = [c for c in arguments.children if c.type == "," and c.start_byte >= right.end_byte]
        edits += [(c.start_byte, c.end_byte, b"") for c in after]  # (a trailing comma)
    else:  # (`a.__mul__(b)`: `.__mul__(` written as the operator, parentheses around the object and the argument)
        receiver, right = function.child_by_field_name("object"), given[0]
        assert receiver is not None
        left = receiver
        edits = [(left.end_byte, opening.end_byte, spelt), (closing.start_byte, closing.end_byte, b")" if group else b"")]
        edits += [(left.start_byte, left.start_byte, b"(")] if group else []
    for side, operand in (("left", left), ("right", right)):
        if operand.id not in sites and _loose(operand, op, side):
            edits += [(operand.start_byte, operand.start_byte, b"("), (operand.end_byte, operand.end_byte, b")")]
    return edits


def _needs_group(call: Node, op: str, sites: dict[int, tuple[Node, str]]) -> bool:
    """The operator's expression binds less tightly than where the call stands: it keeps parentheses."""
    up = call.parent
    if up is None:
        return False
    if up.type == "argument_list" and up.parent is not None and up.parent.id in sites:
        outer_op = sites[up.parent.id][1]
        given = [a for a in up.named_children if a.type != "comment"]
        side = "left" if given and given[0].id == call.id and len(given) == 2 else "right"
        return _weaker(op, outer_op, side)
    if up.type == "attribute" and up.parent is not None and up.parent.type == "call" and up.parent.id in sites \
            and up.child_by_field_name("object") == call:
        return _weaker(op, sites[up.parent.id][1], "left")  # (`a.__mul__(b).__add__(c)`)
    if up.type in ("binary_operator", "comparison_operator"):
        outer_op = up.children[1].type if up.child_count == 3 else "=="
        return _weaker(op, outer_op, "left" if up.children[0] == call else "right")
    if up.type == "unary_operator":
        return True
    return up.type in _PRIMARY


def _loose(operand: Node, op: str, side: str) -> bool:
    """A value written as an argument that binds less tightly than the operator's operand must."""
    if operand.type in _LOOSE:
        return True
    if operand.type in ("binary_operator", "comparison_operator"):
        inner = operand.children[1].type if operand.child_count == 3 else "=="
        return _weaker(inner, op, side)
    if operand.type == "unary_operator":
        return _PRECEDENCE[op] > _UNARY
    return False


def _weaker(inner: str, outer: str, side: str) -> bool:
    """An `inner` expression needs parentheses as the ``side`` operand of `outer`."""
    a, b = _PRECEDENCE.get(inner, 0), _PRECEDENCE.get(outer, 0)
    if a != b:
        return a < b
    if b == 3:
        return True  # (comparisons chain)
    return side == ("left" if outer == "**" else "right")


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")
