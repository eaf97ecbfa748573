"""Statements that change no value, read on their words (token texts): `x = x`, `x = x * 1`,
`del a`, `print(end="")`, `len(x)` alone, an expression that calls nothing, a name spelt the long
way.  Shared by the junk statements of fingerprint/deadstores.py and the quiet blocks of
parse/deadcode.py (an `if` whose branches only change no value)."""

from __future__ import annotations

from collections.abc import Sequence

from tree_sitter import Node

from lineage.parse.lexer import lex_texts

_ONE, _ZERO = frozenset({"1", "1.0", "1."}), frozenset({"0", "0.0", "0.", ".0"})
TRUE, FALSE = frozenset({"True", "1", "1.0"}), frozenset({"False", "None", "0", "0.0"})
_QUIET_PRINT = frozenset({"''", ",", "=", "end", "sep", "flush", "True", "False"})


# builtins whose call, as a whole statement, computes a value and throws it away (not `list(...)`,
# which runs what it is given: `list(map(init, modules))` is written for its effects)
PURE_CALLS = frozenset({"len", "id", "type", "isinstance", "issubclass", "hash", "repr", "str", "bool", "int",
                         "float", "abs", "callable", "hasattr"})


def _one_call(words: Sequence[str]) -> bool:
    """`NAME(...)` and nothing after the call's closing bracket."""
    if len(words) < 3 or words[1] != "(" or words[-1] != ")":
        return False
    depth = 0
    for i, w in enumerate(words[1:], start=1):
        depth += w in ("(", "[", "{")
        depth -= w in (")", "]", "}")
        if depth == 0:
            return i == len(words) - 1
    return False


STATEMENT_BYTES = 400  # a longer statement is not read for changing nothing


def changes_nothing(statement: Node, source: bytes) -> bool:
    """A statement node (of at most STATEMENT_BYTES) whose words change no value (``neutral``)."""
    if statement.end_byte - statement.start_byte > STATEMENT_BYTES:
        return False
    return neutral(lex_texts(source[statement.start_byte:statement.end_byte]))


# what may run code, read on an expression's bytes: a call (or a parenthesised part: read as one),
# a lambda, a comprehension, an assignment expression, `await` or `yield`
MAY_CALL = (b"(", b"lambda", b":=", b"await", b"yield", b" for ")
# node kinds of a literal: a value that reads and runs nothing
LITERALS = frozenset({"string", "concatenated_string", "integer", "float", "true", "false", "none", "ellipsis"})


def runs_code(condition: Node | None, source: bytes) -> bool:
    """A condition that may run code: a call other than to a builtin that only computes a value
    from its arguments (`callable(x)`, `isinstance(x, int)`, `len(x)`: ``idle_expression``), a
    comprehension, `await`, `yield`, an assignment expression (a name bound in a condition may be
    read after it).  Attribute reads, subscripts and comparisons count as pure."""
    if condition is None:
        return True
    text = source[condition.start_byte:condition.end_byte]
    if not any(word in text for word in MAY_CALL):
        return False
    if len(text) > STATEMENT_BYTES or b":=" in text:
        return True
    return not idle_expression(["(", *lex_texts(text), ")"])


def neutral(words: Sequence[str]) -> bool:
    """A statement (its token texts) that changes no value: `x = x`, `x = x * 1`, `x = x + 0`,
    `x *= 1`, `x += 0` (and `/`, `-`), `x = x ** 1`, `x` spelt the long way (`x = (lambda v: v)(x)`,
    `x = [x][0]`, `x = x if c else x`, `x = x.to(x.dtype)`: ``_identity``), `del a, b` (a local's end:
    what is computed stays the same), a `print` that prints nothing (`print(end="")`), or a builtin's value thrown away
    (`len(x)`, `isinstance(x, int)` alone)."""
    n = len(words)
    if n >= 2 and words[0] == "del":
        return all(w == "," or w.isidentifier() for w in words[1:])
    if n >= 4 and words[0] == "print" and words[1] == "(" and words[-1] == ")":
        inner = words[2:-1]
        return "end" in inner and all(w in _QUIET_PRINT for w in inner)
    if n >= 3 and words[0] in PURE_CALLS and _one_call(words):
        return True
    if n and (idle_expression(words) or _literal_method(words) or _mirrored(words)):
        return True
    if not words or not words[0].isidentifier():
        return False
    if n == 3:
        return ((words[1] == "=" and words[2] == words[0])
                or (words[1] in ("*=", "/=") and words[2] in _ONE) or (words[1] in ("+=", "-=") and words[2] in _ZERO))
    if n == 5 and words[1] == "=" and words[2] == words[0]:
        return (words[3] in ("*", "/", "**") and words[4] in _ONE) or (words[3] in ("+", "-") and words[4] in _ZERO)
    return n >= 4 and words[1] == "=" and _identity(words[0], _unwrapped(words[2:]))


