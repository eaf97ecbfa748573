"""Blocks that never run and wrappers that change nothing, found in function bodies.

Junk statements between copied ones are one way to break k-grams (fingerprint/deadstores.py
drops those); junk *blocks* are another: `if False:` or `while 0:` with anything inside, a
loop over `range(0)`, and wrappers around a statement that leave what it does as it was
(`if True:`, `try: ... except Exception: raise`, `with contextlib.nullcontext():`, a loop that runs
once).  One of
them after or around every statement of transformers' modeling files kept only 46-54% of
their structural fingerprints.  tree-sitter says where each one starts and ends; the byte
spans returned here are dropped from the token streams like docstrings are (parse/units.py),
on the reference side and the scanned side alike, so a block that never runs counts for
nothing and a wrapped statement reads as the statement alone.

Only what is certain by reading is taken: a condition made of constants (`False`, `0`,
`None`, `not True`, `x is None and False`, and since `lex-v31` arithmetic and comparisons of
literals, `3 * 7 == 20`: parse/constant.py), `range(0)`, an empty list or tuple; an `if`
whose every branch is `pass` and whose conditions call nothing (`if x is not None: pass`); a
`try` whose every handler only re-raises or passes, with no `else` or `finally`; `nullcontext()` with no
`as`, `contextlib.suppress()` with nothing to suppress; `for _ in range(1):` or `for _ in [0]:`
whose body never reads its name; `while True:` whose body ends in its only `break`; an `if`
whose branches only change no value (`if x is not None: x = x`); and since `lex-v40` a conditional
expression whose condition is made of constants reads as the branch it takes, wherever it stands
(`print() if False else None` is `None`, which fingerprint/deadstores.py drops); since `lex-v41`
a loop over `range` of any integer constants that is empty or runs once (`range(5, 0)`), a handler
that re-raises the exception by the name it caught it as (`except E as e: raise e`),
`ExitStack()` entered with nothing and no `as`, and a loop that never runs with an `else` of its
own, read as that `else`.  A block with an `else` of its own (`for`/`while`/`try ... else`) stays, and so does any
block holding a definition (a nested function is a unit of its own).  A whole-statement call
to a function the module binds once at its top level to do nothing (`def _trace(*a): return
None`, or a lambda returning a constant), with arguments that call nothing, goes too: a hook
call before every statement is padding like the rest, and so are keywords threaded through
the module and never read (parse/passthrough.py) and calls to its identity function
(parse/identity.py).  Only function and
method bodies are read: a module's or class's top level is left as written.  A tree with
syntax errors is left alone (tree-sitter's query cursor is slow on error nodes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from bisect import bisect_left, bisect_right

from tree_sitter import Node

from lineage.parse.bound import rebound
from lineage.parse.constant import truth, unshadowed, value
from lineage.parse.wrappers import try_spans, version_spans, with_spans
from lineage.parse.neutral import LITERALS, MAY_CALL, changes_nothing, runs_code
from lineage.parse.aliases import alias_spans
from lineage.parse.hollow import hollow_spans
from lineage.parse.junk import junk_spans
from lineage.parse.localimports import local_import_spans
from lineage.parse.opaque import opaque_spans
from lineage.parse.padding import padding_spans
from lineage.parse.identity import bound_once_all, identity_spans, in_function, module_functions, root_of
from lineage.parse.passthrough import passthrough_spans
from lineage.parse.predicates import predicate_spans
from lineage.parse.statevars import state_spans
from lineage.parse.queries import captured
from lineage.parse.uncalled import uncalled_spans
from lineage.parse.walrus import walrus_spans
from lineage.parse.unread import unread_spans
from lineage.parse.wrapped import wrapper_spans

_MAX_DEPTH = 32  # a block nested deeper than this is not read for jumps (left as written)
_PASS = frozenset({"pass_statement", "comment"})


def _text(node: Node, source: bytes) -> bytes:
    return source[node.start_byte:node.end_byte]


def _alternatives(node: Node) -> list[Node]:
    return [c for c in node.children if c.type in ("elif_clause", "else_clause")]


def _block(node: Node) -> Node | None:
    return next((c for c in node.children if c.type == "block"), None)


def _if_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    value = truth(node.child_by_field_name("condition"), source)
    body = node.child_by_field_name("consequence")
    alternatives = _alternatives(node)
    if value is None and body is not None:
        return version_spans(node, body, alternatives, source)
    if value is None or body is None:
        return []
    if value:  # `if True: A else: B` reads as A
        return [(node.start_byte, body.start_byte)] + [(a.start_byte, a.end_byte) for a in alternatives]
    if not alternatives:
        return [(node.start_byte, node.end_byte)]
    if len(alternatives) == 1 and alternatives[0].type == "else_clause":  # `if False: A else: B` reads as B
        rest = alternatives[0].child_by_field_name("body") or _block(alternatives[0])
        return [(node.start_byte, rest.start_byte)] if rest is not None else []
    return []


_TYPING = re.compile(rb"(?:(typing|typing_extensions)\.)?TYPE_CHECKING")


def _typing_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    """`lex-v46`: `if TYPE_CHECKING:` in a function body never runs (False but for type checkers):
    read as absent, or as its `else`, where the module binds the name by importing it from
    `typing` (or `typing_extensions`) alone, or reads it through `typing` imported as it is (a
    review put `if TYPE_CHECKING: reveal_type(x)` after every assignment of copies)."""
    condition = node.child_by_field_name("condition")
    if condition is not None and _text(condition, source) == b"__debug__":
        # (`lex-v47`: checks run in debug mode alone, as an `assert` is, read as asserts are:
        # fingerprint/deadstores.py; a review put `if __debug__: check(x)` after every assignment)
        return [] if _alternatives(node) else [(node.start_byte, node.end_byte)]
    spelt = _TYPING.fullmatch(b"".join(_text(condition, source).split())) if condition is not None else None
    if spelt is None:
        return []
    name = spelt.group(1) or b"TYPE_CHECKING"
    imported = (rb"(?m)^import[ \t]+" + name + rb"[ \t]*$") if spelt.group(1) else \
        rb"(?m)^from[ \t]+typing(?:_extensions)?[ \t]+import[ \t]+(?:\([^)]*|[^\n]*)\bTYPE_CHECKING\b(?![ \t]+as\b)"
    if re.search(imported, source) is None or re.search(rb"\bas[ \t]+" + name + rb"\b", source) \
            or rebound(root_of(node), source, {name.decode()}):
        return []  # (imported otherwise, another name imported under it, or bound again)
    alternatives = _alternatives(node)
    if not alternatives:
        return [(node.start_byte, node.end_byte)]
    if len(alternatives) == 1 and alternatives[0].type == "else_clause":
        rest = alternatives[0].child_by_field_name("body") or _block(alternatives[0])
        return [(node.start_byte, rest.start_byte)] if rest is not None else []
    return []


def _loop_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    alternatives = _alternatives(node)
    if alternatives:  # a loop that never runs its body runs its `else`: it reads as that (`lex-v41`)
        rest = alternatives[0].child_by_field_name("body") or _block(alternatives[0])
        return [(node.start_byte, rest.start_byte)] if rest is not None and _never(node, source) else []
    if node.type == "while_statement":
        value = truth(node.child_by_field_name("condition"), source)
        if value is False:
            return [(node.start_byte, node.end_byte)]
        return _once_spans(node, source) if value else []
    right = node.child_by_field_name("right")
    if right is None:
        return []
    steps = _range_length(right, source)
    if (right.type in ("list", "tuple") and right.named_child_count == 0) or steps == 0:
        return [(node.start_byte, node.end_byte)]
    target, body = node.child_by_field_name("left"), node.child_by_field_name("body")
    once = steps == 1 or (right.type in ("list", "tuple") and right.named_child_count == 1
                          and right.named_children[0].type in LITERALS)
    if once and target is not None and target.type == "identifier" and body is not None:
        # runs its body once: a wrapper, when the body never reads the loop's name (a loop inside
        # bound to the same name, `for _ in [0]:` nested, binds it and does not read it)
        if not _reads(body, _text(target, source), source):
            return [(node.start_byte, body.start_byte)]
    return []


def _never(loop: Node, source: bytes) -> bool:
    """The loop never runs its body: `while` on a false constant, `for` over nothing."""
    if loop.type == "while_statement":
        return truth(loop.child_by_field_name("condition"), source) is False
    right = loop.child_by_field_name("right")
    return right is not None and (right.type in ("list", "tuple") and right.named_child_count == 0
                                  or _range_length(right, source) == 0)


def _range_length(over: Node, source: bytes) -> int | None:
    """How many times a loop over `range(...)` of integer constants runs, 0, 1 or 2 for more
    (`range(0)`, since `lex-v41` `range(5, 0)`, `range(2 - 2)`: parse/constant.py); None for
    anything else."""
    function = over.child_by_field_name("function") if over.type == "call" else None
    arguments = over.child_by_field_name("arguments")
    if function is None or _text(function, source) != b"range" or not unshadowed(b"range", source) or arguments is None \
            or arguments.type != "argument_list" or not 1 <= arguments.named_child_count <= 3:
        return None
    bounds = [b for b in (value(a, source) for a in arguments.named_children) if type(b) is int]
    if len(bounds) != arguments.named_child_count or (len(bounds) == 3 and bounds[2] == 0):
        return None
    steps = range(*bounds)
    return 0 if not steps else 1 if not steps[1:] else 2  # (2: more than once; `len` overflows past 2**63)


def _reads(body: Node, name: bytes, source: bytes) -> bool:
    """Whether ``name`` stands in ``body`` other than as the plain target of a `for` inside."""
    if not re.search(rb"\b" + re.escape(name) + rb"\b", _text(body, source)):
        return False
    stack, seen = [body], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > _MAX_READ:
            return True  # too large to read: taken as read (the loop is left as written)
        if node.type == "identifier" and _text(node, source) == name:
            parent = node.parent
            if not (parent is not None and parent.type == "for_statement" and parent.child_by_field_name("left") == node):
                return True
        elif node.type in ("string", "comment") and re.search(rb"\b" + re.escape(name) + rb"\b", _text(node, source)):
            return True  # (an f-string may read it)
        stack.extend(node.children)
    return False


_MAX_READ = 20_000  # nodes of a loop's body read for its name


def _once_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    """`while True:` whose body ends in `break` and neither breaks nor continues elsewhere runs it
    once: a wrapper (its header and last `break` go); one that starts with `break` runs nothing."""
    body = node.child_by_field_name("body")
    statements = [c for c in body.named_children if c.type != "comment"] if body is not None else []
    if body is None or not statements or statements[-1].type != "break_statement":
        return []
    if statements[0].type == "break_statement":
        return [(node.start_byte, node.end_byte)]
    if any(_jumps(s) for s in statements[:-1]):
        return []
    return [(node.start_byte, body.start_byte), (statements[-1].start_byte, statements[-1].end_byte)]


def _jumps(node: Node, depth: int = 0) -> bool:
    """A `break` or `continue` for the loop around ``node`` (not one of a loop or function inside)."""
    if node.type in ("break_statement", "continue_statement"):
        return True
    if depth > _MAX_DEPTH:
        return True  # too deep to read: taken as jumping (the loop is left as written)
    if node.type in ("for_statement", "while_statement", "function_definition", "class_definition", "lambda"):
        return any(_jumps(c, depth + 1) for c in node.children if c.type == "else_clause")
    return any(_jumps(c, depth + 1) for c in node.named_children)


def _quiet(block: Node | None, source: bytes) -> bool:
    """The block holds only `pass` and statements that change no value (`x = x`, `x = x * 1`:
    parse/neutral.py)."""
    children = block.named_children if block is not None else []
    # (every statement's kind first: most blocks hold another, and reading one's words costs a lexing)
    if not children or any(c.type not in _PASS and c.type != "expression_statement" for c in children):
        return False
    return all(c.type in _PASS or changes_nothing(c, source) for c in children)




def _empty_if_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    """`if c: pass` (and `elif d: pass`, `else: pass`, or branches of statements that change no
    value, `if x is not None: x = x`) whose conditions run no code: it does nothing whichever way
    it goes."""
    body = node.child_by_field_name("consequence")
    if not _quiet(body, source) or runs_code(node.child_by_field_name("condition"), source):
        return []
    for clause in _alternatives(node):
        if not _quiet(_block(clause), source):
            return []
        if clause.type == "elif_clause" and runs_code(clause.child_by_field_name("condition"), source):
            return []
    return [(node.start_byte, node.end_byte)]


def _pick_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    """`a if C else b` whose condition is made of constants reads as the branch it takes: the
    other branch, the condition and both keywords go (`print() if False else None` is `None`)."""
    parts = node.named_children
    keywords = [c for c in node.children if c.type in ("if", "else")]
    if len(parts) != 3 or len(keywords) != 2:
        return []
    value = truth(parts[1], source)
    if value is None:
        return []
    return [(keywords[0].start_byte, node.end_byte)] if value else [(node.start_byte, parts[2].start_byte)]


def _unreachable_spans(node: Node, source: bytes) -> list[tuple[int, int]]:
    """`lex-v53`: the statements after a `return`, `raise`, `continue` or `break` in its block never
    run (obfuscators pad there: pyobfus's `return x` then `[_i for _i in range(8)]`), unless a
    definition or a `yield` stands among them."""
    if node.parent is None or node.parent.type != "block":
        return []
    after = []
    sibling = node.next_named_sibling
    while sibling is not None:
        if sibling.type != "comment":
            after.append(sibling)
        sibling = sibling.next_named_sibling
    if not after:
        return []
    span = (after[0].start_byte, after[-1].end_byte)
    # a definition stays (a unit of its own), and so does a `yield` (`return` then `yield`: a generator
    # that yields nothing, which the `yield` makes one)
    return [] if _KEPT_AFTER_JUMP.search(source, span[0], span[1]) else [span]


_KEPT_AFTER_JUMP = re.compile(rb"\b(?:def|class|lambda|yield)\b")


_SPANS = {"if": _if_spans, "empty": _empty_if_spans, "while": _loop_spans, "for": _loop_spans, "try": try_spans,
          "with": with_spans, "pick": _pick_spans, "typing": _typing_spans, "jump": _unreachable_spans}


def _does_nothing(body: Node | None) -> bool:
    """A function body of docstrings, `pass`, `...` and bare or constant `return`s only."""
    if body is None:
        return False
    for child in body.named_children:
        if child.type in ("pass_statement", "comment"):
            continue
        if child.type == "expression_statement" and child.named_child_count == 1 \
                and child.named_children[0].type in LITERALS:
            continue
        if child.type == "return_statement" and (
                child.named_child_count == 0 or child.named_children[0].type in LITERALS):
            continue
        return False
    return True


def _idle_functions(root: Node, source: bytes) -> frozenset[bytes]:
    """Names the module binds once, at its top level, to a function that does nothing: an
    undecorated `def` whose body is only docstrings, `pass`, `...` and constant `return`s, or a
    lambda returning a constant.  A name bound anywhere else too (another `def` or assignment,
    in any block, an import, a `global` declaration: a function may rebind it) is not one: what
    it calls is not certain by reading."""
    idle = [(f.name, f.by_def) for f in module_functions(root, source)
            if (_does_nothing(f.body) if f.by_def else f.body is not None and f.body.type in LITERALS)]
    return bound_once_all(source, idle)


def _idle_call_spans(root: Node, source: bytes) -> list[tuple[int, int]]:
    """Whole statements in function bodies that only call a do-nothing function of the module
    (`_trace("forward")`) with arguments that run no code: a padding of each function."""
    idle = _idle_functions(root, source)
    if not idle:
        return []
    spans: list[tuple[int, int]] = []
    for node in captured(root, "idle.stmt"):
        call = node.named_children[0] if node.named_child_count == 1 else None
        called = call.child_by_field_name("function") if call is not None else None
        arguments = call.child_by_field_name("arguments") if call is not None else None
        if called is None or _text(called, source) not in idle or not in_function(node):
            continue
        if arguments is not None and _calls_inside(arguments, source):
            continue
        spans.append((node.start_byte, node.end_byte))
    return spans


def _calls_inside(arguments: Node, source: bytes) -> bool:
    """Whether evaluating a call's arguments may run code (read on their bytes)."""
    inner = _text(arguments, source)[1:-1]
    return any(word in inner for word in MAY_CALL)


def dead_spans(root: Node, source: bytes, def_starts: list[int], identities: frozenset[bytes],
               tick: Callable[[], None] = lambda: None) -> list[tuple[int, int]]:
    """Byte spans of never-run blocks, of do-nothing wrappers' own tokens and of calls to the
    module's do-nothing functions, or repeated as padding, in function bodies (``def_starts``: every definition's first
    byte, ascending: a span holding one is kept; ``identities``: the module's identity functions,
    parse/identity.py; ``tick``: called in long loops, raises to stop, parse/budget.py)."""
    if root.has_error:
        return []
    spans: list[tuple[int, int]] = _idle_call_spans(root, source) if b"def " in source or b"lambda" in source else []
    padding = padding_spans(root, source) if b"def " in source else []  # calls repeated as padding (parse/padding.py)
    spans += padding
    spans += passthrough_spans(root, source)  # keywords threaded and never read (parse/passthrough.py)
    spans += identity_spans(root, source, identities)  # calls to the module's identity function (parse/identity.py)
    spans += wrapper_spans(root, source)  # a call wrapped around most values (parse/wrapped.py)
    if any(word in source for word in (b"if", b"while", b"for", b"try", b"with")):
        spans += _block_spans(root, source, def_starts)
    spans += junk_spans(root, source, tick, frozenset(padding))  # locals that feed nothing but each other (parse/junk.py)
    spans += opaque_spans(root, source)  # guards over builtins alone, counters only they read (parse/opaque.py)
    spans += predicate_spans(root, source)  # tests padded with fixed values, branches inside out (parse/predicates.py)
    spans += state_spans(root, source)  # `if`s jumping between labels a local holds (parse/statevars.py)
    if source.count(b"def ") > 1 or b"def " in source and source.count(b"class ") > 1:
        spans += uncalled_spans(root, source)  # nested functions and classes never named (parse/uncalled.py)
    spans += hollow_spans(root, source, spans, def_starts)  # guards left guarding nothing (parse/hollow.py)
    # parameters with defaults never read (parse/unread.py), but where the spans above read them
    spans += unread_spans(root, source, spans)
    # imports in function bodies the function never reads, but where the spans above read them
    # (`import os as _p` before a padding call `_p.getpid()`, parse/localimports.py)
    spans += local_import_spans(root, source, spans)
    # a parameter renamed first thing, `A=config` (parse/aliases.py): after the above, which would
    # read the parameter as unread once its only spelling is gone
    spans += alias_spans(root, source)
    # an assignment expression whose name nothing reads, `(x := f(h)).view(s)` (parse/walrus.py)
    spans += walrus_spans(root, source)
    return sorted(set(spans))


def _block_spans(root: Node, source: bytes, def_starts: list[int]) -> list[tuple[int, int]]:
    """Never-run blocks and do-nothing wrappers in function bodies (``_SPANS``' readers of the
    patterns `dead.*`, parse/queries.py)."""
    spans: list[tuple[int, int]] = []
    for name, reader in _SPANS.items():
        for node in captured(root, "dead." + name):
            if not in_function(node):
                continue
            found = reader(node, source)
            lo, hi = node.start_byte, node.end_byte
            if found and bisect_right(def_starts, hi - 1) > bisect_left(def_starts, lo):
                continue  # a definition inside: a unit of its own, never dropped with the block
            spans.extend(found)
    return spans
