"""Functions defined inside a function and never named again there: they never run.

An obfuscator pads a function with helpers it defines and never calls (`def _h(a): return
print(a)` between every two statements): each is a block of tokens in the middle of the copied
ones.  A nested function that the enclosing function's body never names outside the definition
itself (no call, no reference handed on, no return of it) cannot run, so its definition is read
as absent, on both sides alike.  Never dropped: a decorated definition (a decorator may register
it), a name declared `global` or `nonlocal` anywhere in the enclosing function, and any nested
definition of a function that may read its names at run time (`locals()`, `vars()`, `eval`, `exec`,
`globals`, its frame's `f_locals`, any of them bound to another name) or that spells a name in
letters other than ASCII (Python reads names as NFKC: `ｈｅｌｐｅｒ()` calls `helper`).
Since `lex-v41` so is a class defined so whose definition runs nothing (no bases, a body of
`pass`, constants and functions: `class _P: pass`).  Definitions at a module's or a class's top
level are its interface, and left alone.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from lineage.parse.queries import functions
from lineage.parse.words import words

# a function that may reach its names at run time: `locals()`, `eval`, `exec`, `vars`, `globals`,
# however bound (`ev = eval`), or through its frame (`sys._getframe().f_locals`)
# (`vars(obj)` with an argument reads obj's attributes, not the function's names)
_BY_NAME = re.compile(rb"(?<![\w.])(?:eval|exec)\b|(?<![\w.])(?:locals|vars|globals)\b(?!\s*\(\s*[^\s)])"
                      rb"|\bf_locals\b|\b_getframe\b|\bcurrentframe\b")
_BY_NAME_WORDS = (b"eval", b"exec", b"locals", b"vars", b"globals", b"_getframe", b"currentframe")  # one is in each


def by_name(body: Node, source: bytes) -> bool:
    """The function may reach its names other than as spelt: it names a way to read them at run
    time (``_BY_NAME``), or spells a name in letters Python reads otherwise (NFKC: `ｈｅｌｐｅｒ` is
    `helper`), which a match of bytes would miss."""
    if any(source.find(word, body.start_byte, body.end_byte) >= 0 for word in _BY_NAME_WORDS) \
            and _BY_NAME.search(source, body.start_byte, body.end_byte):
        return True
    if source[body.start_byte:body.end_byte].isascii():
        return False
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and not source[node.start_byte:node.end_byte].isascii():
            return True
        stack.extend(node.named_children)
    return False


def uncalled_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of nested function definitions their enclosing function never names."""
    spans: list[tuple[int, int]] = []
    for definition, _params, body in functions(root):
        inner = _definitions(body)
        if not inner or by_name(body, source):
            continue
        text = source[body.start_byte:body.end_byte]
        named_as: dict[bytes, list[Node]] = {}  # (a name defined twice: each definition rebinds it, none reads it)
        for nested in inner:
            name_node = nested.child_by_field_name("name")
            if name_node is not None:
                named_as.setdefault(source[name_node.start_byte:name_node.end_byte], []).append(nested)
        for name, defined in named_as.items():
            own = [(d.start_byte - body.start_byte, d.end_byte - body.start_byte) for d in defined]
            named = [at for at in words(name, text) if not any(lo <= at < hi for lo, hi in own)]
            if not named and not _shared(text, name):
                spans += [(d.start_byte, d.end_byte) for d in defined]
    return spans


_INERT = frozenset({"pass_statement", "comment", "function_definition"})


def _definitions(body: Node) -> list[Node]:
    """The undecorated functions a function's body defines, and since `lex-v41` the classes whose
    definition runs nothing: no bases or keywords, a body of `pass`, constants and undecorated
    functions (`class _P: pass`)."""
    return [s for s in body.named_children
            if s.type == "function_definition" or s.type == "class_definition" and _inert(s)]


def _inert(definition: Node) -> bool:
    body = definition.child_by_field_name("body")
    return definition.child_by_field_name("superclasses") is None and body is not None and all(
        s.type in _INERT or s.type == "expression_statement" and s.named_child_count == 1
        and s.named_children[0].type in ("string", "integer", "float", "none", "true", "false", "ellipsis")
        for s in body.named_children)


def _shared(text: bytes, name: bytes) -> bool:
    """The name is declared `global` or `nonlocal` in the enclosing function (or below it)."""
    return bool(re.search(rb"\b(?:global|nonlocal)\b[^\n]*(?<![\w.])" + re.escape(name) + rb"(?!\w)", text))
