"""The names that stand for the `sys` module and for its version in one module, read from its text
and tree (for parse/constant.py's version guards).

A guard on the version the same on every Python 3 (`if sys.version_info < (3, 0):`) is padding
(`lex-v42`), and so it is when the version is reached another way (`lex-v43`): `import sys as _s`
then `_s.version_info`, or `from sys import version_info as _v` (in a function too) then
`_v < (3, 0)`.  A name stands for the module or its version only where the module can mean nothing
else by it: every binding of it anywhere is such an import, every other spelling of it a read (an
attribute read off the module, not stored; a version compared, indexed, or its `.major` read), no
star import may bind it, and every spelling of `version_info` and `hexversion` is one of those
reads, an attribute read after a `.`, or a name such an import takes from `sys` (a stranger's
review: `sys.version_info = ...`, `setattr(sys, ...)`, `globals()['sys']`, `case sys:` and
`with f() as (a, sys):` each let a guard hide code that runs).  A module that reaches for the module
table or the builtins (`sys.modules['sys'] = m`, `builtins.__import__ = f`) may put another module in
`sys`'s place for the imports that follow: its imports of `sys` are not read at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from lineage.parse.identity import root_of
from lineage.parse.modules import STAR_IMPORT
from lineage.parse.queries import captured

VERSIONS = (b"version_info", b"hexversion")
_VERSION_WORD = re.compile(rb"version_info|hexversion")
# what may put another module in `sys`'s place for the imports that follow (`sys.modules['sys'] = m`,
# `builtins.__import__ = f`, `getattr(sys, 'modules')`): the module's imports of `sys` are not read
_SWAPPED = re.compile(rb"""\bsys\s*\.\s*modules\b|['"]sys['"]\s*\)\s*\.\s*modules\b|['"]modules['"]|\b__builtins__\b"""
                      rb"""|\bbuiltins\b""")
# where a version is read: compared, indexed (`[0]`, `[:2]`), its `.major` read, handed to a call
_READ_IN = ("comparison_operator", "subscript", "attribute", "argument_list", "boolean_operator", "not_operator")


@dataclass(frozen=True)
class SysNames:
    modules: frozenset[bytes] = frozenset()  # names for the module (`sys`, `_s` of `import sys as _s`)
    versions: dict[bytes, bytes] = field(default_factory=dict)  # name -> the attribute it is (`_v` -> version_info)


_NONE = SysNames()
_LAST: list[tuple[bytes, SysNames]] = []  # (the module last asked about, held: `is` finds it again)


def swapped(source: bytes) -> bool:
    """The module reaches for the module table or the builtins: another module may stand for `sys`."""
    return bool(_SWAPPED.search(source))


def sys_names(node: Node, source: bytes) -> SysNames:
    """What stands for `sys` and its version in the module holding ``node`` (cached for the last module)."""
    if _LAST and _LAST[0][0] is source:
        return _LAST[0][1]
    found = _read(root_of(node), source)
    _LAST[:] = [(source, found)]
    return found


def _read(root: Node, source: bytes) -> SysNames:
    if STAR_IMPORT.search(source) or b"sys" not in source or swapped(source):
        return _NONE
    meanings: dict[bytes, set[bytes]] = {}
    statements: list[Node] = []
    for statement in captured(root, "localimport.stmt"):  # (every import, at any depth)
        bound = _binds(statement, source)
        if bound is not None:
            statements.append(statement)
            for name, what in bound:
                meanings.setdefault(name, set()).add(what)
    one = {name: next(iter(what)) for name, what in meanings.items() if len(what) == 1}  # (`_v` the module here, the version there: neither)
    modules = {n for n, w in meanings.items() if b"sys" in w}
    known = {n for n in modules if n in one and _only(n, source, root, statements, _module_read)}
    if known != modules:
        return _NONE  # (a name for `sys` used otherwise, `_s.modules[...]`, `f(_s)`: its version is not read at all)
    held = {n: w for n, w in one.items() if w != b"sys" and _only(n, source, root, statements, _version_read)}
    if not (known or held) or not _versions_read(source, root, statements, set(held)):
        return _NONE
    return SysNames(frozenset(known), held)


