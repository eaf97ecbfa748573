"""Code packed into an encoded literal that a file executes, unpacked without running anything.

A packer hides a whole module in one string, `exec(zlib.decompress(base64.b64decode("eJy...")))`:
the file then holds no code to match, and a copy passes as clean.  The literal is read here as
data: the argument of `exec`, `eval` or `compile` is evaluated over a small, closed language (string
and bytes literals, `+` between them, a name the module binds once (by `=`) to such a value, `[::-1]`, `.encode()` / `.decode()`, and the decoders of base64, binascii, codecs, zlib,
gzip, bz2 and lzma, reached by any import alias).  Nothing else is evaluated and nothing is
executed; every decompression is bounded by the per-file size cap.  The code found is scanned as a
file of its own, named after the file and the line of the call (`model.py[exec:3]`), its lines
the unpacked text's own; a payload that packs another is unpacked in turn (MAX_LAYERS deep).

What cannot be read so is reported, never passed: bytecode (`marshal.loads`), a payload over the
cap, or one that does not decode as text (FileError, unchecked).
"""

from __future__ import annotations

import ast
import binascii
import base64
import bz2
import codecs
import lzma
import re
import warnings
import zlib
from collections.abc import Callable, Sequence

from lineage.models import FileError, SourceFile

MAX_LAYERS = 8
_HINT = re.compile(rb"(?<![\w.])(?:exec|eval)\s*\(|builtins")  # a file worth parsing for it (`model.eval()` is not)
_RUNNERS = frozenset({"exec", "eval", "builtins.exec", "builtins.eval"})


class _Unreadable(Exception):
    """The call runs packed code that cannot be read as source (the reason says why)."""


def unpacked_files(files: Sequence[SourceFile], cap: int) -> tuple[list[SourceFile], list[FileError]]:
    """The packed code of each Python file, as files of their own (and of those, in turn), and
    what could not be unpacked."""
    found: list[SourceFile] = []
    errors: list[FileError] = []
    todo = [(f, 1) for f in files if f.path.lower().endswith(".py") or not f.path.rsplit("/", 1)[-1].count(".")]
    while todo:
        file, depth = todo.pop()
        for line, payload in _packed(file.data, cap):
            path = f"{file.path}[exec:{line}]"
            if isinstance(payload, _Unreadable):
                errors.append(FileError(path, "decode", f"packed code not read: {payload}", unchecked=True))
            elif depth >= MAX_LAYERS:
                errors.append(FileError(path, "decode", f"packed code not read: more than {MAX_LAYERS} layers",
                                        unchecked=True))
            else:
                found.append(SourceFile(path, payload.encode("utf-8", "surrogatepass")))
                todo.append((found[-1], depth + 1))
    return found, errors


