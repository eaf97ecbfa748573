"""A file's architecture fingerprint: the checkpoint interface it implements.

A port that loads published weights must read the same config keys, create (or map to) the
same parameter names and build the same module tree, whoever typed the code.  Those facts
are read from the file's syntax tree (parsed with ``ast``, never executed) as features:

- ``c:KEY``      a config key read (``config.KEY``, ``getattr(config, "KEY")``, ``args.KEY``,
                 fields of an mlx-style ``ModelArgs`` dataclass);
- ``p:NAME``     a parameter or submodule created (``self.NAME = Layer(...)``) or named in a
                 weight-name mapping table (``stacked_params_mapping``, ``*_mapper``,
                 ``load_weights``/``sanitize`` string literals), folded by `names.canonical`;
- ``k:NAME:KIND`` what kind of layer the attribute is (linear, norm, embedding, experts...);
- ``t:PARENT.CHILD`` an edge of the module tree (an attribute of a submodule built from a
                 class of the same file, or consecutive parts of a mapped weight name);
- ``a:STEM``     the architecture's name: the stem of a class named ``XForCausalLM``, ``XModel``,
                 ``XPreTrainedModel`` or ``XConfig`` (config.json's ``architectures`` lists
                 ``XForCausalLM``, and engines register their classes under that name).

A file also records the sibling modules it builds on (`ArchPrint.uses`: modules whose imported
names it subclasses or calls), so that a file that only extends another file's model
(``class Phi3ForCausalLM(LlamaForCausalLM)``) can be read with that file's interface
(lineage/arch/imports.py).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lineage.arch.names import canonical, layer_kind
from lineage.arch.walk import CHILD_FIELDS, ENTERED, collector_paused

_CONFIG_NAME = re.compile(r"(^|_)(config|cfg|args)$|config$", re.IGNORECASE)
_MAPPING_NAME = re.compile(r"mapping|mapper|_map$|rename|remap", re.IGNORECASE)
_LOADER_NAME = re.compile(r"load_weights|sanitize|_load_|weight_loader|convert", re.IGNORECASE)
_NOT_KEYS = frozenset({"get", "to_dict", "items", "keys", "values", "update", "pop", "copy", "__class__",
                       "__dict__", "setdefault", "to_json_string", "dict", "model_type", "from_dict"})
_WEIGHT_NAME = re.compile(r"(?=[^.]*\.[A-Za-z_{*])[A-Za-z0-9_.*{}]{3,120}\Z")
_ARCH_CLASS = re.compile(r"([A-Z][A-Za-z0-9_]*?)(For[A-Z][A-Za-z0-9_]*|PreTrainedModel|Model|Config)\Z")
_ARGS_CLASS = re.compile(r"(Args|Config)$")
# a bare string naming a layer (``("qkv_proj", "q_proj", "q")``): a weight name wherever it stands
_LAYER_NAME = re.compile(r"[a-z][a-z0-9_]*_(proj|norm|layernorm)\Z|w[0-9]+\Z|w13\Z")
_WILDCARD = re.compile(r"[0-9*{}]*\Z|.*[{}]")
# transformers 5 folded the rope settings into one key; ports still read the old ones
_KEY_ALIASES = {"rope_theta": "rope_parameters", "rope_scaling": "rope_parameters"}
_INTERFACE_FUNC = re.compile(r"mapping|mapper|weight|param|expert|config|init|setup|build|make|create|get_|tp_plan",
                             re.IGNORECASE)
_SPLIT = re.compile(r"[^A-Za-z0-9_]+")
MAX_SOURCE = 2_000_000  # larger files are not model code: no fingerprint rather than a slow parse


@dataclass(frozen=True)
class ArchPrint:
    """Features of a whole file, and of each class that contributes any."""

    features: frozenset[str]
    classes: tuple[tuple[str, frozenset[str]], ...] = ()
    uses: tuple[tuple[int, str], ...] = ()  # (relative level, module) of the sibling modules it builds on
    borrowed: frozenset[str] = frozenset()  # features read from those modules, not from the file itself

    def __bool__(self) -> bool:
        return bool(self.features)


EMPTY = ArchPrint(frozenset())


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _last_name(node.func)
    if isinstance(node, ast.Subscript):
        return _last_name(node.value)
    return ""


def _root_name(node: ast.expr) -> str:
    """``a`` of ``a.b.C`` (a module alias or an imported class), "" for anything else."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _imports(tree: ast.Module, built: set[str]) -> tuple[tuple[int, str], ...]:
    """Modules imported at the top of the file whose classes it subclasses, or whose contents it
    builds through the module's name: ``from .llama import LlamaForCausalLM`` and a class built
    on it -> (1, "llama"); ``from . import gemma3_text`` and ``gemma3_text.Model(...)`` ->
    (1, "gemma3_text").  (A class merely called, such as a vision tower, is a part, not a base.)"""
    out: list[tuple[int, str]] = []
    for st in tree.body:
        if not isinstance(st, ast.ImportFrom):
            continue
        base = st.module or ""
        for alias in st.names:
            if (alias.asname or alias.name) not in built:
                continue
            # `from . import x` / `from pkg import mod` may name a module; the resolver tries both
            out.append((st.level, base))
            out.append((st.level, f"{base}.{alias.name}" if base else alias.name))
    return tuple(sorted(set(out)))


