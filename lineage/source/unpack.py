"""The closed language packers write in, evaluated over a module's syntax tree for
lineage/source/packed.py: literals, names bound once, a few string operations and the decoders
of lineage/source/decoders.py.  Nothing else is evaluated, nothing is executed; each value is
computed once, within MAX_STEPS evaluations per file and the per-file size cap."""

from __future__ import annotations

import ast
import re

from lineage.source.decoders import DECODE_ERRORS, DECODERS, KEYWORDS, TEXT, Unreadable
from lineage.source.fromdata import FUNCTIONS, MIN_PLAIN, built_from_data, in_scope
from lineage.source.runners import CONSTRUCTORS, RUNNERS
from lineage.source.runners import HINT as OTHER_RUNNERS

UNPICKLERS = frozenset({"marshal.loads", "pickle.loads", "_pickle.loads", "cPickle.loads", "dill.loads"})
MAX_STEPS = 200_000  # evaluations per file: far beyond any packer's, bounds a hostile file's
RUNNER_HINT = r"(?<![\w.])(?:exec|eval)\b|builtins|marshal|pickle"  # a runner or unpickler spelt (`.eval()` is not)
MODULE_HINT = r"__import__|import_module|\bsys\s*\.\s*modules\b"  # a module named at run time (`"bu" + "iltins"`)
HINT = re.compile(f"{RUNNER_HINT}|{MODULE_HINT}|{OTHER_RUNNERS}")


