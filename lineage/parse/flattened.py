"""Control flow flattened into a state machine, read as the statements it dispatches.

Obfuscators flatten a function's body into one loop over a state variable: each run of its
statements becomes one branch of an if/elif chain, chosen by the state, and each ends by setting
the state of the next (pyobfus Pro's `--control-flow`, obfuscatorx's flattening, which hides each
test behind an always-true predicate of its own):

    state = 0
    while state != -1:
        if state == 0:
            h = norm(x)
            if cache is not None:
                state = 1
            else:
                state = 2
        elif state == 1:
            k = cache.update(k)
            state = 2
        elif state == 2:
            result = attn(h, k)
            state = -1
    return result

Every k-gram of the function changes.  Such a loop is read as its branches' statements, in the
order written (both tools write the branches in the order of the code they flatten), without
the scaffolding: the state's first binding, the loop's header, each branch's test, every
binding of the state, and an `else` left empty by them (`if cache is not None:` then reads over
what state 1 runs, as the code did).  A value kept for the end, `result = None` before the loop
and `return result` after it, reads as returned where it is bound (`return attn(h, k)`).
The loop qualifies only when every test of three or more branches compares one name with `==`
(beside anything `and` joins to it), the loop's own test compares that name with `!=`, the
name is bound just before the loop, every state is a number (integers and their arithmetic),
and the tests read no other name but the module's own (`lex-v53`): a tokenizer's states
(`state == "word" and i < len(text)`) or a scheduler's (`phase = 1 if more else 3`) are the
code's own logic, not a dispatcher.
"""

from __future__ import annotations

import re

import numpy as np
from tree_sitter import Node

from lineage.parse.queries import captured

MIN_BRANCHES = 3


def unflattened(root: Node, source: bytes, starts: np.ndarray) -> tuple[dict[int, bytes], list[tuple[int, int]]]:
    """({token index: the keyword it reads as}, [byte spans read as absent]) for every flattened
    loop of the module."""
    if b"while" not in source:
        return {}, []
    reads: dict[int, bytes] = {}
    spans: list[tuple[int, int]] = []
    for loop in captured(root, "flat.while"):
        found = _dispatch(loop, source)
        if found is None:
            continue
        state, branches, before = found
        spans += [(before.start_byte, before.end_byte), _header(loop)]
        for branch in branches:
            spans.append(_header(branch) if branch.type != "else_clause" or not _idle(branch, state, source)
                         else (branch.start_byte, branch.end_byte))
            spans += _bindings_of(branch, state, source)
        kept = _kept_for_the_end(loop, source)
        if kept is not None:
            name, first, last = kept
            spans += [(first.start_byte, first.end_byte), (last.start_byte, last.end_byte)]
            for assignment in _assigned(branches, name, source):
                at = int(np.searchsorted(starts, assignment.start_byte))
                equals = next((c for c in assignment.children if c.type == "="), None)
                if at < starts.size and int(starts[at]) == assignment.start_byte and equals is not None:
                    reads[at] = b"return"
                    spans.append((equals.start_byte, equals.end_byte))
    return reads, sorted(set(spans))


def _dispatch(loop: Node, source: bytes) -> tuple[bytes, list[Node], Node] | None:
    """(the state's name, the chain's branches, the state's binding before the loop), or None.
    An obfuscator's dispatcher, not a state machine of the code's own: every state a number
    (integers and their arithmetic, `1420454099 ^ 29918`), every binding of the state one, and
    whatever `and` joins to a test reading no name but the state and the module's own (an
    always-true predicate over a global, `_g * _g % 4 in {0, 1}`; a tokenizer's `i < len(text)`
    reads its locals)."""
    body = loop.child_by_field_name("body")
    chain = body.named_children[0] if body is not None and body.named_child_count else None
    condition = loop.child_by_field_name("condition")
    if chain is None or condition is None:
        return None
    branches = [chain] + [c for c in chain.children if c.type in ("elif_clause", "else_clause")]
    tested = [b for b in branches if b.type != "else_clause"]
    if len(tested) < MIN_BRANCHES:
        return None
    names = None
    for branch in tested:
        test = branch.child_by_field_name("condition")
        compared = _compared(test, source, "==") if test is not None else set()
        names = compared if names is None else names & compared
        if not names:
            return None
    state = next((n for n in sorted(names or ()) if n in _compared(condition, source, "!=")), None)
    before = loop.prev_named_sibling
    if state is None or before is None or _bound(before, source) != state:
        return None
    tests = [condition] + [t for t in (b.child_by_field_name("condition") for b in tested) if t is not None]
    bindings = [before] + [s for b in branches for s in _statements(b) if _bound(s, source) == state]
    if not all(_numbers(_value_of(s), source) for s in bindings) \
            or not all(_reads_only(t, state, source) for t in tests):
        return None
    return state, branches, before


