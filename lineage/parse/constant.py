"""The value of an expression of constants, read from the syntax tree without running anything.

Obfuscators guard real calls with predicates whose value is fixed: `if 3 * 7 == 20:`, `if 2 + 2 ==
4:` around a statement, or a local bound to a literal and compared (`_k = 9` then `if _k < 4:`).
parse/deadcode.py reads the first two, parse/junk.py the last
(``names``: the function's locals bound once to a value read here).  Only literals are read
(integers, floats, strings, `True`, `False`, `None`, tuples of them, and lists tested by `in`), under
arithmetic, comparisons, `and`, `or` and `not`, and builtins that compute from their arguments alone
(`len(str(21))`, when the module binds no other `len` or `str`), with bounds on size (no `9 ** 9 ** 9`); anything
else has no value here, a walrus too: the name it binds may be read after the block, which
dropping the condition would leave unbound.
"""

from __future__ import annotations

import ast
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from tree_sitter import Node

from lineage.parse.sysnames import VERSIONS, swapped, sys_names
from lineage.parse.words import words

UNKNOWN = object()  # no value here: a name, a call, an attribute, or past a bound
_MAX_DEPTH = 32
_MAX_BITS = 64
_MAX_TEXT = 256
_MAX_ITEMS = 64
_ARITHMETIC: dict[str, Callable[..., Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow, "&": operator.and_, "|": operator.or_, "^": operator.xor,
    "<<": operator.lshift, ">>": operator.rshift,
}
_COMPARE: dict[str, Callable[..., Any]] = {
    "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


def value(node: Node | None, source: bytes, names: Mapping[bytes, object] | None = None, depth: int = 0) -> object:
    """The expression's value, or UNKNOWN."""
    if node is None or depth > _MAX_DEPTH:
        return UNKNOWN
    kind = node.type
    if kind in ("true", "false", "none", "integer", "float", "string", "concatenated_string"):
        return _literal(node, source)
    if kind == "identifier":
        return (names or {}).get(source[node.start_byte:node.end_byte], UNKNOWN)
    if kind == "parenthesized_expression" and node.named_child_count == 1:
        return value(node.named_children[0], source, names, depth + 1)
    if kind == "not_operator":
        inner = value(node.child_by_field_name("argument"), source, names, depth + 1)
        return UNKNOWN if inner is UNKNOWN else not inner
    if kind == "unary_operator":
        inner = value(node.child_by_field_name("argument"), source, names, depth + 1)
        sign = node.child_by_field_name("operator")
        if inner is UNKNOWN or sign is None or isinstance(inner, str) or inner is None:
            return UNKNOWN
        ops: dict[str, Callable[..., Any]] = {"-": operator.neg, "+": operator.pos, "~": operator.invert}
        return _bounded(ops, sign.type, inner)
    if kind == "boolean_operator":
        return _boolean(node, source, names, depth)
    if kind == "binary_operator":
        left = value(node.child_by_field_name("left"), source, names, depth + 1)
        right = value(node.child_by_field_name("right"), source, names, depth + 1)
        sign = node.child_by_field_name("operator")
        if left is UNKNOWN or right is UNKNOWN or sign is None:
            return UNKNOWN
        if sign.type in ("**", "<<") and not (isinstance(right, int) and 0 <= right <= _MAX_BITS):
            return UNKNOWN
        return _bounded(_ARITHMETIC, sign.type, left, right)
    if kind == "comparison_operator":
        return _comparison(node, source, names, depth)
    if kind == "tuple":  # (a list is no constant: a name bound to one may be changed in place)
        return _items(node, source, names, depth)
    if kind == "call":
        return _builtin_call(node, source, names, depth)
    return UNKNOWN


# builtins that compute a value from their arguments alone (`len(str(21))` is 2; since `lex-v40`)
PURE_BUILTINS: dict[bytes, Callable[..., object]] = {
    b"len": len, b"str": str, b"int": int, b"abs": abs, b"min": min, b"max": max, b"bool": bool, b"ord": ord,
    b"chr": chr, b"hex": hex, b"oct": oct, b"bin": bin, b"round": round,
}


def pure_builtin(call: Node, source: bytes) -> bytes:
    """The name of the builtin of ``PURE_BUILTINS`` that ``call`` calls by its own name, when the
    module can mean nothing else by it (``unshadowed``); else ``b""``."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "identifier":
        return b""
    name = source[function.start_byte:function.end_byte]
    return name if name in PURE_BUILTINS and unshadowed(name, source) else b""


def _builtin_call(node: Node, source: bytes, names: Mapping[bytes, object] | None, depth: int) -> object:
    """A call of one of ``PURE_BUILTINS`` on constants (positional arguments only)."""
    name, arguments = pure_builtin(node, source), node.child_by_field_name("arguments")
    if not name or arguments is None or arguments.type != "argument_list" or arguments.named_child_count > _MAX_ITEMS:
        return UNKNOWN
    args = [value(a, source, names, depth + 1) for a in arguments.named_children]
    if any(a is UNKNOWN for a in args):
        return UNKNOWN  # (a keyword or an unpacked argument has no value here either)
    if any(isinstance(a, str) and len(a) > _MAX_TEXT or isinstance(a, int) and a.bit_length() > _MAX_BITS
           for a in args):
        return UNKNOWN
    try:
        found = PURE_BUILTINS[name](*args)
    except (ArithmeticError, TypeError, ValueError):
        return UNKNOWN
    if isinstance(found, bool) or found is None or isinstance(found, float):
        return found
    if isinstance(found, int):
        return found if found.bit_length() <= _MAX_BITS else UNKNOWN
    return found if isinstance(found, str) and len(found) <= _MAX_TEXT else UNKNOWN


# where a spelling of a name only reads it: called, or in an annotation or a subscript, not assigned
_CALLED = re.compile(rb"[ \t]*\(")
_READ_AFTER = re.compile(rb"(?:->|:|\w\[)[ \t]*$")
_ASSIGNED = re.compile(rb"[ \t]*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)")
_DEFINED = re.compile(rb"(?:def|class)[ \t]+$")
_BEFORE = 256  # bytes read before a spelling for what stands there (`class` and any run of blanks)


_BUILTINS_REACHED = re.compile(rb"\bbuiltins\b|\b__builtins__\b")


@lru_cache(maxsize=4)
def _as_read(source: bytes) -> tuple[bytes, bool]:
    """The module's text as Python reads its names (NFKC), and whether it may bind any builtin
    otherwise than by spelling it (`import *`, or reaching the builtins): once per module, not
    once per name asked about."""
    if not source.isascii():
        source = unicodedata.normalize("NFKC", source.decode("utf-8", "surrogateescape")).encode(
            "utf-8", "surrogateescape")
    return source, bool(b"import" in source and re.search(rb"\bimport[ \t]+\*", source)
                        or b"builtins" in source and _BUILTINS_REACHED.search(source))


@lru_cache(maxsize=256)
def unshadowed(name: bytes, source: bytes) -> bool:
    """The module binds ``name`` nowhere: every spelling of it as a word of its own (not an
    attribute) is a call that no `def` or `class` defines, or stands after `->`, `:` or a name's
    `[` (an annotation, a subscript) and is not assigned, and no `import *` may bind it.  Any other
    spelling (an assignment, a parameter, an import, a loop's target, an argument) may bind it:
    the name is left unread, and so is every builtin of a module that reaches for the builtins
    (`builtins.len = ...`, `__builtins__`: `lex-v43`).  Read as Python reads names, NFKC-normalised (`ｌｅｎ = str` binds
    `len`).  Read on the text, not the tree as parse/bound.py's ``rebound`` does: ``value`` is
    handed a node, never its tree's root."""
    source, open_names = _as_read(source)
    if open_names:
        return False  # (`lex-v43`: `builtins.len = ...` puts another function in a builtin's place)
    for at in words(name, source):
        before, end = source[max(0, at - _BEFORE):at], at + len(name)
        if _CALLED.match(source, end):
            if _DEFINED.search(before):
                return False
        elif not _READ_AFTER.search(before) or _ASSIGNED.match(source, end):
            return False
    return True


def _items(node: Node, source: bytes, names: Mapping[bytes, object] | None, depth: int) -> object:
    if node.named_child_count > _MAX_ITEMS:
        return UNKNOWN
    items = tuple(value(c, source, names, depth + 1) for c in node.named_children)
    return UNKNOWN if any(i is UNKNOWN for i in items) else items


def truth(node: Node | None, source: bytes, names: Mapping[bytes, object] | None = None, depth: int = 0) -> bool | None:
    """The value of a condition as `bool()` gives it; None when it has none here.  One side of
    `and` or `or` may decide it alone: the left one, or the right one when the left calls and
    binds nothing (`x is None and False`; never `audit() and False`, whose call runs), though
    the value of such an expression is not known (`(n or 1) == 1` is no constant)."""
    if node is None or depth > _MAX_DEPTH:
        return None
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return truth(node.named_children[0], source, names, depth + 1)
    if node.type == "not_operator":
        inner = truth(node.child_by_field_name("argument"), source, names, depth + 1)
        return None if inner is None else not inner
    if node.type == "boolean_operator":
        sign = node.child_by_field_name("operator")
        first, second = node.child_by_field_name("left"), node.child_by_field_name("right")
        left = truth(first, source, names, depth + 1)
        right = truth(second, source, names, depth + 1)
        if sign is None or sign.type not in ("and", "or"):
            return None
        decides = sign.type == "or"  # (`True or _`, `False and _`: the left side alone, the right never run)
        if left is decides:
            return decides
        if left is None and right is decides and _quiet(first):
            return decides  # (`x is None and False`: the left side runs, but does nothing)
        return right if left is not None and right is not None else None
    found = value(node, source, names, depth)
    return None if found is UNKNOWN else bool(found)


def _quiet(node: Node | None) -> bool:
    """The expression calls nothing and binds nothing (no call, walrus, `await` or `yield`):
    reading the condition as its value loses nothing it does."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.type in ("call", "named_expression", "await", "yield"):
            return False
        stack.extend(current.named_children)
    return True


def _literal(node: Node, source: bytes) -> object:
    text = source[node.start_byte:node.end_byte].decode("utf-8", "replace")
    if node.type == "string" and any(c.type == "interpolation" for c in node.children):
        return UNKNOWN  # (an f-string reads names)
    if len(text) > _MAX_TEXT * 4:
        return UNKNOWN
    try:
        found = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN
    return found if isinstance(found, (int, float, str, type(None))) else UNKNOWN


def _bounded(table: Mapping[str, Callable[..., object]], sign: str, *args: object) -> object:
    if sign not in table or any(isinstance(a, str) for a in args) and sign not in ("+", "*"):
        return UNKNOWN  # (`%` formats: a width, `"%01000000000d" % 1`, would be written out first)
    if sign == "*" and any(isinstance(a, str) for a in args) and any(isinstance(a, int) and a > _MAX_TEXT for a in args):
        return UNKNOWN
    try:
        found = table[sign](*args)
    except (ArithmeticError, TypeError, ValueError):
        return UNKNOWN
    if isinstance(found, bool) or found is None:
        return found
    if isinstance(found, int) and found.bit_length() > _MAX_BITS or isinstance(found, str) and len(found) > _MAX_TEXT:
        return UNKNOWN
    return found if isinstance(found, (int, float, str)) else UNKNOWN


def _boolean(node: Node, source: bytes, names: Mapping[bytes, object] | None, depth: int) -> object:
    """`a and b`, `a or b`: a value only when the left side is known (`x or 1` is x when x is
    truthy: its value is not 1, whatever its truth)."""
    sign = node.child_by_field_name("operator")
    left = value(node.child_by_field_name("left"), source, names, depth + 1)
    if sign is None or left is UNKNOWN:
        return UNKNOWN
    if (sign.type == "and") != bool(left):  # `falsy and _`, `truthy or _`: the left side
        return left
    return value(node.child_by_field_name("right"), source, names, depth + 1)


def _comparison(node: Node, source: bytes, names: Mapping[bytes, object] | None, depth: int) -> object:
    """`a < b`, chained (`a < b < c`): every operand and operator known."""
    operands = node.named_children
    signs = [c.type for c in node.children if not c.is_named]  # ("not in" is one token)
    if len(signs) != len(operands) - 1 or any(s not in _COMPARE for s in signs):
        return UNKNOWN  # (`is`, `is not`: identity of constants is not the language's to promise)
    # (a list literal tested against, `x in [1, 2]`, is as good as a tuple there, and there only:
    # `[1, 2] != (1, 2)` holds)
    values = [_items(o, source, names, depth) if o.type == "list" and i and signs[i - 1] in ("in", "not in")
              else value(o, source, names, depth + 1) for i, o in enumerate(operands)]
    if UNKNOWN in values and len(operands) < 8 and _VERSIONS[0]:
        return _on_python3(operands, values, signs, source)
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    try:
        return all(bool(_COMPARE[s](a, b)) for s, a, b in zip(signs, values, values[1:]))
    except TypeError:
        return UNKNOWN


# `sys.version_info` (and `sys.hexversion`) at its extremes on Python 3: a comparison the same at
# both holds on every Python 3
_PY3 = ((3, 0, 0, "alpha", 0), (3, 999, 999, "final", 999))
_HEX3 = (0x03000000, 0x03FFFFFF)
_IN_PLACE = re.compile(rb"__import__\((?:'sys'|\"sys\")\)")
_PART = re.compile(rb"(?P<spelt>.+?)(?P<part>\.major|\[0\]|\[:(?P<n>[1-5])\])?")  # (`.major`, `[0]`, `[:2]` read off it)
_NAME = re.compile(rb"[A-Za-z_]\w*")


_VERSIONS = [False]  # (set by ``version_truth`` alone: a value that holds only where the version is read)


def version_truth(node: Node | None, source: bytes) -> bool | None:
    """``truth`` of a condition with the interpreter's version read as on every Python 3 (`lex-v43`):
    for parse/deadcode.py, which reads such a guard as a wrapper, never as a block that does not
    run.  Whether `sys` or a name for its version is what it seems cannot be settled by reading
    one file (another module may set `sys.version_info`, or this one through `setattr`, the module
    table or its own globals under a spelling no search finds: a stranger's review hid a whole
    copy so), so what a version guard holds is always read; only its test goes.  ``truth`` itself
    leaves the version unread."""
    _VERSIONS[0] = True
    try:
        return truth(node, source)
    finally:
        _VERSIONS[0] = False


def _on_python3(operands: list[Node], values: list[object], signs: list[str], source: bytes) -> object:
    """`sys.version_info < (3, 0)`, `sys.version_info[0] == 2`, `sys.version_info[:2] == (2, 7)`,
    `(3,) <= sys.version_info < (4,)`, `sys.hexversion < 0x03000000` (`lex-v42`): a test of the
    version the same on every Python 3 (padding guards on one), read with the major version 3 and
    the rest at both of its extremes; any other comparison of the version has no value here.
    The version is read off `__import__('sys')` or a name the module binds to `sys` alone, or
    through a name it binds to the version alone (`from sys import version_info as _v`, `lex-v43`):
    parse/sysnames.py."""
    unknown = [i for i, v in enumerate(values) if v is UNKNOWN]
    if len(unknown) != 1 or any(s in ("in", "not in") for s in signs):
        return UNKNOWN
    at = unknown[0]
    read = _version(b"".join(source[operands[at].start_byte:operands[at].end_byte].split()), operands[at], source)
    if read is None:
        return UNKNOWN
    beside = [values[i] for i in (at - 1, at + 1) if 0 <= i < len(values) and signs[min(i, at)] in ("==", "!=")]
    if any(_may_equal(other, read) for other in beside):
        return UNKNOWN  # (between the extremes one version may equal it, `[:2] == (3, 5)`, `hexversion == 0x030b00f0`)
    found = set()
    for v in read:
        at_v = [*values[:at], v, *values[at + 1:]]
        try:
            found.add(all(bool(_COMPARE[s](a, b)) for s, a, b in zip(signs, at_v, at_v[1:])))
        except TypeError:
            return UNKNOWN
    return found.pop() if len(found) == 1 else UNKNOWN


def _version(spelt: bytes, node: Node, source: bytes) -> list[object] | None:
    """The two extremes of the version ``spelt`` reads on Python 3, or None when it reads no
    version of this module's `sys` (parse/sysnames.py) or of `__import__('sys')`."""
    found = _PART.fullmatch(spelt)
    if not found:
        return None
    module, _, name = found.group("spelt").rpartition(b".")
    part = found.group("part")
    if module:
        if name not in VERSIONS or not (_IN_PLACE.fullmatch(module) and unshadowed(b"__import__", source)
                                        and not swapped(source) or module in sys_names(node, source).modules):
            return None
    else:
        name = sys_names(node, source).versions.get(name, b"") if _NAME.fullmatch(name) else b""
        if not name:
            return None
    if name == b"hexversion":
        return None if part else list(_HEX3)
    if part in (b".major", b"[0]"):
        return [3, 3]
    return [v[:int(found.group("n"))] for v in _PY3] if found.group("n") else list(_PY3)


def _may_equal(other: object, read: list[object]) -> bool:
    """A version between the two readings may equal ``other`` (a tuple as long, of major 3; a number
    between the two)."""
    low, high = read
    if isinstance(low, tuple):
        return isinstance(other, tuple) and len(other) == len(low) and other[:1] == (3,)
    return isinstance(other, int) and not isinstance(other, bool) and isinstance(low, int) \
        and isinstance(high, int) and low != high and low <= other <= high
