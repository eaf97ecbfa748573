"""The names a module's imports bind, and what each stands for, for fingerprint/methods.py and
fingerprint/qualified.py (which also needs to know which of them the module binds otherwise too).

`import torch.nn.functional as F` binds `F` to `torch.nn.functional`; `from torch import nn`
binds `nn` to `torch.nn`; `import torch.nn` binds `torch` to `torch`; `import torch as _m0`
binds `_m0` to `torch`; `from .configuration import Config` binds `Config` to
`.configuration.Config`.  Imports anywhere at the module's top level count, inside `if`/`try`
blocks too (`if TYPE_CHECKING:`); imports inside functions do not.  A star import binds nothing
known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tree_sitter import Node

from lineage.parse.callsite import WORD, spelt_as

_BLOCKS = ("if_statement", "try_statement", "else_clause", "elif_clause", "except_clause", "finally_clause",
           "block", "with_statement")


def bound_by_imports(root: Node, source: bytes) -> tuple[tuple[str, str], ...]:
    """(name, dotted path it stands for) per name the module's top-level imports bind, in order."""
    found: list[tuple[str, str]] = []
    stack = list(reversed(root.named_children))
    while stack:
        node = stack.pop()
        if node.type == "import_statement":
            found += [_plain(n, source) for n in node.named_children if n.type in ("dotted_name", "aliased_import")]
        elif node.type == "import_from_statement":
            found += _from(node, source)
        elif node.type in _BLOCKS:
            stack += reversed(node.named_children)
    return tuple(found)


LIBRARY_ROOTS = ("torch", "numpy", "jax", "mlx", "math")  # whose names fingerprint/qualified.py reads through
MAX_NAMES = 256  # library names a module imports, past which every one counts as bound otherwise too
_PATTERNS = ("pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern", "dictionary_splat_pattern",
             "parenthesized_expression")
_LEFT = ("assignment", "augmented_assignment", "for_statement", "for_in_clause")
_NAMED = ("named_expression", "default_parameter", "typed_default_parameter", "keyword_argument",
          "function_definition", "class_definition")
_ALWAYS = ("parameters", "lambda_parameters", "typed_parameter", "as_pattern_target", "global_statement",
           "nonlocal_statement", "delete_statement")


def imported(root: Node, source: bytes) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """(what the module's top-level imports bind, as bound_by_imports gives it; the names of
    LIBRARY_ROOTS' members among them, and the names their `as` aliases stand for, that the module
    binds some other way too: a parameter, an assignment's or a loop's target, `with`/`except ...
    as`, a walrus, `global`, `del`, a keyword argument, a definition, an import below the top)."""
    bound = bound_by_imports(root, source)
    names = {n for name, path in bound if path.split(".")[0] in LIBRARY_ROOTS
             for n in (name, path.rpartition(".")[2]) if n}
    if len(names) > MAX_NAMES:
        return bound, tuple(sorted(names))
    return bound, tuple(sorted(rebound(root, source, names)))


_SCOPES = ("function_definition", "lambda", "class_definition")


def rebound_in(root: Node, source: bytes, names: set[str], fallbacks: bool = False
               ) -> dict[str, list[tuple[int, int]] | None]:
    """Those of ``names`` the module binds otherwise than by a top-level import, each with the byte
    spans of the functions (lambdas, classes) binding it as a local of their own, or None when it is
    bound otherwise at the module's level or declared `global` or `nonlocal` anywhere: a parameter
    named `torch` in one function leaves the name the module's import everywhere else."""
    out: dict[str, list[tuple[int, int]] | None] = {}
    for word, node in _bindings(root, source, names, lambda w: w in out and out[w] is None, fallbacks):
        scope = node.parent
        while scope is not None and scope.type not in _SCOPES and scope.type != "module":
            if scope.type in ("global_statement", "nonlocal_statement"):
                scope = None
                break
            scope = scope.parent
        if scope is None or scope.type == "module" or _declares(scope, word, source):
            out[word] = None
        else:
            spans = out.setdefault(word, [])
            assert spans is not None
            spans.append((scope.start_byte, scope.end_byte))
    return out


def _declares(scope: Node, word: str, source: bytes) -> bool:
    """A function or class body of ``scope`` declares ``word`` `global` or `nonlocal`."""
    text = source[scope.start_byte:scope.end_byte]
    return bool(re.search(rb"\b(?:global|nonlocal)\b[^\n]*\b" + re.escape(word.encode()) + rb"\b", text))


