"""tree-sitter-python -> units (module body, classes, functions, methods) with their tokens.

tree-sitter finds definitions, spans and docstrings (one query, run in C); the lexer gives the tokens;
each token is owned by the innermost unit that contains it.  A nested definition leaves one
placeholder token in its parent so that the parent keeps its shape.

The work per file is bounded: tree-sitter's query cursor is quadratic in a run of anonymous siblings
(400,000 unclosed brackets under one error node took minutes), so subtrees holding syntax errors are
walked from Python child by child and only error-free subtrees are queried; and the whole parse runs
on a CPU-time ``Budget`` whose overrun is a per-file error.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from tree_sitter import Node, Tree

from lineage.models import FileError, ParsedFile, Unit
from lineage.parse.bound import imported
from lineage.parse.budget import Budget, OverBudget
from lineage.parse.commuted import commuted
from lineage.parse.ternary import ternaries
from lineage.parse.deadcode import dead_spans
from lineage.parse.flattened import unflattened
from lineage.parse.folded import folded
from lineage.parse.hoisted import hoisted
from lineage.parse.forwarders import forwarder_functions
from lineage.parse.identity import identity_functions
from lineage.parse.inline import Inline, inlined, read_in_callers
from lineage.parse.decode import decode_source
from lineage.parse.lexer import joined_lines, lex_ids_continued, vocabulary
from lineage.parse.midway import Copy, copied, midway
from lineage.parse.namespace import unwrapped
from lineage.parse.operators import operator_calls
from lineage.parse.mend import syntax_problem
from lineage.parse.reread import read_through, respelt
from lineage.parse.unpacked import unpacked_arguments
from lineage.parse.walrus import unfolded
from lineage.parse.selfalias import Expansion, expanded_tokens, module_aliases, self_aliases
from lineage.parse.trees import definition_nodes as _definition_nodes, grammar as _grammar, mended_tree
from lineage.parse.vocab import Vocab

# tree-sitter-python accepts Python 2 print/exec statements without an error node
_PY2 = rb"[ \t]*(?:print|exec)[ \t]+[^\s(=.,)\]:;#]"
_PY2_FIRST, _PY2_LATER = re.compile(_PY2), re.compile(rb"\n" + _PY2)  # "\n" beats "^" + MULTILINE 2x
_READ_CHUNK = 1 << 16  # tree-sitter reads the source through a callback to report progress
_MAX_NESTING = 200  # CPython's tokenizer refuses deeper bracket nesting (MAXLEVEL)
_DEPTH_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def _needs_cpython(root: Node, source: bytes, kind_ids: np.ndarray, vocab: Vocab) -> bool:
    """Where tree-sitter is more lenient than CPython: error nodes, what looks like a Python 2
    statement, bracket nesting past CPython's limit.  Only then is the slower CPython parser
    asked (which also clears false alarms, e.g. a print statement inside a docstring)."""
    if root.has_error or _PY2_FIRST.match(source) or _PY2_LATER.search(source):
        return True
    steps = np.asarray([_DEPTH_STEP.get(k, 0) for k in vocab.kinds.items], dtype=np.int64)[kind_ids]
    if int(np.count_nonzero(steps > 0)) <= _MAX_NESTING:
        return False
    return int(np.cumsum(steps).max()) > _MAX_NESTING


@dataclass(frozen=True)
class _Def:
    start_byte: int
    end_byte: int
    start_line: int
    end_line: int
    name: str
    is_class: bool
    bases: tuple[str, ...]
    docstring: tuple[int, int] | None


def _text(node: Node | None, source: bytes) -> str:
    # sliced from the source: the tree was read through a callback, and `node.text` would
    # read the file again through it from the start, for every name
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace") if node is not None else ""


def _docstring(body: Node | None) -> tuple[int, int] | None:
    if body is None:
        return None
    # child by child: `named_children` would build a list of every statement (or of every
    # token of a module-wide error node) to look at the first one
    first = None
    for i in range(body.named_child_count):
        child = body.named_child(i)
        if child is not None and child.type != "comment":
            first = child
            break
    if first is None or first.type != "expression_statement" or first.named_child_count != 1:
        return None
    value = first.named_children[0]
    if value.type not in ("string", "concatenated_string"):
        return None
    return value.start_byte, value.end_byte


def _definitions(root: Node, source: bytes, budget: Budget, keywords: np.ndarray) -> list[_Def]:
    found = _definition_nodes(root, budget, keywords)
    defs = []
    for node in found:
        outer = node.parent if node.parent is not None and node.parent.type == "decorated_definition" else node
        sup = node.child_by_field_name("superclasses")
        is_class = node.type == "class_definition"
        defs.append(
            _Def(
                outer.start_byte, outer.end_byte,
                outer.start_point[0] + 1, outer.end_point[0] + 1,
                _text(node.child_by_field_name("name"), source) or "?",
                is_class,
                tuple(_text(c, source) for c in sup.named_children) if (is_class and sup) else (),
                _docstring(node.child_by_field_name("body")),
            )
        )
    defs.sort(key=lambda d: (d.start_byte, -d.end_byte))
    return defs


def _nest(defs: list[_Def]) -> list[tuple[str, str, int]]:
    """(qualname, kind, parent unit index) per definition; unit 0 is the module."""
    out: list[tuple[str, str, int]] = []
    stack: list[tuple[int, int]] = []  # (end_byte, unit index)
    kinds = ["module"]
    names = ["<module>"]
    for i, d in enumerate(defs, start=1):
        while stack and stack[-1][0] <= d.start_byte:
            stack.pop()
        parent = stack[-1][1] if stack else 0
        kind = "class" if d.is_class else ("method" if kinds[parent] == "class" else "function")
        qual = d.name if parent == 0 else f"{names[parent]}.{d.name}"
        kinds.append(kind)
        names.append(qual)
        out.append((qual, kind, parent))
        stack.append((d.end_byte, i))
    return out


def _units(
    path: str, source: bytes, lexed: tuple[np.ndarray, np.ndarray], vocab: Vocab, defs: list[_Def],
    docstrings: list[tuple[int, int]], last_line: int, inlines: list[Inline] | None = None,
    virtual: tuple[np.ndarray, np.ndarray] | None = None, copies: list[Copy] | None = None,
    expansions: list[Expansion] | None = None,
) -> tuple[Unit, ...]:
    """Each token to the innermost unit holding it, in order; each unit's tokens are slices of three
    arrays (kind ids, text ids, lines) sorted by unit.  A single-use helper's body (``inlines``,
    parse/inline.py) is its caller's, standing where the call stood; within a unit, tokens go by
    their ``virtual`` starts and stand on the lines of its second array (parse/commuted.py,
    parse/ternary.py), their own starts by default.  A helper called midway (``copies``,
    parse/midway.py) is read in its caller as well; an attribute bound to a local (``expansions``,
    parse/selfalias.py) is read where the local is, on its line."""
    ids, starts = lexed
    entry_kind, entry_text, _, _, _ = vocab.columns()
    nested = _nest(defs)
    n_units = len(defs) + 1
    inlines = inlines or []
    pos = starts * 2 + 1  # room for placeholders at even slots
    owner = np.zeros(len(starts), dtype=np.int64)
    keep = np.ones(len(starts), dtype=bool)
    dropped = docstrings + [x.site for x in inlines] + [x.header for x in inlines] \
        + [s for x in inlines for s in x.spent]
    byte_spans = np.asarray([(d.start_byte, d.end_byte) for d in defs] + dropped, dtype=np.int64).reshape(-1, 2)
    token_spans = np.searchsorted(pos, byte_spans * 2).tolist()  # the tokens inside each, in one call
    for i, (lo, hi) in enumerate(token_spans[: len(defs)], start=1):  # parents first: children overwrite
        owner[lo:hi] = i
    for lo, hi in token_spans[len(defs):]:
        keep[lo:hi] = False
    # placeholder tokens: one in the parent per nested definition (a helper read in its caller has none)
    helpers = {x.helper + 1 for x in inlines}
    # (nor one for a definition read as absent whole: a nested function never named, parse/uncalled.py)
    placed = [i for i in range(len(defs)) if i + 1 not in helpers
              and not (token_spans[i][0] < token_spans[i][1] and not keep[token_spans[i][0]])]
    ph_pos = np.asarray([defs[i].start_byte * 2 for i in placed], dtype=np.int64)
    ph_owner = np.asarray([nested[i][2] for i in placed], dtype=np.int64)
    ph_kind = [vocab.kinds.number("<class>" if defs[i].is_class else "<def>") for i in placed]
    ph_text = [vocab.texts.number(nested[i][0]) for i in placed]
    seat, stood = virtual if virtual is not None else (starts, starts)
    alias, alias_at = expanded_tokens(expansions or [], starts)
    all_pos = np.concatenate([(seat * 2 + 1)[keep], ph_pos, seat[alias_at] * 2])
    all_owner = np.concatenate([owner[keep], ph_owner, owner[alias_at]])
    where, then = read_in_callers(inlines, all_owner, all_pos)
    again, again_owner, again_where, again_then = copied(copies or [], owner, keep, starts, seat)
    all_owner = np.concatenate([all_owner, again_owner])
    order = np.lexsort((np.concatenate([then, again_then]), np.concatenate([where, again_where]), all_owner))
    kinds = np.concatenate([entry_kind[ids[keep]], np.asarray(ph_kind, dtype=np.int64), entry_kind[ids[alias]],
                            entry_kind[ids[again]]])[order]
    texts = np.concatenate([entry_text[ids[keep]], np.asarray(ph_text, dtype=np.int64), entry_text[ids[alias]],
                            entry_text[ids[again]]])[order]
    newlines = np.flatnonzero(np.frombuffer(source, dtype=np.uint8) == 10)
    lines = np.searchsorted(newlines, np.concatenate([stood[keep], ph_pos // 2, stood[alias_at], stood[again]])[order],
                            side="right") + 1
    bounds = np.searchsorted(all_owner[order], np.arange(n_units + 1)).tolist()
    spans = [(1, max(1, last_line))] + [(d.start_line, d.end_line) for d in defs]
    meta = [("<module>", "module", ())] + [(q, k, d.bases) for (q, k, _), d in zip(nested, defs)]
    return tuple(
        Unit(path, meta[u][0], meta[u][1], spans[u][0], spans[u][1], kinds[lo:hi], texts[lo:hi], lines[lo:hi],
             vocab, meta[u][2])
        for u, (lo, hi) in enumerate(zip(bounds, bounds[1:])) if u not in helpers
    )


def _reader(source: bytes) -> Callable[[int, object], bytes]:
    """tree-sitter's read callback over `source`, a chunk at a time (so the parse reports progress)."""
    return lambda at, _: source[at:at + _READ_CHUNK]


