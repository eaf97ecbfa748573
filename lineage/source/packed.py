"""Code packed into an encoded literal that a file executes, unpacked without running anything.

A packer hides a module in one string (`exec(zlib.decompress(base64.b64decode("eJy...")))`), and a
copy so packed holds no code to match.  The argument of `exec`, `eval` or `compile`, however
spelt (`getattr(__import__("bu" + "iltins"), "ex" + "ec")` too), is evaluated as data over a closed
language (lineage/source/unpack.py), never executed, within a step budget and the per-file size
cap; so is what a decoder makes of a literal when that is a program, wherever it goes (written to
a module the file then imports).  The code is scanned as a file of its own,
`model.py[exec:3]`, and a payload that packs another is unpacked in turn (MAX_LAYERS deep).
What cannot be read so is reported, never passed (FileError, unchecked): bytecode or pickles, a
payload over the cap or one that does not decode, and code run from what cannot be followed to a
literal in a file that shows it is packed (README, "Security", lists each form).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache, partial
from itertools import accumulate

from lineage.models import FileError, SourceFile
from lineage.source.computed import computed_names, parse_quietly, parsed_tree
from lineage.source.decoders import DECODERS, Unreadable
from lineage.source.fromdata import MIN_PLAIN
from lineage.source.runners import HINT as OTHER_RUNNERS
from lineage.source.runners import RUNNERS, SHELLS, after_dash_c, source_arguments
from lineage.source.unpack import HINT as UNPACK_HINT
from lineage.source.unpack import MODULE_HINT, RUNNER_HINT, UNPICKLERS, Reader
from lineage.source.walk import PYTHON_SUFFIXES

MAX_LAYERS = 8
ESCAPES = 60  # bytes escaped on one line: a compressed literal as Python writes it
OPAQUE_MIN = 1024  # a file at least this long, most of it one literal handed to a call, is a loader
_RUNNER = re.compile(RUNNER_HINT.encode())
_MODULE = re.compile(MODULE_HINT.encode())
_WORDS = (b"exec", b"eval", b"builtins", b"marshal", b"pickle")  # (what `in` finds fast, before a pattern)
_LOOKUPS = (b"getattr", b"__dict__", b"vars")  # how a runner is looked up in a module named at run time
_DECODES = (b"decode", b"decompress", b"fromhex", b"unhexlify", b"a2b_")  # a decoder spelt
_SCRAMBLES = (b"[::-1]", b"reversed(", b"chr(")  # text reversed or made of characters (`_decoded_source`)
_OTHERS = (b"timeit", b"Interactive", b"compile_command", b"runctx", b"runeval", b"cProfile")  # (runners.py's)
_IMPORTED = re.compile(rb"(?m)^[ \t]*(?:import|from)[ \t][^\n]*\b(?:profile|trace)\b")  # `import profile`
# an encoded run, in a literal or a comment: base64's, hex's and base85's alphabets (b85, `lex-v29`)
_BLOB = re.compile(rb"[A-Za-z0-9+/=_\-!#$%&()*;<>?@^`{|}~]{200,}")


def unpacked_files(files: Sequence[SourceFile], cap: int,
                   workers: int = 1) -> tuple[list[SourceFile], list[FileError]]:
    """The packed code of each Python file, as files of their own (and of those, in turn), and
    what could not be unpacked.  ``workers``: processes reading the scanned files (forked)."""
    from functools import partial

    from lineage.pool import fork_map

    found: list[SourceFile] = []
    errors: list[FileError] = []
    python = [f for f in files if f.path.lower().endswith(PYTHON_SUFFIXES) or not f.path.rsplit("/", 1)[-1].count(".")]
    read = fork_map(partial(_read, cap=cap), [f.data for f in python], workers)  # (payloads found: read here)
    todo = [(f, 1, False, i) for i, f in enumerate(python)]
    while todo:
        file, depth, blob_above, first = todo.pop()
        runs, why, computed = read[first] if first >= 0 else _read(file.data, cap, blob_above)
        if why is not None:
            errors.append(FileError(file.path, "decode", f"packed code not read: {why}", unchecked=True))
        if computed is not None:
            errors.append(FileError(file.path, "decode", f"code not read: {computed}", unchecked=True, partly=True))
        for line, payload in runs:
            path = f"{file.path}[exec:{line}]"
            if isinstance(payload, Unreadable):
                if not errors or errors[-1].path != path:  # (one reason per call)
                    errors.append(FileError(path, "decode", f"packed code not read: {payload}", unchecked=True))
            elif depth >= MAX_LAYERS:
                errors.append(FileError(path, "decode", f"packed code not read: more than {MAX_LAYERS} layers",
                                        unchecked=True))
            else:
                found.append(SourceFile(path, payload.encode("utf-8", "surrogatepass")))
                todo.append((found[-1], depth + 1, blob_above or _blob(file.data), -1))
    return found, errors


def _read(data: bytes, cap: int, blob_above: bool = False) -> tuple[list[tuple[int, str | Unreadable]], str | None,
                                                                    str | None]:
    """What one file runs (_packed), why it is an opaque loader (_opaque) when it runs nothing
    read so, and why its names cannot be read (source/computed.py), each None when not so."""
    parse = cache(partial(parsed_tree, data))  # (one `ast` parse of the file for its three readers, if any needs it)
    runs = _packed(data, cap, blob_above, parse)
    why = _opaque(data, parse) if not runs else None  # (what a runner is handed is read above)
    return runs, why, computed_names(data, parse)


def _opaque(data: bytes, parse: Callable[[], ast.Module | type[Exception]]) -> str | None:
    """Why a file is a loader of code it holds as an opaque literal, or None: most of its bytes are
    one literal handed to a call at its top level (`__pyarmor__(__name__, __file__, b'PY...')`:
    what an obfuscator encrypted or compiled runs through a runtime of its own, for its effect; a
    module that binds what a call makes of its data to a name, as protobuf's generated `_pb2.py`
    files do, is no loader, nor one that binds the data itself)."""
    if len(data) < OPAQUE_MIN or max(len(line) for line in data.split(b"\n")) * 2 < len(data):
        return None
    tree = parse()
    if not isinstance(tree, ast.Module):
        return None  # (the scan reports a file that does not parse)
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None  # (its value kept: data, as protobuf's)
        if not isinstance(call, ast.Call):
            continue
        held = [_width(a, data) for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, (bytes, str))]
        if any(w * 2 >= len(data) for w in held):
            return (f"line {statement.lineno} hands a literal of {max(held)} bytes to {ast.unparse(call.func)[:60]}: "
                    "code held so (encrypted or compiled, as pyarmor's) is not source")
    return None


def _width(node: ast.expr, data: bytes) -> int:
    """How many bytes of the file a literal spells (its escapes as written)."""
    if node.end_lineno is None or node.end_col_offset is None:
        return 0
    starts = [0, *accumulate(len(line) + 1 for line in data.split(b"\n", node.end_lineno)[: node.end_lineno - 1])]
    return starts[node.end_lineno - 1] + node.end_col_offset - starts[node.lineno - 1] - node.col_offset


def _hinted(data: bytes) -> bool:
    """The file spells a runner or an unpickler, or looks a name up in a module it names at run
    time (as Python reads names: NFKC, so `ｅｘｅｃ` too)."""
    if any(w in data for w in _WORDS) and _RUNNER.search(data):
        return True
    if any(w in data for w in _LOOKUPS) and _MODULE.search(data):
        return True
    if _other_runner(data):
        return True
    if data.isascii():
        return False
    text = data.decode("utf-8", "replace")
    if unicodedata.is_normalized("NFKC", text):
        return False  # (read as it stands above)
    text = unicodedata.normalize("NFKC", text)
    return bool(re.search(f"{RUNNER_HINT}|{OTHER_RUNNERS}", text)) or bool(re.search(MODULE_HINT, text)) and any(
        w.decode() in text for w in _LOOKUPS)


def _other_runner(data: bytes) -> bool:
    """The file spells a runner of source of lineage/source/runners.py (as its HINT, checked fast)."""
    if any(w in data for w in _OTHERS):
        return True
    if (b"pdb" in data or b"bdb" in data) and re.search(rb"\b[pb]db\b", data):
        return True
    if (b"profile" in data or b"trace" in data) and _IMPORTED.search(data):
        return True
    return b"-c" in data and any(m.start() == 0 or not re.match(rb"[\w-]", data[m.start() - 1: m.start()])
                                 for m in re.finditer(rb"-c\b", data))


def _blob(data: bytes) -> bool:
    """An encoded run: 200 characters of an encoding's alphabet, letters and digits mixed (not a
    comment's line of dashes), or bytes written as 60 escapes on a line (`b'x\\x9c\\xed...'`)."""
    if len(data) < 200 or max(map(len, data.split(b"\n"))) < 200:
        return False  # (a run is on one line)
    if data.count(b"\\x") >= ESCAPES and any(line.count(b"\\x") >= ESCAPES for line in data.split(b"\n")):
        return True
    return any(re.search(rb"\d", m.group()) and re.search(rb"[A-Za-z]", m.group()) for m in _BLOB.finditer(data))


