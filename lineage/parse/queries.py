"""tree-sitter queries over Python, compiled once per text (compiling one costs milliseconds)."""

from __future__ import annotations

from functools import lru_cache

from tree_sitter import Language, Node, Query, QueryCursor


@lru_cache(maxsize=16)
def query(text: str) -> Query:
    import tree_sitter_python

    return Query(Language(tree_sitter_python.language()), text)


_FUNCTIONS = "(function_definition parameters: (parameters) @params body: (block) @body) @fn"
_last: list[tuple[Node, list[tuple[Node, Node, Node]]]] = []  # the tree last asked about (held: no id reused)


def functions(root: Node) -> list[tuple[Node, Node, Node]]:
    """(definition, parameters, body) of every function under ``root``: one query per tree for the
    passes that each read every function (parse/unread.py, parse/aliases.py, parse/hoisted.py)."""
    if _last and _last[0][0] == root:
        return _last[0][1]
    found = [(m["fn"][0], m["params"][0], m["body"][0]) for _, m in QueryCursor(query(_FUNCTIONS)).matches(root)]
    _last[:] = [(root, found)]
    return found
