"""A call wrapped around most of the values a module's functions compute, read as its argument (`lex-v44`).

A stranger's review wrapped the value of every assignment and `return` of a copied vLLM file in
one pass-through call, `x = _nb_pass(self.act_fn(gate_up))`, the wrapper imported from a module
of its own (`from nimbus_runtime.tensor_utils import passthrough as _nb_pass`) or defined in the
file with a check that is never true before `return value`: every 12-token gram across a value
broke, and five copies read "code not copied" (0% of the file matched), exit 0.  What the
wrapper does cannot be read when it is imported, and need not be: real code does not hand most
of its values through one function.  A callee (a name, or a dotted name not reached through
`self` or `cls`; aliases of one imported name count as one) that is the whole value of WRAPPED or
more assignments and returns in function bodies, and of SHARE of all of them, and that every call
of it in the module hands on one value (its first positional argument beside literals alone,
`_p(x, None)`, `_p(x, tag='a')`, or its one keyword argument, `_p(value=x)`; a call of literals
alone tests nothing) is read as that value wherever it is called in a function body: what
surrounds the value goes, as an identity function's name and brackets do (parse/identity.py), on
both sides.  A builtin, `str(rank)`, converts what it is given, and a class,
`Parameter(w, requires_grad=False)`, builds something new: both stay.
Returns alone wrapped, or a few values, leave most grams whole and stay as written.
Since `lex-v45` the value may be handed on starred, `_p(*(x,))`, or taken back out of a one-item
tuple, `_p(x)[0]`, and the callee may be looked up by a call that takes nothing from the code,
`_SAME.get(24, _same)(x)` (a second review of `lex-v44`).
"""

from __future__ import annotations

import re
from collections import Counter

from tree_sitter import Node, QueryCursor

from lineage.parse.constants_only import Known, local_of
from lineage.parse.hoisted import BUILTINS
from lineage.parse.identity import in_function
from lineage.parse.neutral import LITERALS
from lineage.parse.padding import callee_key
from lineage.parse.queries import query

# (`str(rank)` converts: no pass-through; hoisted.py's fixed list, so that every Python reads alike)
_BUILTINS = frozenset(name.encode() for name in BUILTINS)
WRAPPED = 8  # a callee wrapping fewer values than this is left as written
SHARE = 0.25  # ... or fewer than this share of the values its module's functions compute

# a call as the whole value of an assignment or a return, read on the text first (a cheap test that
# most modules fail): `= f(`, `return a.b(`
_SITE = re.compile(rb"(=|return)[ \t]*([A-Za-z_][\w.]*)[ \t]*\(")  # (what stands before: `_site`)
_CALLEE = "[(identifier) (attribute) (call)]"
_VALUES = f"""
(assignment right: (_) @value)
(augmented_assignment right: (_) @value)
(return_statement (_) @value)
(call function: {_CALLEE} @callee arguments: (argument_list) @arguments) @call
"""


