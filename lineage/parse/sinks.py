"""Module-level collections nothing reads, changed in place with junk alone (`lex-v44`).

A stranger's review put `_t = [0] * 3` then `_log.append(len(_t))` after every other statement
of copied files, `_log = []` at the module's top: a change of a module-level object, which the
token-level dead-store reading (fingerprint/deadstores.py) and the junk of one function's locals
(parse/junk.py) both keep, as they must for what other code may read.  Copies so padded read as
weak resemblances, one to another family.  Read on the module as a whole, a name bound once at
its top to a new collection and otherwise only changed in place by whole statements is read by no
code of the module (`write_only`); parse/junk.py then reads each such change that hands it junk
or literals alone (`reads_junk`) as junk, and what was computed for it with it.  A registry
storing the code's own values (`_BACKENDS[name] = fn`, `_log.append(out)`) stays.
"""

from __future__ import annotations

import re

from tree_sitter import Node


def write_only(root: Node, source: bytes) -> frozenset[bytes]:
    """Names the module binds once, at its top level, to a new collection (`_log = []`, `set()`), and
    otherwise only changes in place by whole statements (`_log.append(...)`, `_log[k] = v`, `del
    _log[k]`).  A name spelt anywhere else but in a comment, in a string too (a name may be reached
    by its text), declared `global`, or a dunder (`__all__`), is not one."""
    out: set[bytes] = set()
    for statement in root.named_children:
        bound = statement.named_children[0] if statement.type == "expression_statement" \
            and statement.named_child_count == 1 else None
        left = bound.child_by_field_name("left") if bound is not None and bound.type == "assignment" else None
        if left is None or left.type != "identifier" or bound is None or bound.child_by_field_name("type") is not None:
            continue
        name = source[left.start_byte:left.end_byte]
        right = bound.child_by_field_name("right")
        if name.startswith(b"__") or right is None or not (right.type in _DISPLAYS or _empty_new(right, source)):
            continue
        spelt = [m.start() for m in re.finditer(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)", source)]
        if all(at == left.start_byte or _changed_in_place(root.descendant_for_byte_range(at, at + len(name)), name,
                                                           source) or _in_comment(root, at) for at in spelt):
            out.add(name)
    return frozenset(out)


_DISPLAYS = frozenset({"list", "dictionary", "set"})
_EMPTY = (b"list()", b"dict()", b"set()")
_DEQUE = re.compile(rb"(?:collections\.)?deque\((?:maxlen=)?\d*\)")


def _empty_new(value: Node, source: bytes) -> bool:
    """`list()`, `dict()`, `set()`, `deque()` (`deque(maxlen=8)`): a new collection, as a display is."""
    text = re.sub(rb"\s", b"", source[value.start_byte:value.end_byte])
    return value.type == "call" and (text in _EMPTY or _DEQUE.fullmatch(text) is not None)


def _in_comment(root: Node, at: int) -> bool:
    """A comment spells the name: it reads nothing (`# inspect _log after a pass`)."""
    node = root.descendant_for_byte_range(at, at + 1)
    return node is not None and node.type == "comment"


def _changed_in_place(node: Node | None, name: bytes, source: bytes) -> bool:
    """The spelling at ``node`` is the object of a whole-statement method call (`n.append(x)`), or of
    an item stored or deleted (`n[k] = v`, `del n[k]`)."""
    if node is None or node.type != "identifier" or source[node.start_byte:node.end_byte] != name:
        return False
    up = node.parent
    if up is not None and up.type == "attribute" and up.child_by_field_name("object") == node:
        call = up.parent
        return call is not None and call.type == "call" and call.child_by_field_name("function") == up \
            and call.parent is not None and call.parent.type == "expression_statement" \
            and call.parent.named_child_count == 1
    if up is not None and up.type == "subscript" and up.child_by_field_name("value") == node:
        store = up.parent
        return store is not None and (store.type == "assignment" and store.child_by_field_name("left") == up
                                      and store.parent is not None and store.parent.type == "expression_statement"
                                      or store.type == "delete_statement")
    return False


def reads_junk(node: Node, junk: set[bytes], source: bytes) -> bool:
    """Every name the (pure) expression reads is junk, but the builtins it calls: what it hands a
    sink is junk (a registry storing the code's own values, `_BACKENDS[name] = fn`, is no sink of
    junk, nor `_log.append(out)`)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            up = current.parent
            called = up is not None and up.type == "call" and up.child_by_field_name("function") == current
            if not called and source[current.start_byte:current.end_byte] not in junk:
                return False
        elif current.type == "keyword_argument":
            stack += [c for c in current.named_children if c != current.child_by_field_name("name")]
        else:
            stack.extend(current.named_children)
    return True
