"""A jump table made of `if`s over a local holding labels: read as the code it jumps to (`lex-v57`).

An obfuscator can turn every `if` into jumps between labels held in a local (obfupy's `rewriteIf`,
after `expandIfCondition` pads each test with always-true operands): `s = 17`, then `if not c:
s = 6` / `else: s = 12`, then `if s == 12: <the branch>`, each step a label, the code itself in the
blocks under `if s == k:`.  Every statement is then wrapped in a new `if` and surrounded by
assignments of numbers, which breaks every structural k-gram of the function: a stranger's review
hid copies of transformers' qwen3_moe, gemma3 and deepseek_v3 files so (exit 0, 6 of 10 files).

A local of a function is such a label when every spelling of it in the function (nested
functions included) is an assignment of a label standing as a statement alone, or the test of an
`if` (no `elif` or `else`) comparing it `==` to a label, and it is assigned twice or more; a label
is an integer literal or a name the function does not bind (the obfuscator may hoist the numbers
into module-level names with the other literals).  Then its assignments are read as absent; so is each such `if`'s header, its block
read where it stands (a block of `pass` alone, the whole `if`); and so is an `if` whose branches
hold nothing but such assignments (with `pass`), its test included: it only picks a label.  The
statements the jumps reach stay, in their order in the text.  Real code that keeps a state in a
local (`mode = 1` ... `if mode == 1:`) loses those spellings alike on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

# a label's test as written, `if s == 12:` or `if s == K:` (the candidates: names so tested and so assigned)
_VALUE = rb"(?:-?\d+|[A-Za-z_][A-Za-z0-9_]*)"
_TEST = re.compile(rb"\bif ([A-Za-z_][A-Za-z0-9_]*) == " + _VALUE + rb"\s*:")
_SET = rb"(?m)^[ \t]+%s[ \t]*=[ \t]*" + _VALUE + rb"[ \t]*(?:#.*)?$"
MIN_SETS = 2  # a label is assigned this many times or more


def state_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Byte spans of the label assignments, label tests' headers and label-picking `if`s of every
    function whose locals hold jump labels."""
    if b"if " not in source or b"==" not in source:
        return []
    spans: list[tuple[int, int]] = []
    done: set[tuple[int, bytes]] = set()  # (function's first byte, label) read
    for name in sorted({m.group(1) for m in _TEST.finditer(source)}):
        if len(re.findall(_SET % re.escape(name), source)) < MIN_SETS:
            continue
        for hit in re.finditer(rb"\bif %s == " % re.escape(name), source):
            function = _function_at(root, hit.start())
            if function is None or (function.start_byte, name) in done:
                continue
            done.add((function.start_byte, name))
            spans += _labels(function, source, name)
    return sorted(set(spans))


def _function_at(root: Node, at: int) -> Node | None:
    """The innermost function definition holding byte ``at``."""
    node: Node | None = root.descendant_for_byte_range(at, at)
    while node is not None and node.type != "function_definition":
        node = node.parent
    return node


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def _labels(function: Node, source: bytes, name: bytes) -> list[tuple[int, int]]:
    """The spans ``name`` makes absent in ``function`` when it is a jump label there, else none."""
    sets: list[Node] = []  # its assignment statements
    tests: list[Node] = []  # the `if` statements testing it
    bound = _bound_names(function, source)
    for node in _walk(function):
        if node.type != "identifier" or source[node.start_byte:node.end_byte] != name:
            continue
        statement = _set_statement(node, source, bound)
        if statement is not None:
            sets.append(statement)
            continue
        test = _label_test(node, source, bound)
        if test is None:
            return []  # spelt otherwise: a value the code reads
        tests.append(test)
    if len(sets) < MIN_SETS or not tests:
        return []
    set_spans = {(s.start_byte, s.end_byte) for s in sets}
    spans = sorted(set_spans)
    for test in tests:
        body = test.child_by_field_name("consequence")
        if body is None:
            return []
        if all(c.type == "pass_statement" for c in body.named_children if c.type != "comment"):
            spans.append((test.start_byte, test.end_byte))
        else:
            spans.append((test.start_byte, body.start_byte))
    for node in _walk(function):
        if node.type == "if_statement" and _picks_label(node, set_spans):
            spans.append((node.start_byte, node.end_byte))
    return spans


