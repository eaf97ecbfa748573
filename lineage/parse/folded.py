"""Literals spelt the long way, read as the literal they evaluate to.

Obfuscators spell each number and string as an expression that evaluates to it: `pow(2)` as
`pow(1985930035 + -1985930033)` (pyobfus `--numeric-obfuscation`), `(9 - 7)` by hand, a string
as `chr(114) + chr(0b1101111) + 'pe'`, or as `bytes.fromhex('726f7065').decode('utf-8')`
(python-obfuscator).  Each turns one literal token into several, and every k-gram around it
changes.  Such an expression is read as the one literal token it evaluates to, on the
reference side and the scanned side alike: integers under `+ - * // % << >> & | ^ ~` and small
powers, `chr()` of an integer, `int()` and `str()` of a literal, `bytes.fromhex()` of a string or
`bytes()` of integers and `.decode()` of that, `''.join()` of strings or of `map(chr, ...)`, and
strings joined by `+`, however long the chain (each expression is evaluated from its innermost
literals up, once).  Nothing is run: the values are computed here from literals alone, with
bounds on their size (no `9 ** 9 ** 9`).  A negative result stays as written (it is two tokens
when spelt plainly), and so do floats.  ``chr`` is read through a name bound to it once
(parse/hoisted.py): the caller passes each token's text as read.

Obfuscators' encoders are read so too (`lex-v53`, obfupy's constant extraction, obfuscatorx's):
comparisons of integers, `not` and `bool()` of a literal (read as `True` or `False`), a string
reversed, `'...'[::-1]`, `codecs.decode(s, 'rot13')` and `codecs.decode(b'..', 'hex')`,
`base64.b64decode(b'..')` (and its kin), and a comprehension over a list of literals whose body
computes from the loop's name and literals alone, `''.join([chr(c ^ 730) for c in [651, ...]])`.
What cannot be computed from the file's literals, a string decrypted with a key
(`_decrypt_str(b'gAAAAAB...')`, pyobfus Pro) or looked up in an encrypted table by number
(`_s(3)`), is read as a string all the same, whatever it holds: a call of a function the module
defines with one parameter, called at least twice and every time given one encoded literal, or
one of three or more integers it looks up, and named nowhere else (`decoded_calls`).
"""

from __future__ import annotations

import ast
import base64
import binascii
import codecs
import math
import operator
import re
from collections.abc import Callable

import numpy as np
from tree_sitter import Node

from lineage.parse.queries import captured

_INT: dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv, "%": operator.mod,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "**": operator.pow,
}
_MAX_BITS = 64  # an integer wider than this is not computed (left as written)
_MAX_TEXT = 256  # nor a string longer than this
_MAX_DEPTH = 48  # nor an expression nested deeper than this below where its evaluation starts
_MAX_ITEMS = 4096  # nor a list longer than this
MAX_CLIMB = 2 * 256  # steps up from a seed at most (a string spelt `chr(..) + chr(..) + ...` of 256 characters
# is 511 steps): each step finds a parent by a walk from the root, and a hostile chain of 20,000 levels
# climbed whole would spend the file's parse budget, leaving the whole file unchecked
_B64 = ("b64decode", "urlsafe_b64decode", "b32decode", "b16decode", "a85decode", "b85decode")
_CALLS = ("chr", "fromhex", "int", "str", "join", "decode", "bytes", "bool", *_B64)  # the words that may start one
_CLIMB = frozenset({"binary_operator", "unary_operator", "parenthesized_expression", "comparison_operator", "subscript",
                    "not_operator"})
_CODECS: tuple[list[str], ...] = ([], ["utf-8"], ["utf8"], ["ascii"], ["latin-1"], ["latin1"])
# codecs.decode's codecs that compute from their input alone (text or bytes to text or bytes)
_CODEC_NAMES = frozenset({"rot13", "rot_13", "hex", "hex_codec", "base64", "base64_codec", "utf-8", "utf8", "ascii",
                          "latin-1", "latin1"})
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
DECODED = "".join(("dec", "oded"))  # what a string decoded by a function of the module reads as (`decoded_calls`);
# an object of its own, never a literal's: what it holds is unknown, so nothing is computed from it
Value = int | float | str | bytes | list[int] | list[str]


