"""Wrappers that change nothing of what a statement does, read as the statement (parse/deadcode.py's
readers of the patterns `dead.try`, `dead.with` and, for version tests, `dead.if`).

`try: ... except E: raise` (or `pass`, or `raise e` of the name caught) and `try: ... finally:
pass` read as the `try` body; `with nullcontext():`, `with ExitStack():` and `with suppress():`
with no `as`, and since `lex-v43` `with suppress(E):` naming exception classes, as the `with`
body; and since `lex-v43` an `if` testing the interpreter's version alike on every Python 3 reads
as what its branches hold, its test and `else:` gone (``version_spans``).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from lineage.parse.constant import version_truth
from lineage.parse.constants_only import constants_only

_RERAISE = frozenset({"pass_statement", "raise_statement", "comment"})
# contexts that do nothing when given nothing, entered with no `as` (`ExitStack()` since `lex-v41`)
_NO_CONTEXT = (b"nullcontext", b"suppress", b"ExitStack")


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


def _block(node: Node) -> Node | None:
    return next((c for c in node.children if c.type == "block"), None)


def _caught(clause: Node, source: bytes) -> bytes:
    """The name an `except ... as NAME` clause binds, or b""."""
    pattern = next((c for c in clause.named_children if c.type == "as_pattern"), None)
    target = next((c for c in pattern.named_children if c.type == "as_pattern_target"), None) if pattern else None
    name = target.named_children[0] if target is not None and target.named_child_count == 1 else None
    return _text(name, source) if name is not None and name.type == "identifier" else b""


def version_spans(node: Node, body: Node, alternatives: list[Node], source: bytes) -> list[tuple[int, int]]:
    """A test of the interpreter's version the same on every Python 3 (`if sys.version_info < (3,
    0):`, parse/constant.py's ``version_truth``) reads as a wrapper: its test and its `else:` go,
    what either branch holds stays (`lex-v43`; `lex-v42` read the branch never taken as absent, and
    a copy that made the version seem 2.7 at run time hid its code there).  An `elif` chain is read
    as written."""
    if len(alternatives) > 1 or alternatives and alternatives[0].type != "else_clause":
        return []
    if version_truth(node.child_by_field_name("condition"), source) is None:
        return []
    spans = [(node.start_byte, body.start_byte)]
    for clause in alternatives:
        rest = clause.child_by_field_name("body") or _block(clause)
        if rest is None:
            return []
        spans.append((clause.start_byte, rest.start_byte))
    return spans


def try_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    body = node.child_by_field_name("body") or _block(node)
    clauses = [c for c in node.children if c.type in ("except_clause", "except_group_clause", "finally_clause",
                                                       "else_clause")]
    if body is None or not clauses or any(c.type == "else_clause" for c in clauses):
        return []
    if not all(_only(_block(c), _RERAISE, _caught(c, source), source, c.type != "finally_clause") for c in clauses):
        return []
    return [(node.start_byte, body.start_byte)] + [(c.start_byte, c.end_byte) for c in clauses]


def _only(block: Node | None, allowed: frozenset[str], caught: bytes = b"", source: bytes = b"",
          handler: bool = False) -> bool:
    """The block holds nothing but statements of these types (a `raise` only bare, or since
    `lex-v41` of ``caught``, the name its handler binds the exception to: `except E as e: raise e`),
    and since `lex-v46`, in a ``handler`` that ends by re-raising, whole-statement calls taking
    nothing from the code but the exception caught (`_report('forward')`, `log_failure(e)`: a
    review's telemetry before `raise`, run only on the way out; a `finally`'s calls, or a
    handler's that swallows the exception, act)."""
    if block is None:
        return False
    statements = [c for c in block.named_children if c.type != "comment"]
    reraises = handler and bool(statements) and statements[-1].type == "raise_statement"
    for child in block.named_children:
        if reraises and child.type == "expression_statement" and _reporting(child, caught, source):
            continue
        if child.type not in allowed:
            return False
        if child.type == "raise_statement" and child.named_child_count and not (
                caught and child.named_child_count == 1 and child.named_children[0].type == "identifier"
                and _text(child.named_children[0], source) == caught):
            return False
    return True


def _reporting(statement: Node, caught: bytes, source: bytes) -> bool:
    """A whole-statement call handed constants and the exception caught alone (its callee may be
    anything: what it is handed is no value of the code's)."""
    call = statement.named_children[0] if statement.named_child_count == 1 else None
    arguments = call.child_by_field_name("arguments") if call is not None and call.type == "call" else None
    if arguments is None or arguments.type != "argument_list":
        return False
    for argument in (a for a in arguments.named_children if a.type != "comment"):
        value = argument.child_by_field_name("value") if argument.type == "keyword_argument" else argument
        if value is None or not (caught and value.type == "identifier" and _text(value, source) == caught
                                 or constants_only(value, source)):
            return False
    return True


def with_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    body = node.child_by_field_name("body") or _block(node)
    clause = next((c for c in node.children if c.type == "with_clause"), None)
    if body is None or clause is None or clause.named_child_count != 1:
        return []
    item = clause.named_children[0]
    value = item.child_by_field_name("value") if item.type == "with_item" else None
    if value is None or value.type != "call":
        return []
    called = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    name = _text(called, source).split(b".")[-1].strip() if called is not None else b""
    if name not in _NO_CONTEXT:
        return []
    if arguments is not None and arguments.named_child_count and not (name == b"suppress" and _classes(arguments, source)):
        return []
    return [(node.start_byte, body.start_byte)]


def marks(value: Node, source: bytes) -> bytes | None:
    """`lex-v46`: a context made by a call given constants alone, outside `self`
    (`torch.profiler.record_function('mlp')`, `torch.cuda.nvtx.range('x')`): its callee's dotted
    name, else None (parse/padding.py reads such contexts, entered with no `as` eight times or
    more in a module's function bodies, as their bodies)."""
    called, arguments = value.child_by_field_name("function"), value.child_by_field_name("arguments")
    if value.type != "call" or called is None or arguments is None or arguments.type != "argument_list" \
            or called.type not in ("identifier", "attribute"):
        return None
    spelt = b"".join(_text(called, source).split())
    if _DOTTED_NAME.fullmatch(spelt) is None or spelt.startswith((b"self.", b"cls.")):
        return None
    given = [a.child_by_field_name("value") if a.type == "keyword_argument" else a
             for a in arguments.named_children if a.type != "comment"]
    return spelt if all(constants_only(a, source) for a in given) else None


_DOTTED_NAME = re.compile(rb"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _classes(arguments: Node, source: bytes) -> bool:
    """Arguments that are names alone (`suppress(KeyError, torch.cuda.OutOfMemoryError)`): since
    `lex-v43` `with suppress(E):` reads as its body, as `try: ... except E: pass` does (`_try_spans`)."""
    given = [a for a in arguments.named_children if a.type != "comment"]
    return all(a.type in ("identifier", "attribute") and _DOTTED_NAME.fullmatch(b"".join(_text(a, source).split()))
               for a in given)
