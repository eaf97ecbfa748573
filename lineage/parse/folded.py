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
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

import numpy as np
from tree_sitter import Node

_INT: dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv, "%": operator.mod,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "**": operator.pow,
}
_MAX_BITS = 64  # an integer wider than this is not computed (left as written)
_MAX_TEXT = 256  # nor a string longer than this
_MAX_DEPTH = 48  # nor an expression nested deeper than this below where its evaluation starts
_MAX_ITEMS = 4096  # nor a list longer than this
_CALLS = ("chr", "fromhex", "int", "str", "join", "decode", "bytes")  # the words that may start one
_CLIMB = frozenset({"binary_operator", "unary_operator", "parenthesized_expression"})
_CODECS: tuple[list[str], ...] = ([], ["utf-8"], ["utf8"], ["ascii"], ["latin-1"], ["latin1"])
Value = int | str | bytes | list[int] | list[str]


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
    seeds = np.flatnonzero(operator_ & before & after).tolist()
    seeds += np.flatnonzero(np.isin(text_ids, [texts.get(w, -1) for w in _CALLS])).tolist()
    words = {texts[w]: w for w in ("chr", "int", "str", "bytes", "map") if w in texts}
    folder = _Folder(root, source, starts, lambda i: words.get(int(text_ids[i]), ""), tick)
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
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value).encode() if value >= 0 else None
    if isinstance(value, str) and len(value) <= _MAX_TEXT:
        return repr(value).encode("utf-8", "surrogatepass")
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
        while True:
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
            if not isinstance(operand, int) or isinstance(operand, bool):
                return None
            return {b"-": -operand, b"+": operand, b"~": ~operand}.get(self.source[node.start_byte:node.start_byte + 1])
        if kind == "binary_operator":
            return self._binary(node, depth)
        if kind == "call":
            return self._call(node, depth)
        return None

    def _binary(self, node: Node, depth: int) -> Value | None:
        op_node = node.child_by_field_name("operator")
        left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op_node is None or left_node is None or right_node is None:
            return None
        left = self.value(left_node, depth + 1)
        if left is None:
            return None
        right = self.value(right_node, depth + 1)
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

    def _call(self, node: Node, depth: int) -> Value | None:
        """`chr(int)`, `int(..)`, `str(..)`, `bytes.fromhex(str)`, `bytes([ints])`, `<bytes>.decode()`,
        `''.join([strs])` and `map(chr, [ints])`."""
        function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if function is None or arguments is None or arguments.type != "argument_list":
            return None
        args = [a for a in arguments.named_children if a.type != "comment"]
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
        values = [self.value(a, depth + 1) for a in args]
        if len(values) != 1 or values[0] is None:
            return None
        value = values[0]
        if name == "chr" and isinstance(value, int) and 0 <= value < 0x110000:
            return chr(value)
        if name == "int" and isinstance(value, (int, str)) and not isinstance(value, bool):
            try:
                number = int(value)
            except ValueError:
                return None
            return number if number.bit_length() <= _MAX_BITS else None
        if name == "str" and isinstance(value, str):
            return value
        if name == "bytes" and isinstance(value, list) and all(isinstance(v, int) and 0 <= v < 256 for v in value):
            return bytes(int(v) for v in value)
        return None


def _string(node: Node, source: bytes) -> Value | None:
    if any(c.type == "interpolation" for c in node.children):
        return None
    try:
        value = ast.literal_eval(source[node.start_byte:node.end_byte].decode("utf-8"))
    except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (str, bytes)) else None