def folded(root: Node, source: bytes, starts: np.ndarray, kind_ids: np.ndarray, text_ids: np.ndarray,
           kinds: dict[str, int], texts: dict[str, int], tick: Callable[[], None] = lambda: None) -> tuple[
        dict[int, bytes], list[tuple[int, int]]]:
    """({token index: the literal it reads as, as source bytes}, [byte spans read as absent]).
    Per token: ``starts`` its first byte, ``kind_ids`` its kind and ``text_ids`` its text as read
    (a builtin bound to another name reads as the builtin), numbered by ``kinds`` and ``texts``.
    Only where the tokens show a literal beside an operator, or one of ``_CALLS``, is the tree read;
    ``tick`` is called once a seed and once a step up (the file's parse budget: a hostile file's chains
    are deep)."""
    n = starts.size
    if n < 3:
        return {}, []
    literal = np.isin(kind_ids, [kinds.get(k, -1) for k in ("NUM", "STR")])
    operator_ = np.isin(kind_ids, [kinds.get(k, -1) for k in _INT])
    sign = np.isin(kind_ids, [kinds.get(k, -1) for k in ("-", "+", "~")])
    after = np.zeros(n, dtype=bool)
    after[:-1] = literal[1:]
    after[:-2] |= sign[1:-1] & literal[2:]
    before = np.zeros(n, dtype=bool)
    before[1:] = literal[:-1]
    compare = np.isin(kind_ids, [kinds.get(k, -1) for k in _COMPARE])
    seeds = np.flatnonzero((operator_ | compare) & before & after).tolist()
    seeds += np.flatnonzero(np.isin(text_ids, [texts.get(w, -1) for w in _CALLS])).tolist()
    # `not 50`, and a string subscripted, `'daeh'[::-1]`
    # `not 50`, `~-~-5` (a chain of signs from `~`: `-1` alone stays as written), each seeded where
    # its chain starts (a seed a step deeper in a chain of thousands would climb it all again)
    nots = np.isin(kind_ids, [kinds.get("not", -1)])
    negated = nots & after
    negated[:-1] |= nots[:-1] & nots[1:]  # (`not not 5`)
    tilde = np.isin(kind_ids, [kinds.get("~", -1)])
    inverted = np.zeros(n, dtype=bool)
    inverted[:-1] = tilde[:-1] & (after[:-1] | sign[1:])
    chained = np.zeros(n, dtype=bool)
    chained[1:] = nots[:-1] | sign[:-1] | tilde[:-1]
    negated = (negated | inverted) & ~chained
    subscripted = np.zeros(n, dtype=bool)
    subscripted[:-1] = np.isin(kind_ids[:-1], [kinds.get("STR", -1)]) & np.isin(kind_ids[1:], [kinds.get("[", -1)])
    seeds += np.flatnonzero(negated | subscripted).tolist()
    words = {texts[w]: w for w in ("chr", "int", "str", "bytes", "map", "bool", "ord") if w in texts}
    folder = _Folder(root, source, starts, lambda i: words.get(int(text_ids[i]), ""), tick)
    for call in decoded_calls(root, source, starts, text_ids, texts):
        folder.memo[call.id] = DECODED
        seeds.append(int(np.searchsorted(starts, call.start_byte)))
    reads: dict[int, bytes] = {}
    spans: list[tuple[int, int]] = []
    tops: dict[tuple[int, int], Node] = {}
    for seed in sorted(set(seeds)):
        tick()
        found = folder.top(seed)
        if found is not None:
            tops[(found.start_byte, -found.end_byte)] = found
    for node in sorted(tops.values(), key=lambda t: (t.start_byte, -t.end_byte)):
        if spans and node.start_byte < spans[-1][1]:
            continue  # (inside an expression read as one literal already)
        at = int(np.searchsorted(starts, node.start_byte))
        spelt = _literal(folder.value(node))
        if spelt is not None and at < n and int(starts[at]) == node.start_byte:
            reads[at] = spelt
            spans.append((node.start_byte + 1, node.end_byte))
    return reads, spans