def _is_args_class(node: ast.ClassDef) -> bool:
    """A config class or an mlx-style ``ModelArgs``: so named, built on one (``BaseModelArgs``,
    ``PretrainedConfig``: imported names, which a renamed port keeps) or a dataclass."""
    return bool(_ARGS_CLASS.search(node.name) or any(_ARGS_CLASS.search(_last_name(b)) for b in node.bases)
                or any(_last_name(d) == "dataclass" for d in node.decorator_list))


# names, weight names and layer names repeat through a file and from file to file: each is judged once
@lru_cache(maxsize=1 << 14)
def _config_name(name: str) -> bool:
    return bool(_CONFIG_NAME.search(name))


@lru_cache(maxsize=1 << 14)
def _mapping_name(name: str) -> bool:
    return bool(_MAPPING_NAME.search(name))


@lru_cache(maxsize=1 << 14)
def _weight_or_layer_name(text: str) -> bool:
    return bool(_WEIGHT_NAME.match(text) or _LAYER_NAME.match(text))


@lru_cache(maxsize=1 << 14)
def _loader_name(name: str) -> bool:
    return bool(_LOADER_NAME.search(name))


@lru_cache(maxsize=1 << 14)
def entered(name: str) -> bool:
    """Whether the reader reads the body of a function so named (a constructor, a loader or an
    interface function): `interface_only` blanks out every other one before the parse."""
    return name == "__init__" or _loader_name(name) or bool(_INTERFACE_FUNC.search(name))


def _is_config(node: ast.expr) -> bool:
    return _config_name(_last_name(node))


def _str_arg(call: ast.Call, i: int) -> str:
    arg = call.args[i] if len(call.args) > i else None
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ""


def _dict_strings(node: ast.expr) -> list[tuple[str, str]]:
    if not isinstance(node, ast.Dict):
        return []
    return [(k.value, v.value) for k, v in zip(node.keys, node.values)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
            and isinstance(v, ast.Constant) and isinstance(v.value, str)]


def _callee(value: ast.expr) -> tuple[str, str]:
    """(callee name, class built per element) of a submodule-building expression, or ("", "")."""
    if isinstance(value, ast.IfExp):  # `nn.Linear(...) if config.q_lora_rank else None`
        body = _callee(value.body)
        return body if body[0] else _callee(value.orelse)
    if isinstance(value, ast.Call):
        name = _last_name(value.func)
        inner = ""
        for arg in value.args[:1]:  # nn.ModuleList([Block(...) for ...]) builds Blocks
            inner = _callee(arg)[0] if isinstance(arg, (ast.ListComp, ast.List)) else ""
        return name, inner
    if isinstance(value, ast.ListComp) and isinstance(value.elt, ast.Call):
        return "list", _last_name(value.elt.func)
    if isinstance(value, ast.List) and value.elts and isinstance(value.elts[0], ast.Call):
        return "list", _last_name(value.elts[0].func)
    return "", ""