def wrapper_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of what surrounds the value of every call, in a function body, of a callee wrapped
    around most of the module's values (the module's docstring): its name and brackets, and the
    literals handed beside the value."""
    if root.has_error:
        return []
    aliases = _aliases(source)
    texts: Counter[bytes] = Counter()
    for m in _SITE.finditer(source):
        if _site(m, source):
            texts[aliases.get(m.group(2), m.group(2))] += 1
    candidates = {t for t, n in texts.items() if n >= WRAPPED and not t.startswith((b"self.", b"cls."))
                  and t not in _BUILTINS and not t.rsplit(b".", 1)[-1][:1].isupper()}
    if not candidates:
        return []
    found = QueryCursor(query(_VALUES)).captures(root)
    known = Known()
    calls = [(c, key) for c in found.get("call", []) for key in (_key(c, candidates, aliases, source, known),) if key]
    passed: dict[bytes, bool] = {}  # callee -> every call of it hands on one value (and literals)
    held: dict[int, Node] = {}  # call -> the value it hands on
    for call, callee in calls:
        value = _value_of(call)
        if not _literals_only(call):  # (`_p(None, None)` hands on nothing of the code: no test of it)
            passed[callee] = passed.get(callee, True) and value is not None
        if value is not None:
            held[call.id] = value
    wrapped = Counter(callee for call, callee in calls if call.id in held and _is_value(call))
    strong = [c for c in passed if passed[c] and wrapped[c] >= WRAPPED]
    # (the values of the module's functions counted only for such a callee: most modules have none, and
    # telling a value's scope walks up the tree from it)
    values = sum(1 for v in found.get("value", []) if in_function(v)) if strong else 0
    wrappers = {c for c in strong if wrapped[c] >= max(WRAPPED, SHARE * values)}
    spans: list[tuple[int, int]] = []
    for call, callee in calls:
        if callee in wrappers and call.id in held and in_function(call):
            value = held[call.id]
            spans += [(call.start_byte, value.start_byte), (value.end_byte, _outer(call).end_byte)]
    return spans


def _key(call: Node, candidates: set[bytes], aliases: dict[bytes, bytes], source: bytes, known: Known) -> bytes:
    """The callee a call is counted under, or b"": a candidate's name (an alias read as what it
    stands for), or since `lex-v45` a call of a candidate that takes nothing from the code, its
    literals read alike (`_SAME.get(24, _same)(x)`: a pass-through looked up in a table, the key
    `_SAME.get(\\x00,_same)`, padding.callee_key)."""
    function = call.child_by_field_name("function")
    inner = function.child_by_field_name("function") if function is not None and function.type == "call" else None
    text = _text(inner if inner is not None else function, source)
    if aliases.get(text, text) not in candidates:
        return b""
    if inner is None or function is None:
        return aliases.get(text, text)
    arguments = function.child_by_field_name("arguments")
    given = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    if not all(_literal(a) or a.type == "identifier" and _text(a, source) not in (b"self", b"cls")
               and not local_of(a, source, known) for a in given):
        return b""  # (looked up by the code's own values: `_TABLE.get(self.kind, _p)` may choose another)
    key = callee_key(function, source)
    return b"(" + key if key is not None else b""


# `from m import keep as _p0, keep as _p1`: aliases of one imported name are one callee (a review
# handed values through eight aliases in turn, each under a quarter of them)
_FROM = re.compile(rb"(?m)^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]*")
_ALIAS = re.compile(rb"([A-Za-z_]\w*)[ \t]+as[ \t]+([A-Za-z_]\w*)")


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _site(match: re.Match[bytes], source: bytes) -> bool:
    """`_SITE` stands after a single `=` (not `==`, `!=`, `<=`, `>=`, `:=`, nor the file's first byte)
    or a whole word `return`: a pattern starting with what it rules out re would try at every byte."""
    at = match.start()
    if match.group(1) == b"=":
        return at > 0 and source[at - 1] not in b"=!<>:"
    return at == 0 or source[at - 1] not in _WORD_BYTES


def _aliases(source: bytes) -> dict[bytes, bytes]:
    """Names a `from` import binds under an alias -> the module's name they stand for."""
    if b" as " not in source:
        return {}
    out: dict[bytes, bytes] = {}
    for m in _FROM.finditer(source):
        at = m.end()
        end = source.find(b")" if source[at:at + 1] == b"(" else b"\n", at)
        for name, alias in _ALIAS.findall(source, at, len(source) if end < 0 else end):
            out[alias] = m.group(1) + b"." + name
    return out


def _value_of(call: Node) -> Node | None:
    """The value a call hands on: its first positional argument, beside literals alone (positional or
    keyword: `_p(x, None)`, `_p(x, tag='a')`), or its one keyword argument's (`_p(value=x)`)."""
    arguments = call.child_by_field_name("arguments")
    inner = [a for a in arguments.named_children if a.type != "comment"] \
        if arguments is not None and arguments.type == "argument_list" else []
    if len(inner) == 1 and inner[0].type == "keyword_argument":
        return inner[0].child_by_field_name("value")
    if len(inner) == 1 and inner[0].type == "list_splat":  # (`lex-v45`: `_p(*(x,))`, `_p(*[x])`, one value)
        shown = [c for c in inner[0].named_children if c.type != "comment"]
        items = [c for c in shown[0].named_children if c.type != "comment"] \
            if len(shown) == 1 and shown[0].type in ("tuple", "list") else []
        return items[0] if len(items) == 1 and items[0].type not in ("list_splat", "parenthesized_list_splat") \
            else None
    if not inner or inner[0].type in ("keyword_argument", "list_splat", "dictionary_splat"):
        return None
    rest = [a.child_by_field_name("value") if a.type == "keyword_argument" else a for a in inner[1:]]
    if rest and _literal(inner[0]):
        return None  # (`text.replace("a", "b")`: literals alone are no value handed on)
    return inner[0] if all(_literal(a) for a in rest) else None


def _literals_only(call: Node) -> bool:
    arguments = call.child_by_field_name("arguments")
    inner = [a.child_by_field_name("value") if a.type == "keyword_argument" else a
             for a in (arguments.named_children if arguments is not None else []) if a.type != "comment"]
    return arguments is not None and arguments.type == "argument_list" and all(_literal(a) for a in inner)


def _literal(node: Node | None) -> bool:
    if node is not None and node.type == "unary_operator" and node.named_child_count == 1:
        node = node.named_children[0]
    return node is not None and node.type in LITERALS and not any(c.type == "interpolation" for c in node.children)


def _outer(call: Node) -> Node:
    """The call, or the item at a literal integer taken of it (`lex-v45`: `_p(x)[0]`, the wrapper
    handing on a one-item tuple), read as what the call hands on."""
    up = call.parent
    index = up.child_by_field_name("subscript") if up is not None and up.type == "subscript" \
        and up.child_by_field_name("value") == call else None
    return up if up is not None and index is not None and index.type == "integer" else call


def _is_value(call: Node) -> bool:
    """The call (or an item taken of it, `_outer`) is the whole value of an assignment or a return in
    a function body."""
    call = _outer(call)
    up = call.parent
    return up is not None and up.type in ("assignment", "augmented_assignment", "return_statement") \
        and (up.child_by_field_name("right") == call if up.type != "return_statement" else True) \
        and in_function(call)


def _text(node: Node | None, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte] if node is not None else b""
