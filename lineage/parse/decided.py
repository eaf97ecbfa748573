"""Branches a function's local constants decide (parse/junk.py reads them as junk): a test whose
value the constants it reads fix, so that what runs is known by reading."""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from lineage.parse.constant import truth


def never_runs(statement: Node, known: dict[bytes, object], source: bytes) -> bool:
    """An `if` with no other branch, or a `while` with no `else`, whose condition is false by the
    constants it reads (``known``): nothing in it runs, whatever it calls."""
    if not known or statement.type not in ("if_statement", "while_statement") \
            or any(c.type in ("elif_clause", "else_clause") for c in statement.children):
        return False
    return truth(statement.child_by_field_name("condition"), source, known) is False


def runs_junk(statement: Node, known: dict[bytes, object], source: bytes, junk: Callable[[Node], bool]) -> bool:
    """An `if` with one `else` whose condition is decided by the constants it reads (``known``),
    the branch it takes doing nothing but ``junk`` (or `pass`): nothing that matters runs, whatever
    the other branch calls (`lex-v53`: pyobfus's `_d = 100` then `if _d * _d >= 0: pass` / `else:
    len([])`)."""
    alternatives = [c for c in statement.children if c.type in ("elif_clause", "else_clause")]
    if not known or statement.type != "if_statement" or len(alternatives) != 1 \
            or alternatives[0].type != "else_clause":
        return False
    decided = truth(statement.child_by_field_name("condition"), source, known)
    if decided is None:
        return False
    taken = statement.child_by_field_name("consequence") if decided else \
        next((c for c in alternatives[0].children if c.type == "block"), None)
    return taken is not None and all(junk(s) for s in taken.named_children if s.type != "comment")
