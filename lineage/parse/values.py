"""Values of literal expressions, computed without running anything (parse/folded.py reads them).

Integers under `+ - * // % << >> & | ^ ~` and small powers, within MAX_BITS; strings joined by `+`
within MAX_TEXT; comparisons of integers; `chr`, `ord`, `int`, `str`, `bool` and `bytes` of one
value; `float.fromhex`; `codecs.decode` with the codecs that compute from their input alone.
DECODED stands for what a module's own decoder makes of a literal (parse/ciphered.py): its value
is unknown, so nothing is computed from it.
"""

from __future__ import annotations

import ast
import binascii
import codecs
import math
import operator
from collections.abc import Callable

from tree_sitter import Node

MAX_BITS = 64  # an integer wider than this is not computed (left as written)
MAX_TEXT = 256  # nor a string longer than this
INT_OPS: dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv, "%": operator.mod,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "**": operator.pow,
}
COMPARE: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
# codecs.decode's codecs that compute from their input alone (text or bytes to text or bytes)
CODEC_NAMES = frozenset({"rot13", "rot_13", "hex", "hex_codec", "base64", "base64_codec", "utf-8", "utf8", "ascii",
                         "latin-1", "latin1"})
DECODED = "".join(("dec", "oded"))  # what a string decoded by a function of the module reads (parse/ciphered.py);
# an object of its own, never a literal's: what it holds is unknown, so nothing is computed from it
Value = int | float | str | bytes | list[int] | list[str]


def apply(op: str, left: Value | None, right: Value | None) -> Value | None:
    """`left op right` on integers (or `+` on strings), within bounds; None otherwise."""
    if isinstance(left, str) and isinstance(right, str) and op == "+":
        return left + right if len(left) + len(right) <= MAX_TEXT else None
    if not isinstance(left, int) or not isinstance(right, int) or isinstance(left, bool) or isinstance(right, bool):
        return None
    if op not in INT_OPS or (op in ("//", "%") and right == 0) or (op in ("<<", ">>", "**") and not 0 <= right <= MAX_BITS):
        return None
    if op == "**" and abs(left) > 1 << 16:
        return None
    result = INT_OPS[op](left, right)
    return result if result.bit_length() <= MAX_BITS else None


def unary(op: bytes, operand: Value | None) -> Value | None:
    if not isinstance(operand, int) or isinstance(operand, bool):
        return None
    return {b"-": -operand, b"+": operand, b"~": ~operand}.get(op)


def builtin(name: str, values: list[Value | None]) -> Value | None:
    """`chr`, `ord`, `int`, `str`, `bool` and `bytes` of one computed value."""
    if len(values) != 1 or values[0] is None:
        return None
    value = values[0]
    if name == "chr" and isinstance(value, int) and 0 <= value < 0x110000:
        return chr(value)
    if name == "ord" and isinstance(value, str) and len(value) == 1:
        return ord(value)
    if name == "int" and isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            number = int(value)
        except ValueError:
            return None
        return number if number.bit_length() <= MAX_BITS else None
    if name == "str" and isinstance(value, str):
        return value
    if name == "bool" and isinstance(value, (int, str, bytes)) and value is not DECODED:
        return bool(value)
    if name == "bytes" and isinstance(value, list) and all(isinstance(v, int) and 0 <= v < 256 for v in value):
        return bytes(int(v) for v in value)
    return None


def from_hex(text: str) -> float | None:
    """`float.fromhex(text)`: a float spelt in hex (pyobfus's floats), or one decoded by the module
    (`decoded_calls`: what it holds unknown, a float stood there: read as a float, 0.0)."""
    if text is DECODED:
        return 0.0
    try:
        found = float.fromhex(text)
    except (ValueError, OverflowError):
        return None
    return found if math.isfinite(found) and found >= 0 else None


def codec(value: Value | None, name: Value | None) -> Value | None:
    """`codecs.decode(value, name)` for the codecs that compute from their input alone."""
    if not isinstance(name, str) or name.lower() not in CODEC_NAMES or not isinstance(value, (str, bytes)) \
            or value is DECODED or len(value) > 4 * MAX_TEXT:
        return None
    try:
        out = codecs.decode(value, name.lower())  # type: ignore[arg-type]
    except (ValueError, TypeError, LookupError, UnicodeError, binascii.Error):
        return None
    return out if isinstance(out, (str, bytes)) else None


def string_value(node: Node, source: bytes) -> Value | None:
    if any(c.type == "interpolation" for c in node.children):
        return None
    try:
        value = ast.literal_eval(source[node.start_byte:node.end_byte].decode("utf-8"))
    except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (str, bytes)) else None
