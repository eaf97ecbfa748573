"""tree-sitter queries over Python, compiled once per text (compiling one costs milliseconds), and
the patterns the parse passes read from every tree, found in one walk of it.

A walk of a whole tree by tree-sitter's query cursor costs about the same whatever it looks for
(a quarter of a second for 200 modeling files): eight passes each walking the tree cost four
times what one walk for all of them does.  `captured` walks a tree once for every pattern of
``SHARED`` and keeps what it found for the tree last asked about; each pass takes its own
captures by name.  A tree with syntax errors is walked for the functions and bindings alone
(tree-sitter's query cursor is slow on error nodes, and the other passes leave such a tree alone).
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter

from tree_sitter import Language, Node, Query, QueryCursor


@lru_cache(maxsize=16)
def query(text: str) -> Query:
    import tree_sitter_python

    return Query(Language(tree_sitter_python.language()), text)


_FUNCTIONS = "(function_definition parameters: (parameters) @params body: (block) @body) @fn"
# values bound to plain names that may call nothing (parse/junk.py; a call of a name may be a builtin's
# that computes from its arguments alone), read in the same pass: every such binding's value is captured
# and these kept (`_calls_nothing`), as an alternation of them in the patterns would keep them (that made
# the shared walk a third slower)
_VALUE_KINDS = frozenset({"identifier", "integer", "float", "string", "concatenated_string", "true", "false", "none",
                          "binary_operator", "comparison_operator", "boolean_operator", "not_operator",
                          "unary_operator", "parenthesized_expression", "tuple", "list", "expression_list",
                          "conditional_expression", "subscript"})
_BINDINGS = """
(expression_statement (assignment left: [(identifier) (pattern_list)] right: (_) @right))
(expression_statement (augmented_assignment left: (identifier) right: (_) @right))
(for_statement left: _ right: (_) @right)
"""


def _calls_nothing(value: Node) -> bool:
    """One of ``_VALUE_KINDS``, or a call of a name (`len(x)`) or of a string's method (`'a'.join(x)`)."""
    if value.type in _VALUE_KINDS:
        return True
    function = value.child_by_field_name("function") if value.type == "call" else None
    if function is None:
        return False
    if function.type == "identifier":
        return True
    owner = function.child_by_field_name("object") if function.type == "attribute" else None
    return owner is not None and owner.type in ("string", "concatenated_string")


# an `if` with one `else`, each branch one assignment or one `return` (parse/ternary.py, which reads its parts)
_ONLY = "(block . ({stmt}) @{s} .)"
_ASSIGN = "expression_statement (assignment left: (_) @{l} right: (_) @{r})"
_RETURN = "return_statement (_) @{r}"
PICKS = "\n".join(
    f"(if_statement consequence: {_ONLY.format(stmt=form.format(l='l1', r='r1'), s='s1')} "
    f"alternative: (else_clause body: {_ONLY.format(stmt=form.format(l='l2', r='r2'), s='s2')})) @if"
    for form in (_ASSIGN, _RETURN))
_CONDITION = ("[(true) (false) (none) (integer) (float) (string) (parenthesized_expression) (not_operator) "
              "(boolean_operator) (comparison_operator) (binary_operator) (unary_operator)]")
