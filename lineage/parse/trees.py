"""tree-sitter's side of the parse: the grammar, the definitions a tree holds, and the tree of a file
whose syntax error tree-sitter's recovery misread, its unreadable lines left out (parse/mend.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from lineage.models import FileError
from lineage.parse.budget import Budget
from lineage.parse.mend import mended, syntax_problem

_QUERY = "[(function_definition) (class_definition)] @def"
_DEF_TYPES = frozenset({"function_definition", "class_definition"})


@lru_cache(maxsize=1)
def grammar() -> tuple[Parser, Query]:
    import tree_sitter_python

    language = Language(tree_sitter_python.language())
    return Parser(language), Query(language, _QUERY)


def definition_nodes(root: Node, budget: Budget, keywords: np.ndarray | None = None) -> list[Node]:
    """Every function and class definition node, as the query would find them in `root`.

    In an error-free tree every definition holds its `def` or `class` keyword, and only a
    definition holds one: the keyword tokens the lexer found (their byte offsets,
    ``keywords``) lead to the leaf and its parent in a C call each, where the query would
    visit every node.  Without them, or in a tree with errors, the query runs, subtree by
    subtree: error-free subtrees at C speed (and linear there), a subtree holding an error
    walked child by child from Python, with an explicit stack (error nodes nest as deep as
    the brackets that made them)."""
    _, query = grammar()

    def captured(node: Node) -> list[Node]:
        return QueryCursor(query).captures(node).get("def", [])

    found: list[Node] = []
    if not root.has_error and keywords is None:
        found = captured(root)
    elif not root.has_error and keywords is not None:
        for at in keywords.tolist():
            leaf = root.descendant_for_byte_range(at, at + 1)
            node = leaf.parent if leaf is not None and leaf.type in ("def", "class") else None
            if node is not None and node.type in _DEF_TYPES:
                found.append(node)
    else:
        stack = [root]
        while stack:
            node = stack.pop()
            budget.tick("definitions")
            for child in node.children:
                if child.child_count == 0:
                    continue
                if not child.has_error:
                    found += captured(child)
                    continue
                if child.type in _DEF_TYPES:
                    found.append(child)
                stack.append(child)
    budget.check("definitions")
    return found


def mended_tree(path: str, text: str, source: bytes, tree: Tree, errors: tuple[FileError, ...], budget: Budget,
                parse: Callable[[bytes], Tree]) -> tuple[bytes, Tree, tuple[FileError, ...]]:
    """The source and tree with the lines CPython cannot read left out (parse/mend.py), and the error
    naming them; as they were when that does not give a tree without errors, or gives the definitions
    tree-sitter's recovery read already.  ``parse``: tree-sitter's parse of a source, on the file's budget."""
    found = mended(text, lambda: budget.check("parse"))
    if found is None:
        return source, tree, errors
    again = parse(found.source)
    if again.root_node.has_error or _defs(tree, source, found.lines, budget) == _defs(again, found.source, (), budget):
        return source, tree, errors  # (a local error, a stray bracket, that tree-sitter read past: its line kept)
    problem = f"{syntax_problem(text) or 'syntax error'}; {found.said()} left out, the rest scanned"
    return found.source, again, errors + (FileError(path, "parse", problem),)


def _defs(tree: Tree, source: bytes, left_out: tuple[int, ...], budget: Budget) -> set[tuple[bytes, int, int]]:
    """Each definition's name and lines (its decorators', too), those starting on a line left out aside."""
    out = set()
    for node in definition_nodes(tree.root_node, budget):
        name = node.child_by_field_name("name")
        outer = node.parent if node.parent is not None and node.parent.type == "decorated_definition" else node
        if outer.start_point[0] + 1 not in left_out:
            out.add((source[name.start_byte:name.end_byte] if name is not None else b"", outer.start_point[0],
                     node.end_point[0]))
    return out
