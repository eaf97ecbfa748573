"""Values that compute without calling anything but builtins of a value alone (parse/junk.py's
test of a junk local's value, and of what a statement of junk computes)."""

from __future__ import annotations

from tree_sitter import Node

from lineage.parse.constant import pure_builtin

# values that compute without calling anything
_PURE = frozenset({"identifier", "integer", "float", "string", "concatenated_string", "true", "false", "none",
                   "binary_operator", "comparison_operator", "boolean_operator", "not_operator", "unary_operator",
                   "parenthesized_expression", "tuple", "list", "expression_list", "string_start", "string_content",
                   "string_end", "escape_sequence", "ellipsis", "conditional_expression", "subscript", "slice"})
_MAX_NODES = 64  # a value larger than this is not read (left as written)


def pure(node: Node, source: bytes) -> bool:
    """The expression calls nothing but builtins that compute from their arguments alone
    (`len`, `str`: parse/constant.py) and reads no attribute or item (bounded in size)."""
    stack, seen = [node], 0
    while stack:
        current = stack.pop()
        seen += 1
        if current.type == "call" and _on_literal(current):
            stack.extend(x for a in current.named_children if a.type == "argument_list" for x in a.named_children)
            continue  # (a string's method: `'abc'.upper()`)
        arguments = current.child_by_field_name("arguments") if current.type == "call" else None
        if arguments is not None and arguments.type == "argument_list" and pure_builtin(current, source):
            stack.extend(arguments.named_children)  # (`len(str(3))`; not `max(f(t) for t in ts)`)
            continue
        if seen > _MAX_NODES or current.type not in _PURE:
            return False
        if current.type == "string" and any(c.type == "interpolation" for c in current.children):
            return False
        stack.extend(current.named_children)
    return True


def _on_literal(call: Node) -> bool:
    """`'...'.method(...)`: a string literal's method."""
    function = call.child_by_field_name("function")
    target = function.child_by_field_name("object") if function is not None and function.type == "attribute" else None
    return target is not None and target.type in ("string", "concatenated_string")
