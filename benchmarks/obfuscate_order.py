"""Reordering for benchmarks/obfuscate.py: definitions shuffled, independent statements swapped.

Definitions move only within a run of consecutive ``def``/``class`` statements (at module level
and in class bodies), so every other statement keeps its place.  Inside a run, two definitions
keep their relative order when one needs the other's name at definition time (a base class, a
decorator such as ``@size.setter``, a default value, an eager annotation, a class-body
expression) or when both bind the same name; the rest is a seeded random topological order.

Inside function bodies, adjacent simple statements (assignments and expressions) are swapped at
random when neither writes a name the other reads or writes.  Attribute targets count as dotted
names (``self.a``), and a name conflicts with its dotted extensions (writing ``self.a`` conflicts
with reading ``self.a.b`` and with passing ``self`` whole).  Calls are opaque, so a statement
with a call is not swapped with one that mutates an object or a global, and a bare call
statement (kept for its effect: a log line, an append) is not swapped with any other call.
Statements directly in a ``try`` body are not swapped: which one raises first would be
observable in the handler.  Control flow, ``return`` and ``yield`` never move.
"""

from __future__ import annotations

import ast
import random
from collections.abc import Iterator
from dataclasses import dataclass

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFS = (*_FUNCS, ast.ClassDef)
_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)
_SWAP_RATE = 0.5


def is_docstring(stmt: ast.stmt) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def lazy_annotations(tree: ast.Module) -> bool:
    """``from __future__ import annotations``: annotations are then never evaluated."""
    return any(isinstance(s, ast.ImportFrom) and s.module == "__future__"
               and any(a.name == "annotations" for a in s.names) for s in tree.body)


def _eager_loads(node: ast.AST, lazy: bool, out: set[str]) -> None:
    """Names read while ``node`` executes as a statement; function bodies run later, not now."""
    if isinstance(node, (*_FUNCS, ast.Lambda)):
        args = node.args
        parts: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            parts += node.decorator_list
            if not lazy:
                params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                parts += [p.annotation for p in params if p is not None and p.annotation is not None]
                parts += [node.returns] if node.returns is not None else []
        for part in parts:
            _eager_loads(part, lazy, out)
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        out.add(node.id)
    for child in ast.iter_child_nodes(node):
        if isinstance(node, ast.AnnAssign) and child is node.annotation and lazy:
            continue
        _eager_loads(child, lazy, out)


def _shuffle_run(run: list[ast.stmt], rng: random.Random, lazy: bool) -> list[ast.stmt]:
    names = [d.name for d in run if isinstance(d, _DEFS)]
    needs: list[set[str]] = []
    for definition in run:
        loads: set[str] = set()
        _eager_loads(definition, lazy, loads)
        needs.append(loads)
    before: list[set[int]] = [
        {i for i in range(j) if names[i] == names[j] or names[i] in needs[j] or names[j] in needs[i]}
        for j in range(len(run))]
    placed: list[int] = []
    while len(placed) < len(run):
        ready = [j for j in range(len(run)) if j not in placed and before[j] <= set(placed)]
        placed.append(rng.choice(ready))
    return [run[j] for j in placed]


def shuffle_definitions(body: list[ast.stmt], rng: random.Random, lazy: bool) -> list[ast.stmt]:
    """``body`` with each run of consecutive definitions in a seeded dependency-safe order."""
    out: list[ast.stmt] = []
    run: list[ast.stmt] = []
    for stmt in [*body, None]:
        if isinstance(stmt, _DEFS):
            run.append(stmt)
            continue
        out += _shuffle_run(run, rng, lazy) if len(run) > 1 else run
        run = []
        if stmt is not None:
            out.append(stmt)
    return out


@dataclass(frozen=True)
class _Effects:
    reads: frozenset[str]
    writes: frozenset[str]
    calls: bool
    mutates: bool  # writes through an object (attribute, item), a global or a closure's name


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _reads(node: ast.AST, out: set[str]) -> None:
    if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
        dotted = _dotted(node)
        if dotted:
            out.add(dotted)
            return
    for child in ast.iter_child_nodes(node):
        _reads(child, out)