def _packed(data: bytes, cap: int, blob_above: bool, parse: Callable[[], ast.Module | type[Exception]]
            ) -> list[tuple[int, str | Unreadable]]:
    """What the file runs, by line: code, or why it cannot be read.  ``blob_above``: a layer
    around this one holds an encoded blob (its names may feed this one)."""
    hinted = _hinted(data)
    scrambled = any(w in data for w in _SCRAMBLES)
    if not hinted and not scrambled and not any(w in data for w in _DECODES):
        return []
    blob = blob_above or _blob(data)
    if not hinted and not scrambled and not blob:
        return []  # (what a decoder makes of no encoded literal is no packed code)
    tree = parse()  # (a scanned file's invalid escapes are its own business: warnings silenced)
    if tree in (RecursionError, MemoryError):
        return [(1, Unreadable("the file is nested too deeply to read what it runs"))]
    if not isinstance(tree, ast.Module):  # (the scan reports a file that does not parse)
        return [(1, Unreadable("the file does not parse as Python 3.11, and it runs code from an encoded blob"))] \
            if blob else []
    reader = Reader(tree, cap)
    out: list[tuple[int, str | Unreadable]] = []
    total = 0
    parsed = [cap]  # (what is left to parse of decoded text: `_decoded_source`)
    for node in reader.nodes:
        given: list[ast.expr]
        if isinstance(node, ast.Subscript):
            called, given = "", [node]  # (text reversed, `s[::-1]`, wherever it goes: `_decoded_source`)
        elif isinstance(node, ast.Call) and (node.args or node.keywords):
            called = reader.dotted(node.func)
            given = source_arguments(node, called) if called in RUNNERS else [node]
        else:
            continue
        for arg in given:
            try:
                if called in UNPICKLERS and isinstance(node, ast.Call) and node.args \
                        and reader.value(node.args[0]) is not None:
                    raise Unreadable(f"it is loaded by {called} (bytecode or pickled objects), not source")
                value = reader.code(arg) if called in RUNNERS else \
                    _shell(reader, node) if called in SHELLS and isinstance(node, ast.Call) \
                    else _decoded_source(reader, arg, called, {v for _, v in out if isinstance(v, str)}, parsed)
            except Unreadable as exc:
                out.append((node.lineno, exc))
                continue
            except RecursionError:
                out.append((node.lineno, Unreadable("its expression is nested too deeply to read")))
                continue
            if value is not None and not value.strip():
                continue  # (nothing to run)
            if value is not None and all(value != v for _, v in out):  # (`exec(compile(x))`: one payload)
                total += len(value)
                out.append((node.lineno, value if total <= cap else Unreadable(
                    f"what the file runs unpacks to more than the {cap}-byte cap in all")))
            elif called in RUNNERS and value is None and reader.hides(arg, blob):
                out.append((node.lineno, Unreadable("it runs what it decodes or computes from data that cannot be "
                                                     "followed statically to a literal")))
    handed = [a for c in reader.nodes if isinstance(c, ast.Call) for a in c.args if isinstance(a, ast.Name)]
    out += [(n.lineno, Unreadable("it hands exec or eval on to run what it decodes")) for n in handed
            if blob and reader.dotted(n) in RUNNERS]  # (`f(exec, blob)`)
    return sorted(out, key=lambda p: p[0])


