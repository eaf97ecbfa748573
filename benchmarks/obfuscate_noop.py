"""No-op padding for benchmarks/obfuscate.py: statements that do nothing, spread through the code.

Each statement of a function body (nested blocks included) or of a class body is followed or
preceded, with probability ``rate``, by one of: ``pass``; a bare constant (``0``, ``None``,
``...``); in functions, a parameter name alone, ``self.<method>`` for a plain method of the
enclosing class, or a dead store to a fresh name (``_t4 = 7``); in class bodies, a name bound by
an earlier statement of that body.  Only expressions that cannot fail or run code are used:
parameters are always bound (unless the function deletes them), a method found on the class
runs no code (no descriptor but a plain function, no ``__getattribute__``).  Class bodies get
no stores: an Enum would grow a member.  Nothing goes before a docstring or at module level, so
``from __future__`` stays first.  Bare strings are never inserted: one could become a docstring.
"""

from __future__ import annotations

import ast
import copy
import random
import types

from obfuscate_names import identifiers, is_dunder
from obfuscate_order import is_docstring, statement_lists

RATE = 0.4  # one inserted statement per 2.5 original ones
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_CONSTANTS: tuple[int | None | types.EllipsisType, ...] = (0, None, Ellipsis, 1)


class Fresh:
    """Names never spelled in the file: ``_t1``, ``_t2``, ... (or another ``prefix``)."""

    def __init__(self, taken: set[str], prefix: str = "_t") -> None:
        self.taken = taken
        self.prefix = prefix
        self.count = 0

    def __call__(self) -> str:
        while True:
            self.count += 1
            name = f"{self.prefix}{self.count}"
            if name not in self.taken:
                self.taken.add(name)
                return name


def _plain_methods(cls: ast.ClassDef) -> list[str]:
    if any(isinstance(s, _FUNCS) and s.name == "__getattribute__" for s in cls.body):
        return []
    return [s.name for s in cls.body
            if isinstance(s, _FUNCS) and not s.decorator_list and not is_dunder(s.name)]


def _function_pool(func: ast.FunctionDef | ast.AsyncFunctionDef, owner: ast.ClassDef | None) -> list[ast.expr]:
    """Expressions safe to evaluate anywhere in ``func``."""
    args = func.args
    params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a]
    deleted = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Del)}
    pool: list[ast.expr] = [ast.Name(p, ast.Load()) for p in params if p not in deleted]
    positional = [*args.posonlyargs, *args.args]
    if owner is not None and positional and not func.decorator_list:
        first = positional[0].arg
        stored = {n.id for n in ast.walk(func)
                  if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        if first not in stored:  # `self` is still the instance
            pool += [ast.Attribute(ast.Name(first, ast.Load()), m, ast.Load()) for m in _plain_methods(owner)]
    return pool


def _class_pool(body: list[ast.stmt], upto: int) -> list[ast.expr]:
    """Names bound by the statements of a class body before position ``upto``."""
    names: list[str] = []
    for stmt in body[:upto]:
        if isinstance(stmt, (*_FUNCS, ast.ClassDef)):
            names.append(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names += [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
            names.append(stmt.target.id)
    return [ast.Name(n, ast.Load()) for n in names]


def _noop(rng: random.Random, pool: list[ast.expr], fresh: Fresh | None) -> ast.stmt:
    kinds = ["pass", "constant", *(["name"] if pool else []), *(["store"] if fresh else [])]
    kind = rng.choice(kinds)
    if kind == "pass":
        return ast.Pass()
    if kind == "name":
        return ast.Expr(copy.deepcopy(rng.choice(pool)))  # one node object per place
    if kind == "store" and fresh is not None:
        return ast.Assign([ast.Name(fresh(), ast.Store())], ast.Constant(rng.randrange(10)))
    return ast.Expr(ast.Constant(rng.choice(_CONSTANTS)))


def pad_body(body: list[ast.stmt], rng: random.Random, rate: float, *, skip_docstring: bool,
             pool: list[ast.expr] | None, fresh: Fresh | None) -> list[ast.stmt]:
    """``body`` with no-ops inserted; ``pool=None`` means a class body (pool grows as it goes)."""
    out: list[ast.stmt] = []
    for i, stmt in enumerate(body):
        insert = rng.random() < rate
        first_is_doc = skip_docstring and i == 0 and is_docstring(stmt)
        before = insert and not first_is_doc and rng.random() < 0.5
        names = pool if pool is not None else _class_pool(body, i + (0 if before else 1))
        if before:
            out.append(_noop(rng, names, fresh))
        out.append(stmt)
        if insert and not before:
            out.append(_noop(rng, names, fresh))
    return out


def noop_tree(tree: ast.Module, *, seed: int = 0, rate: float = RATE) -> int:
    """Insert no-ops into ``tree`` in place (seeded); return how many were inserted."""
    rng = random.Random(seed)
    fresh = Fresh(identifiers(tree))
    owners = {id(s): c for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for s in c.body}
    before = sum(isinstance(n, ast.stmt) for n in ast.walk(tree))
    for node in list(ast.walk(tree)):
        if isinstance(node, _FUNCS):
            pool = _function_pool(node, owners.get(id(node)))
            for body, _ in list(statement_lists(node)):
                body[:] = pad_body(body, rng, rate, skip_docstring=body is node.body, pool=pool, fresh=fresh)
        elif isinstance(node, ast.ClassDef):
            node.body = pad_body(node.body, rng, rate, skip_docstring=True, pool=None, fresh=None)
    return sum(isinstance(n, ast.stmt) for n in ast.walk(tree)) - before