def _hits(source: bytes, names: set[str]) -> list[tuple[int, int, bytes]]:
    """(start, end, spelling) of every whole-word spelling of the names in the source."""
    spelt = {n.encode() for n in names}
    if all(WORD.fullmatch(w) for w in spelt):  # (`\bNAME\b` of an ASCII name: found by bytes.find, parse/callsite.py)
        return spelt_as(spelt, source)
    words = re.compile(rb"\b(?:" + b"|".join(re.escape(w) for w in sorted(spelt)) + rb")\b")
    return [(hit.start(), hit.end(), hit.group()) for hit in words.finditer(source)]


def rebound(root: Node, source: bytes, names: set[str]) -> set[str]:
    """Those of ``names`` that the module binds otherwise than by a top-level import."""
    found: set[str] = set()
    for word, _ in _bindings(root, source, names, found.__contains__):
        found.add(word)
    return found


def _bindings(root: Node, source: bytes, names: set[str], done: Callable[[str], bool], fallbacks: bool = False
              ) -> Iterator[tuple[str, Node]]:
    """(name, identifier) of each place the names are bound otherwise than by a top-level import,
    names ``done`` says are settled passed over; with ``fallbacks``, an import's fallback (`except
    ImportError: torch = None`) is not counted: the name is the module wherever the module is there
    to call."""
    if not names:
        return
    for start, end, spelling in _hits(source, names):
        word = spelling.decode()
        if done(word) or _READ_HERE.match(source, end) and not _BINDERS.search(source, max(0, start - 512), start):
            continue  # (`m.f`, `m(...)`, `m[...]`: a read, never a binding, far from `def`, `class`, `import m.f`)
        node = root.descendant_for_byte_range(start, end)
        if node is not None and node.type == "identifier" and binds(node) and not (fallbacks and _fallback(node)):
            yield word, node


def _fallback(node: Node) -> bool:
    """`name = None` directly in an `except` clause of a `try` at the module's top: an import's fallback."""
    assignment = node.parent
    if assignment is None or assignment.type != "assignment" or assignment.child_by_field_name("left") != node:
        return False
    value = assignment.child_by_field_name("right")
    statement = assignment.parent
    block = statement.parent if statement is not None else None
    clause = block.parent if block is not None else None
    trying = clause.parent if clause is not None else None
    return (value is not None and value.type == "none" and statement is not None
            and statement.type == "expression_statement" and clause is not None and clause.type == "except_clause"
            and trying is not None and trying.type == "try_statement" and trying.parent is not None
            and trying.parent.type == "module")


_READ_HERE = re.compile(rb"[ \t]*[.(\[]")
_BINDERS = re.compile(rb"\b(?:def|class|import)\b")


def binds(node: Node) -> bool:
    """The identifier stands where a name is bound (not an attribute, a read, or a top-level import)."""
    child, parent = node, node.parent
    while parent is not None and parent.type in _PATTERNS:
        child, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in _LEFT:
        return parent.child_by_field_name("left") == child
    if parent.type in _NAMED:
        return parent.child_by_field_name("name") == child
    if parent.type in ("dotted_name", "aliased_import"):  # (an import in a function or a class binds there)
        above = parent.parent
        while above is not None and above.type not in ("function_definition", "class_definition", "module"):
            above = above.parent
        return above is not None and above.type != "module"
    return parent.type in _ALWAYS and not (parent.type == "typed_parameter" and child != parent.named_children[0])


def _plain(name: Node, source: bytes) -> tuple[str, str]:
    """`import a.b` binds `a` to `a`; `import a.b as c` binds `c` to `a.b`."""
    if name.type == "aliased_import":
        return _text(name.child_by_field_name("alias"), source), _text(name.child_by_field_name("name"), source)
    first = _text(name, source).split(".")[0]
    return first, first


def _from(node: Node, source: bytes) -> list[tuple[str, str]]:
    """`from m import a, b as c` binds `a` to `m.a` and `c` to `m.b` (`m` relative as written)."""
    base = _text(node.child_by_field_name("module_name"), source)
    out = []
    for name in node.children_by_field_name("name"):
        if name.type == "aliased_import":
            word = _text(name.child_by_field_name("name"), source)
            out.append((_text(name.child_by_field_name("alias"), source), _joined(base, word)))
        elif name.type == "dotted_name":
            word = _text(name, source)
            out.append((word, _joined(base, word)))
    return out


def _joined(base: str, name: str) -> str:
    return base + name if base.endswith(".") else base + "." + name


def _text(node: Node | None, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace") if node is not None else ""
