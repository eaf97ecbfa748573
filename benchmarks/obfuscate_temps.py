"""Nested calls split into temporaries: three-address code, as a copier's rewriting tool makes it.

``temps`` rewrites each simple statement of a function body (an assignment, an augmented
assignment, a return, an expression statement) so that no call is nested in another expression:
every call but the statement's outermost one is bound first to a fresh name, innermost first, and
the name stands where the call stood (``y = c(b(a(x)))`` becomes ``t1 = a(x)``, ``t2 = b(t1)``,
``y = c(t2)``; ``self.q(h).view(s)`` becomes ``t1 = self.q(h)``, ``y = t1.view(s)``).

Limits: calls evaluated lazily or more than once stay where they are (inside a lambda, a
comprehension, a conditional expression, a boolean operator's operands, an f-string, a ``yield``,
``await`` or ``:=``); the statement's other operands are read after the calls now bound before it
(a difference only where an operand's own evaluation has side effects). ``if``/``while`` tests,
``for`` iterables and ``with`` items stay as written. The input is parsed, never executed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from obfuscate_names import identifiers
from obfuscate_noop import Fresh

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LAZY = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.IfExp, ast.BoolOp,
         ast.JoinedStr, ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr)
_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)
_BODIES = ("body", "orelse", "finalbody")


def _split(value: ast.expr, fresh: Fresh, out: list[ast.stmt], root: bool) -> ast.expr:
    """``value`` with every nested call bound first (appended to ``out``, in evaluation order)."""
    if isinstance(value, _LAZY):
        return value
    for field, child in ast.iter_fields(value):
        if isinstance(child, ast.expr):
            setattr(value, field, _split(child, fresh, out, False))
        elif isinstance(child, list):
            setattr(value, field, [_split(c, fresh, out, False) if isinstance(c, ast.expr)
                                   else _keyword(c, fresh, out) for c in child])
    if isinstance(value, ast.Call) and not root:
        name = fresh()
        out.append(ast.Assign([ast.Name(name, ast.Store())], value, lineno=0))
        return ast.Name(name, ast.Load())
    return value


def _keyword(node: object, fresh: Fresh, out: list[ast.stmt]) -> object:
    if isinstance(node, ast.keyword):
        node.value = _split(node.value, fresh, out, False)
    return node


def _statements(body: list[ast.stmt], fresh: Fresh) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, _SIMPLE) and statement.value is not None:
            statement.value = _split(statement.value, fresh, out, True)
        else:
            for field in _BODIES:
                inner = getattr(statement, field, None)
                if isinstance(inner, list) and inner and not isinstance(statement, _FUNCS + (ast.ClassDef,)):
                    setattr(statement, field, _statements(inner, fresh))
            for handler in getattr(statement, "handlers", []):
                handler.body = _statements(handler.body, fresh)
        out.append(statement)
    return out


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    return (n for n in ast.walk(tree) if isinstance(n, _FUNCS))


def temps_tree(tree: ast.Module, seed: int = 0) -> None:
    """Every function's simple statements split so no call nests in another expression (in place)."""
    fresh = Fresh(set(identifiers(tree)), prefix="tmp")
    for fn in list(_functions(tree)):
        fn.body = _statements(fn.body, fresh)
