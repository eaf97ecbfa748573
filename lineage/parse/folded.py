"""Literals spelt the long way, read as the literal they evaluate to.

Obfuscators spell each number and string as an expression that evaluates to it: `pow(2)` as
`pow(1985930035 + -1985930033)` (pyobfus `--numeric-obfuscation`), `(9 - 7)` by hand, a string
as `chr(114) + chr(0b1101111) + 'pe'`, or as `bytes.fromhex('726f7065').decode('utf-8')`
(python-obfuscator).  Each turns one literal token into several, and every k-gram around it
changes.  Such an expression is read as the one literal token it evaluates to, on the
reference side and the scanned side alike: integers under `+ - * // % << >> & | ^ ~` and small
powers, `chr()` of an integer, `bytes.fromhex()` of a string and `.decode()` of that, and
strings joined by `+`.  Nothing is run: the values are computed here from literals alone, with
bounds on their size (no `9 ** 9 ** 9`).  A negative result stays as written (it is two tokens
when spelt plainly), and so do floats.  ``chr`` is read through a name bound to it once
(parse/hoisted.py): the caller passes each token's text as read.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

import numpy as np
from tree_sitter import Node, QueryCursor

from lineage.parse.queries import query

_QUERY = "[(binary_operator) (call) (parenthesized_expression)] @e"
_INT: dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv, "%": operator.mod,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "**": operator.pow,
}
_MAX_BITS = 64  # an integer wider than this is not computed (left as written)
_MAX_TEXT = 256  # nor a string longer than this
_MAX_DEPTH = 48
Value = int | str | bytes


def folded(root: Node, source: bytes, starts: np.ndarray, word: Callable[[int], str]) -> tuple[
        dict[int, bytes], list[tuple[int, int]]]:
    """({token index: the literal it reads as, as source bytes}, [byte spans read as absent]).
    ``starts``: each token's first byte; ``word(i)``: token i's text as read (a builtin bound to
    another name reads as the builtin)."""
    if not any(hint in source for hint in (b"chr", b"fromhex", b"+", b"-", b"*", b"<<", b"^", b"|", b"&")):
        return {}, []
    nodes = sorted(QueryCursor(query(_QUERY)).captures(root).get("e", []), key=lambda n: (n.start_byte, -n.end_byte))
    reads: dict[int, bytes] = {}
    spans: list[tuple[int, int]] = []
    end = -1
    for node in nodes:
        if node.start_byte < end:
            continue  # (inside an expression read as one literal already)
        value = _value(node, source, starts, word, 0)
        literal = _literal(value)
        if literal is None:
            continue
        at = int(np.searchsorted(starts, node.start_byte))
        if at >= starts.size or int(starts[at]) != node.start_byte:
            continue
        reads[at] = literal
        spans.append((node.start_byte + 1, node.end_byte))
        end = node.end_byte
    return reads, spans


def _literal(value: Value | None) -> bytes | None:
    """The source spelling of a folded value, or None when it stays as written."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value).encode() if value >= 0 else None
    if isinstance(value, str) and len(value) <= _MAX_TEXT:
        return repr(value).encode("utf-8", "surrogatepass")
    return None


def _value(node: Node, source: bytes, starts: np.ndarray, word: Callable[[int], str], depth: int) -> Value | None:
    """The value of an expression made of literals only, or None (anything else, or too large)."""
    if depth > _MAX_DEPTH:
        return None
    kind = node.type
    if kind == "integer":
        try:
            return int(source[node.start_byte:node.end_byte].decode("ascii"), 0)
        except ValueError:
            return None
    if kind == "string":
        return _string(node, source)
    if kind == "parenthesized_expression" and node.named_child_count == 1:
        return _value(node.named_children[0], source, starts, word, depth + 1)
    if kind == "unary_operator":
        operand = _value(node.named_children[-1], source, starts, word, depth + 1) if node.named_child_count else None
        sign = source[node.start_byte:node.start_byte + 1]
        if not isinstance(operand, int) or isinstance(operand, bool):
            return None
        return {b"-": -operand, b"+": operand, b"~": ~operand}.get(sign)
    if kind == "binary_operator":
        return _binary(node, source, starts, word, depth)
    if kind == "call":
        return _call(node, source, starts, word, depth)
    return None


def _string(node: Node, source: bytes) -> Value | None:
    if any(c.type == "interpolation" for c in node.children):
        return None
    try:
        value = ast.literal_eval(source[node.start_byte:node.end_byte].decode("utf-8"))
    except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (str, bytes)) else None


def _binary(node: Node, source: bytes, starts: np.ndarray, word: Callable[[int], str], depth: int) -> Value | None:
    op_node = node.child_by_field_name("operator")
    left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
    if op_node is None or left_node is None or right_node is None:
        return None
    left = _value(left_node, source, starts, word, depth + 1)
    right = _value(right_node, source, starts, word, depth + 1)
    op = op_node.type
    if isinstance(left, str) and isinstance(right, str) and op == "+":
        return left + right if len(left) + len(right) <= _MAX_TEXT else None
    if not isinstance(left, int) or not isinstance(right, int) or isinstance(left, bool) or isinstance(right, bool):
        return None
    if op not in _INT or (op in ("//", "%") and right == 0) or (op in ("<<", ">>", "**") and not 0 <= right <= _MAX_BITS):
        return None
    if op == "**" and abs(left) > 1 << 16:
        return None
    result = _INT[op](left, right)
    return result if result.bit_length() <= _MAX_BITS else None


def _call(node: Node, source: bytes, starts: np.ndarray, word: Callable[[int], str], depth: int) -> Value | None:
    """`chr(int)`, `bytes.fromhex(str)` and `<bytes>.decode()` / `.decode('utf-8')`."""
    function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    if function is None or arguments is None or arguments.type != "argument_list":
        return None
    args = [a for a in arguments.named_children if a.type != "comment"]
    values = [_value(a, source, starts, word, depth + 1) for a in args]
    if function.type == "identifier":
        at = int(np.searchsorted(starts, function.start_byte))
        if at >= starts.size or int(starts[at]) != function.start_byte:
            return None  # (no token of its own: the tree and the lexer read the text apart)
        if word(at) == "chr" and len(values) == 1 and isinstance(values[0], int) and 0 <= values[0] < 0x110000:
            return chr(values[0])
        return None
    if function.type != "attribute":
        return None
    obj, attr = function.child_by_field_name("object"), function.child_by_field_name("attribute")
    if obj is None or attr is None:
        return None
    name = source[attr.start_byte:attr.end_byte]
    if name == b"fromhex" and source[obj.start_byte:obj.end_byte] == b"bytes" and len(values) == 1 \
            and isinstance(values[0], str):
        try:
            return bytes.fromhex(values[0])
        except ValueError:
            return None
    if name == b"decode" and len(values) <= 1 and values in ([], ["utf-8"], ["utf8"]):
        target = _value(obj, source, starts, word, depth + 1)
        if isinstance(target, bytes):
            try:
                return target.decode("utf-8")
            except UnicodeDecodeError:
                return None
    return None