def _literal(value: Value | None) -> bytes | None:
    """The source spelling of a folded value, or None when it stays as written."""
    if isinstance(value, bool):
        return b"True" if value else b"False"
    if value is None:
        return None
    if isinstance(value, int):
        return str(value).encode() if value >= 0 else None
    if isinstance(value, str) and len(value) <= _MAX_TEXT:
        return repr(value).encode("utf-8", "surrogatepass")
    if isinstance(value, float):  # (only `float.fromhex` makes one: `_from_hex`)
        return repr(value).encode()
    return None


class _Folder:
    """Evaluates expressions of literals over one tree, each node once (``memo``)."""

    def __init__(self, root: Node, source: bytes, starts: np.ndarray, word: Callable[[int], str],
                 tick: Callable[[], None] = lambda: None) -> None:
        self.root, self.source, self.starts, self.word, self.tick = root, source, starts, word, tick
        self.memo: dict[int, Value | None] = {}
        self.above: dict[int, Node | None] = {}  # per node climbed: the largest spellable expression found above

    def top(self, token: int) -> Node | None:
        """The largest expression around the seed token that evaluates to a literal spelt as one
        token, climbing from the innermost one: each step reads the child it came from in the memo."""
        lo = int(self.starts[token])
        node = self.root.descendant_for_byte_range(lo, lo + 1)
        if node is None:
            return None
        node = self._start(node)
        if node is None or self.value(node) is None:
            return None
        path: list[Node] = []
        best: Node | None = None
        while len(path) < MAX_CLIMB:
            if node.id in self.above:  # (climbed from here before: what lies above is known)
                best = self.above[node.id] or best
                break
            path.append(node)
            best = node if _literal(self.value(node)) is not None else best  # (`-(5 - 4)`: `-` and `1`)
            self.tick()  # (a node's parent is found by a walk from the root: a chain of 100,000 terms is
            up = node.parent  # climbed in time that grows with its square)
            if up is None or up.type not in _CLIMB or self.value(up) is None:
                break
            node = up
        for visited in path:
            self.above[visited.id] = best
        return best

    @staticmethod
    def _start(node: Node) -> Node | None:
        """Where a seed's expression starts: an operator's expression, or the call a name makes
        (`chr(...)`, `bytes.fromhex(...)`, `''.join(...)`, and a `.decode()` of it)."""
        if node.type != "identifier":
            return node.parent
        up = node.parent.parent if node.parent is not None and node.parent.type == "attribute" else node.parent
        if up is None or up.type != "call":
            return None
        if up.parent is not None and up.parent.type == "attribute" and up.parent.parent is not None \
                and up.parent.parent.type == "call":
            return up.parent.parent
        return up

    def value(self, node: Node, depth: int = 0) -> Value | None:
        """The value of an expression made of literals only, or None (anything else, or too large)."""
        if node.id in self.memo:
            return self.memo[node.id]
        if depth > _MAX_DEPTH:
            return None  # (not kept: from nearer its literals it may still evaluate)
        found = self._evaluate(node, depth)
        self.memo[node.id] = found
        return found

    def _evaluate(self, node: Node, depth: int) -> Value | None:
        kind = node.type
        if kind == "integer":
            try:
                return int(self.source[node.start_byte:node.end_byte].decode("ascii"), 0)
            except ValueError:
                return None
        if kind == "string":
            return _string(node, self.source)
        if kind in ("parenthesized_expression", "list", "tuple"):
            items = [c for c in node.named_children if c.type != "comment"]
            if kind == "parenthesized_expression":
                return self.value(items[0], depth + 1) if len(items) == 1 else None
            values = [self.value(c, depth + 1) for c in items[:_MAX_ITEMS + 1]]
            if len(values) > _MAX_ITEMS or not all(isinstance(v, int) for v in values) \
                    and not all(isinstance(v, str) for v in values):
                return None
            return values  # type: ignore[return-value]
        if kind == "unary_operator":
            operand = self.value(node.named_children[-1], depth + 1) if node.named_child_count else None
            return _unary(self.source[node.start_byte:node.start_byte + 1], operand)
        if kind == "binary_operator":
            return self._binary(node, depth)
        if kind == "call":
            return self._call(node, depth)
        if kind in ("true", "false"):
            return kind == "true"
        if kind == "not_operator":
            operand = self.value(node.named_children[-1], depth + 1) if node.named_child_count else None
            return None if operand is None or operand is DECODED or isinstance(operand, list) else not operand
        if kind == "comparison_operator":
            return self._compare(node, depth)
        if kind == "subscript":
            return self._reversed(node, depth)
        if kind in ("list_comprehension", "generator_expression"):
            return self._comprehension(node, depth)
        return None

    def _compare(self, node: Node, depth: int) -> Value | None:
        """A comparison of integers, chained or not (`31 <= 78`, `1 < 2 <= 3`): True or False."""
        values: list[int] = []
        ops: list[str] = []
        for child in node.children:
            if child.type == "comment":
                continue
            if child.is_named:
                value = self.value(child, depth + 1)
                if not isinstance(value, int) or isinstance(value, bool):
                    return None
                values.append(value)
            elif child.type in _COMPARE:
                ops.append(child.type)
            else:
                return None  # (`is`, `in`, `not in`)
        if len(values) != len(ops) + 1 or not ops:
            return None
        return all(_COMPARE[op](a, b) for op, a, b in zip(ops, values, values[1:]))

    def _reversed(self, node: Node, depth: int) -> Value | None:
        """A string reversed, `'daeh'[::-1]`."""
        value = node.child_by_field_name("value")
        if value is None or self.source[value.end_byte:node.end_byte].replace(b" ", b"") != b"[::-1]":
            return None
        text = self.value(value, depth + 1)
        return text[::-1] if isinstance(text, str) and text is not DECODED else None

    def _comprehension(self, node: Node, depth: int) -> Value | None:
        """`[f(c) for c in [literals]]` (or a generator of it) whose body computes from its name and
        literals alone: the list of values it makes."""
        body = node.child_by_field_name("body")
        clauses = [c for c in node.named_children if c.type != "comment" and c != body]
        if body is None or len(clauses) != 1 or clauses[0].type != "for_in_clause":
            return None
        left, right = clauses[0].child_by_field_name("left"), clauses[0].child_by_field_name("right")
        if left is None or right is None or left.type != "identifier":
            return None
        items = self.value(right, depth + 1)
        if not isinstance(items, list) or len(items) > _MAX_TEXT:
            return None  # (what it makes is joined into one literal, or decoded into one, of _MAX_TEXT at most)
        name = self.source[left.start_byte:left.end_byte]
        out = []
        for item in items:
            self.tick()
            value = self._with(body, name, item, depth + 1)
            if value is None or isinstance(value, (bytes, list, bool)):
                return None
            out.append(value)
        if not all(isinstance(v, int) for v in out) and not all(isinstance(v, str) for v in out):
            return None
        return out  # type: ignore[return-value]

    def _with(self, node: Node, name: bytes, bound: int | str, depth: int) -> Value | None:
        """The value of a comprehension's body given its name's value: the name, literals, operators
        and the builtins `_builtin` computes (never memoised: the value changes with the name's)."""
        if depth > _MAX_DEPTH:
            return None
        kind = node.type
        if kind == "identifier":
            return bound if self.source[node.start_byte:node.end_byte] == name else None
        if kind == "parenthesized_expression":
            items = [c for c in node.named_children if c.type != "comment"]
            return self._with(items[0], name, bound, depth + 1) if len(items) == 1 else None
        if kind == "binary_operator":
            op_node = node.child_by_field_name("operator")
            left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op_node is None or left_node is None or right_node is None:
                return None
            return _apply(op_node.type, self._with(left_node, name, bound, depth + 1),
                          self._with(right_node, name, bound, depth + 1))
        if kind == "unary_operator":
            operand = self._with(node.named_children[-1], name, bound, depth + 1) if node.named_child_count else None
            return _unary(self.source[node.start_byte:node.start_byte + 1], operand)
        if kind == "call":
            function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if function is None or function.type != "identifier" or arguments is None \
                    or arguments.type != "argument_list":
                return None
            at = int(np.searchsorted(self.starts, function.start_byte))
            if at >= self.starts.size or int(self.starts[at]) != function.start_byte:
                return None
            args = [a for a in arguments.named_children if a.type != "comment"]
            return _builtin(self.word(at), [self._with(a, name, bound, depth + 1) for a in args])
        return self.value(node, depth + 1)

    def _binary(self, node: Node, depth: int) -> Value | None:
        op_node = node.child_by_field_name("operator")
        left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op_node is None or left_node is None or right_node is None:
            return None
        left = self.value(left_node, depth + 1)
        if left is None:
            return None
        return _apply(op_node.type, left, self.value(right_node, depth + 1))

    def _call(self, node: Node, depth: int) -> Value | None:
        """`chr(int)`, `int(..)`, `str(..)`, `bytes.fromhex(str)`, `bytes([ints])`, `<bytes>.decode()`,
        `''.join([strs])` and `map(chr, [ints])`."""
        function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if function is None or arguments is None or arguments.type not in ("argument_list", "generator_expression"):
            return None
        args = [arguments] if arguments.type == "generator_expression" else \
            [a for a in arguments.named_children if a.type != "comment"]
        if function.type == "identifier":
            at = int(np.searchsorted(self.starts, function.start_byte))
            if at >= self.starts.size or int(self.starts[at]) != function.start_byte:
                return None  # (no token of its own: the tree and the lexer read the text apart)
            return self._builtin(self.word(at), args, depth)
        if function.type != "attribute":
            return None
        obj, attr = function.child_by_field_name("object"), function.child_by_field_name("attribute")
        if obj is None or attr is None:
            return None
        name = self.source[attr.start_byte:attr.end_byte]
        values = [self.value(a, depth + 1) for a in args]
        module = self.source[obj.start_byte:obj.end_byte]
        if module == b"float" and name == b"fromhex" and len(values) == 1 and isinstance(values[0], str):
            return _from_hex(values[0])
        if module == b"codecs" and name == b"decode" and len(values) == 2:
            return _codec(values[0], values[1])
        if module == b"base64" and name.decode("ascii", "replace") in _B64 and len(values) == 1 \
                and isinstance(values[0], (str, bytes)) and len(values[0]) <= 4 * _MAX_TEXT:
            try:
                return getattr(base64, name.decode("ascii"))(values[0])  # type: ignore[no-any-return]
            except ValueError:
                return None
        if name == b"fromhex" and self.source[obj.start_byte:obj.end_byte] == b"bytes" and len(values) == 1 \
                and isinstance(values[0], str):
            try:
                return bytes.fromhex(values[0])
            except ValueError:
                return None
        target = self.value(obj, depth + 1)
        if name == b"decode" and values in _CODECS and isinstance(target, bytes):
            try:
                return target.decode(str(values[0]) if values else "utf-8")
            except (UnicodeDecodeError, LookupError):
                return None
        if name == b"join" and target == "" and len(values) == 1 and isinstance(values[0], list) \
                and all(isinstance(v, str) for v in values[0]):
            joined = "".join(str(v) for v in values[0])
            return joined if len(joined) <= _MAX_TEXT else None
        return None

    def _builtin(self, name: str, args: list[Node], depth: int) -> Value | None:
        if name == "map" and len(args) == 2 and args[0].type == "identifier":
            at = int(np.searchsorted(self.starts, args[0].start_byte))
            items = self.value(args[1], depth + 1)
            if at < self.starts.size and self.word(at) == "chr" and isinstance(items, list) \
                    and all(isinstance(v, int) and 0 <= v < 0x110000 for v in items):
                return [chr(int(v)) for v in items]
            return None
        return _builtin(name, [self.value(a, depth + 1) for a in args])


