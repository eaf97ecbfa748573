"""Assignment expressions read as the assignments they fold in (`lex-v48`).

A copier folds a temporary into the statement that reads it with an assignment expression:
`x = self.q(h)` then `y = x.view(s)` becomes `y = (x := self.q(h)).view(s)`.  The code computes
what it did, but the added `x :=` and parentheses cut every structural k-gram across the value,
and the statement no longer reads as its temporary read through (fingerprint/temporaries.py).  A
stranger's review folded every temporary so, with the module's own aliases of `torch.cat` and
`nn.Linear` (parse/selfalias.py), and two copies read as built on shared code (exit 0).  So in a
function body, `(NAME := value)` whose NAME the function reads nowhere and binds nowhere else is
read as `value`: the name, the `:=` and (around a value that is a name, a call, an attribute, an
item or a literal, whose reading needs none) its parentheses read as absent (`walrus_spans`).  One
whose name is read again, in a simple statement (an assignment, a `return`, an expression) on one
line, where it is sure to run (not under `and`/`or`, a conditional, a lambda or a comprehension),
is read as the assignment it folds in, standing before the statement: `x = self.q(h); y =
x.view(s)`, the source rewritten on the same line (`unfolded`, as parse/operators.py rewrites).
"""

from __future__ import annotations

from tree_sitter import Node

from lineage.parse.constants_only import Known
from lineage.parse.aliases import spelt_in
from lineage.parse.edits import applied
from lineage.parse.identity import enclosing_scope
from lineage.parse.queries import shallow

_PRIMARY = frozenset({"identifier", "call", "attribute", "subscript", "integer", "float", "string", "true", "false",
                      "none", "list", "tuple", "dictionary", "set"})


def walrus_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans read as absent: each such assignment expression's `NAME :=` and parentheses."""
    if b":=" not in source:
        return []
    known = Known()
    spans: list[tuple[int, int]] = []
    for node in shallow(root, "(named_expression) @walrus", "walrus"):
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        function = enclosing_scope(node)
        if name is None or value is None or function is None or function.type != "function_definition":
            continue
        spelt = source[name.start_byte:name.end_byte]
        if len(known.binds(function, source).get(spelt, [])) != 1 \
                or spelt_in(function, source, spelt, function.start_byte, name.start_byte) \
                or spelt_in(function, source, spelt, name.end_byte, function.end_byte):  # (read anywhere else)
            continue
        spans.append((name.start_byte, value.start_byte))  # (`x :=`)
        up = node.parent
        if up is not None and up.type == "parenthesized_expression" and up.named_child_count == 1 \
                and value.type in _PRIMARY:
            spans += [(up.start_byte, node.start_byte), (node.end_byte, up.end_byte)]
    return spans


_CONDITIONAL = frozenset({"boolean_operator", "conditional_expression", "lambda", "list_comprehension",
                          "set_comprehension", "dictionary_comprehension", "generator_expression"})
_SIMPLE = frozenset({"expression_statement", "return_statement"})


def unfolded(root: Node, source: bytes) -> bytes | None:
    """The source with each assignment expression of a simple statement written as an assignment
    before it (`y = (x := f(h)).view(s)` as `x = f(h); y = x.view(s)`), or None when it has none."""
    if b":=" not in source:
        return None
    edits: list[tuple[int, int, bytes]] = []
    for node in shallow(root, "(named_expression) @walrus", "walrus"):
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        statement = _statement(node)
        if name is None or value is None or statement is None or b"\n" in source[statement.start_byte:statement.end_byte]:
            continue
        whole = node.parent if node.parent is not None and node.parent.type == "parenthesized_expression" \
            and node.parent.named_child_count == 1 else node
        edits += [(statement.start_byte, statement.start_byte,
                   source[name.start_byte:name.end_byte] + b" = " + source[value.start_byte:value.end_byte] + b"; "),
                  (whole.start_byte, whole.end_byte, source[name.start_byte:name.end_byte])]
    return applied(source, edits)  # (walruses nested in walruses overlap: left as written)


def _statement(node: Node) -> Node | None:
    """The simple statement of a block (in a function) an expression is sure to run in, else None."""
    up = node.parent
    while up is not None and up.type not in _SIMPLE:
        if up.type in _CONDITIONAL or up.type.endswith("_statement") or up.type in ("block", "module"):
            return None
        up = up.parent
    if up is None or up.parent is None or up.parent.type != "block":
        return None
    return up
