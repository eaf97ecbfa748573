"""Identifier renaming for benchmarks/obfuscate.py: every name the file defines gets a meaningless one.

One file-wide table maps each renamed identifier to its new name (``C3`` for classes, ``f7``
for functions and methods, ``v12`` for the rest), so every binding of an identifier and every
use of it change together; no scope analysis is needed for that to stay consistent.  What is
left alone, and why:

* names the file does not define (imports keep their binding names, builtins, attributes read
  from objects but never assigned here, such as ``config.hidden_size``);
* dunders, and the ``keep`` names (``forward`` by default): frameworks call them by name;
* a defined name that is also a builtin (a local ``sum`` shadowing ``sum()`` elsewhere) or an
  import binding, since one table cannot tell the uses apart;
* attribute names that builtin types expose (``d.get``, ``xs.append``) or that are read from an
  import or builtin (``F.dropout`` next to ``self.dropout``), or from ``super()`` in a class
  with a base from outside the file: renaming them would break the library call or override.

Identifiers bound in a class body are attributes too (``self.method``), so they are renamed in
both roles or in neither.  Keyword arguments follow the parameters they name when the callee is
defined in the file (a file-defined name, an attribute assigned here, ``super()`` of a
file-defined base); calls on imports and builtins keep theirs.  Known limits, acceptable for
obfuscated copies that need only parse: strings (``__all__``, ``getattr(x, "name")``) are not
rewritten, and an attribute assigned here is renamed on every object (``layer.bias`` too).
"""

from __future__ import annotations

import ast
import builtins
import keyword
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

KEEP: tuple[str, ...] = ("forward",)
_BUILTINS = frozenset(dir(builtins))
_BUILTIN_TYPES = (object, int, float, complex, bool, str, bytes, bytearray, list, tuple, dict,
                  set, frozenset, type, slice, range, BaseException)
_BUILTIN_ATTRS = frozenset(name for cls in _BUILTIN_TYPES for name in dir(cls))
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def identifiers(tree: ast.AST) -> set[str]:
    """Every identifier spelled in the tree, so that invented names never collide with one."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, (*_FUNCS, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
        elif isinstance(node, ast.alias):
            found.update(node.name.split("."))
            found.update([node.asname] if node.asname else [])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            found.add(node.name)
    return found


def imported_bindings(tree: ast.AST) -> set[str]:
    """Names that imports bind (``import a.b`` binds ``a``; ``from m import x as y`` binds ``y``)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add(alias.asname or alias.name.split(".")[0])
    return bound