def _apply(op: str, left: Value | None, right: Value | None) -> Value | None:
    """`left op right` on integers (or `+` on strings), within bounds; None otherwise."""
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


def _unary(op: bytes, operand: Value | None) -> Value | None:
    if not isinstance(operand, int) or isinstance(operand, bool):
        return None
    return {b"-": -operand, b"+": operand, b"~": ~operand}.get(op)


def _builtin(name: str, values: list[Value | None]) -> Value | None:
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
        return number if number.bit_length() <= _MAX_BITS else None
    if name == "str" and isinstance(value, str):
        return value
    if name == "bool" and isinstance(value, (int, str, bytes)) and value is not DECODED:
        return bool(value)
    if name == "bytes" and isinstance(value, list) and all(isinstance(v, int) and 0 <= v < 256 for v in value):
        return bytes(int(v) for v in value)
    return None


def _from_hex(text: str) -> float | None:
    """`float.fromhex(text)`: a float spelt in hex (pyobfus's floats), or one decoded by the module
    (`decoded_calls`: what it holds unknown, a float stood there: read as a float, 0.0)."""
    if text is DECODED:
        return 0.0
    try:
        found = float.fromhex(text)
    except (ValueError, OverflowError):
        return None
    return found if math.isfinite(found) and found >= 0 else None


