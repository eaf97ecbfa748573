"""Functions defined inside a function and never named again there: they never run.

An obfuscator pads a function with helpers it defines and never calls (`def _h(a): return
print(a)` between every two statements): each is a block of tokens in the middle of the copied
ones.  A nested function that the enclosing function's body never names outside the definition
itself (no call, no reference handed on, no return of it) cannot run, so its definition is read
as absent, on both sides alike.  Never dropped: a decorated definition (a decorator may register
it), a name declared `global` or `nonlocal` anywhere in the enclosing function, and any nested
definition of a function that reads its names at run time (`locals()`, `vars()`, `eval`, `exec`).
Definitions at a module's or a class's top level are its interface, and left alone.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from lineage.parse.queries import functions

_BY_NAME = re.compile(rb"\b(?:(?:locals|vars)\s*\(\s*\)|(?:eval|exec)\s*\(|globals\s*\()")


def uncalled_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of nested function definitions their enclosing function never names."""
    spans: list[tuple[int, int]] = []
    for definition, _params, body in functions(root):
        inner = [s for s in body.named_children if s.type == "function_definition"]
        if not inner or _BY_NAME.search(source, body.start_byte, body.end_byte):
            continue
        text = source[body.start_byte:body.end_byte]
        by_name: dict[bytes, list[Node]] = {}  # (a name defined twice: each definition rebinds it, none reads it)
        for nested in inner:
            name_node = nested.child_by_field_name("name")
            if name_node is not None:
                by_name.setdefault(source[name_node.start_byte:name_node.end_byte], []).append(nested)
        for name, defined in by_name.items():
            own = [(d.start_byte - body.start_byte, d.end_byte - body.start_byte) for d in defined]
            named = [m.start() for m in re.finditer(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)", text)
                     if not any(lo <= m.start() < hi for lo, hi in own)]
            if not named and not _shared(text, name):
                spans += [(d.start_byte, d.end_byte) for d in defined]
    return spans


def _shared(text: bytes, name: bytes) -> bool:
    """The name is declared `global` or `nonlocal` in the enclosing function (or below it)."""
    return bool(re.search(rb"\b(?:global|nonlocal)\b[^\n]*(?<![\w.])" + re.escape(name) + rb"(?!\w)", text))
