"""An attribute of a method's object bound to a local, read where the local is read (`lex-v47`).

A copier hoists what a method reads of its object into locals at its top, `_w, _eps =
self.weight, self.variance_epsilon`, and spells the locals from then on: the method computes what
it did, but every structural k-gram across each such read changes (`_w * x` is one name where
`self.weight * x` is three tokens), and every k-gram across the added statement too.  A stranger's
review hoisted so every method of renamed copies of qwen3 and mistral (with `operator.mul(a, b)`
for `a * b`, read as their own code: "mostly code of its own").  So in a method, a local bound
once, by one of the statements first in the method's body, to an attribute of the object
(`self.weight`, one value of a tuple of them), that the method stores to
nowhere (no `self.weight = ...`, no `del`) is read, wherever it is read in the method, as the
attribute's tokens, and the statement binding it as absent (when it binds such locals alone).  A
local read in a nested function, a lambda or a class (a closure) stays as written, with its
binding.  Reference side and scanned side are read alike: code that hoists such reads itself
reads as code that does not.

Since `lex-v48` the same goes for a module's own aliases of what it imports (`module_aliases`):
`_cat, _Linear = torch.cat, nn.Linear` at the module's top level, each name bound there once and
nowhere else, its value a dotted name through a name the module's top-level imports bind (and
nothing else does), is read as `torch.cat` wherever the module reads it (the review's module
aliases with walruses for temporaries read two copies as built on shared code, exit 0).

The tokens of the attribute are read again at each read (parse/units.py, as parse/midway.py's
copies are), on the read's line: `Expansion`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from tree_sitter import Node

from lineage.parse.bound import binds, bound_by_imports, rebound
from lineage.parse.constants_only import Known, receiver
from lineage.parse.edits import dotted_base
from lineage.parse.hoisted import role
from lineage.parse.identity import enclosing_scope
from lineage.parse.queries import captured

# a line that may bind attributes of an object alone (`w = self.weight`, `a, b = (s.a, s.b)`):
# most modules have none, and are not read further
_LINE = re.compile(rb"(?m)^[ \t]+[\w \t,()]+=[ \t]*\(?[ \t]*[A-Za-z_]\w*\.[\w.]+[ \t]*(?:,|\)|$)")
_SEQUENCES = ("tuple", "expression_list", "parenthesized_expression")
_PATTERNS = ("pattern_list", "tuple_pattern")
_SCOPES = ("function_definition", "lambda", "class_definition")
MAX_READS = 64  # a local read more often than this stays as written (each read copies its tokens)


@dataclass(frozen=True)
class Expansion:
    """The tokens of bytes ``value`` read again where the name at bytes ``read`` is (that name is not
    read itself)."""

    read: tuple[int, int]
    value: tuple[int, int]


def self_aliases(root: Node, source: bytes) -> tuple[list[tuple[int, int]], list[Expansion]]:
    """(byte spans of the statements binding such locals alone, read as absent; each read of them)."""
    if _LINE.search(source) is None:
        return [], []
    known = Known()
    absent: list[tuple[int, int]] = []
    expansions: list[Expansion] = []
    seen: set[int] = set()
    for stmt in captured(root, "selfalias.stmt"):
        function = enclosing_scope(stmt)
        if function is None or function.type != "function_definition" or function.id in seen:
            continue
        seen.add(function.id)  # (each method read once, with all its leading statements)
        spans, reads = _in_method(function, source, known)
        absent += spans
        expansions += reads
    return absent, expansions


def _in_method(function: Node, source: bytes, known: Known) -> tuple[list[tuple[int, int]], list[Expansion]]:
    owner = receiver(function, source)
    leading = _leading(function, owner, source) if owner is not None else []
    if not leading:
        return [], []
    binds = known.binds(function, source)  # (read only where a method starts so: most never do)
    leading = [(stmt, pairs) for stmt, pairs in leading
               if all(len(binds.get(_text(name, source), [])) == 1 and _text(name, source) != owner
                      for name, _ in pairs)]
    if not leading:
        return [], []
    bound_at = {_text(name, source): stmt.end_byte for stmt, pairs in leading for name, _ in pairs}
    reads = _reads(function, bound_at, source)
    stored = _stores(function, source)
    absent: list[tuple[int, int]] = []
    expansions: list[Expansion] = []
    for stmt, pairs in leading:
        found = [reads.get(_text(name, source)) for name, _ in pairs]
        if any(r is None for r in found) or any(_rebound(b"".join(_text(value, source).split()), stored)
                                                 for _, value in pairs):
            continue
        absent.append((stmt.start_byte, stmt.end_byte))
        expansions += [Expansion((r.start_byte, r.end_byte), (value.start_byte, value.end_byte))
                       for (_, value), spelt in zip(pairs, found) for r in spelt or []]
    return absent, expansions


def _pairs(stmt: Node, source: bytes) -> list[tuple[Node, Node]]:
    """(name, value) bound by `a = v` or `a, b = v, w` (in parentheses or not), else []."""
    assignment = stmt.named_children[0] if stmt.named_child_count == 1 else None
    if assignment is None or assignment.type != "assignment" or assignment.child_by_field_name("type") is not None:
        return []
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if left is None or right is None:
        return []
    if left.type == "identifier":
        return [(left, right)] if right.type == "attribute" else []
    names = [c for c in left.named_children if c.type != "comment"] if left.type in _PATTERNS else []
    while right.type == "parenthesized_expression" and right.named_child_count == 1:
        right = right.named_children[0]
    values = [c for c in right.named_children if c.type != "comment"] if right.type in _SEQUENCES else []
    if not names or len(names) != len(values) or any(n.type != "identifier" for n in names):
        return []
    return list(zip(names, values))


def _leading(function: Node, owner: bytes, source: bytes) -> list[tuple[Node, list[tuple[Node, Node]]]]:
    """The statements first in the method's body (its docstring and comments aside) that bind
    attributes of the object alone, with what each binds: where a copier hoists them."""
    body = function.child_by_field_name("body")
    found: list[tuple[Node, list[tuple[Node, Node]]]] = []
    for i, stmt in enumerate(body.named_children if body is not None else []):
        if stmt.type == "comment" or i == 0 and stmt.type == "expression_statement" \
                and stmt.named_child_count == 1 and stmt.named_children[0].type == "string":
            continue
        pairs = _pairs(stmt, source)
        if not pairs or not all(_attribute_of(value, owner, source) for _, value in pairs):
            break
        found.append((stmt, pairs))
    return found


def _attribute_of(value: Node, owner: bytes, source: bytes) -> bool:
    """`owner.a`: an attribute of the object itself (nothing called, nothing indexed; a longer chain,
    `self.config.eps`, stays: each read would stand for many tokens, and a difference near one
    count many times over)."""
    inner = value.child_by_field_name("object") if value.type == "attribute" else None
    return inner is not None and inner.type == "identifier" and _text(inner, source) == owner


def _reads(function: Node, bound_at: dict[bytes, int], source: bytes) -> dict[bytes, list[Node] | None]:
    """Per name, every read of it in the method after its binding (which ends at ``bound_at``); None
    for a name read in a nested scope (a closure), before its binding, or more than MAX_READS times.
    One walk of the body."""
    found: dict[bytes, list[Node] | None] = {name: [] for name in bound_at}
    body = function.child_by_field_name("body")
    stack: list[tuple[Node, bool]] = [(body, False)] if body is not None else []
    while stack:
        node, nested = stack.pop()
        if node.type == "identifier":
            name = _text(node, source)
            spelt = found.get(name)
            if spelt is not None and role(node) == "reads":
                if nested or node.start_byte < bound_at[name] or len(spelt) >= MAX_READS:
                    found[name] = None
                else:
                    spelt.append(node)
            continue
        inner = nested or node.type in _SCOPES
        stack.extend((child, inner) for child in node.children)
    return found


def _stores(function: Node, source: bytes) -> set[bytes]:
    """What the function stores to or deletes that is an attribute or an item (its text without blanks)."""
    out: set[bytes] = set()
    stack = [function.child_by_field_name("body")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.type in ("assignment", "augmented_assignment"):
            targets = [node.child_by_field_name("left")]
        elif node.type == "delete_statement":
            targets = list(node.named_children)
        else:
            targets = []
        for target in targets:
            for part in [target] + (list(target.named_children) if target is not None and target.type in _PATTERNS
                                    + ("expression_list",) else []):
                if part is not None and part.type in ("attribute", "subscript"):
                    out.add(b"".join(_text(part, source).split()))
        stack.extend(node.children)
    return out


def _rebound(value: bytes, stored: set[bytes]) -> bool:
    """The method binds the attribute again, or an object it is read through (`self.a = ...` for
    `self.a.b`): the local and the attribute may differ after it.  A store within it (`self.a[0] =
    ...`, `self.a.b = ...` for `self.a`) changes the object both name."""
    return any(value == s or value.startswith(s + b".") for s in stored)


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


MAX_MODULE_READS = 512  # a module alias read more often than this stays as written


def module_aliases(root: Node, source: bytes) -> tuple[list[tuple[int, int]], list[Expansion]]:
    """(byte spans of the module's statements binding such aliases alone, read as absent; each read)."""
    if _MODULE_LINE.search(source) is None:
        return [], []
    imported = {name.encode() for name, _ in bound_by_imports(root, source)}
    candidates: list[tuple[Node, list[tuple[Node, Node]]]] = []
    for stmt in root.named_children:
        pairs = _pairs(stmt, source) if stmt.type == "expression_statement" else []
        if pairs and all(_dotted_root(value, source) in imported for _, value in pairs):
            candidates.append((stmt, pairs))
    roots = {_dotted_root(value, source) or b"" for _, pairs in candidates for _, value in pairs}
    other = {name.encode() for name in rebound(root, source, {r.decode() for r in roots})} if roots else set()
    candidates = [(stmt, pairs) for stmt, pairs in candidates
                  if not any(_dotted_root(value, source) in other for _, value in pairs)]
    if not candidates:
        return [], []
    names = {_text(name, source): (stmt, value) for stmt, pairs in candidates for name, value in pairs}
    reads = _module_reads(root, source, names)
    absent: list[tuple[int, int]] = []
    expansions: list[Expansion] = []
    for stmt, pairs in candidates:
        found = [reads.get(_text(name, source)) for name, _ in pairs]
        if any(r is None for r in found):
            continue
        absent.append((stmt.start_byte, stmt.end_byte))
        expansions += [Expansion((r.start_byte, r.end_byte), (value.start_byte, value.end_byte))
                       for (_, value), spelt in zip(pairs, found) for r in spelt or []]
    return absent, expansions


# a module-level line binding dotted names alone (`_cat = torch.cat`): most modules have none
_MODULE_LINE = re.compile(rb"(?m)^[A-Za-z_(][\w, ()]*=[ \t]*\(?[ \t]*[A-Za-z_]\w*\.[\w.]+[ \t]*(?:,|\)|$)")


def _dotted_root(value: Node, source: bytes) -> bytes | None:
    """The name a dotted name (`torch.nn.functional.silu`) starts from; None for anything else."""
    base = dotted_base(value) if value.type == "attribute" else None
    return _text(base, source) if base is not None else None


def _module_reads(root: Node, source: bytes, names: dict[bytes, tuple[Node, Node]]) -> dict[bytes, list[Node] | None]:
    """Per alias, every read of it after its binding; None for one bound anywhere else too (a local of
    the same name, `global`, a parameter), read before its binding, or more than MAX_MODULE_READS
    times.  Found by searching the text for each name."""
    found: dict[bytes, list[Node] | None] = {}
    for name, (stmt, _) in names.items():
        spelt: list[Node] | None = []
        for hit in re.finditer(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)", source):
            node = root.descendant_for_byte_range(hit.start(), hit.end())
            if node is None or node.type != "identifier" or spelt is None:
                continue
            if stmt.start_byte <= node.start_byte < stmt.end_byte:
                continue  # (the binding itself)
            if binds(node) or role(node) == "binds" or node.start_byte < stmt.end_byte \
                    or len(spelt) >= MAX_MODULE_READS:
                spelt = None
            elif role(node) == "reads":
                spelt.append(node)
        found[name] = spelt
    return found


def expanded_tokens(expansions: list[Expansion], starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(tokens read again, the token each stands for): each expansion's value tokens, in order, for
    the name read (parse/selfalias.py)."""
    tokens: list[np.ndarray] = []
    at: list[np.ndarray] = []
    for x in expansions:
        read = int(np.searchsorted(starts, x.read[0]))
        value = np.arange(np.searchsorted(starts, x.value[0]), np.searchsorted(starts, x.value[1]))
        if read < starts.size and int(starts[read]) == x.read[0] and value.size:
            tokens.append(value)
            at.append(np.full(value.size, read, dtype=np.int64))
    if not tokens:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(tokens), np.concatenate(at)