def _set_statement(node: Node, source: bytes, bound: set[bytes]) -> Node | None:
    """The statement `name = <label>` standing alone whose target ``node`` is, or None."""
    assignment = node.parent
    if assignment is None or assignment.type != "assignment" or assignment.child_by_field_name("left") != node:
        return None
    value = assignment.child_by_field_name("right")
    if value is None or assignment.child_by_field_name("type") is not None or not _label(value, source, bound):
        return None
    statement = assignment.parent
    if statement is None or statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    return statement


def _label(node: Node, source: bytes, bound: set[bytes]) -> bool:
    """An integer literal, or a name the function does not bind (a constant of the module: an
    obfuscator hoists the labels with the other literals, obfupy's `extractConstant`)."""
    if node.type == "unary_operator" and node.named_child_count == 1:
        node = node.named_children[0]
    return node.type == "integer" or node.type == "identifier" and source[node.start_byte:node.end_byte] not in bound


_BINDING = {"parameters", "lambda_parameters", "default_parameter", "typed_parameter", "typed_default_parameter",
            "list_splat_pattern", "dictionary_splat_pattern", "global_statement", "nonlocal_statement", "as_pattern_target"}
_TARGETS = {"assignment", "augmented_assignment", "for_statement", "for_in_clause", "named_expression"}


def _bound_names(function: Node, source: bytes) -> set[bytes]:
    """The names ``function`` binds: its parameters, and every name assigned, looped over or
    otherwise bound in it (nested functions included)."""
    bound: set[bytes] = set()
    for node in _walk(function):
        if node.type != "identifier":
            continue
        up: Node | None = node.parent
        child = node
        while up is not None and up.type in ("pattern_list", "tuple_pattern", "list_pattern", "parenthesized_expression"):
            child = up
            up = up.parent
        if up is None:
            continue
        if up.type in _BINDING or up.type in _TARGETS and up.child_by_field_name("left") == child \
                or up.type == "named_expression" and up.child_by_field_name("name") == child \
                or up.type == "function_definition" and up.child_by_field_name("name") == child:
            bound.add(source[node.start_byte:node.end_byte])
    return bound


def _label_test(node: Node, source: bytes, bound: set[bytes]) -> Node | None:
    """The `if` (no `elif`, no `else`) whose whole test is `name == <label>` with ``node`` as
    `name`, or None."""
    compare = node.parent
    if compare is None or compare.type != "comparison_operator" or compare.named_child_count != 2 \
            or compare.named_children[0] != node or not _label(compare.named_children[1], source, bound):
        return None
    operators = [c for c in compare.children if not c.is_named]
    if len(operators) != 1 or operators[0].type != "==":
        return None
    test = compare.parent
    if test is None or test.type != "if_statement" or test.child_by_field_name("condition") != compare \
            or test.child_by_field_name("alternative") is not None:
        return None
    return test


def _picks_label(node: Node, sets: set[tuple[int, int]]) -> bool:
    """An `if` whose every branch holds nothing but label assignments (and `pass`)."""
    blocks = [node.child_by_field_name("consequence")]
    for alternative in node.children_by_field_name("alternative"):
        blocks.append(alternative.child_by_field_name("consequence") if alternative.type == "elif_clause"
                      else alternative.child_by_field_name("body"))
    seen = False
    for block in blocks:
        if block is None:
            return False
        for child in block.named_children:
            if child.type in ("comment", "pass_statement"):
                continue
            if (child.start_byte, child.end_byte) not in sets:
                return False
            seen = True
    return seen
