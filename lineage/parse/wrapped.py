"""A call wrapped around most of the values a module's functions compute, read as its argument (`lex-v44`).

A stranger's review wrapped the value of every assignment and `return` of a copied vLLM file in
one pass-through call, `x = _nb_pass(self.act_fn(gate_up))`, the wrapper imported from a module
of its own (`from nimbus_runtime.tensor_utils import passthrough as _nb_pass`) or defined in the
file with a check that is never true before `return value`: every 12-token gram across a value
broke, and five copies read "code not copied" (0% of the file matched), exit 0.  What the
wrapper does cannot be read when it is imported, and need not be: real code does not hand most
of its values through one function.  A callee (a name, or a dotted name not reached through
`self` or `cls`) that is the whole value of WRAPPED or more assignments and returns in function
bodies, and of SHARE of all of them, and that every call of it in the module gives one positional
argument and nothing else, is read as that argument wherever it is called in a function body (a
builtin, `str(rank)`, converts what it is given, and stays):
its name and brackets go, as an identity function's do (parse/identity.py), on both sides.
Returns alone wrapped, or a few values, leave most grams whole and stay as written.
"""

from __future__ import annotations

import builtins
import re
from collections import Counter

from tree_sitter import Node, QueryCursor

from lineage.parse.identity import in_function
from lineage.parse.queries import query

_BUILTINS = frozenset(name.encode() for name in dir(builtins))  # (`str(rank)` converts: no pass-through)
WRAPPED = 8  # a callee wrapping fewer values than this is left as written
SHARE = 0.25  # ... or fewer than this share of the values its module's functions compute

# a call as the whole value of an assignment or a return, read on the text first (a cheap test that
# most modules fail): `= f(`, `return a.b(`
_SITE = re.compile(rb"(?:[^=!<>:]=|\breturn)[ \t]*([A-Za-z_][\w.]*)[ \t]*\(")
_CALLEE = "[(identifier) (attribute)]"
_VALUES = f"""
(assignment right: (_) @value)
(augmented_assignment right: (_) @value)
(return_statement (_) @value)
(call function: {_CALLEE} @callee arguments: (argument_list) @arguments) @call
"""


def wrapper_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of the callee and brackets of every call, in a function body, of a callee wrapped
    around most of the module's values (the module's docstring)."""
    if root.has_error:
        return []
    texts = Counter(m.group(1) for m in _SITE.finditer(source))
    candidates = {t for t, n in texts.items() if n >= WRAPPED and not t.startswith((b"self.", b"cls.")) and t not in _BUILTINS}
    if not candidates:
        return []
    found = QueryCursor(query(_VALUES)).captures(root)
    values = [v for v in found.get("value", []) if in_function(v)]
    calls = found.get("call", [])
    one_argument: dict[bytes, bool] = {}
    for call in calls:
        callee = _text(call.child_by_field_name("function"), source)
        if callee in candidates:
            one_argument[callee] = one_argument.get(callee, True) and _one_positional(call)
    wrapped = Counter(_text(v.child_by_field_name("function"), source) for v in values if v.type == "call")
    wrappers = {c for c in candidates if one_argument.get(c) and wrapped[c] >= max(WRAPPED, SHARE * len(values))}
    spans: list[tuple[int, int]] = []
    for call in calls:
        if _text(call.child_by_field_name("function"), source) in wrappers and in_function(call):
            arguments = call.child_by_field_name("arguments")
            assert arguments is not None  # (the pattern names it)
            spans += [(call.start_byte, arguments.start_byte + 1), (arguments.end_byte - 1, arguments.end_byte)]
    return spans


def _one_positional(call: Node) -> bool:
    arguments = call.child_by_field_name("arguments")
    inner = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    return arguments is not None and arguments.type == "argument_list" and len(inner) == 1 \
        and inner[0].type not in ("keyword_argument", "list_splat", "dictionary_splat")


def _text(node: Node | None, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte] if node is not None else b""