def _codec(value: Value | None, name: Value | None) -> Value | None:
    """`codecs.decode(value, name)` for the codecs that compute from their input alone."""
    if not isinstance(name, str) or name.lower() not in _CODEC_NAMES or not isinstance(value, (str, bytes)) \
            or value is DECODED or len(value) > 4 * _MAX_TEXT:
        return None
    try:
        out = codecs.decode(value, name.lower())  # type: ignore[arg-type]
    except (ValueError, TypeError, LookupError, UnicodeError, binascii.Error):
        return None
    return out if isinstance(out, (str, bytes)) else None


def _string(node: Node, source: bytes) -> Value | None:
    if any(c.type == "interpolation" for c in node.children):
        return None
    try:
        value = ast.literal_eval(source[node.start_byte:node.end_byte].decode("utf-8"))
    except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (str, bytes)) else None


_ONE_PARAMETER = ("identifier", "default_parameter", "typed_parameter", "typed_default_parameter")
_GIVEN = ("string", "integer", "concatenated_string")


def decoded_calls(root: Node, source: bytes, starts: np.ndarray, text_ids: np.ndarray,
                  texts: dict[str, int]) -> list[Node]:
    """Calls that decode a literal with a function of the module: a function (or a lambda) bound
    at its top level, taking one parameter, called at least twice and each time given one literal
    alone (no f-string), never as a statement of its own nor called in turn, and named nowhere
    else; every literal it is given encoded (bytes, or text of ENCODED characters or more with
    letters and digits and no space: `_decrypt_str(b'gAAAAAB...')`), or every one an integer, three
    different ones at least, that the function looks up (`_s(3)`, its body reading `[idx]`).  Each
    reads as a string: what it holds is the obfuscator's secret, and where it stood a literal
    stood.  A function handed plain words (`get_activation('gelu')`) or a few numbers is the
    code's own."""
    if b"(" not in source:
        return []
    defined: dict[str, tuple[bytes, bytes]] = {}  # name -> (its parameter, its text)
    functions: dict[str, bytes] = {}  # every function the module defines at its top level -> its text
    for statement in root.named_children:
        name, parameter = _one_parameter(statement, source)
        if name:
            defined[name] = (parameter, source[statement.start_byte:statement.end_byte])
        named = statement.child_by_field_name("name") if statement.type == "function_definition" else None
        if named is not None:
            functions[source[named.start_byte:named.end_byte].decode("utf-8", "replace")] = \
                source[statement.start_byte:statement.end_byte]
    functions.update({n: text for n, (_, text) in defined.items()})
    if not defined:
        return []
    calls: dict[str, list[Node]] = {}
    for call in captured(root, "identity.call"):
        function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        if function is None or arguments is None:
            continue
        name = source[function.start_byte:function.end_byte].decode("utf-8", "replace")
        if name in defined:
            calls.setdefault(name, []).append(call)
    out: list[Node] = []
    for name, found in calls.items():
        if len(found) < 2 or any(not _given_a_literal(c, source) for c in found) \
                or not _decodes(name, functions, source) \
                or not _encoded([_argument(c) for c in found], *defined[name], source):
            continue
        spelt = int(np.count_nonzero(text_ids == texts.get(name, -1)))
        if spelt <= len(found) + 1:  # (its definition and these calls: named nowhere else)
            out += found
    return sorted(out, key=lambda c: c.start_byte)


