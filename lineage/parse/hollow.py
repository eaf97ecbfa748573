"""Guards around nothing, read as absent (`lex-v43`).

The passes before this one read padding as absent statement by statement: calls repeated for
nothing (parse/padding.py), junk (parse/junk.py), flags nothing reads (parse/opaque.py).  An
obfuscator may put each such statement inside a guard of its own, `if os.environ.get('X'):
print('x')` after every statement: the call goes and leaves a guard that guards nothing, whose
tokens still cut every structural k-gram around it (eight transformers modeling files so padded
read 1 of 8 as their own family).  An `if` in a function body whose every branch holds only what
is read as absent (or `pass`), and whose conditions run no code but builtins that compute a value
(parse/neutral.py's ``runs_code``) and standard-library functions that change nothing given
literals (`os.environ.get('X')`, `os.getenv('X')`, `time.time()`: parse/modules.py's ``quiet``),
reads as absent too, as `if c: pass` does (parse/deadcode.py).  A guard holding a definition stays
(a nested function is a unit of its own).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from tree_sitter import Node

from lineage.parse.bound import binds
from lineage.parse.constant import pure_builtin
from lineage.parse.identity import in_function
from lineage.parse.modules import Modules, quiet
from lineage.parse.neutral import runs_code
from lineage.parse.padding import takes_nothing
from lineage.parse.queries import captured

_RUNS = frozenset({"named_expression", "await", "yield", "lambda", "list_comprehension", "set_comprehension",
                   "dictionary_comprehension", "generator_expression"})
_NOTHING = frozenset({"pass_statement", "comment"})


def hollow_spans(root: Node, source: bytes, spans: list[tuple[int, int]],
                 def_starts: list[int]) -> list[tuple[int, int]]:
    """Byte spans of the `if` statements in function bodies that guard only what ``spans`` (the
    other passes' findings) read as absent (``def_starts``: every definition's first byte, ascending)."""
    if not spans:
        return []
    los, his = _merged(spans)
    found: list[tuple[int, int]] = []
    modules: list[Modules] = []

    def modules_of() -> Modules:
        if not modules:
            modules.append(Modules(root, source))
        return modules[0]

    for node in reversed(captured(root, "opaque.if")):  # (inner guards first: an outer one may guard them alone)
        lo, hi = node.start_byte, node.end_byte
        if bisect_right(def_starts, hi - 1) > bisect_left(def_starts, lo) or not in_function(node):
            continue
        clauses = [c for c in node.children if c.type in ("elif_clause", "else_clause")]
        blocks = [node.child_by_field_name("consequence")] + [
            c.child_by_field_name("consequence") or c.child_by_field_name("body") for c in clauses]
        local = _locals(_function_of(node), source)
        if not all(_covered(block, los, his, source, local) for block in blocks):
            continue
        tests = [node.child_by_field_name("condition")] + [
            c.child_by_field_name("condition") for c in clauses if c.type == "elif_clause"]
        if all(_quiet_test(test, source, modules_of) for test in tests):
            found.append((lo, hi))
            los, his = _merged([*zip(los, his), (lo, hi)])
    return found


def _function_of(node: Node) -> Node | None:
    """The function definition a statement is in (the innermost)."""
    parent = node.parent
    while parent is not None and parent.type != "function_definition":
        parent = parent.parent
    return parent


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Overlapping spans joined: (starts, ends), ascending."""
    los: list[int] = []
    his: list[int] = []
    for lo, hi in sorted(spans):
        if los and lo <= his[-1]:
            his[-1] = max(his[-1], hi)
        else:
            los.append(lo)
            his.append(hi)
    return los, his


def _covered(block: Node | None, los: list[int], his: list[int], source: bytes, local: Callable[[bytes], bool]) -> bool:
    """Every statement of the block is `pass`, a comment, or a call within one of the spans whose
    callee is reached from no name of the function (`print('x')`, `logger.info('x')`, never
    `data.pop('k', None)` or `self.reasons.append('x')`: the `lex-v35` count reads those as padding
    when repeated, though they change what the function goes on to use, and a guard around them
    is the function's own logic; a stranger's review found vLLM's configuration checks so)."""
    if block is None or not block.named_children:
        return False
    for statement in block.named_children:
        if statement.type in _NOTHING:
            continue
        at = bisect_right(los, statement.start_byte) - 1
        if at < 0 or his[at] < statement.end_byte:
            return False
        if statement.type == "if_statement":
            continue  # (a guard read as absent whole: one of these, or one that never runs)
        call = statement.named_children[0] if statement.type == "expression_statement" \
            and statement.named_child_count == 1 else None
        if call is None or call.type != "call" or local(_root(call.child_by_field_name("function"), source)):
            return False
    return True


def _root(callee: Node | None, source: bytes) -> bytes:
    """The name a callee is reached from (`logger` of `logger.info`, `__import__` of
    `__import__('os').getpid`), or b"" when it is no name."""
    while callee is not None and callee.type in ("attribute", "call", "subscript", "parenthesized_expression"):
        callee = callee.child_by_field_name("object") if callee.type == "attribute" else \
            callee.child_by_field_name("function") if callee.type == "call" else \
            callee.child_by_field_name("value") if callee.type == "subscript" else \
            (callee.named_children[0] if callee.named_child_count else None)
    return source[callee.start_byte:callee.end_byte] if callee is not None and callee.type == "identifier" else b""


def _locals(function: Node | None, source: bytes) -> Callable[[bytes], bool]:
    """Whether a name is the function's own: a parameter, or bound in its body (an assignment, a
    loop, `with ... as`, an import: parse/bound.py's ``binds``); b"" (no name) counts as its own."""

    def local(name: bytes) -> bool:
        if not name or function is None:
            return True
        text = source[function.start_byte:function.end_byte]
        for hit in re.finditer(rb"(?<![\w.])" + re.escape(name) + rb"(?!\w)", text):
            at = function.start_byte + hit.start()
            word = function.descendant_for_byte_range(at, at + len(name))
            if word is not None and word.type == "identifier" and binds(word):
                return True
        return False
    return local


def _quiet_test(test: Node | None, source: bytes, modules: Callable[[], Modules]) -> bool:
    """The condition runs no code but builtins computing a value and quiet standard-library calls
    given literals (their callees read as modules' names: parse/modules.py)."""
    if test is None:
        return False
    if not runs_code(test, source):
        return True
    stack = [test]
    while stack:
        node = stack.pop()
        if node.type in _RUNS:
            return False
        if node.type == "call":
            function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if takes_nothing(arguments) and quiet(modules().function_of(function)):
                continue
            if not pure_builtin(node, source) or arguments is None or arguments.type != "argument_list" or any(
                    a.type in ("keyword_argument", "list_splat", "dictionary_splat") for a in arguments.named_children):
                return False  # (`max(xs, key=self.build)` runs the code's own function)
            stack.extend(arguments.named_children)
            continue
        stack.extend(node.named_children)
    return True