def _targets(target: ast.expr, writes: set[str], reads: set[str]) -> bool:
    """Record what assigning to ``target`` writes; return whether it writes through an object."""
    if isinstance(target, ast.Name):
        writes.add(target.id)
        return False
    if isinstance(target, (ast.Tuple, ast.List)):
        return any([_targets(t, writes, reads) for t in target.elts])
    if isinstance(target, ast.Starred):
        return _targets(target.value, writes, reads)
    holder = target.value if isinstance(target, ast.Subscript) else target
    dotted = _dotted(holder) if isinstance(holder, (ast.Name, ast.Attribute)) else None
    writes.add(dotted or "*")  # "*": an object we cannot name, conflicts with everything
    if isinstance(target, ast.Subscript):
        _reads(target.slice, reads)
    if isinstance(target, ast.Attribute) and dotted is None:
        _reads(target.value, reads)
    return True


def _effects(stmt: ast.stmt, shared: set[str]) -> _Effects | None:
    """Reads and writes of a simple statement; None when it must not move (yield, await)."""
    if any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)) for n in ast.walk(stmt)):
        return None
    reads: set[str] = set()
    writes: set[str] = set()
    mutates = False
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            mutates |= _targets(target, writes, reads)
    elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
        mutates |= _targets(stmt.target, writes, reads)
        if isinstance(stmt, ast.AugAssign):
            reads |= writes
    value = stmt.value if isinstance(stmt, _SIMPLE) else None
    if value is not None:
        _reads(value, reads)
    for walrus in (n for n in ast.walk(stmt) if isinstance(n, ast.NamedExpr)):
        writes.add(walrus.target.id)
    mutates |= bool(writes & shared)
    calls = any(isinstance(n, ast.Call) for n in ast.walk(stmt))
    return _Effects(frozenset(reads), frozenset(writes), calls, mutates)


def _clash(write: str, other: str) -> bool:
    return write == "*" or other == "*" or write == other or other.startswith(write + ".") \
        or write.startswith(other + ".")


def independent(first: ast.stmt, second: ast.stmt, shared: set[str]) -> bool:
    """Whether two adjacent statements can trade places without changing what the code does."""
    if not (isinstance(first, _SIMPLE) and isinstance(second, _SIMPLE)):
        return False
    a, b = _effects(first, shared), _effects(second, shared)
    if a is None or b is None:
        return False
    for x, y in ((a, b), (b, a)):
        if any(_clash(w, o) for w in x.writes for o in y.reads | y.writes):
            return False
        if x.mutates and y.calls:
            return False
    bare_call = (isinstance(first, ast.Expr) and a.calls) or (isinstance(second, ast.Expr) and b.calls)
    return not (bare_call and a.calls and b.calls)


def statement_lists(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[list[ast.stmt], bool]]:
    """Every statement list of a function outside nested definitions, with "is a try body"."""
    stack: list[tuple[list[ast.stmt], bool]] = [(func.body, False)]
    while stack:
        body, in_try = stack.pop()
        yield body, in_try
        for stmt in body:
            if isinstance(stmt, _DEFS):
                continue
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    stack.append((inner, name == "body" and isinstance(stmt, (ast.Try, ast.TryStar))))
            for part in [*getattr(stmt, "handlers", []), *getattr(stmt, "cases", [])]:
                stack.append((part.body, False))


def swap_statements(func: ast.FunctionDef | ast.AsyncFunctionDef, rng: random.Random) -> None:
    """Swap adjacent independent simple statements of ``func`` in place (seeded)."""
    shared = {n for s in ast.walk(func) if isinstance(s, (ast.Global, ast.Nonlocal)) for n in s.names}
    for inner in ast.walk(func):  # a closure called by one statement may read what the other writes
        if inner is not func and isinstance(inner, (*_FUNCS, ast.Lambda)):
            shared |= {n.id for n in ast.walk(inner) if isinstance(n, ast.Name)}
    for body, in_try in statement_lists(func):
        if in_try:
            continue
        i = 1 if body is func.body and is_docstring(body[0]) else 0
        while i + 1 < len(body):
            if independent(body[i], body[i + 1], shared) and rng.random() < _SWAP_RATE:
                body[i], body[i + 1] = body[i + 1], body[i]
                i += 2  # a statement moves at most one place per pass
            else:
                i += 1


def reorder_tree(tree: ast.Module, *, seed: int = 0) -> None:
    """Shuffle definitions and swap independent statements of ``tree`` in place (seeded)."""
    rng = random.Random(seed)
    lazy = lazy_annotations(tree)
    tree.body = shuffle_definitions(tree.body, rng, lazy)
    nodes = list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.ClassDef):
            node.body = shuffle_definitions(node.body, rng, lazy)
    for node in nodes:
        if isinstance(node, _FUNCS):
            swap_statements(node, rng)