ENCODED = 16  # characters of a text literal at least, to read as a cipher text


def _argument(call: Node) -> Node:
    arguments = call.child_by_field_name("arguments")
    assert arguments is not None  # (`_given_a_literal` read it)
    return next(a for a in arguments.named_children if a.type != "comment")


_DECODING = re.compile(rb"\b(?:\w*decode\w*|\w*decrypt\w*|fromhex|unhexlify|loads|chr|ord|Fernet|AES|xor|zlib|"
                       rb"decompress)\b|\^|\[\s*::\s*-1\s*\]")
_BASE64 = re.compile(rb"[A-Za-z0-9+/=_-]+")
_HEX = re.compile(rb"[0-9a-fA-F]+")


def _decodes(name: str, defined: dict[str, bytes], source: bytes, depth: int = 0) -> bool:
    """The function's body decodes (a decoder's or cipher's call, an xor, a string reversed), itself
    or through another function of the module it calls (`_s(i)` returning `_table()[i]`, the table
    decrypted once)."""
    text = defined.get(name, b"")
    body = text[text.find(b":") + 1:] if text else b""
    if _DECODING.search(body):
        return True
    return depth < 2 and any(re.search(rb"\b" + re.escape(other.encode()) + rb"\s*\(", body) is not None
                             and _decodes(other, defined, source, depth + 1) for other in defined if other != name)


