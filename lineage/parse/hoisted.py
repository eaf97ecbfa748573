"""Literals a minifier hoisted into one-letter names, read where the names are used.

python-minifier's `hoist_literals` (and hand-made obfuscation like it) binds each repeated
literal to a short module-level name once, `A=None`, `E=True`, `S='hidden_states'`, and spells
the name wherever the literal stood; it may bind builtins so too, `P=getattr`.  Every use then
reads as a name, not as `None` or a string, and every k-gram around it changes: a minified copy
of transformers' qwen3 modeling file matched none of qwen3's units on names alone (`lex-v29`).

A name the module binds once, at its top level, to one literal token (a string, a number,
`True`, `False`, `None`) or to a builtin's name, and binds nowhere else at its top level or in a
class body (no other assignment, import, definition, `global` or `del` of it), holds that value
wherever a function does not bind the name for itself (a parameter or a local of the same name
shadows it there, and in the functions nested there): each such use reads as the literal (or
builtin) itself, and the binding statement is read as absent.  So does a name bound so among a
function's first statements, within that function (python-minifier hoists a literal that one
function uses into that function); and an import's alias of a plain name reads as the name
(`import torch as B`: `B.cat` reads as `torch.cat`, which idioms such as `torch.matmul` need).
On the reference side and the scanned side alike.  Measured by `make eval`'s `minify` variant
(benchmarks/minify.py): with parse/aliases.py and fingerprint/statements.py, 21.5% of files
named their true parent on `lex-v28`, 86.0% on `lex-v29`.
"""

from __future__ import annotations

import numpy as np
from tree_sitter import Node

from lineage.parse.nodes import unwrapped
from lineage.parse.queries import functions

LITERALS = ("string", "integer", "float", "true", "false", "none")
MAX_LEADING = 64  # a function's first statements read for bindings (a minifier hoists a few)
# a fixed list, not the running interpreter's `builtins` (an index built on one Python must read
# as a scan on another does): the functions and the exceptions model code calls
BUILTINS = frozenset((
    "abs all any ascii bin bool bytearray bytes callable chr classmethod complex delattr dict dir divmod "
    "enumerate filter float format frozenset getattr globals hasattr hash hex id int isinstance issubclass iter "
    "len list locals map max memoryview min next object oct open ord pow print property range repr reversed "
    "round set setattr slice sorted staticmethod str sum super tuple type vars zip Exception ValueError "
    "TypeError KeyError IndexError RuntimeError NotImplementedError AttributeError AssertionError ImportError "
    "StopIteration NotImplemented Ellipsis").split())
_PATTERNS = ("pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern", "tuple", "list",
             "parenthesized_expression", "expression_list")
_TARGETS = {"assignment": "left", "augmented_assignment": "left", "for_statement": "left",
            "for_in_clause": "left", "named_expression": "name"}
_BINDING_PARENTS = ("parameters", "lambda_parameters", "typed_parameter", "list_splat_pattern",
                    "dictionary_splat_pattern", "global_statement", "nonlocal_statement", "as_pattern_target",
                    "delete_statement", "aliased_import", "dotted_name", "import_statement", "import_from_statement")
_NAMED = {"default_parameter": "name", "typed_default_parameter": "name", "function_definition": "name",
          "class_definition": "name"}


def hoisted(root: Node, source: bytes, starts: np.ndarray, text_ids: np.ndarray,
            texts: dict[str, int], folded: frozenset[tuple[int, int]] = frozenset()
            ) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """({token index: token index of the literal it reads as}, [binding statements' byte spans]).
    ``starts``: each token's first byte; ``text_ids``: each token's text id; ``texts``: text ids
    by text.  The module's top level, and each function's first statements (a minifier hoists
    a literal used in one function only into that function).  ``folded``: the byte spans of
    expressions read as one literal (parse/folded.py), literals here too (`lex-v53`: obfupy binds
    every constant of a module, each spelt the long way, `a, b = (not 50, 'daeh'[::-1])`)."""
    found: list[tuple[Node | None, str, tuple[Node, Node, Node]]] = []
    # (every top-level statement is read, in linear time: a cap let thousands of padding
    # statements before a minified copy leave its hoisted names unread)
    scopes: list[tuple[Node | None, list[Node]]] = [(None, root.named_children)]
    if b"def " in source:
        scopes += [(fn, leading(fn)) for fn, _, _ in functions(root)]
    for scope, statements in scopes:
        found += [(scope, name, binding) for name, binding in _bound(statements, source, folded).items()]
    wanted = {texts[name] for _, name, _ in found if name in texts}
    at = np.flatnonzero(np.isin(text_ids, np.fromiter(wanted, dtype=np.int64, count=len(wanted))))
    by_text: dict[int, np.ndarray] = {}
    if at.size:
        order = np.argsort(text_ids[at], kind="stable")
        keys, first = np.unique(text_ids[at][order], return_index=True)
        by_text = dict(zip(keys.tolist(), np.split(at[order], first[1:])))
    reads: dict[int, int] = {}
    read_through: dict[tuple[int, int], int] = {}  # statement -> how many of its names read through
    for scope, name, (statement, left, right) in found:
        value = _token_at(starts, right, (right.start_byte, right.end_byte) in folded)
        tokens = by_text.get(texts.get(name, -1))
        if value is None or tokens is None:
            continue
        if scope is not None:
            tokens = tokens[(starts[tokens] >= scope.start_byte) & (starts[tokens] < scope.end_byte)]
        uses = _uses(root, name, left, tokens, starts, scope)
        if uses is None:
            continue
        reads.update(dict.fromkeys(uses, value))
        if statement.type == "expression_statement":  # (an import stays: only its alias is read through)
            span = (statement.start_byte, statement.end_byte)
            read_through[span] = read_through.get(span, 0) + 1
    # a statement goes when every name it binds reads through (`a, b = getattr, f()` stays)
    spans = [span for span, n in read_through.items() if n == _names_bound(root, span)]
    return reads, sorted(spans)


