"""A class used only as a namespace, read as the module-level code it wraps.

A copier can move every function and class of a module into one class that is never
instantiated (`class _Impl:` holding `@staticmethod` functions and the model's classes), call
them through it (`_Impl.rotate(x)`), and export each class again under its own name (`Model =
_Impl.Model`).  Nothing runs differently, but every helper call gains two tokens, every
function a decorator and the module's classes move a level down: stacked with renaming and a
few refactorings, this wrapper alone kept six of ten real model files copied whole from being
flagged.

So such a class is read as absent, on the reference side and the scanned side alike
(`lex-v33`): its members stand at the module's top level, `N.name` reads as `name`, and the
module's `name = N.name` aliases and the members' `@staticmethod` lines are not read.  The
source is rewritten line for line (its header line blanked, its body dedented), so every line
keeps its number and evidence cites the file as it is.  Only a class that is certainly a
namespace: at the module's top level, undecorated, with no base but `object`, whose body holds
only `@staticmethod` functions (other decorators stay theirs), classes, a docstring and `pass`, at least two definitions, and
whose name the module spells, besides its own `class` line, only before a dot, at least once.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from lineage.parse.edits import applied

_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_MEMBERS = ("class_definition", "decorated_definition", "pass_statement", "comment")


def unwrapped(root: Node, source: bytes) -> bytes | None:
    """The source with its namespace classes read through, or None when it has none."""
    edits: list[tuple[int, int, bytes]] = []
    for node in root.named_children:
        name = node.child_by_field_name("name") if node.type == "class_definition" else None
        body = node.child_by_field_name("body")
        if name is None or body is None or not _namespace(body, node, source):
            continue
        word = source[name.start_byte:name.end_byte]
        uses = _uses(root, source, word, name.start_byte)
        if not uses:
            continue  # (spelt some other way, or nowhere: a class the module never reads through)
        header = source[node.start_byte:body.start_byte]
        edits.append((node.start_byte, body.start_byte, b"\n" * header.count(b"\n")))
        indent = source[source.rfind(b"\n", 0, body.start_byte) + 1:body.start_byte]
        edits += _dedent(source, body, indent)
        edits += [(d.start_byte, d.end_byte, b"") for d in _static_decorators(body, source)]
        edits += uses
    return applied(source, edits)


def _namespace(body: Node, node: Node, source: bytes) -> bool:
    """The class body holds definitions only, at least two, and the class derives from nothing."""
    bases = node.child_by_field_name("superclasses")
    if bases is not None and source[bases.start_byte:bases.end_byte].replace(b" ", b"") not in (b"()", b"(object)"):
        return False
    if node.parent is None or node.parent.type != "module":
        return False
    defined = 0
    for i, member in enumerate(body.named_children):
        if member.type == "expression_statement" and i == 0 and member.named_child_count == 1 \
                and member.named_children[0].type == "string":
            continue  # (its docstring)
        if member.type not in _MEMBERS:
            return False
        if member.type == "decorated_definition":
            inner = member.child_by_field_name("definition")
            words = [source[d.start_byte:d.end_byte] for d in member.named_children if d.type == "decorator"]
            if inner is None or (inner.type == "function_definition" and words.count(b"@staticmethod") != 1):
                return False
        defined += member.type != "pass_statement" and member.type != "comment"
    return defined >= 2


def _uses(root: Node, source: bytes, word: bytes, own: int) -> list[tuple[int, int, bytes]] | None:
    """Edits reading every other spelling of the class's name through: `N.x` as `x`, and a
    module-level `x = N.x` as absent; None when it is spelt any other way."""
    edits = []
    for hit in _WORD.finditer(source):
        if hit.group() != word or hit.start() == own:
            continue
        ident = root.descendant_for_byte_range(hit.start(), hit.end())
        if ident is not None and ident.type in ("comment", "string_content"):
            continue
        attr = ident.parent if ident is not None and ident.type == "identifier" else None
        if attr is None or attr.type != "attribute" or attr.child_by_field_name("object") != ident:
            return None
        field = attr.child_by_field_name("attribute")
        alias = attr.parent
        statement = alias.parent if alias is not None else None
        if alias is not None and alias.type == "assignment" and alias.child_by_field_name("right") == attr \
                and statement is not None and statement.type == "expression_statement" \
                and statement.parent is not None and statement.parent.type == "module" and field is not None \
                and source[field.start_byte:field.end_byte] == _text(alias.child_by_field_name("left"), source):
            edits.append((statement.start_byte, statement.end_byte, b""))
        elif field is not None:
            edits.append((attr.start_byte, field.start_byte, b""))
    return edits


def _dedent(source: bytes, body: Node, indent: bytes) -> list[tuple[int, int, bytes]]:
    """Each line of the body after its first loses the body's indentation."""
    if not indent or indent.strip():
        return []
    edits = []
    at = source.find(b"\n", body.start_byte)
    while 0 <= at < body.end_byte:
        line = at + 1
        if source.startswith(indent, line):
            edits.append((line, line + len(indent), b""))
        at = source.find(b"\n", line)
    return edits


def _static_decorators(body: Node, source: bytes) -> list[Node]:
    return [d for m in body.named_children if m.type == "decorated_definition"
            for d in m.named_children if d.type == "decorator" and source[d.start_byte:d.end_byte] == b"@staticmethod"]


def _text(node: Node | None, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte] if node is not None else b""