def _encoded(given: list[Node], parameter: bytes, definition: bytes, source: bytes) -> bool:
    """Every literal a cipher text (`_ciphered`), or every one an integer (three different ones or
    more) the function looks up with its parameter."""
    if all(a.type == "integer" for a in given):
        looked_up = re.search(rb"\[\s*" + re.escape(parameter) + rb"\s*\]", definition) is not None
        return looked_up and len({source[a.start_byte:a.end_byte] for a in given}) >= 3
    for a in given:
        text = source[a.start_byte:a.end_byte]
        quote = min((i for i in (text.find(b"'"), text.find(b'"')) if i >= 0), default=-1)
        if quote < 0 or not _ciphered(text[quote:].strip(b"'\"")):
            return False
    return True


def _ciphered(body: bytes) -> bool:
    """Text as a cipher writes it: ENCODED characters or more of hex, or of base64 with capitals,
    small letters and digits mixed (a fifth of its letters at least each case: not a model's
    name, `meta-llama/Llama-2-7b-hf`, nor a setting's, `FLASHINFER_DISABLE_FP4`)."""
    if len(body) < ENCODED:
        return False
    if _HEX.fullmatch(body):
        return re.search(rb"[0-9]", body) is not None and re.search(rb"[a-fA-F]", body) is not None
    if not _BASE64.fullmatch(body) or re.search(rb"[0-9]", body) is None:
        return False
    upper, lower = len(re.findall(rb"[A-Z]", body)), len(re.findall(rb"[a-z]", body))
    return min(upper, lower) >= 0.2 * (upper + lower) > 0


def _one_parameter(statement: Node, source: bytes) -> tuple[str, bytes]:
    """(the name `def f(p): ...` or `f = lambda p: ...` binds at the module's top level, `p`), or
    ("", b"")."""
    if statement.type == "function_definition":
        name, parameters = statement.child_by_field_name("name"), statement.child_by_field_name("parameters")
    elif statement.type == "expression_statement" and statement.named_child_count == 1 \
            and statement.named_children[0].type == "assignment":
        assignment = statement.named_children[0]
        name, value = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        parameters = value.child_by_field_name("parameters") if value is not None and value.type == "lambda" else None
    else:
        return "", b""
    if name is None or name.type != "identifier" or parameters is None:
        return "", b""
    given = [p for p in parameters.named_children if p.type != "comment"]
    if len(given) != 1 or given[0].type not in _ONE_PARAMETER:
        return "", b""
    spelt = given[0] if given[0].type == "identifier" else \
        next((c for c in given[0].named_children if c.type == "identifier"), given[0])
    return source[name.start_byte:name.end_byte].decode("utf-8", "replace"), source[spelt.start_byte:spelt.end_byte]


def _given_a_literal(call: Node, source: bytes) -> bool:
    """One literal argument alone (no f-string), the call a value, not a statement of its own."""
    arguments = call.child_by_field_name("arguments")
    given = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    if len(given) != 1 or given[0].type not in _GIVEN or call.parent is None \
            or call.parent.type == "expression_statement" \
            or call.parent.type == "call" and call.parent.child_by_field_name("function") == call:
        return False
    return not any(c.type == "interpolation" for c in given[0].children) and \
        not any(c.type == "string" and any(i.type == "interpolation" for i in c.children) for c in given[0].children)
