"""Respellings a rewriting tool makes without changing what the code does, for `make eval`.

Four transformations (and two below), each keeping the code valid Python with the same
behaviour (the input is parsed, never executed), registered in benchmarks/obfuscate_heldout.py (not part of its
``heldout``; `make eval`'s variant ``heldout:respell`` runs all four):

* ``keywords``  each call's keyword arguments shuffled (each run between unpacked ``**m`` alone);
* ``branches``  ``x = a if c else b`` written out as an ``if`` statement, ``return a if c else b``
  as two returns;
* ``imports``   a module's functions and classes imported by name and called bare (``nn.Linear(...)``
  as ``Linear(...)`` with ``from torch.nn import Linear``), where the bare name is free in the file;
* ``midway``    the middle third of each method of 6+ top-level statements cut out into a method of
  its class, called through ``self`` with the locals it reads, binding the ones it sets that the
  rest reads (``a, b = self._mid_forward(x, a)``).

And two not in ``respell``: ``paths`` (``imports`` the other way), each name an absolute import
binds by name spelt out from its package at every use (``nn.Linear`` as ``torch.nn.Linear``,
``F.gelu`` as ``torch.nn.functional.gelu``), measured as the variant ``heldout:paths``; and
``nest``, a name bound and then bound again from itself written as one statement (``h =
self.norm(h)`` then ``h = self.mlp(h)`` as ``h = self.mlp(self.norm(h))``: ``heldout:temps`` the
other way), measured as ``heldout:nest``.
"""

from __future__ import annotations

import ast
import builtins
import copy
import random


def _render(tree: ast.Module) -> str:
    text = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    ast.parse(text)
    return text


class _Keywords(ast.NodeTransformer):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        out: list[ast.keyword] = []
        run: list[ast.keyword] = []
        for k in [*node.keywords, None]:
            if k is not None and k.arg is not None:
                run.append(k)
                continue
            moved = run[:]
            self.rng.shuffle(moved)
            out += moved if moved != run or len(run) < 2 else run[::-1]
            run = []
            if k is not None:
                out.append(k)
        node.keywords = out
        return node


def keywords(source: str, seed: int = 0) -> str:
    return _render(_Keywords(seed).visit(ast.parse(source)))


class _Branches(ast.NodeTransformer):
    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        if len(node.targets) != 1 or not isinstance(node.value, ast.IfExp):
            return node
        target, pick = node.targets[0], node.value
        return ast.copy_location(ast.If(pick.test, [ast.Assign([copy.deepcopy(target)], pick.body)],
                                        [ast.Assign([copy.deepcopy(target)], pick.orelse)]), node)

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.value, ast.IfExp):
            return node
        pick = node.value
        return ast.copy_location(ast.If(pick.test, [ast.Return(pick.body)], [ast.Return(pick.orelse)]), node)


def branches(source: str, seed: int = 0) -> str:
    return _render(_Branches().visit(ast.parse(source)))


def imports(source: str, seed: int = 0) -> str:
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # the module-level names bound to modules, and the module's path
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname or "." not in alias.name:
                    modules[alias.asname or alias.name] = alias.name
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} \
        | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)} \
        | {d.name for d in ast.walk(tree) if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))} \
        | {(a.asname or a.name).split(".")[0] for s in ast.walk(tree) if isinstance(s, (ast.Import, ast.ImportFrom))
           for a in s.names} | set(dir(builtins))
    wanted: dict[str, set[str]] = {}

    class Bare(ast.NodeTransformer):
        def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
            self.generic_visit(node)
            if isinstance(node.value, ast.Name) and node.value.id in modules and isinstance(node.ctx, ast.Load) \
                    and node.attr not in taken and not node.attr.startswith("_"):
                path = modules[node.value.id]
                if any(node.attr in names for other, names in wanted.items() if other != path):
                    return node  # (one bare name, one module)
                wanted.setdefault(path, set()).add(node.attr)
                return ast.copy_location(ast.Name(node.attr, ast.Load()), node)
            return node

    tree = Bare().visit(tree)
    at = max((i + 1 for i, s in enumerate(tree.body) if isinstance(s, (ast.Import, ast.ImportFrom))), default=0)
    tree.body[at:at] = [ast.ImportFrom(path, [ast.alias(n) for n in sorted(names)], 0)
                        for path, names in sorted(wanted.items())]
    return _render(tree)