def _bound(statements: list[Node], source: bytes,
           folded: frozenset[tuple[int, int]] = frozenset()) -> dict[str, tuple[Node, Node, Node]]:
    """Names bound once among the statements, each to what it reads as: {name: (statement, the
    name's node, the value's node)}."""
    bound: dict[str, tuple[Node, Node, Node]] = {}
    seen: set[str] = set()
    for statement in statements:
        for name, left, right in _bindings(statement, source, folded):
            if name in seen:
                bound.pop(name, None)
                continue
            seen.add(name)
            bound[name] = (statement, left, right)
    return bound


def leading(fn: Node) -> list[Node]:
    """A function's first statements that bind a name to a literal, a builtin or another name
    (its docstring and comments aside): where a minifier puts what it hoists and aliases."""
    body = fn.child_by_field_name("body")
    out: list[Node] = []
    if body is None:
        return out
    for i in range(min(body.named_child_count, MAX_LEADING)):
        statement = body.named_child(i)
        if statement is None:
            break
        if statement.type == "comment" or (not out and _docstring(statement)):
            continue
        assignment = statement.named_children[0] if statement.type == "expression_statement" \
            and statement.named_child_count == 1 else None
        right = assignment.child_by_field_name("right") if assignment is not None \
            and assignment.type == "assignment" else None
        if right is None or unwrapped(right).type not in LITERALS + ("identifier",):
            break
        out.append(statement)
    return out


def _docstring(statement: Node) -> bool:
    return statement.type == "expression_statement" and statement.named_child_count == 1 \
        and statement.named_children[0].type in ("string", "concatenated_string")


def _bindings(statement: Node, source: bytes,
              folded: frozenset[tuple[int, int]] = frozenset()) -> list[tuple[str, Node, Node]]:
    """What a top-level statement binds that reads as something else: `NAME = literal`, `NAME =
    builtin`, and an import's alias of a plain name (`import torch as B`, `from torch import nn as
    D`: B reads as `torch`, D as `nn`; a dotted module's alias stays a name of its own)."""
    if statement.type in ("import_statement", "import_from_statement"):
        out = []
        for item in statement.named_children:
            name, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
            if item.type != "aliased_import" or name is None or alias is None or name.named_child_count != 1:
                continue
            out.append((source[alias.start_byte:alias.end_byte].decode(), alias, name.named_children[0]))
        return out
    return _binding(statement, source, folded)


def _binding(statement: Node, source: bytes,
             folded: frozenset[tuple[int, int]] = frozenset()) -> list[tuple[str, Node, Node]]:
    """`NAME = literal` or `NAME = builtin` as a statement of its own, or names unpacked so from a
    tuple (`a, b = getattr, 'x'`): [(NAME, its node, the value)]."""
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return []
    assignment = statement.named_children[0]
    if assignment.type != "assignment" or assignment.child_by_field_name("type") is not None:
        return []
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if left is None or right is None:
        return []
    whole, right = right, unwrapped(right)
    if left.type in ("pattern_list", "tuple_pattern", "list_pattern") \
            and right.type in ("expression_list", "tuple", "list") and left.named_child_count == right.named_child_count:
        pairs = list(zip(left.named_children, right.named_children))
    elif left.type == "identifier":
        pairs = [(left, whole)]
    else:
        return []
    out = []
    for name, value in pairs:
        inner = unwrapped(value)
        held = value if (value.start_byte, value.end_byte) in folded else \
            inner if (inner.start_byte, inner.end_byte) in folded or _constant(inner, source) else None
        if name.type == "identifier" and held is not None:
            out.append((source[name.start_byte:name.end_byte].decode(), name, held))
    return out


def _constant(value: Node, source: bytes) -> bool:
    """A literal token (an f-string is no constant) or a builtin's name."""
    text = source[value.start_byte:value.end_byte]
    if value.type == "identifier":
        return text.decode() in BUILTINS
    return value.type in LITERALS and not (value.type == "string" and b"{" in text and text[:2].lower().count(b"f"))