def _literal_bias(value: ast.expr) -> bool | None:
    """The ``bias=`` keyword of a layer call when it is a literal (True/False), else None."""
    if isinstance(value, ast.Call):
        for kw in value.keywords:
            if kw.arg in ("bias", "use_bias", "add_bias") and isinstance(kw.value, ast.Constant):
                return bool(kw.value.value)
    return None


def _is_module_call(callee: str) -> bool:
    kind = layer_kind(callee)
    return callee == "list" or (kind not in ("", "?") and (callee[:1].isupper() or kind != "module"))




Attr = tuple[str, str, str, "bool | None"]  # attribute, callee, element class, literal bias


class _Reader(ast.NodeVisitor):
    """One pass over a module: config keys, weight names and ``self.X = Layer(...)`` per class."""

    def __init__(self) -> None:
        self.keys: dict[str, set[str]] = {"": set()}  # class ("" for the module) -> config keys read
        self.attrs: dict[str, list[Attr]] = {}
        self.names: set[str] = set()  # features of weight names spelt out
        self.cls = ""
        self.params: frozenset[str] = frozenset()  # the enclosing __init__'s parameters
        self.in_table = 0
        self.self_name = "self"
        # names subclassed, and the roots of attribute calls (`text_model.Model(...)`): what it builds on
        self.built: set[str] = set()

    def visit(self, node: ast.AST) -> None:
        _DISPATCH.get(type(node), _Reader.generic_visit)(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        dispatch = _DISPATCH
        for name in CHILD_FIELDS[type(node)]:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    method = dispatch.get(type(item))
                    if method is not None:
                        method(self, item)
            else:
                method = dispatch.get(type(value))
                if method is not None:
                    method(self, value)

    def _configish(self, node: ast.expr) -> bool:
        """A config object: so named, or any parameter of a constructor (modules take little else)."""
        return _is_config(node) or (isinstance(node, ast.Name) and node.id in self.params)

    def _key(self, key: str) -> None:
        if key and not key.startswith("_") and key not in _NOT_KEYS:
            self.keys.setdefault(self.cls, set()).add(_KEY_ALIASES.get(key, key))

    def _table(self, node: ast.AST) -> None:
        self.in_table += 1
        self.generic_visit(node)
        self.in_table -= 1

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        arch = _ARCH_CLASS.match(node.name)
        stem = re.sub(r"[^a-z0-9]", "", arch.group(1).lower()) if arch else ""
        if stem:  # `XModel` is often a vestige of the file a port was copied from: a weaker name
            self.names.add(f"{'m' if arch and arch.group(2) == 'Model' else 'a'}:{stem}")
        self.built.update(_root_name(b) for b in node.bases)
        outer, self.cls = self.cls, node.name
        self.attrs.setdefault(node.name, [])
        if _is_args_class(node):  # a config class or mlx-style ModelArgs: its fields are the keys
            for st in node.body:
                if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
                    self._key(st.target.id)
                elif isinstance(st, ast.Assign) and _last_name(st.targets[0]) == "attribute_map":
                    for k, v in _dict_strings(st.value):  # aliases: either name may be read
                        self._key(k)
                        self._key(v)
        self.generic_visit(node)
        self.cls = outer

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, outer_self = self.params, self.self_name
        a = node.args
        first = [x.arg for x in (*a.posonlyargs, *a.args)][:1]
        if self.cls and first and not any(_last_name(d) == "staticmethod" for d in node.decorator_list):
            self.self_name = first[0]  # `self` by convention, whatever a renamed port calls it
        if node.name == "__init__":
            self.params = frozenset(x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)) - {self.self_name}
        if _loader_name(node.name):
            self._table(node)
        elif entered(node.name):
            self.generic_visit(node)
        # other bodies (the forward pass, helpers) compute on tensors: the checkpoint interface is
        # built in constructors and named in loaders and mapping tables, and this pass runs per file
        self.params, self.self_name = outer, outer_self

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = node.value
        if isinstance(node.ctx, ast.Load) and self._configish(base):
            self._key(node.attr)
        method = _DISPATCH.get(type(base))  # its one child node (`generic_visit`, without the loop)
        if method is not None:
            method(self, base)

    def visit_Call(self, node: ast.Call) -> None:
        fn = _last_name(node.func)
        if isinstance(node.func, ast.Attribute):  # `gemma3_text.Model(...)`: a module's model, built whole
            self.built.add(_root_name(node.func))
        if fn in ("getattr", "hasattr") and node.args and self._configish(node.args[0]):
            self._key(_str_arg(node, 1))
        elif fn == "get" and isinstance(node.func, ast.Attribute) and _is_config(node.func.value):
            self._key(_str_arg(node, 0))
        elif fn == "register_buffer" and self.cls:
            self.attrs[self.cls].append((_str_arg(node, 0), "buffer", "", None))
        if _mapping_name(fn):
            self._table(node)
        else:
            self.generic_visit(node)

    def _assign(self, targets: list[ast.expr], value: ast.expr, node: ast.AST) -> None:
        callee, inner = _callee(value)
        if callee and self.cls:
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == self.self_name:
                    self.attrs[self.cls].append((t.attr, callee, inner, _literal_bias(value)))
        if any(_mapping_name(_last_name(t)) for t in targets):
            self._table(node)
        else:
            self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assign(list(node.targets), node.value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is None:
            self.generic_visit(node)
        else:
            self._assign([node.target], node.value, node)

    def visit_Constant(self, node: ast.Constant) -> None:
        v = node.value
        if isinstance(v, str) and len(v) < 200 and (self.in_table or _weight_or_layer_name(v)):
            self.names.update(weight_name_features(v))


# the method for each node type entered, looked up once (the reader runs on every scanned file,
# and a table per reader cost more than small files take to read); a leaf, or None in a list,
# has none and is passed over
_DISPATCH: dict[type, Callable[[_Reader, Any], None]] = {
    t: getattr(_Reader, "visit_" + t.__name__, _Reader.generic_visit) for t in ENTERED}


def weight_name_features(text: str) -> Iterator[str]:
    """Features of one weight name found in a mapping table or loader: parts and their edges."""
    parts = [c for p in _SPLIT.split(text) if p for c in canonical(p)]
    yield from (f"p:{p}" for p in parts)
    dotted = [seg for seg in text.split(".") if seg and not _WILDCARD.match(seg)]  # "experts.*.w1": an edge
    for a, b in zip(dotted, dotted[1:]):
        for ca in canonical(a):
            yield from (f"t:{ca}.{cb}" for cb in canonical(b))


def _class_features(name: str, r: _Reader) -> frozenset[str]:
    """A class's own features, with one level of its in-file submodules' attributes as tree edges."""
    out = {f"c:{k}" for k in r.keys.get(name, ())}
    for attr, callee, inner, bias in r.attrs.get(name, ()):
        if not attr or not _is_module_call(callee):
            continue
        names = canonical(attr)
        kind = layer_kind(inner or callee)
        for n in names:
            out.add(f"p:{n}")
            if kind in ("linear", "norm", "embedding", "experts", "conv", "param"):
                out.add(f"k:{n}:{kind}")
            if kind == "linear" and bias is True:
                out.add(f"b:{n}")  # a bias the checkpoint must hold (qkv_bias), whatever the config says
        child = inner or callee
        if child in r.attrs and child != name:
            out.update(f"t:{n}.{c}" for sub, sub_callee, _, _ in r.attrs[child] if _is_module_call(sub_callee)
                       for n in names for c in canonical(sub))
    return frozenset(out)


def _read(text: str) -> ArchPrint | None:
    try:
        tree = ast.parse(text)
        reader = _Reader()
        reader.visit(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    per_class = [(name, _class_features(name, reader)) for name in reader.attrs]
    features = {f"c:{k}" for k in reader.keys[""]} | reader.names
    for _, feats in per_class:
        features.update(feats)
    return ArchPrint(frozenset(features), tuple((n, f) for n, f in per_class if f), _imports(tree, reader.built))


def arch_print(text: str) -> ArchPrint:
    """The fingerprint of one file's text; a file that does not parse has none."""
    fp = read_print(text)
    return EMPTY if fp is None else fp


def read_print(text: str) -> ArchPrint | None:
    """The fingerprint of one file's text, or None when it does not parse (or is too large to)."""
    if len(text) > MAX_SOURCE:
        return None
    with collector_paused():
        return _read(text)  # its tree is freed on return, before collections resume