def parse_source(path: str, data: bytes, budget: Budget | None = None) -> ParsedFile:
    """Decode and parse one file; failures become FileErrors, never exceptions.  A file that
    spends its `budget` (default: FILE_BUDGET_SECONDS of CPU) gets no units and an error."""
    sha = hashlib.sha256(data).hexdigest()
    text, errors = decode_source(path, data)
    if text is None:
        return ParsedFile(path, "", sha, (), errors)
    budget = budget if budget is not None else Budget()
    try:
        return _parse_text(path, text, sha, errors, budget)
    except OverBudget as exc:
        return ParsedFile(path, text, sha, (), errors + (FileError(path, "parse", str(exc), unchecked=True),))


def _tree(source: bytes, budget: Budget) -> Tree:
    """tree-sitter's tree of the source, on the budget."""
    parser, _ = _grammar()
    try:
        tree = parser.parse(_reader(source), progress_callback=budget.cancel_parse)
    except ValueError:  # tree-sitter's word for a parse the callback cancelled
        budget.check("parse")
        raise
    except SystemError as exc:
        # tree-sitter 0.26.1 keeps parsing after its read callback raised and reports the next progress
        # call as a SystemError caused by what was raised: Ctrl-C or SIGTERM landing in the reader.
        # Raise that, so the command exits as the signal asks (130, 143), not as an internal error.
        cause = exc.__cause__
        while isinstance(cause, SystemError) and cause.__cause__ is not None:  # a callback called after it
            cause = cause.__cause__
        if cause is None:
            raise
        raise cause from None
    finally:
        # a parse the budget cancelled (or a signal stopped) is resumed by the parser's next call
        # unless reset: the next file would be read as the rest of this one
        parser.reset()
    budget.check("parse")
    return tree


