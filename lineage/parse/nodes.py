"""A tree's nodes read without tree-sitter's extras.

A backslash continuation (`a * \\` then `b` on the next line, as autopep8 writes) and a comment
inside brackets are children of the node they stand in: an operator with them has four children,
and parentheses with a comment inside hold two named ones.  The parse passes that read an
operator's operands or look through parentheses read the children here instead (`lex-v51`).
"""

from __future__ import annotations

from tree_sitter import Node


def parts(node: Node) -> list[Node]:
    """The node's children, extras aside."""
    return [c for c in node.children if not c.is_extra]


def named(node: Node) -> list[Node]:
    """The node's named children, extras aside."""
    return [c for c in node.named_children if not c.is_extra]


def grouping(node: Node) -> bool:
    """Parentheses wrapped whole around one expression (`(8192)`, `(\\n  x + y  # why\\n)`): layout,
    as fingerprint/formatting.py reads them."""
    return node.type == "parenthesized_expression" and len(named(node)) == 1


def unwrapped(node: Node) -> Node:
    """``node`` without the parentheses wrapped whole around it."""
    while grouping(node):
        node = named(node)[0]
    return node
