"""tree-sitter queries over Python, compiled once per text (compiling one costs milliseconds)."""

from __future__ import annotations

from functools import lru_cache

from tree_sitter import Language, Node, Query, QueryCursor


@lru_cache(maxsize=16)
def query(text: str) -> Query:
    import tree_sitter_python

    return Query(Language(tree_sitter_python.language()), text)


_FUNCTIONS = "(function_definition parameters: (parameters) @params body: (block) @body) @fn"
# values bound to plain names that may call nothing (parse/junk.py), read in the same pass
_VALUES = ("[(identifier) (integer) (float) (string) (concatenated_string) (true) (false) (none) (binary_operator) "
           "(comparison_operator) (boolean_operator) (not_operator) (unary_operator) (parenthesized_expression) "
           "(tuple) (list) (expression_list) (conditional_expression) (subscript) "
           "(call function: (attribute object: [(string) (concatenated_string)]))]")
_BINDINGS = f"""
(expression_statement (assignment left: [(identifier) (pattern_list)] right: {_VALUES} @right))
(expression_statement (augmented_assignment left: (identifier) right: {_VALUES} @right))
(for_statement left: _ right: {_VALUES} @right)
"""
_last: list[tuple[Node, list[tuple[Node, Node, Node]], list[Node]]] = []  # the tree last asked about (held: no id reused)


def _read(root: Node) -> tuple[list[tuple[Node, Node, Node]], list[Node]]:
    """One pass over the tree for both queries below, kept for the tree last asked about."""
    if _last and _last[0][0] == root:
        return _last[0][1], _last[0][2]
    found: list[tuple[Node, Node, Node]] = []
    values: list[Node] = []
    for _, m in QueryCursor(query(_FUNCTIONS + _BINDINGS)).matches(root):
        if "fn" in m:
            found.append((m["fn"][0], m["params"][0], m["body"][0]))
        else:
            values.append(m["right"][0])
    _last[:] = [(root, found, values)]
    return found, values


def functions(root: Node) -> list[tuple[Node, Node, Node]]:
    """(definition, parameters, body) of every function under ``root``: one query per tree for the
    passes that each read every function (parse/unread.py, parse/aliases.py, parse/hoisted.py,
    parse/junk.py)."""
    return _read(root)[0]


def bound_values(root: Node) -> list[Node]:
    """The value of every assignment to plain names, augmented assignment to a name, and `for`
    loop under ``root`` whose value's outermost node may call nothing (parse/junk.py)."""
    return _read(root)[1]