def _parse_text(path: str, text: str, sha: str, errors: tuple[FileError, ...], budget: Budget) -> ParsedFile:
    source = text.encode("utf-8", "surrogatepass")
    tree = _tree(source, budget)
    if tree.root_node.has_error:  # a syntax error: its lines left out where that lets tree-sitter read the rest
        source, tree, errors = mended_tree(path, text, source, tree, errors, budget, lambda s: _tree(s, budget))
    # a class used only as a namespace is read as the code it wraps, line for line (parse/namespace.py)
    rewritten = unwrapped(tree.root_node, source)
    if rewritten is not None:
        source, tree = rewritten, _tree(rewritten, budget)
    # `operator.mul(a, b)` read as `a * b` (parse/operators.py), `f(*[a], **{'k': v})` as `f(a, k=v)`
    # (parse/unpacked.py), `y = (x := f(h)).view(s)` as `x = f(h); y = x.view(s)` (parse/walrus.py), also
    # line for line
    for rewrite in (operator_calls, unpacked_arguments, unfolded):
        rewritten = rewrite(tree.root_node, source)
        if rewritten is not None:
            again = _tree(rewritten, budget)
            if not again.root_node.has_error or tree.root_node.has_error:  # (a rewrite that breaks the parse: as written)
                source, tree = rewritten, again
    vocab = vocabulary()
    ids, starts, continued = lex_ids_continued(source, vocab)
    lexed = ids, starts
    budget.check("tokens")
    entry_kind = vocab.columns()[0]
    kind_ids = entry_kind[lexed[0]]
    if _needs_cpython(tree.root_node, source, kind_ids, vocab):
        problem = syntax_problem(text)
        if problem is not None:  # tree-sitter recovers from errors: the units are still scanned
            errors = errors + (FileError(path, "parse", problem + "; scanned with error recovery"),)
    keywords = [vocab.kinds.ids.get(k, -1) for k in ("def", "class")]
    defs = _definitions(tree.root_node, source, budget, lexed[1][np.isin(kind_ids, keywords)])
    module_doc = _docstring(tree.root_node)
    docstrings = [d.docstring for d in defs if d.docstring] + ([module_doc] if module_doc else [])
    # blocks that never run and do-nothing wrappers in function bodies go as docstrings do (parse/deadcode.py)
    identities = identity_functions(tree.root_node, source)  # read once, by both passes below
    docstrings += dead_spans(tree.root_node, source, sorted(d.start_byte for d in defs), identities,
                             lambda: budget.tick("dead code"))
    budget.check("dead code")
    # lines as Python and tree-sitter count them (str.splitlines() breaks at \x0c, \x1c-\x1e, \x85, \u2028 too)
    last_line = text.count("\n") + (not text.endswith("\n"))
    # a literal a minifier bound to a name, `A=None`, read where the name is used (parse/hoisted.py)
    as_written = vocab.columns()[1][lexed[0]]
    reads, bindings = hoisted(tree.root_node, source, lexed[1], as_written, vocab.texts.ids)
    lexed = read_through(lexed, reads)
    docstrings += bindings
    entry_kind, entry_text = vocab.columns()[:2]  # a literal spelt the long way read as it (parse/folded.py)
    folds, spelt = folded(tree.root_node, source, lexed[1], entry_kind[lexed[0]], entry_text[lexed[0]],
                          vocab.kinds.ids, vocab.texts.ids, lambda: budget.tick("literals"))
    lexed = respelt(lexed, vocab, folds)
    if folds:  # ... and a name bound to such an expression read where it is used, as one bound to a literal
        through, more = hoisted(tree.root_node, source, lexed[1], as_written, vocab.texts.ids,
                                frozenset((start - 1, end) for start, end in spelt))
        if len(through) > len(reads):
            lexed = read_through(lexed, through)
            docstrings += sorted(set(more) - set(bindings))
    docstrings += spelt
    # control flow flattened into a loop over a state read as the statements it dispatches (parse/flattened.py)
    returned, scaffolding = unflattened(tree.root_node, source, lexed[1])
    lexed = respelt(lexed, vocab, returned)
    docstrings += scaffolding
    budget.check("hoisted")
    # a function called from one place only is read where it is called (parse/inline.py)
    inlines = inlined(tree.root_node, source, [d.start_byte for d in defs], docstrings, identities)
    budget.check("inlining")
    # the operands of `+`, `*`, `==` ... read in one order (parse/commuted.py); `if c: x = a` / `else: x = b` as
    # `x = a if c else b` (parse/ternary.py)
    virtual, placed, parens = commuted(tree.root_node, source, lexed[1], vocab.columns()[0][lexed[0]],
                                       vocab.kinds.ids, vocab.kinds.items, docstrings, lambda: budget.tick("operands"))
    virtual, placed, picks = ternaries(tree.root_node, source, lexed[1], virtual, placed, scaffolding)
    # a helper called once midway through another is read there as well (parse/midway.py)
    copies = midway(tree.root_node, source, [d.start_byte for d in defs], inlines)
    # a method's attribute bound to a local, and a module's alias of what it imports, read where they are
    # read (parse/selfalias.py)
    bindings, expansions = self_aliases(tree.root_node, source)
    module_bindings, module_expansions = module_aliases(tree.root_node, source)
    bindings, expansions = bindings + module_bindings, expansions + module_expansions
    units = _units(path, source, lexed, vocab, defs, docstrings + parens + picks + [c.site for c in copies] + bindings
                   + [x.read for x in expansions], last_line, inlines, (virtual, placed), copies, expansions)
    budget.check("units")
    return ParsedFile(path, text, sha, units, errors, joined_lines(source, continued),  # (the last two: fingerprint/idioms.py)
                      tuple(sorted(forwarder_functions(tree.root_node, source))), *imported(tree.root_node, source))