def _value_of(statement: Node) -> Node | None:
    assignment = statement.named_children[0] if statement.named_child_count else None
    return assignment.child_by_field_name("right") if assignment is not None else None


def _numbers(node: Node | None, source: bytes) -> bool:
    """Integers under arithmetic alone (`-1`, `1420454099 ^ 29918`)."""
    if node is None:
        return False
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type not in ("integer", "binary_operator", "unary_operator", "parenthesized_expression") \
                and current.is_named:
            return False
        stack.extend(current.children)
    return True


def _reads_only(test: Node, state: bytes, source: bytes) -> bool:
    """The test reads no name but the state and names the module binds at its top level."""
    stack = [test]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            name = source[current.start_byte:current.end_byte]
            if name != state and re.search(rb"(?m)^" + re.escape(name) + rb"\s*(?::[^=\n]*)?=(?!=)", source) is None:
                return False
        elif current.type in ("call", "attribute", "subscript", "lambda", "named_expression"):
            return False
        stack.extend(current.named_children)
    return True


def _compared(test: Node, source: bytes, operator: str) -> set[bytes]:
    """Names ``test`` compares with ``operator`` against something, itself or through `and`."""
    while test.type == "parenthesized_expression" and test.named_child_count == 1:
        test = test.named_children[0]
    if test.type == "boolean_operator" and any(c.type == "and" for c in test.children):
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        return (_compared(left, source, operator) if left is not None else set()) | \
            (_compared(right, source, operator) if right is not None else set())
    if test.type != "comparison_operator" or [c.type for c in test.children if not c.is_named] != [operator]:
        return set()
    return {source[c.start_byte:c.end_byte] for c in test.named_children if c.type == "identifier"}


def _bound(statement: Node, source: bytes) -> bytes | None:
    """The name `name = value` binds as a statement of its own, or None."""
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    assignment = statement.named_children[0]
    left = assignment.child_by_field_name("left") if assignment.type == "assignment" else None
    if left is None or left.type != "identifier" or assignment.child_by_field_name("right") is None:
        return None
    return source[left.start_byte:left.end_byte]


def _header(node: Node) -> tuple[int, int]:
    """A compound statement's (or clause's) header: up to its block."""
    block = node.child_by_field_name("body") or node.child_by_field_name("consequence") or \
        next((c for c in node.children if c.type == "block"), None)
    return node.start_byte, block.start_byte if block is not None else node.end_byte


def _statements(node: Node) -> list[Node]:
    """The statements under a branch, nested ones too, not entering functions or classes."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        for child in current.named_children:
            if child.type in ("function_definition", "class_definition", "decorated_definition", "lambda"):
                continue
            if child.type.endswith("_statement") or child.type in ("block", "elif_clause", "else_clause"):
                out.append(child)
                stack.append(child)
    return out


def _bindings_of(branch: Node, state: bytes, source: bytes) -> list[tuple[int, int]]:
    """The state's bindings under a branch, and the `else:` headers left with nothing else."""
    spans = [(s.start_byte, s.end_byte) for s in _statements(branch) if _bound(s, source) == state]
    spans += [_header(c) for c in _statements(branch) if c.type == "else_clause" and _idle(c, state, source)]
    return spans


def _idle(clause: Node, state: bytes, source: bytes) -> bool:
    """A clause whose block only binds the state or passes."""
    block = next((c for c in clause.children if c.type == "block"), None)
    return block is not None and all(s.type == "pass_statement" or _bound(s, source) == state
                                     for s in block.named_children if s.type != "comment")


def _kept_for_the_end(loop: Node, source: bytes) -> tuple[bytes, Node, Node] | None:
    """(name, its binding before the loop, `return name` after it) of a value the loop computes
    for the end, or None."""
    after = loop.next_named_sibling
    if after is None or after.type != "return_statement" or after.named_child_count != 1 \
            or after.named_children[0].type != "identifier":
        return None
    name = source[after.named_children[0].start_byte:after.named_children[0].end_byte]
    first = loop.prev_named_sibling.prev_named_sibling if loop.prev_named_sibling is not None else None
    if first is None or _bound(first, source) != name:
        return None
    return name, first, after


def _assigned(branches: list[Node], name: bytes, source: bytes) -> list[Node]:
    """The assignments `name = value` under the branches."""
    return [s.named_children[0] for b in branches for s in _statements(b) if _bound(s, source) == name]