def _binds(statement: Node, source: bytes) -> list[tuple[bytes, bytes]] | None:
    """(name, what it stands for: b"sys", or the version attribute) per name an import of `sys`
    (or from it) binds; None for any other import."""
    out: list[tuple[bytes, bytes]] = []
    if statement.type == "import_statement":
        for item in statement.named_children:
            dotted = item.child_by_field_name("name") if item.type == "aliased_import" else item
            alias = item.child_by_field_name("alias") if item.type == "aliased_import" else item
            if dotted is not None and alias is not None and _text(dotted, source) == b"sys":
                out.append((_text(alias, source), b"sys"))
        return out or None
    module = statement.child_by_field_name("module_name")
    if module is None or module.type != "dotted_name" or _text(module, source) != b"sys":
        return None
    for item in statement.named_children:
        if item == module:
            continue
        dotted = item.child_by_field_name("name") if item.type == "aliased_import" else item
        alias = item.child_by_field_name("alias") if item.type == "aliased_import" else item
        if dotted is not None and alias is not None and _text(dotted, source) in VERSIONS:
            out.append((_text(alias, source), _text(dotted, source)))
    return out


def _only(name: bytes, source: bytes, root: Node, imports: list[Node], read: object) -> bool:
    """Every spelling of ``name`` as a word of its own is in one of ``imports``, in a comment, or
    read so (``read``: a check of the identifier)."""
    assert callable(read)
    for hit in re.finditer(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)", source):
        word = root.descendant_for_byte_range(hit.start(), hit.end())
        if word is not None and word.type == "comment":
            continue
        if word is None or word.type != "identifier" or word.parent is None:
            return False  # (in a string too: `globals()['sys']`, `exec('sys = ...')`)
        if _inside(word, imports) or read(word):
            continue
        return False
    return True


def _inside(node: Node, statements: list[Node]) -> bool:
    return any(s.start_byte <= node.start_byte and node.end_byte <= s.end_byte for s in statements)


def _module_read(word: Node) -> bool:
    """An attribute read off the name, not stored (`_s.version_info`, not `_s.version_info = ...`),
    and not its module table (`_s.modules`: another module may be put in `sys`'s place there)."""
    parent = word.parent
    attribute = parent.child_by_field_name("attribute") if parent is not None and parent.type == "attribute" else None
    return parent is not None and attribute is not None and parent.child_by_field_name("object") == word \
        and not stored(parent) and attribute.text != b"modules"


def _version_read(word: Node) -> bool:
    """The name compared, indexed, its attribute read, handed to a call or tested: never bound."""
    parent = word.parent
    if parent is None or parent.type not in _READ_IN:
        return False
    if parent.type == "subscript":
        return parent.child_by_field_name("value") == word and not stored(parent)
    if parent.type == "attribute":
        return parent.child_by_field_name("object") == word and not stored(parent)
    return True


def _versions_read(source: bytes, root: Node, imports: list[Node], names: set[bytes]) -> bool:
    """Every spelling of `version_info` and `hexversion` is read after a `.` and not stored, a
    name an import takes from `sys`, or one of ``names`` read."""
    for hit in _VERSION_WORD.finditer(source):
        word = root.descendant_for_byte_range(hit.start(), hit.end())
        if word is not None and word.type == "comment":
            continue
        if word is None or word.type != "identifier" or _text(word, source) not in VERSIONS:
            return False  # (in a string too: `setattr(sys, "version_info", ...)`)
        parent = word.parent
        if parent is not None and parent.type == "attribute" and parent.child_by_field_name("attribute") == word:
            if stored(parent):
                return False  # (`sys.version_info = ...`: before `from sys import version_info` runs, too)
            continue
        if _inside(word, imports) or _text(word, source) in names:
            continue  # (each of `names` was read above as read alone)
        return False
    return True


def stored(node: Node) -> bool:
    """The attribute or item is assigned, deleted or bound (`sys.x = 1`, `del sys.x`, `for sys.x in ...`)."""
    child, parent = node, node.parent
    while parent is not None and parent.type in ("pattern_list", "tuple_pattern", "list_pattern",
                                                  "parenthesized_expression", "expression_list", "tuple", "list"):
        child, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
        return parent.child_by_field_name("left") == child
    return parent.type in ("delete_statement", "as_pattern_target", "named_expression")


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]