def _is_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def chain_root(node: ast.expr) -> ast.expr:
    """The innermost object of ``a.b(c)[d].e``: not an attribute, call or subscript, or ``super()``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)) and not _is_super(node):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


@dataclass
class _Facts:
    """What the file defines, gathered in one walk that knows the kind of scope it is in."""

    imported: set[str]
    class_names: set[str]
    bound: set[str] = field(default_factory=set)
    class_bound: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)
    keywords: set[str] = field(default_factory=set)  # parameters and class-body fields
    attr_stores: set[str] = field(default_factory=set)
    external_attrs: set[str] = field(default_factory=set)


def file_based_super(cls: ast.ClassDef, class_names: frozenset[str] | set[str]) -> bool:
    """Whether ``super()`` inside ``cls`` reaches a class defined in this file."""
    return any(isinstance(base, ast.Name) and base.id in class_names for base in cls.bases)


class _Collect(ast.NodeVisitor):
    def __init__(self, facts: _Facts) -> None:
        self.facts = facts
        self.scopes: list[str] = ["module"]
        self.own_super: list[bool] = [False]  # does super() in this scope reach a class of the file?

    def _bind(self, name: str) -> None:
        self.facts.bound.add(name)
        if self.scopes[-1] == "class":
            self.facts.class_bound.add(name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name)
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        self.scopes.append("class")
        self.own_super.append(file_based_super(node, self.facts.class_names))
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                self.facts.keywords.add(stmt.target.id)  # a dataclass field is a keyword of the class
            self.visit(stmt)
        self.scopes.pop()
        self.own_super.pop()

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            self._bind(node.name)
            self.facts.functions.add(node.name)
            for expr in [*node.decorator_list, *([node.returns] if node.returns else [])]:
                self.visit(expr)
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs,
                  *[a for a in (args.vararg, args.kwarg) if a is not None]]
        for expr in [*args.defaults, *(d for d in args.kw_defaults if d is not None),
                     *(p.annotation for p in params if p.annotation is not None)]:
            self.visit(expr)
        self.scopes.append("function")
        self.own_super.append(self.own_super[-1])
        for param in params:
            self.facts.bound.add(param.arg)
            self.facts.keywords.add(param.arg)
        for stmt in node.body if isinstance(node.body, list) else [node.body]:
            self.visit(stmt)
        self.scopes.pop()
        self.own_super.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _comprehension(self, node: ast.AST) -> None:
        self.scopes.append("comprehension")
        self.generic_visit(node)
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._bind(node.id)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.facts.attr_stores.add(node.attr)
        root = chain_root(node)
        if _is_super(root):
            external = not self.own_super[-1]
        else:
            external = isinstance(root, ast.Constant) or (
                isinstance(root, ast.Name) and (root.id in self.facts.imported or root.id in _BUILTINS))
        if external:
            self.facts.external_attrs.add(node.attr)
        self.generic_visit(node)


@dataclass(frozen=True)
class Plan:
    """The renaming of one file: identifiers renamed as names, as attributes, and their new names."""

    names: frozenset[str]
    attrs: frozenset[str]
    keywords: frozenset[str]
    # names and attributes that may name or hold something defined here, kept ones included
    # (`forward`, `__init__`, a `keep` class): their parameters were renamed all the same
    defined: frozenset[str]
    callees: frozenset[str]
    class_names: frozenset[str]
    new: dict[str, str]


def plan(tree: ast.Module, *, seed: int = 0, keep: Iterable[str] = KEEP) -> Plan:
    """Decide what to rename in ``tree`` (see the module docstring for what is left alone)."""
    imported = imported_bindings(tree)
    class_names = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    facts = _Facts(imported=imported, class_names=class_names)
    _Collect(facts).visit(tree)
    kept = set(keep)
    names = {n for n in facts.bound
             if n not in _BUILTINS and n not in imported and n not in kept and not is_dunder(n)}
    attrs = {a for a in facts.attr_stores | facts.class_bound
             if a not in kept and a not in _BUILTIN_ATTRS and a not in facts.external_attrs
             and not is_dunder(a)}
    for both in facts.class_bound:
        if (both in names) != (both in attrs):
            names.discard(both)
            attrs.discard(both)
    taken = identifiers(tree) | _BUILTINS | set(keyword.kwlist)
    order = sorted(names | attrs)
    random.Random(seed).shuffle(order)
    new: dict[str, str] = {}
    counter = 0
    for old in order:
        prefix = "C" if old in class_names else "f" if old in facts.functions else "v"
        counter += 1
        while f"{prefix}{counter}" in taken:
            counter += 1
        new[old] = f"{prefix}{counter}"
    return Plan(frozenset(names), frozenset(attrs), frozenset(facts.keywords & names),
                frozenset(facts.bound - imported - _BUILTINS), frozenset(attrs | facts.class_bound),
                frozenset(class_names), new)


class _Rewrite(ast.NodeVisitor):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.own_super: list[bool] = [False]  # decided before the bases are renamed

    def _name(self, name: str) -> str:
        return self.plan.new[name] if name in self.plan.names else name

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.own_super.append(file_based_super(node, self.plan.class_names))
        node.name = self._name(node.name)
        self.generic_visit(node)
        self.own_super.pop()

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        node.name = self._name(node.name)
        self.own_super.append(self.own_super[-1])
        self.generic_visit(node)
        self.own_super.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Name(self, node: ast.Name) -> None:
        node.id = self._name(node.id)

    def visit_arg(self, node: ast.arg) -> None:
        node.arg = self._name(node.arg)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in self.plan.attrs:
            node.attr = self.plan.new[node.attr]
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if self._internal(node.func):
            for kw in node.keywords:
                if kw.arg in self.plan.keywords:
                    kw.arg = self.plan.new[kw.arg]
        self.generic_visit(node)  # after the callee test: it reads the names before renaming

    def _internal(self, func: ast.expr) -> bool:
        """Whether a callee is (probably) defined in this file, so its keywords were renamed."""
        if isinstance(func, ast.Name):
            return func.id in self.plan.defined
        if isinstance(func, ast.Attribute) and func.attr not in self.plan.callees:
            return False
        root = chain_root(func)
        if _is_super(root):
            return self.own_super[-1]
        return isinstance(root, ast.Name) and root.id in self.plan.defined

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        node.name = self._name(node.name) if node.name else node.name
        self.generic_visit(node)

    def _scoped(self, node: ast.Global | ast.Nonlocal) -> None:
        node.names = [self._name(n) for n in node.names]

    visit_Global = visit_Nonlocal = _scoped

    def _capture(self, node: ast.MatchAs | ast.MatchStar) -> None:
        node.name = self._name(node.name) if node.name else node.name
        self.generic_visit(node)

    visit_MatchAs = visit_MatchStar = _capture

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        node.rest = self._name(node.rest) if node.rest else node.rest
        self.generic_visit(node)


def rename_tree(tree: ast.Module, *, seed: int = 0, keep: Iterable[str] = KEEP) -> dict[str, str]:
    """Rename ``tree`` in place; return the table used (old identifier -> new)."""
    decided = plan(tree, seed=seed, keep=keep)
    _Rewrite(decided).visit(tree)
    return dict(decided.new)