# words that make a statement more than an expression whose value is thrown away
ACTING = frozenset({"yield", "await", "=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "&=", "|=", "^=",
                     ">>=", "<<="})
# a statement's first word that makes it a statement of its own kind (or a block's header)
KEYWORDS = frozenset({"return", "raise", "del", "global", "nonlocal", "import", "from", "assert", "break",
                       "continue", "pass", "if", "elif", "else", "for", "while", "try", "except", "finally", "with",
                       "def", "class", "async", "lambda", "*", "**", "@"})
# words before a `(` that opens a group, not a call
NOT_CALLED = frozenset({"in", "not", "and", "or", "if", "else", "is", "lambda", ":", ",", "(", "[", "{", "=", "+",
                         "-", "*", "/", "//", "%", "**", "@", "<", ">", "<=", ">=", "==", "!=", "~", "&", "|", "^",
                         "<<", ">>", ":=", "for"})


def _mirrored(words: Sequence[str]) -> bool:
    """`(x,) = (x,)`, `x, = (x,)`, `a, b = a, b`, `self.w = self.w`: both sides of one `=` the
    same words (outer parentheses aside), calling nothing."""
    if words.count("=") != 1:
        return False
    at = list(words).index("=")
    left, right = _unwrapped(words[:at]), _unwrapped(words[at + 1:])
    return bool(left) and list(left) == list(right) and idle_expression(["(", *left, ")"])


def _literal_method(words: Sequence[str]) -> bool:
    """A string's method called for nothing: `''.join([])`, `'a'.upper()` (its arguments call nothing)."""
    if len(words) < 5 or words[0][:1] not in ("'", '"') or words[1] != "." or not _one_call(words[2:]):
        return False
    inner = words[4:-1]
    return not inner or idle_expression(["(", *inner, ")"])


def idle_expression(words: Sequence[str]) -> bool:
    """An expression statement that calls nothing and binds nothing but a name of its own:
    `[_z for _z in ()]`, `(_w := 0)`, `x + 0`, `a[0]`, `{v: 1}`, `lambda: 0` alone.  Its value is
    thrown away and no code runs (an attribute, a subscript or an operator on a model's tensors
    computes and keeps nothing); a call (`f(x)`, `''.join(())`), `yield`, `await`, an assignment or
    a `:` at the top level (an annotation, a block's header) keeps the statement."""
    if words[0] in KEYWORDS:
        return False
    depth, closed = 0, -1  # (closed: where the last bracket group to close opened)
    opened: list[int] = []
    for i, w in enumerate(words):
        if w in ACTING or (w == ":" and depth == 0):
            return False
        if w == "(" and i and words[i - 1] not in NOT_CALLED and not _safe_call(words, i, closed):
            return False  # a call: `f(`, `x.f(`, `f(a)(`, `x[0](`
        if w in ("(", "[", "{"):
            opened.append(i)
        elif w in (")", "]", "}") and opened:
            closed = opened.pop()
        depth += w in ("(", "[", "{")
        depth -= w in (")", "]", "}")
    return True


# builtins that compute a value from their arguments and nothing else (what they are given may
# still call: each call in an expression is judged on its own)
SAFE_CALLS = PURE_CALLS | frozenset({"range", "slice", "object", "round", "divmod", "pow", "min", "max", "sum",
                                     "sorted", "reversed", "zip", "enumerate", "list", "tuple", "dict", "set",
                                     "frozenset", "any", "all", "chr", "ord"})


def _safe_call(words: Sequence[str], at: int, closed: int) -> bool:
    """The `(` at ``at`` calls a builtin of SAFE_CALLS by its bare name (`range(0)`), or a
    parenthesised lambda (`(lambda: None)()`: its body, read before, called nothing)."""
    before = words[at - 1]
    if before in SAFE_CALLS:
        return at < 2 or words[at - 2] != "."
    return before == ")" and 0 <= closed < at - 2 and words[closed] == "(" and words[closed + 1] == "lambda"


def _unwrapped(words: Sequence[str]) -> Sequence[str]:
    """An expression without parentheses around the whole of it."""
    while len(words) >= 2 and words[0] == "(" and words[-1] == ")" and _one_group(words):
        words = words[1:-1]
    return words


def _one_group(words: Sequence[str]) -> bool:
    """The first bracket closes at the last word: `(a)`, not `(a) + (b)`."""
    depth = 0
    for i, w in enumerate(words):
        depth += w in ("(", "[", "{")
        depth -= w in (")", "]", "}")
        if depth == 0:
            return i == len(words) - 1
    return False


