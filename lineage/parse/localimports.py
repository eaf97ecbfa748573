"""An import in a function body that the function never reads: padding (`lex-v41`).

An obfuscator can import a module under a name of its own after every statement and call it for
nothing (`import os as _p` then `_p.getpid()`): parse/padding.py reads the repeated call as
absent, and the import statement, left alone, still breaks every structural k-gram across it.
An import inside a function binds its names for that function alone; when the function spells
none of them but in the import itself and in what is read as absent already (``dropped``), the
import computes nothing the function uses and is read as absent, on both sides.  An import at a
module's top level stays (other modules may read what it binds), and so does one whose name the
function reads, or any import in a function that declares the name `global` or `nonlocal`.
"""

from __future__ import annotations

from tree_sitter import Node

from lineage.parse.queries import captured
from lineage.parse.spans import covers, merged
from lineage.parse.words import words


def local_import_spans(root: Node, source: bytes, dropped: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Byte spans of imports in function bodies whose names the function reads nowhere but in
    ``dropped`` (spans already read as absent)."""
    if b"import" not in source or b"def " not in source:
        return []
    imports = captured(root, "localimport.stmt")  # (parse/queries.py)
    gone: list[tuple[int, int]] | None = None
    spans: list[tuple[int, int]] = []
    for statement in imports:
        body = _function_body(statement)
        names = _bound(statement, source)
        if body is None or not names:
            continue
        # (a spelling in an import binds or names a module: no reading)
        gone = merged(dropped + [(s.start_byte, s.end_byte) for s in imports]) if gone is None else gone
        if not any(_read(name, body, source, gone) for name in names):
            spans.append((statement.start_byte, statement.end_byte))
    return spans


def _function_body(node: Node) -> Node | None:
    """The body of the innermost function holding ``node``, or None at a module's or class's level."""
    up = node.parent
    while up is not None and up.type not in ("function_definition", "class_definition", "module"):
        up = up.parent
    return up.child_by_field_name("body") if up is not None and up.type == "function_definition" else None


def _bound(statement: Node, source: bytes) -> list[bytes]:
    """The names an import binds (`import a.b` binds `a`; `as` binds its alias)."""
    names: list[bytes] = []
    module = statement.child_by_field_name("module_name")
    for child in statement.named_children:
        if child == module or child.type == "comment":
            continue
        if child.type == "aliased_import":
            alias = child.child_by_field_name("alias")
            if alias is None:
                return []
            names.append(source[alias.start_byte:alias.end_byte])
        elif child.type == "dotted_name":
            names.append(source[child.start_byte:child.end_byte].split(b".", 1)[0].strip())
        else:
            return []  # (a wildcard, or what this reader does not know: left as written)
    return names


def _read(name: bytes, body: Node, source: bytes, gone: list[tuple[int, int]]) -> bool:
    """The function spells ``name`` outside imports and what is read as absent already (a
    `global` or `nonlocal` of it counts: the import binds the enclosing scope's name)."""
    return any(not covers(gone, body.start_byte + offset + len(name))
               for offset in words(name, source, body.start_byte, body.end_byte))
