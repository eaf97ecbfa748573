"""Restyling for benchmarks/obfuscate.py: what a style pass or an adversary's one-liner does to a copy.

A stranger's review (2026-12-03) cleared most whole copies of real model files with passes that
change no behaviour, each one line of sed or one AST walk:

* ``annotate`` every plain assignment to a name or to ``self.<attr>`` in a function body gets a
  type hint (``x = v`` becomes ``x: "Tensor" = v``; hints from a small seeded set);
* ``pack``     runs of adjacent plain single-target assignments in a function body whose values
  read none of the run's earlier targets are packed into one tuple assignment
  (``a = x`` then ``b = y`` becomes ``a, b = (x, y)``), two to four at a time;
* ``pad``      after every statement of a method's body (top level) a guard over builtins alone
  (``if len(str(id(object()))) < 0: raise RuntimeError()``) or a counter of ``self`` only
  itself reads (``self._n7 = getattr(self, '_n7', 0) + 1``), alternately by seed.

``restyle`` is all three.  Standard library only; the input is parsed, never run.
"""

from __future__ import annotations

import ast
import random

_HINTS = ('"Tensor"', "torch.Tensor", "object", "int", "Any")
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _blocks(fn: ast.AST) -> list[list[ast.stmt]]:
    """Every statement list inside a function (nested blocks too, not nested definitions' bodies twice)."""
    out = []
    for node in ast.walk(fn):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt) and not isinstance(node, ast.ClassDef):
                out.append(block)
    return out


def _functions(tree: ast.Module) -> list[ast.AST]:
    return [n for n in ast.walk(tree) if isinstance(n, _FUNCS)]


def _plain(stmt: ast.stmt) -> bool:
    """``name = v`` or ``self.attr = v``: one target, no unpacking."""
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return False
    t = stmt.targets[0]
    return isinstance(t, ast.Name) or (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                                       and t.value.id == "self")


def annotate_tree(tree: ast.Module, seed: int = 0) -> None:
    rng = random.Random(seed)
    for fn in _functions(tree):
        for block in _blocks(fn):
            for i, stmt in enumerate(block):
                if _plain(stmt):
                    assert isinstance(stmt, ast.Assign)
                    hint = ast.parse(rng.choice(_HINTS), mode="eval").body
                    block[i] = ast.copy_location(ast.AnnAssign(target=stmt.targets[0], annotation=hint, value=stmt.value,
                                                               simple=int(isinstance(stmt.targets[0], ast.Name))), stmt)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | \
        {f"self.{n.attr}" for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
         and n.value.id == "self"}


def _target(stmt: ast.Assign) -> str:
    t = stmt.targets[0]
    return t.id if isinstance(t, ast.Name) else f"self.{t.attr}"  # type: ignore[attr-defined]


def pack_tree(tree: ast.Module, seed: int = 0) -> None:
    rng = random.Random(seed)
    for fn in _functions(tree):
        for block in _blocks(fn):
            out: list[ast.stmt] = []
            run: list[ast.Assign] = []
            limit = rng.randint(2, 4)

            def flush() -> None:
                if len(run) >= 2:
                    packed = ast.Assign(targets=[ast.Tuple([r.targets[0] for r in run], ast.Store())],
                                        value=ast.Tuple([r.value for r in run], ast.Load()))
                    out.append(ast.copy_location(packed, run[0]))
                else:
                    out.extend(run)
                run.clear()

            for stmt in block:
                if _plain(stmt) and isinstance(stmt, ast.Assign):
                    bound = {_target(r) for r in run}
                    if bound & (_names(stmt.value) | {_target(stmt)}) or len(run) >= limit:
                        flush()
                        limit = rng.randint(2, 4)
                    run.append(stmt)
                else:
                    flush()
                    out.append(stmt)
            flush()
            block[:] = out


def pad_tree(tree: ast.Module, seed: int = 0) -> None:
    rng = random.Random(seed)
    guard = "if len(str(id(object()))) < 0:\n    raise RuntimeError()"
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        for fn in [s for s in cls.body if isinstance(s, _FUNCS)]:
            counter = f"self._n{rng.randint(1, 99)} = getattr(self, '_n{rng.randint(1, 99)}', 0) + 1"
            counter = counter.replace(counter.split("'")[1], counter.split(" =")[0].split(".")[1])
            out: list[ast.stmt] = []
            for i, stmt in enumerate(fn.body):
                out.append(stmt)
                if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                    continue  # after a docstring
                if not isinstance(stmt, (ast.Return, ast.Raise)):
                    out.extend(ast.parse(guard if rng.random() < 0.5 else counter).body)
            fn.body = out