# a tensor as it is: `.to(x.dtype)`, `.type_as(x)`, `.view(x.shape)` (and reshape), `.view_as(x)`, `[...]`, `[:]`
_SAME_TENSOR: dict[int, list[list[str]]] = {
    3: [["[", "...", "]"], ["[", ":", "]"]],
    4: [[".", "contiguous", "(", ")"], [".", "clone", "(", ")"]],
    5: [[".", "type_as", "(", "@", ")"], [".", "view_as", "(", "@", ")"], [".", "reshape_as", "(", "@", ")"]],
    7: [[".", "to", "(", "@", ".", "dtype", ")"], [".", "view", "(", "@", ".", "shape", ")"],
        [".", "reshape", "(", "@", ".", "shape", ")"]],
}


def _identity(name: str, value: Sequence[str]) -> bool:
    """``value`` is ``name`` itself, spelt the long way: `(lambda v: v)(name)`, `[name][0]`,
    `(name,)[0]`, `(name, None)[0]`, `name if c else name` (c calls nothing), `name if name is not None else None`, `+name`, `-(-name)`, or a tensor as it
    is (`name.to(name.dtype)`, `name.type_as(name)`, `name.view(name.shape)`, `name[...]`, `name[:]`)."""
    n = len(value)
    if n == 9 and value[0] == "(" and value[1] == "lambda" and value[2].isidentifier() \
            and list(value[3:]) == [":", value[2], ")", "(", name, ")"]:
        return True
    if n == 6 and list(value) in (["[", name, "]", "[", "0", "]"], ["[", name, "]", "[", "-1", "]"]):
        return True
    if n == 7 and list(value) == ["(", name, ",", ")", "[", "0", "]"]:
        return True
    if _picked(name, value):
        return True
    if (n == 2 and list(value) == ["+", name]) or (n == 3 and list(value) == ["-", "-", name]) \
            or (n == 5 and list(value) == ["-", "(", "-", name, ")"]):
        return True
    if n >= 4 and value[0] == name and any(len(f) == n - 1 and all(a == b or (a == "@" and b == name)
                                                                 for a, b in zip(f, value[1:]))
                                           for f in _SAME_TENSOR.get(n - 1, ())):
        return True
    if n >= 5 and "if" in value and "else" in value:
        # `name if c else name` (c calling nothing but pure builtins), each branch maybe spelt the
        # long way (`x.contiguous() if hasattr(x, "contiguous") else x`); `name if True else other`
        at_if, at_else = value.index("if"), len(value) - 1 - list(reversed(value)).index("else")
        first, condition, second = value[:at_if], value[at_if + 1:at_else], value[at_else + 1:]
        truth = _constant_truth(condition)
        if _none_guard(name, first, condition, second):
            return True
        if truth is not None:
            chosen = first if truth else second
            return _same(name, chosen) and idle_expression(["(", *value, ")"])
        return bool(condition) and idle_expression(["(", *condition, ")"]) and _same(name, first) \
            and _same(name, second)
    if n == 8 and value[0] == "{" and value[2] == ":" and value[3] == name and value[4] == "}" \
            and value[5] == "[" and value[6] == value[1] and value[7] == "]" and value[1][:1] in "'\"0123456789":
        return True  # `{0: name}[0]`
    return n == 6 and list(value[:3]) == ["copy", ".", value[2]] and value[2] in ("copy", "deepcopy") \
        and list(value[3:]) == ["(", name, ")"]


def _picked(name: str, value: Sequence[str]) -> bool:
    """A tuple or list of single words (names, literals) indexed to ``name``: `(name, None)[0]`,
    `[0, name][1]`."""
    if len(value) < 7 or value[0] not in ("(", "[") or value[-1] != "]" or value[-3] != "[" \
            or value[-4] != (")" if value[0] == "(" else "]") or not value[-2].isdigit():
        return False
    inner = list(value[1:-4])
    items, commas = inner[0::2], inner[1::2]
    if any(c != "," for c in commas) or not all(w.isidentifier() or w[:1] in "'\"0123456789" for w in items):
        return False
    at = int(value[-2])
    return at < len(items) and items[at] == name


def _none_guard(name: str, first: Sequence[str], condition: Sequence[str], second: Sequence[str]) -> bool:
    """`name if name is not None else None`, `None if name is None else name`: ``name`` either way."""
    condition = list(_unwrapped(condition))
    if condition == [name, "is", "not", "None"]:
        return _same(name, first) and list(_unwrapped(second)) == ["None"]
    return condition == [name, "is", "None"] and list(_unwrapped(first)) == ["None"] and _same(name, second)


def _same(name: str, value: Sequence[str]) -> bool:
    """``value`` is ``name``, as written or spelt the long way (no conditional inside)."""
    value = _unwrapped(value)
    return list(value) == [name] or ("if" not in value and _identity(name, value))


def _constant_truth(words: Sequence[str]) -> bool | None:
    """A condition of one constant (`True`, `0`, `not False`), or None."""
    words = list(_unwrapped(words))
    if len(words) == 2 and words[0] == "not":
        inner = _constant_truth(words[1:])
        return None if inner is None else not inner
    if len(words) == 1:
        return True if words[0] in TRUE else False if words[0] in FALSE else None
    return None