# each pass's patterns, their captures named after the pass (`dead.if`): read by its module
SHARED = {
    # blocks that never run and do-nothing wrappers (parse/deadcode.py)
    "dead": f"""
(if_statement condition: {_CONDITION}) @dead.if
(if_statement condition: [(identifier) (attribute)]) @dead.typing
(while_statement condition: {_CONDITION}) @dead.while
(for_statement right: [(call) (list) (tuple)]) @dead.for
(try_statement) @dead.try
(with_statement) @dead.with
(if_statement consequence: (block (pass_statement))) @dead.empty
(if_statement consequence: (block (expression_statement))) @dead.empty
(conditional_expression) @dead.pick
[(return_statement) (raise_statement) (continue_statement) (break_statement)] @dead.jump
""",
    # whole-statement calls of a do-nothing function of the module (parse/deadcode.py)
    "idle": "(expression_statement (call function: (identifier))) @idle.stmt",
    # guards over builtins alone and counters only they read (parse/opaque.py)
    "opaque": """
(if_statement) @opaque.if
(expression_statement (assignment left: (attribute object: (identifier) @opaque.obj))) @opaque.store
(expression_statement (augmented_assignment left: (attribute object: (identifier) @opaque.obj))) @opaque.store
(expression_statement (assignment left: (subscript subscript: (string)))) @opaque.item
(global_statement) @opaque.global
""",
    # calls repeated as padding (parse/padding.py)
    "padding": ("(expression_statement (call function: [(identifier) (attribute) (call) (subscript) "
                "(parenthesized_expression)])) @padding.stmt\n"
                "(expression_statement [(assignment left: [(attribute) (subscript)]) "
                "(augmented_assignment left: [(attribute) (subscript)])]) @padding.store\n"
                "(if_statement consequence: (block . (raise_statement) .)) @padding.guard\n"
                "(with_statement) @padding.with"),
    # attributes of a method's object bound to locals (parse/selfalias.py)
    "selfalias": ("(expression_statement (assignment left: [(identifier) (pattern_list) (tuple_pattern)] "
                  "right: [(attribute) (tuple) (expression_list) (parenthesized_expression)])) @selfalias.stmt"),
    # imports in function bodies (parse/localimports.py)
    "localimport": "[(import_statement) (import_from_statement)] @localimport.stmt",
    # keywords threaded through a module and never read (parse/passthrough.py)
    "passthrough": """
(function_definition parameters: (parameters) @passthrough.params)
(keyword_argument) @passthrough.kwarg
""",
    # calls of the module's identity functions (parse/identity.py)
    # a loop dispatching on a state variable, its body one if/elif chain (parse/flattened.py)
    "flat": "(while_statement body: (block . (if_statement) .)) @flat.while",
    # two-way picks (parse/ternary.py): ``PICKS`` capturing the `if` alone
    "ternary": re.sub(r" @(\w+)", lambda m: " @ternary.if" if m.group(1) == "if" else "", PICKS),
    "identity": ("(call function: (identifier) @identity.called arguments: (argument_list) @identity.arguments)"
                 " @identity.call"),
}
_last: list[tuple[Node, dict[str, list[Node]], list[tuple[Node, Node, Node]], list[Node]]] = []
# (the tree last asked about, held: no id reused; its captures, functions and bound values)


def _read(root: Node) -> tuple[dict[str, list[Node]], list[tuple[Node, Node, Node]], list[Node]]:
    """One walk of the tree for every pattern below, kept for the tree last asked about."""
    if _last and _last[0][0] == root:
        return _last[0][1], _last[0][2], _last[0][3]
    if root.has_error:  # (the functions and bindings alone: see the module's docstring)
        found: dict[str, list[Node]] = {"fn": [], "params": [], "body": [], "right": []}
        for _, m in QueryCursor(query(_FUNCTIONS + _BINDINGS)).matches(root):
            for name, nodes in m.items():
                found[name].append(nodes[0])
    else:
        found = QueryCursor(query(_FUNCTIONS + _BINDINGS + "".join(SHARED.values()))).captures(root)
    found["right"] = [value for value in found.get("right", []) if _calls_nothing(value)]
    if not root.has_error:
        for nodes in found.values():  # (the cursor gives a pattern's captures in an order of its own)
            # by first byte, then the longer first: two stable sorts on C-level keys, as one on a Python
            # function's (start, -end) would order them, at a third of its cost
            nodes.sort(key=_END, reverse=True)
            nodes.sort(key=_START)
    # a function's three captures come from one match, each list in the order of the trees' text
    functions = list(zip(found.get("fn", []), found.get("params", []), found.get("body", []), strict=True))
    _last[:] = [(root, found, functions, found.get("right", []))]
    return found, functions, _last[0][3]


_START, _END = attrgetter("start_byte"), attrgetter("end_byte")


def captured(root: Node, name: str) -> list[Node]:
    """The nodes ``SHARED``'s capture ``name`` (`padding.stmt`) holds in the tree under ``root``,
    in the order of its text."""
    found = _read(root)[0]
    if root.has_error and name not in found:  # (a pass that reads a tree with errors: its own walk)
        return QueryCursor(query(SHARED[name.split(".")[0]])).captures(root).get(name, [])
    return found.get(name, [])


SHALLOW = 400  # the source rewrites look no deeper (parse/operators.py, parse/unpacked.py, parse/walrus.py)


def shallow(root: Node, pattern: str, name: str) -> list[Node]:
    """The nodes a pattern's capture ``name`` holds under ``root``, starting no deeper than SHALLOW:
    a node nested deeper stays as written (finding a node's parent costs a walk from the root in
    tree-sitter: 20,000 nested calls took a minute; CPython refuses such nesting anyway)."""
    cursor = QueryCursor(query(pattern))
    cursor.set_max_start_depth(SHALLOW)
    return cursor.captures(root).get(name, [])


def functions(root: Node) -> list[tuple[Node, Node, Node]]:
    """(definition, parameters, body) of every function under ``root``: one query per tree for the
    passes that each read every function (parse/unread.py, parse/aliases.py, parse/hoisted.py,
    parse/junk.py)."""
    return _read(root)[1]


def bound_values(root: Node) -> list[Node]:
    """The value of every assignment to plain names, augmented assignment to a name, and `for`
    loop under ``root`` whose value's outermost node may call nothing (parse/junk.py)."""
    return _read(root)[2]
