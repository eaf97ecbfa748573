"""What reading can say of a definition from the syntax tree alone, for parse/inline.py: the
module's top-level classes, a definition's class and enclosing function, its decorators, its first
parameter, and which definitions the inlining may follow (a plain or identity-decorated `def` at
the module's top or in a function's body; a method that is no dunder, static or taking its
instance first)."""

from __future__ import annotations

import bisect

from tree_sitter import Node

from lineage.parse.callsite import WORD


class TopClasses:
    """The module's top-level classes: whether every spelling of a name lies in one of them (each
    class then reads its own method of that name, as two classes each defining and calling a
    `_rest` of their own do), and which of them no class of the module derives from (a subclass
    could override the method).  Built on first use; a name's answer is kept."""

    def __init__(self, root: Node, source: bytes) -> None:
        self._root, self._source = root, source
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] = []
        self._bases: set[bytes] = set()
        self._answers: dict[bytes, bool] = {}

    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            found = []
            for i in range(self._root.named_child_count):
                node = self._root.named_child(i)
                inner = node.child_by_field_name("definition") if node is not None and node.type == "decorated_definition" \
                    else node
                if inner is not None and inner.type == "class_definition":
                    found.append((inner.start_byte, inner.end_byte))
                    self._bases.update(WORD.findall(text(inner.child_by_field_name("superclasses"), self._source)))
            self._spans, self._starts = found, [lo for lo, _ in found]
        return self._spans

    def __contains__(self, klass: Node) -> bool:
        """A top-level class that no top-level class names among its bases."""
        spans = self.spans()
        k = bisect.bisect_left(spans, (klass.start_byte, -1))
        return k < len(spans) and spans[k] == (klass.start_byte, klass.end_byte) \
            and text(klass.child_by_field_name("name"), self._source) not in self._bases

    def at(self, place: int) -> tuple[int, int] | None:
        """The span of the top-level class holding byte ``place``, or None."""
        spans = self.spans()
        k = bisect.bisect_right(self._starts, place) - 1
        return spans[k] if k >= 0 and place < spans[k][1] else None

    def hold_all(self, word: bytes, places: list[int]) -> bool:
        """Every spelling of ``word`` lies in a top-level class."""
        if word not in self._answers:
            self._answers[word] = all(self.at(p) is not None for p in places)
        return self._answers[word]


def function_at(root: Node, source: bytes, start: int, identities: frozenset[bytes]) -> Node | None:
    """The `def` starting at byte ``start`` (a decorator's, for a decorated one): undecorated, or
    decorated only with the module's identity functions (`@_keep` for `def _keep(f): return f`:
    parse/identity.py) and, for a method, `@staticmethod` (None for a class, an `async def` or one
    otherwise decorated)."""
    leaf = root.descendant_for_byte_range(start, start + 1)
    node = leaf.parent if leaf is not None else None
    if node is not None and leaf is not None and leaf.type == "async":
        return None
    if node is not None and node.type == "decorator" and node.parent is not None \
            and node.parent.type == "decorated_definition" and node.parent.start_byte == start:
        words = [word_of(c, source) for c in node.parent.named_children if c.type == "decorator"]
        inner = node.parent.child_by_field_name("definition")
        if inner is None or inner.type != "function_definition":
            return None
        as_static = words.count(b"staticmethod") == 1 and class_of(inner) is not None
        return inner if all(w in identities or (as_static and w == b"staticmethod") for w in words) else None
    return node if node is not None and node.type == "function_definition" and node.start_byte == start else None


def outer(fn: Node) -> Node:
    """The definition with its decorators."""
    return fn.parent if fn.parent is not None and fn.parent.type == "decorated_definition" else fn


def word_of(decorator: Node, source: bytes) -> bytes:
    inner = decorator.named_children[0] if decorator.named_child_count == 1 else None
    return text(inner, source) if inner is not None and inner.type == "identifier" else b""


def class_of(fn: Node) -> Node | None:
    """The class whose body defines ``fn`` (decorated or not); None for any other function."""
    up = fn.parent
    if up is not None and up.type == "decorated_definition":
        up = up.parent
    return up.parent if up is not None and up.type == "block" and up.parent is not None \
        and up.parent.type == "class_definition" else None


def static(fn: Node, source: bytes) -> bool:
    """Decorated `@staticmethod` (``fn`` passed function_at: no other decorator but identities)."""
    up = fn.parent
    return up is not None and up.type == "decorated_definition" and any(
        word_of(c, source) == b"staticmethod" for c in up.named_children if c.type == "decorator")


def first_parameter(fn: Node, source: bytes) -> bytes | None:
    """The name of a function's first parameter when it is a plain one (`self`)."""
    params = fn.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_child_count else None
    if first is not None and first.type == "typed_parameter" and first.named_child_count:
        first = first.named_children[0]
    return source[first.start_byte:first.end_byte] if first is not None and first.type == "identifier" else None


def method(fn: Node, source: bytes) -> bool:
    """A method that reading can follow: not a dunder (Python calls those itself), and either
    `@staticmethod` or one taking its instance first."""
    name = fn.child_by_field_name("name")
    word = source[name.start_byte:name.end_byte] if name is not None else b"__"
    if class_of(fn) is None or (word.startswith(b"__") and word.endswith(b"__")):
        return False
    return static(fn, source) or first_parameter(fn, source) is not None


def scope(fn: Node) -> Node | None:
    """The function whose body defines ``fn`` (None at the module's top level)."""
    up = outer(fn).parent
    return up.parent if up is not None and up.type == "block" else None


def placed(fn: Node) -> bool:
    """At the module's top level or directly in a function's body: not a method, not a `def`
    under a condition."""
    up = outer(fn).parent
    return up is not None and (up.type == "module" or (
        up.type == "block" and up.parent is not None and up.parent.type == "function_definition"))


def class_of_def(root: Node, start: int) -> Node | None:
    """The class of the method defined at byte ``start`` (its decorator's, if decorated), or None."""
    leaf = root.descendant_for_byte_range(start, start + 1)
    node = leaf.parent if leaf is not None else None
    if node is not None and node.type == "decorator" and node.parent is not None:
        node = node.parent.child_by_field_name("definition")
    return class_of(node) if node is not None and node.type == "function_definition" else None


def text(node: Node | None, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte] if node is not None else b""