def _packed(data: bytes, cap: int) -> list[tuple[int, str | _Unreadable]]:
    if not _HINT.search(data):
        return []
    try:
        with warnings.catch_warnings():  # (a scanned file's invalid escapes are its own business)
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # (the scan reports a file that does not parse; nothing packed is read from it)
    reader = _Reader(tree, cap)
    out: list[tuple[int, str | _Unreadable]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and reader.dotted(node.func) in _RUNNERS and node.args:
            try:
                value = reader.code(node.args[0])
            except _Unreadable as exc:
                out.append((node.lineno, exc))
                continue
            except RecursionError:
                out.append((node.lineno, _Unreadable("its expression is nested too deeply to read")))
                continue
            if value is not None:
                out.append((node.lineno, value))
    return sorted(out, key=lambda p: p[0])


class _Reader:
    """Evaluates the closed language of packers over one module's syntax tree."""

    def __init__(self, tree: ast.Module, cap: int) -> None:
        self.cap = cap
        self.aliases: dict[str, str] = {}  # local name -> dotted name it was imported as
        bound: dict[str, list[ast.expr]] = {}
        for node in tree.body:
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        for assign in (n for n in ast.walk(tree) if isinstance(n, ast.Assign)):
            for t in assign.targets:
                if isinstance(t, ast.Name):
                    bound.setdefault(t.id, []).append(assign.value)
        self.constants = {name: values[0] for name, values in bound.items() if len(values) == 1}
        self.seen: set[int] = set()

    def dotted(self, node: ast.expr) -> str:
        """`b64.b64decode` as `base64.b64decode` after `import base64 as b64`; `__import__("zlib")` as `zlib`."""
        if isinstance(node, ast.Name):
            return "builtins" if node.id == "__builtins__" else self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr}" if base else ""
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.keywords:
            return ""
        name = node.args[-1].value if node.args and isinstance(node.args[-1], ast.Constant) else None
        if not isinstance(name, str):
            return ""
        if node.func.id == "__import__" and len(node.args) == 1:
            return name
        base = self.dotted(node.args[0]) if node.func.id == "getattr" and len(node.args) == 2 else ""
        return f"{base}.{name}" if base else ""  # getattr(builtins, "exec")

    def code(self, node: ast.expr) -> str | None:
        """The text run by `exec(node)`, None when node is not packed code (`exec(source)` of a
        parameter, say: nothing to read)."""
        if isinstance(node, ast.Call) and self.dotted(node.func) in ("compile", "builtins.compile") and node.args:
            node = node.args[0]
        if isinstance(node, ast.Call) and self.dotted(node.func) == "marshal.loads":
            raise _Unreadable("it is Python bytecode (marshal.loads), not source")
        if isinstance(node, ast.Constant):
            return None  # a literal run as it stands is code in plain sight, parsed with the file
        value = self.value(node)
        if value is None:
            return None
        if isinstance(value, bytes):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                raise _Unreadable("the unpacked bytes are not UTF-8 text") from None
        return value

    def value(self, node: ast.expr) -> str | bytes | None:
        if id(node) in self.seen:
            return None  # (a name bound to itself, through others)
        self.seen.add(id(node))
        try:
            return self._value(node)
        finally:
            self.seen.discard(id(node))

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
        if isinstance(node, ast.Call):
            return self._call(node)
        return None

    def _call(self, node: ast.Call) -> str | bytes | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("decode", "encode") and not node.keywords \
                and len(node.args) <= 2 and self.dotted(func) not in _DECODERS:
            inner = self.value(func.value)
            encoding = self._literal(node.args[0]) if node.args else "utf-8"
            if inner is None or not isinstance(encoding, str):
                return None
            try:
                if func.attr == "decode" and isinstance(inner, bytes):
                    return inner.decode(encoding)
                if func.attr == "encode" and isinstance(inner, str):
                    return inner.encode(encoding)
            except (LookupError, UnicodeError, ValueError):
                raise _Unreadable(f"its text does not {func.attr} as {encoding}") from None
            return None
        if isinstance(func, ast.Attribute) and func.attr == "join" and len(node.args) == 1 and not node.keywords:
            glue = self.value(func.value)
            parts = self._chars(node.args[0])
            return self._capped(glue.join(parts)) if isinstance(glue, str) and parts is not None else None
        if self.dotted(func) in ("bytes", "bytearray") and len(node.args) == 1 and not node.keywords:
            numbers = self._numbers(node.args[0])
            try:
                return bytes(numbers) if numbers is not None else None
            except ValueError:
                raise _Unreadable("its byte values are out of range") from None
        decoder = _DECODERS.get(self.dotted(func))
        if decoder is None or not node.args:
            return None
        inner = self.value(node.args[0])
        extra = [self._literal(a) for a in node.args[1:]]
        if inner is None or any(e is None for e in extra) or node.keywords:
            return None
        try:
            return self._capped(decoder(inner, extra, self.cap))
        except (binascii.Error, ValueError, TypeError, LookupError, zlib.error, OSError, EOFError, lzma.LZMAError) as exc:
            raise _Unreadable(f"{self.dotted(func)} fails on it ({exc})") from None

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
            raise _Unreadable("its character codes are out of range") from None

    def _literal(self, node: ast.expr) -> object:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) else None

    def _capped(self, value: str | bytes) -> str | bytes:
        if len(value) > self.cap:
            raise _Unreadable(f"it unpacks to more than the {self.cap}-byte cap")
        return value


def _bytes(value: str | bytes) -> bytes:
    return value.encode("ascii") if isinstance(value, str) else value


def _bounded(decompressor: object, data: bytes, cap: int) -> bytes:
    out = decompressor.decompress(data, cap + 1)  # type: ignore[attr-defined]
    if len(out) > cap:
        raise _Unreadable(f"it unpacks to more than the {cap}-byte cap")
    return bytes(out)


def _zlib(data: str | bytes, extra: list[object], cap: int) -> bytes:
    wbits = extra[0] if extra and isinstance(extra[0], int) else zlib.MAX_WBITS
    return _bounded(zlib.decompressobj(wbits), _bytes(data), cap)


def _codecs(data: str | bytes, extra: list[object], cap: int) -> str | bytes:
    encoding = str(extra[0]).lower().replace("-", "_") if extra else "utf_8"
    if encoding in ("zlib", "zlib_codec", "zip"):
        return _zlib(data, [], cap)
    if encoding in ("bz2", "bz2_codec"):
        return _bounded(bz2.BZ2Decompressor(), _bytes(data), cap)
    return codecs.decode(data, encoding)  # type: ignore[arg-type]  # base64, hex, rot13, text codecs: bounded by their input


_Decoder = Callable[[str | bytes, list[object], int], str | bytes]
_DECODERS: dict[str, _Decoder] = {
    **{f"base64.{n}": (lambda f: lambda d, e, c: f(d))(getattr(base64, n)) for n in (
        "b64decode", "standard_b64decode", "urlsafe_b64decode", "b32decode", "b16decode", "b85decode",
        "a85decode", "decodebytes")},
    **{f"binascii.{n}": (lambda f: lambda d, e, c: f(d))(getattr(binascii, n)) for n in (
        "unhexlify", "a2b_hex", "a2b_base64")},
    "bytes.fromhex": lambda d, e, c: bytes.fromhex(d if isinstance(d, str) else d.decode("ascii")),
    "zlib.decompress": _zlib,
    "gzip.decompress": lambda d, e, c: _bounded(zlib.decompressobj(zlib.MAX_WBITS | 16), _bytes(d), c),
    "bz2.decompress": lambda d, e, c: _bounded(bz2.BZ2Decompressor(), _bytes(d), c),
    "lzma.decompress": lambda d, e, c: _bounded(lzma.LZMADecompressor(), _bytes(d), c),
    "codecs.decode": _codecs,
}