def _names_bound(root: Node, span: tuple[int, int]) -> int:
    """How many names the assignment statement at ``span`` binds."""
    statement = root.descendant_for_byte_range(*span)
    while statement is not None and statement.type != "expression_statement":
        statement = statement.parent
    assignment = statement.named_children[0] if statement is not None and statement.named_child_count else None
    left = assignment.child_by_field_name("left") if assignment is not None else None
    if left is None:
        return -1
    return left.named_child_count if left.type in ("pattern_list", "tuple_pattern", "list_pattern") else 1


def _token_at(starts: np.ndarray, node: Node, folded: bool = False) -> int | None:
    """The one token that is the whole of ``node`` (a literal the lexer reads as one token, or the
    first token of an expression ``folded`` into one), or None."""
    at = int(np.searchsorted(starts, node.start_byte))
    if at >= starts.size or int(starts[at]) != node.start_byte:
        return None
    if not folded and at + 1 < starts.size and int(starts[at + 1]) < node.end_byte:
        return None
    return at


def _uses(root: Node, name: str, binding: Node, tokens: np.ndarray, starts: np.ndarray,
          scope: Node | None = None) -> list[int] | None:
    """The tokens spelling ``name`` that read its module-level value; None when the module binds
    it at its top level or in a class body anywhere but at ``binding`` (or declares it `global`).
    A function (a lambda, a comprehension) that binds the name itself, as a parameter or a local,
    reads its own there, and so do the functions nested in it.  A name after a dot or before a
    keyword argument's `=` is another thing."""
    reads: list[tuple[int, list[tuple[int, int]]]] = []
    shadowing: set[tuple[int, int]] = set()
    own = (scope.start_byte, scope.end_byte) if scope is not None else None  # the function's own scope
    width = len(name.encode())
    for t in tokens.tolist():
        start = int(starts[t])
        if start == binding.start_byte:
            continue
        node = root.descendant_for_byte_range(start, start + width)
        if node is None or node.type != "identifier" or node.start_byte != start or node.end_byte != start + width:
            continue  # (inside a string or a comment: no use)
        how = role(node)
        if how == "other":
            continue
        scopes = _scopes(node, how == "binds")
        if how == "binds":
            if not scopes or scopes[0] == own or (node.parent is not None
                                                   and node.parent.type in ("global_statement", "nonlocal_statement")):
                return None
            shadowing.add(scopes[0])
        elif own is None or own in scopes:  # (a function's defaults and decorators are read outside it)
            reads.append((t, scopes))
    return [t for t, scopes in reads if not shadowing.intersection(scopes)]


_SCOPES = ("function_definition", "lambda", "list_comprehension", "set_comprehension", "dictionary_comprehension",
           "generator_expression")


def _scopes(node: Node, binds: bool) -> list[tuple[int, int]]:
    """The function scopes holding ``node``, innermost first, as byte spans: a function's body
    and its parameters' names are its own; its decorators, defaults, annotations and name are
    its enclosing scope's.  A class body is no scope a function sees; at its top level, a
    binding in a class body counts as the module's (returned: no scope)."""
    out: list[tuple[int, int]] = []
    child, up = node, node.parent
    while up is not None:
        if up.type == "class_definition" and not out and binds:
            return []
        if up.type in _SCOPES and _inside(child, node, up, binds):
            out.append((up.start_byte, up.end_byte))
        child, up = up, up.parent
    return out


def _inside(child: Node, node: Node, scope: Node, binds: bool) -> bool:
    """``node`` (reached through ``child``, a child of ``scope``) is in ``scope``'s own namespace."""
    if scope.type not in ("function_definition", "lambda"):
        return True
    if child == scope.child_by_field_name("body"):
        return True
    return binds and child == scope.child_by_field_name("parameters") and node.parent is not None \
        and node.parent.type != "keyword_argument"


def role(node: Node) -> str:
    """"binds", "reads", or "other" (an attribute's name after a dot, a keyword argument's name)."""
    up = node.parent
    if up is None:
        return "reads"
    if (up.type == "attribute" and up.child_by_field_name("attribute") == node) \
            or (up.type == "keyword_argument" and up.child_by_field_name("name") == node):
        return "other"
    if up.type in _NAMED:
        return "binds" if up.child_by_field_name(_NAMED[up.type]) == node else "reads"
    if up.type == "typed_parameter":
        return "binds" if up.named_child_count and up.named_children[0] == node else "reads"
    if up.type in _BINDING_PARENTS:
        return "binds"
    target = node
    while target.parent is not None and target.parent.type in _PATTERNS:
        target = target.parent
    holder = target.parent
    if holder is not None and holder.type in _TARGETS and holder.child_by_field_name(_TARGETS[holder.type]) == target:
        return "binds"
    if holder is not None and holder.type == "as_pattern":
        alias = holder.child_by_field_name("alias")
        if alias is not None and alias.start_byte <= node.start_byte and node.end_byte <= alias.end_byte:
            return "binds"
    return "reads"