_LAZY = (ast.Lambda, ast.IfExp, ast.BoolOp, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _read_once(value: ast.expr, name: str) -> ast.Name | None:
    """The one read of ``name`` in ``value``, when it is read once and not lazily (in a lambda, a
    conditional expression, `and`/`or` or a comprehension), else None."""
    reads = [n for n in ast.walk(value) if isinstance(n, ast.Name) and n.id == name]
    lazy = {id(n) for node in ast.walk(value) if isinstance(node, _LAZY) for n in ast.walk(node)}
    return reads[0] if len(reads) == 1 and id(reads[0]) not in lazy else None


class Blocks(ast.NodeTransformer):
    """A transformer that rewrites each block of statements (a body, an `else`, a `finally`) as a
    whole, innermost first, through ``_block``."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(node, name, self._block(block))
        return node

    def _block(self, block: list[ast.stmt]) -> list[ast.stmt]:
        return block


class _Nest(Blocks):
    def _block(self, block: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in block:
            prev = out[-1] if out else None
            if isinstance(stmt, ast.Assign) and isinstance(prev, ast.Assign) and len(stmt.targets) == len(prev.targets) == 1 \
                    and isinstance(stmt.targets[0], ast.Name) and isinstance(prev.targets[0], ast.Name) \
                    and stmt.targets[0].id == prev.targets[0].id:
                read = _read_once(stmt.value, stmt.targets[0].id)
                if read is not None:
                    value = prev.value

                    class _In(ast.NodeTransformer):
                        def visit_Name(self, node: ast.Name) -> ast.AST:
                            return value if node is read else node

                    out[-1] = ast.copy_location(ast.Assign([stmt.targets[0]], _In().visit(stmt.value)), prev)
                    continue
            out.append(stmt)
        return out


def nest(source: str, seed: int = 0) -> str:
    """`x = f(a)` then `x = g(x, b)` (the second reading `x` once, not lazily) written as one
    statement, `x = g(f(a), b)`, in each block."""
    return _render(_Nest().visit(ast.parse(source)))


def paths(source: str, seed: int = 0) -> str:
    """Each name an absolute import binds by name at the module's top (`from torch import nn`,
    `from torch.nn import Linear`, `import torch.nn.functional as F`) spelt out from its package at
    every use (`torch.nn.Linear`, `torch.nn.functional.gelu`), the package imported."""
    tree = ast.parse(source)
    bound: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module and stmt.module != "__future__":
            bound.update({a.asname or a.name: f"{stmt.module}.{a.name}" for a in stmt.names if a.name != "*"})
        elif isinstance(stmt, ast.Import):
            bound.update({a.asname: a.name for a in stmt.names if a.asname and "." in a.name})
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} \
        | {d.name for d in ast.walk(tree) if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))} \
        | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    spelt = {n: p for n, p in bound.items() if n not in stored}
    uses = set()

    class Spelt(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id not in spelt or not isinstance(node.ctx, ast.Load):
                return node
            root, *rest = spelt[node.id].split(".")
            value: ast.expr = ast.Name(root, ast.Load())
            for part in rest:
                value = ast.Attribute(value, part, ast.Load())
            uses.add(root)
            return ast.copy_location(value, node)

    tree = Spelt().visit(tree)
    at = max((i + 1 for i, s in enumerate(tree.body) if isinstance(s, (ast.Import, ast.ImportFrom))), default=0)
    tree.body[at:at] = [ast.Import([ast.alias(r)]) for r in sorted(uses)]
    return _render(tree)


def _names(nodes: list[ast.stmt], ctx: type) -> set[str]:
    return {n.id for s in nodes for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    a = fn.args
    return {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, *([a.vararg] if a.vararg else []),
                            *([a.kwarg] if a.kwarg else [])]}


_PLAIN = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)
_LEAVES = (ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
           ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.NamedExpr)


def _cut(cls: ast.ClassDef, fn: ast.FunctionDef) -> ast.FunctionDef | None:
    """Cut the middle third of ``fn`` (in place) into a new method, returned; None if it cannot be."""
    body = fn.body
    a, b = len(body) // 3, 2 * len(body) // 3
    middle = body[a:b]
    if len(body) < 6 or not middle or not all(isinstance(s, _PLAIN) for s in middle) \
            or any(isinstance(n, _LEAVES) for s in middle for n in ast.walk(s)) \
            or any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "super"
                   for s in middle for n in ast.walk(s)) or not fn.args.args or fn.args.args[0].arg != "self":
        return None
    before = _parameters(fn) | _names(body[:a], ast.Store)
    read = _names(middle, ast.Load) | {s.target.id for s in middle
                                       if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name)}
    passed = sorted((read & before) - {"self"})
    rest = body[b:]
    given = sorted(_names(middle, ast.Store) & (_names(rest, ast.Load) | _names(rest, ast.Store)))
    name = f"_mid_{fn.name.strip('_')}"
    if any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name for s in cls.body):
        return None
    back: list[ast.stmt] = [ast.Return(ast.Name(given[0], ast.Load()) if len(given) == 1 else
                                       ast.Tuple([ast.Name(g, ast.Load()) for g in given], ast.Load()))] if given else []
    signature = ast.arguments(posonlyargs=[], args=[ast.arg("self"), *[ast.arg(p) for p in passed]], kwonlyargs=[],
                              kw_defaults=[], defaults=[])
    helper = ast.FunctionDef(name=name, args=signature, body=[*middle, *back], decorator_list=[])
    call = ast.Call(ast.Attribute(ast.Name("self", ast.Load()), name, ast.Load()),
                    [ast.Name(p, ast.Load()) for p in passed], [])
    site: ast.stmt = ast.Expr(call) if not given else ast.Assign(
        [ast.Name(given[0], ast.Store()) if len(given) == 1 else
         ast.Tuple([ast.Name(g, ast.Store()) for g in given], ast.Store())], call)
    fn.body[a:b] = [site]
    return helper


def midway(source: str, seed: int = 0) -> str:
    tree = ast.parse(source)
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        made = [h for fn in list(cls.body) if isinstance(fn, ast.FunctionDef)
                and (h := _cut(cls, fn)) is not None]
        cls.body += made
    return _render(tree)


def respell(source: str, seed: int = 0) -> str:
    """All four, in the order above."""
    for transform in (keywords, branches, imports, midway):
        source = transform(source, seed)
    return source