def _shell(reader: Reader, call: ast.Call) -> str | None:
    """The program a new interpreter is handed after `-c` (a one-liner that runs nothing else is
    left alone, as `exec` of one is)."""
    text = after_dash_c(call, lambda e: _quiet(reader, e), reader.elements)
    if text is None or len(text) < MIN_PLAIN and not UNPACK_HINT.search(text):
        return None
    return text


def _quiet(reader: Reader, node: ast.expr) -> str | bytes | None:
    try:
        return reader.value(node)
    except Unreadable:
        return None


def _scrambles(node: ast.expr, called: str) -> bool:
    """The expression decodes or unscrambles text: a decoder's call, `.decode()`, text reversed
    (`s[::-1]`), characters joined from numbers or reversed (not lines of text joined)."""
    if isinstance(node, ast.Subscript):
        step = node.slice.step if isinstance(node.slice, ast.Slice) else None
        return isinstance(step, ast.UnaryOp) and isinstance(step.op, ast.USub)
    if not isinstance(node, ast.Call):
        return False
    attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    return called in DECODERS or attr == "decode" or attr == "join" and len(node.args) == 1 and isinstance(
        node.args[0], (ast.Call, ast.GeneratorExp, ast.ListComp))


def _decoded_source(reader: Reader, call: ast.expr, called: str, found: set[str], room: list[int]) -> str | None:
    """The program a decoder's call makes of a literal, or text reversed or joined from characters,
    wherever it goes (written to a module that
    is imported, handed to a runtime made elsewhere): text of at least MIN_PLAIN characters that
    parses and defines or imports something (anywhere, `if 1:` too), not among those
    ``found``.  ``room[0]``: the bytes
    left to parse so in this file (the cap, as for what is run), spent here.  None for anything
    else, and when it cannot be read (only what a file runs must be read: see `_packed`)."""
    if not _scrambles(call, called):
        return None
    try:
        value = reader.value(call)
        text = value.decode("utf-8") if isinstance(value, bytes) else value
    except (Unreadable, UnicodeDecodeError, RecursionError):
        return None
    if text is None or len(text) < MIN_PLAIN or len(text) > room[0] or text in found:
        return None
    room[0] -= len(text)
    tree = parse_quietly(text.encode("utf-8", "surrogatepass"))
    defines = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    return text if tree is not None and any(isinstance(n, defines) for n in ast.walk(tree)) else None
