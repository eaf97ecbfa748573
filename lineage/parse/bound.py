"""The names a module's imports bind, and what each stands for, for fingerprint/methods.py.

`import torch.nn.functional as F` binds `F` to `torch.nn.functional`; `from torch import nn`
binds `nn` to `torch.nn`; `import torch.nn` binds `torch` to `torch`; `import torch as _m0`
binds `_m0` to `torch`; `from .configuration import Config` binds `Config` to
`.configuration.Config`.  Imports anywhere at the module's top level count, inside `if`/`try`
blocks too (`if TYPE_CHECKING:`); imports inside functions do not.  A star import binds nothing
known.
"""

from __future__ import annotations

from tree_sitter import Node

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