class Reader:
    """Evaluates the closed language of packers over one module's syntax tree."""

    def __init__(self, tree: ast.Module, cap: int) -> None:
        self.cap = cap
        self.aliases: dict[str, str] = {}  # local name -> dotted name it was imported as
        for node in tree.body:
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        self.nodes = list(ast.walk(tree))  # (walked once: the file's nodes, breadth first)
        # the module imports an unpickler, however spelt (`import marshal`, `m = __import__("marshal")`)
        self.unpickles = any(isinstance(n, ast.Constant) and n.value in ("marshal", "pickle", "_pickle", "dill")
                             for n in self.nodes) or any(v.split(".")[0] in ("marshal", "pickle", "_pickle", "dill")
                                                         for v in self.aliases.values())
        stores: dict[str, int] = {}  # how often each name is bound, however (`for`, `with`, `+=`, `def`)
        values: dict[str, ast.expr] = {}  # the value bound by `=`, `x: T = ...`, `:=`, `a, b = x, y`
        # what may be put in a name's items besides its literal's: stored (`r[0] = exec`), added by a
        # method (`r.append(exec)`); a name so changed is read as holding any of them
        self.put: dict[str, list[ast.expr]] = {}
        for each in self.nodes:
            if isinstance(each, ast.Assign):
                for t in each.targets:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                        self.put.setdefault(t.value.id, []).append(each.value)
            elif isinstance(each, ast.Call) and isinstance(each.func, ast.Attribute) \
                    and isinstance(each.func.value, ast.Name):
                self.put.setdefault(each.func.value.id, []).extend(each.args)
            if isinstance(each, ast.Name) and isinstance(each.ctx, ast.Store):
                stores[each.id] = stores.get(each.id, 0) + 1
            elif isinstance(each, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stores[each.name] = stores.get(each.name, 0) + 1
            pairs: list[tuple[ast.expr, ast.expr | None]] = \
                [(t, each.value) for t in each.targets] if isinstance(each, ast.Assign) else \
                [(each.target, each.value)] if isinstance(each, (ast.AnnAssign, ast.NamedExpr)) else []
            for target, value in pairs:
                if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
                    pairs.extend(zip(target.elts, value.elts))
                elif isinstance(target, ast.Name) and value is not None:
                    values[target.id] = value
        self.constants = {name: value for name, value in values.items() if stores.get(name) == 1}
        self.docstring = ast.get_docstring(tree, clean=False)  # what `__doc__` holds
        self.seen: set[int] = set()
        self.known: dict[int, str | bytes | None] = {}
        self.tree = tree
        self._from_data: dict[int, frozenset[str]] | None = None
        self._scope_of: dict[int, int] = {}  # node -> the module or function whose scope it is in
        self.steps = 0

    def hides(self, node: ast.expr, blob: bool) -> bool:
        """What is run could not be read, yet it decodes (with an encoded blob in the file), or
        computes from a long literal or a long list of numbers, or loads bytecode or a pickle (with
        an encoded blob in the file): packed code hidden from reading."""
        for part in ast.walk(node):
            if isinstance(part, ast.Call) and blob and (self.dotted(part.func) in UNPICKLERS or (
                    isinstance(part.func, ast.Attribute) and part.func.attr == "loads" and self.unpickles)):
                return True  # (`exec(marshal.loads(t))` beside an encoded blob runs bytecode it decoded)
            if isinstance(part, ast.Call) and blob and (self.dotted(part.func) in DECODERS or self.dotted(
                    part.func).rsplit(".", 1)[-1] in ("decompress", "b64decode", "unhexlify", "fromhex", "decode")):
                return True
            if isinstance(part, ast.Constant) and isinstance(part.value, (str, bytes)) and len(part.value) >= MIN_PLAIN:
                return True
            if isinstance(part, (ast.List, ast.Tuple)) and len(part.elts) >= MIN_PLAIN:
                return True
            if isinstance(part, ast.Name) and part.id in self.from_data(node):
                return True  # (built from a long literal: `for i, c in enumerate([219, 69, ...]): s += chr(c ^ k)`)
        return False

    def from_data(self, node: ast.AST) -> frozenset[str]:
        """The names that the scope holding ``node`` (the module, or the function it is in) binds
        to a long literal or builds from one (bound by a statement reading one, or in a loop over
        one), however often it binds them."""
        if self._from_data is None:
            self._from_data, self._scope_of = {}, {}
            for scope in [self.tree, *(n for n in ast.walk(self.tree) if isinstance(n, FUNCTIONS))]:
                inside = list(in_scope(scope))
                self._from_data[id(scope)] = frozenset(built_from_data(inside))
                self._scope_of.update((id(n), id(scope)) for n in inside)
        return self._from_data.get(self._scope_of.get(id(node), id(self.tree)), frozenset())

    def dotted(self, node: ast.expr) -> str:
        """`b64.b64decode` as `base64.b64decode` after `import base64 as b64`; `__import__("zlib")`
        as `zlib`; `run` as `exec` after `run = exec`; `builtins.__dict__["exec"]`,
        `vars(builtins)["exec"]`, `sys.modules["builtins"]`, `exec.__call__`, `eval("exec")` as
        what they name."""
        if id(node) in self.seen:
            return ""
        self.seen.add(id(node))
        try:
            return self._dotted(node)
        finally:
            self.seen.discard(id(node))

    def _dotted(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            bound = self.constants.get(node.id)
            if isinstance(bound, ast.Call) and node.id not in self.aliases:
                return self.dotted(bound) or node.id  # (`m = __import__("marshal")`)
            if node.id in self.aliases or not isinstance(bound, (ast.Name, ast.Attribute, ast.Subscript)):
                return "builtins" if node.id == "__builtins__" else self.aliases.get(node.id, node.id)
            return self.dotted(bound) or (node.id if isinstance(bound, ast.Subscript) else "")  # (`run = exec`)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            if node.attr == "__call__" or (node.attr == "__dict__" and base == "builtins"):
                return base
            return f"{base}.{node.attr}" if base else ""
        if isinstance(node, ast.Subscript) and (item := self._item(node)) is not None:
            return self.dotted(item)  # (`[exec][0]`, `{"r": exec}["r"]`)
        if isinstance(node, ast.Subscript) and isinstance(key := self._name(node.slice), str):
            base = self.dotted(node.value)
            if base == "sys.modules":
                return key
            return f"builtins.{key}" if base in ("builtins", "vars:builtins") else ""
        if isinstance(node, ast.Call) and (made := self.dotted(node.func)) in CONSTRUCTORS:
            return f"{made}()"  # (an object whose methods run source: `code.InteractiveConsole().push`)
        if not isinstance(node, ast.Call) or node.keywords or not node.args:
            return ""
        func = self.dotted(node.func) if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if func == "vars" and len(node.args) == 1 and self.dotted(node.args[0]) == "builtins":
            return "vars:builtins"
        name = self._name(node.args[-1])  # (a name made at run time as a packer makes it: `"ex" + "ec"`)
        if name is None:
            return ""
        if func in ("__import__", "eval", "importlib.import_module") and len(node.args) == 1 and name.isidentifier():
            return name  # (`eval("exec")` is the builtin)
        base = self.dotted(node.args[0]) if func == "getattr" and len(node.args) == 2 else ""
        return f"{base}.{name}" if base else ""  # getattr(builtins, "exec")

    def _item(self, node: ast.Subscript) -> ast.expr | None:
        """The element a subscript takes from a list, tuple or dict written out (or a name bound
        once to one): the one its key names when nothing else can be put in it, else any of them
        that is a runner (`[print, exec][k]` may run source: it is read as if it did), or None."""
        name = node.value.id if isinstance(node.value, ast.Name) else None
        table = self.constants.get(name) if name is not None else node.value
        if not isinstance(table, (ast.List, ast.Tuple, ast.Dict)):
            return None
        items = [*(table.values if isinstance(table, ast.Dict) else table.elts), *self.put.get(name or "", [])]
        if name not in self.put and not any(isinstance(e, ast.Starred) for e in items):
            if isinstance(table, ast.Dict) and None not in table.keys:
                key = self._name(node.slice)
                hits = [v for k, v in zip(table.keys, table.values) if isinstance(k, ast.Constant) and k.value == key]
                if key is not None and hits:
                    return hits[-1]
            elif isinstance(table, (ast.List, ast.Tuple)) and isinstance(at := self._literal(node.slice), int) \
                    and -len(items) <= at < len(items):
                return items[at]
        return next((e for e in items if not isinstance(e, ast.Starred) and self.dotted(e) in RUNNERS), None)

    def elements(self, node: ast.expr) -> list[ast.expr] | None:
        """The items of a list or tuple written out (or a name bound once to one), or None."""
        if isinstance(node, ast.Name) and isinstance(self.constants.get(node.id), (ast.List, ast.Tuple)):
            node = self.constants[node.id]
        if isinstance(node, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in node.elts):
            return list(node.elts)
        return None

    def _name(self, node: ast.expr) -> str | None:
        """The text a name is spelt from, literal or computed (`chr(101) + "xec"`), or None."""
        try:
            name = self.value(node)
        except Unreadable:
            return None
        return name if isinstance(name, str) and len(name) <= 64 else None

    def code(self, node: ast.expr) -> str | None:
        """The text run by `exec(node)`, None when node is not packed code (`exec(source)` of a
        parameter, say: nothing to read)."""
        if isinstance(node, ast.Call) and self.dotted(node.func) in ("compile", "builtins.compile") and node.args:
            node = node.args[0]
        if isinstance(node, ast.Call) and self.dotted(node.func) in UNPICKLERS and node.args \
                and self.value(node.args[0]) is not None:  # (bytecode read from a file at run time: no packing)
            raise Unreadable(f"it is loaded by {self.dotted(node.func)} (bytecode or pickled objects), not source")
        value = self.value(node)
        if isinstance(node, ast.Constant) and (value is None or len(value) < MIN_PLAIN and not HINT.search(
                value if isinstance(value, str) else value.decode("utf-8", "replace"))):
            return None  # (a one-liner run as it stands: no program to match, nor one that runs another)
        if value is None:
            return None
        if isinstance(value, bytes):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                raise Unreadable("the unpacked bytes are not UTF-8 text") from None
        return value

    def value(self, node: ast.expr) -> str | bytes | None:
        """The node's value, each node evaluated once (a name doubled 60 times over, `a1 = a0 +
        a0`, stays linear) and within MAX_STEPS evaluations per file."""
        if id(node) in self.known:
            return self.known[id(node)]
        if id(node) in self.seen:
            return None  # (a name bound to itself, through others)
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Unreadable(f"reading it takes more than {MAX_STEPS} steps")
        self.seen.add(id(node))
        try:
            found = self._value(node)
        finally:
            self.seen.discard(id(node))
        self.known[id(node)] = found
        return found

    def _value(self, node: ast.expr) -> str | bytes | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            return node.value
        if isinstance(node, ast.Name) and node.id in self.constants:
            return self.value(self.constants[node.id])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(left, str) and isinstance(right, str) or isinstance(left, bytes) and isinstance(right, bytes):
                return self._capped(left + right)  # type: ignore[operator]
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.lower is None \
                and node.slice.upper is None and isinstance(node.slice.step, ast.UnaryOp) \
                and isinstance(node.slice.step.op, ast.USub) and isinstance(node.slice.step.operand, ast.Constant) \
                and node.slice.step.operand.value == 1:
            inner = self.value(node.value)
            return inner[::-1] if inner is not None else None
        if isinstance(node, ast.NamedExpr):
            return self.value(node.value)  # (`exec(f(_p := "..."))`)
        if isinstance(node, ast.Name) and node.id == "__doc__":
            return self.docstring
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant) \
                and isinstance(self.constants.get(node.value.id), ast.Dict):  # `_D["m"]` of `_D = {"m": "..."}`
            table = self.constants[node.value.id]
            assert isinstance(table, ast.Dict)
            hits = [v for k, v in zip(table.keys, table.values)
                    if isinstance(k, ast.Constant) and k.value == node.slice.value]
            return self.value(hits[0]) if len(hits) == 1 else None
        if isinstance(node, ast.JoinedStr):  # f"{_a}{_b}": names and literals only, no format
            parts = [self.value(v.value) if isinstance(v, ast.FormattedValue) and v.conversion == -1
                     and v.format_spec is None else self.value(v) for v in node.values]
            return self._capped("".join(p for p in parts if isinstance(p, str))) \
                if all(isinstance(p, str) for p in parts) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # "%s%s" % (a, b): `%s` only
            form = self.value(node.left)
            items = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            parts = [self.value(e) for e in items]
            if not isinstance(form, str) or re.search(r"%[^s%]", form) or not all(isinstance(p, str) for p in parts):
                return None
            try:
                return self._capped(form % tuple(parts))
            except (TypeError, ValueError):
                return None
        if isinstance(node, ast.Call):
            return self._call(node)
        return None

    def _call(self, node: ast.Call) -> str | bytes | None:
        func, called = node.func, self.dotted(node.func)
        if isinstance(func, ast.Attribute) and func.attr in ("decode", "encode") and called not in DECODERS \
                and called not in TEXT:
            args = self._arguments(node, ("encoding", "errors"))
            return self._text(func.attr, self.value(func.value), args) if args is not None else None
        if called in TEXT:  # `bytes.decode(b)`, `str(b, "utf-8")`, `bytes(s, "ascii")`
            args = self._arguments(node, ("object", "encoding", "errors"))
            if not args:
                return None
            if called in ("bytes", "bytearray") and len(args) == 1:
                numbers = self._numbers(args[0])
                try:
                    return bytes(numbers) if numbers is not None else None
                except ValueError:
                    raise Unreadable("its byte values are out of range") from None
            return self._text(TEXT[called], self.value(args[0]), args[1:])
        if called == "chr" and len(node.args) == 1 and isinstance(code := self._literal(node.args[0]), int) \
                and 0 <= code < 0x110000:
            return chr(code)
        if isinstance(func, ast.Attribute) and func.attr == "join" and len(node.args) == 1 and not node.keywords:
            glue = self.value(func.value)
            parts = self._chars(node.args[0])
            return self._capped(glue.join(parts)) if isinstance(glue, str) and parts is not None else None
        decoder = DECODERS.get(called)
        args = self._arguments(node, KEYWORDS.get(called, ("data",)))
        if decoder is None or not args:
            return None
        inner = self.value(args[0])
        extra = [self._literal(a) for a in args[1:]]
        if inner is None or any(e is None for e in extra):
            return None
        try:
            return self._capped(decoder(inner, extra, self.cap))
        except DECODE_ERRORS as exc:
            raise Unreadable(f"{called} fails on it ({exc})") from None

    def _arguments(self, node: ast.Call, names: tuple[str, ...]) -> list[ast.expr] | None:
        """The call's arguments in order, its keywords put where ``names`` place them (None when
        a keyword is unknown, leaves a gap or spreads `**`)."""
        args: list[ast.expr | None] = [*node.args]
        for keyword in node.keywords:
            if keyword.arg not in names:
                return None
            at = names.index(keyword.arg)
            args.extend([None] * (at + 1 - len(args)))
            if args[at] is not None:
                return None
            args[at] = keyword.value
        return [a for a in args if a is not None] if all(a is not None for a in args) else None

    def _text(self, way: str, inner: str | bytes | None, args: list[ast.expr]) -> str | bytes | None:
        """``inner`` decoded (``way`` "decode") or encoded, in the encoding ``args`` name (UTF-8)."""
        encoding = self._literal(args[0]) if args else "utf-8"
        if inner is None or not isinstance(encoding, str):
            return None
        try:
            if way == "decode" and isinstance(inner, bytes):
                return inner.decode(encoding)
            if way == "encode" and isinstance(inner, str):
                return inner.encode(encoding)
        except (LookupError, UnicodeError, ValueError):
            raise Unreadable(f"its text does not {way} as {encoding}") from None
        return None

    def _numbers(self, node: ast.expr) -> list[int] | None:
        """A list or tuple of integer literals (or a name bound once to one)."""
        if isinstance(node, ast.Name) and node.id in self.constants:
            node = self.constants[node.id]
        if not isinstance(node, (ast.List, ast.Tuple)) or len(node.elts) > self.cap:
            return None
        numbers = [e.value for e in node.elts if isinstance(e, ast.Constant) and type(e.value) is int]
        return numbers if len(numbers) == len(node.elts) else None

    def _chars(self, node: ast.expr) -> list[str] | None:
        """What `"".join(...)` joins: string literals listed, or characters of integer literals
        (`map(chr, [105, ...])`, `chr(c) for c in [105, ...]`)."""
        if isinstance(node, ast.Name) and isinstance(self.constants.get(node.id), (ast.List, ast.Tuple)):
            node = self.constants[node.id]  # (`"".join(_PARTS)`)
        if isinstance(node, ast.Call) and self.dotted(node.func) == "reversed" and len(node.args) == 1:
            whole = self.value(node.args[0])
            return list(reversed(whole)) if isinstance(whole, str) else None
        if isinstance(node, (ast.List, ast.Tuple)):
            parts = [self.value(e) for e in node.elts]
            return [p for p in parts if isinstance(p, str)] if all(isinstance(p, str) for p in parts) else None
        numbers: list[int] | None = None
        if isinstance(node, ast.Call) and self.dotted(node.func) == "map" and len(node.args) == 2 \
                and self.dotted(node.args[0]) == "chr":
            numbers = self._numbers(node.args[1])
        elif isinstance(node, (ast.GeneratorExp, ast.ListComp)) and len(node.generators) == 1:
            loop, elt = node.generators[0], node.elt
            if isinstance(elt, ast.Call) and self.dotted(elt.func) == "chr" and len(elt.args) == 1 \
                    and isinstance(elt.args[0], ast.Name) and isinstance(loop.target, ast.Name) \
                    and elt.args[0].id == loop.target.id and not loop.ifs and not loop.is_async:
                numbers = self._numbers(loop.iter)
        try:
            return [chr(n) for n in numbers] if numbers is not None else None
        except (ValueError, OverflowError):
            raise Unreadable("its character codes are out of range") from None

    def _literal(self, node: ast.expr) -> object:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
                and type(node.operand.value) is int:
            return -node.operand.value  # (`wbits=-15`)
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) else None

    def _capped(self, value: str | bytes) -> str | bytes:
        if len(value) > self.cap:
            raise Unreadable(f"it unpacks to more than the {self.cap}-byte cap")
        return value
