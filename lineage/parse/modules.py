"""The module a called function belongs to, when the code says which (`lex-v42`).

For parse/padding.py and parse/opaque.py: padding that calls a library for nothing may rotate
over a module's functions (`math.sin(0.5)`, then `math.cos(0.5)`, ...), each callee too rare to
count as repeated, and a flag nothing reads may hold what a standard-library call returns
(`self._t = time.time()`).  A callee's module is read where the code names it: imported in place
(`__import__('os').getpid`, `importlib.import_module('time').time`, `__import__('importlib')
.import_module('time').time`) or through a name a top-level import binds (`import math as m`
then `m.sin`; `from math import sin` then `sin`) that the module binds no other way
(parse/bound.py's ``rebound``).  An attribute of a module is read as a module too
(`os.path.join` belongs to `os.path`).

Only functions that change nothing when given literals count (``quiet``): `math.sin(0.5)`,
`time.time()`, `os.getpid()`.  A stranger's review of the first try, which counted any module's
functions, found it reading 1,038 real statements in 87 files of vLLM and SGLang as padding:
GPU barriers and fences (`cute.arch.sync_threads()`), `gc.collect()`, `torch.manual_seed(0)`,
`sys.exit(1)`; calls made for what they do, not what they return.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from lineage.parse.bound import bound_by_imports, rebound

_IMPORT_MODULE = "importlib.import_module"
# (`from m import *`, a line continued too; `\b` told after the literal, as a look-behind: a pattern that starts
# with a literal is searched for that literal at C speed, one that starts with `\b` is tried at every byte, 10x slower)
STAR_IMPORT = re.compile(rb"import(?<!\wimport)(?:[ \t]|\\\r?\n)*\*")
_MAX_DEPTH = 8


class Modules:
    """What the module's top-level imports bind (name -> dotted path), for ``quiet``: names bound
    otherwise too left out, and names no path to a quiet function can start with."""

    def __init__(self, root: Node, source: bytes) -> None:
        # (`*` may bind any name; only names that can lead to a ``quiet`` function are wanted, the
        # rest never can: `torch` and `nn`, read hundreds of times a file, are not looked for again)
        bound = {} if STAR_IMPORT.search(source) else {
            name: path for name, path in bound_by_imports(root, source)
            if name == "__import__" or path.split(".")[0] in _ROOTS}
        again = rebound(root, source, set(bound)) if bound else set()
        self.paths = {name: path for name, path in bound.items() if name not in again}
        self.source = source

    def module_of(self, callee: Node | None) -> str:
        """The dotted path of the module whose function ``callee`` is, or ""."""
        if callee is None:
            return ""
        if callee.type == "identifier":  # (`from math import sin`: `sin` is math's)
            return self.paths.get(self._text(callee), "").rpartition(".")[0]
        if callee.type != "attribute":
            return ""
        return self.path_of(callee.child_by_field_name("object"))

    def function_of(self, callee: Node | None) -> str:
        """The dotted path of the module's function ``callee`` is (`math.sin`), or ""."""
        module = self.module_of(callee)
        if not module or callee is None:
            return ""
        if callee.type == "identifier":
            return self.paths.get(self._text(callee), "")
        attribute = callee.child_by_field_name("attribute")
        return f"{module}.{self._text(attribute)}" if attribute is not None else ""

    def path_of(self, node: Node | None, depth: int = 0) -> str:
        """The dotted path of the module an expression stands for, or ""."""
        if node is None or depth > _MAX_DEPTH:
            return ""
        if node.type == "parenthesized_expression" and node.named_child_count == 1:
            return self.path_of(node.named_children[0], depth + 1)
        if node.type == "identifier":
            return self.paths.get(self._text(node), "")
        if node.type == "attribute":
            inner = self.path_of(node.child_by_field_name("object"), depth + 1)
            attribute = node.child_by_field_name("attribute")
            return f"{inner}.{self._text(attribute)}" if inner and attribute is not None else ""
        if node.type == "call":
            return self._imported_in_place(node, depth)
        return ""

    def _imported_in_place(self, call: Node, depth: int) -> str:
        """`__import__('os')` (the top package, as `__import__` returns it) or `import_module('a.b')`."""
        function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        given = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if function is None or not given or given[0].type != "string" or any(
                c.type == "interpolation" for c in given[0].children):
            return ""
        name = self._text(given[0]).strip("'\"")
        if not all(part.isidentifier() for part in name.split(".")):
            return ""
        spelt = "".join(self._text(function).split())
        if spelt == "__import__" and "__import__" not in self.paths and len(given) == 1:
            return name.split(".")[0]
        if function.type == "attribute" and spelt.endswith(".import_module") and len(given) == 1:
            return name if self.path_of(function, depth + 1) == _IMPORT_MODULE else ""
        return ""

    def _text(self, node: Node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace")


# standard-library modules whose functions, given literals alone, change no state of the program,
# but those of ``_NOT_QUIET`` (a wait, a printed calendar); and such functions of modules that have others too
_QUIET_MODULES = frozenset({
    "math", "cmath", "operator", "statistics", "string", "keyword", "unicodedata", "colorsys", "time",
    "os.path", "posixpath", "ntpath", "platform", "textwrap", "json", "base64", "binascii", "hashlib",
    "zlib", "struct", "fractions", "decimal", "itertools", "calendar", "html", "shlex", "fnmatch",
    "difflib", "uuid", "datetime", "bisect", "heapq", "copy", "sysconfig"})
_QUIET_FUNCTIONS = frozenset({
    "os.getpid", "os.getppid", "os.getcwd", "os.getcwdb", "os.cpu_count", "os.getuid", "os.geteuid",
    "os.getgid", "os.getlogin", "os.urandom", "os.times", "os.uname", "os.getloadavg", "os.getenv",
    "os.environ.get", "sys.getrecursionlimit", "sys.getsizeof", "sys.getdefaultencoding",
    "sys.getfilesystemencoding", "sys.getrefcount", "sys.intern", "sys.getswitchinterval",
    "gc.isenabled", "gc.get_count", "gc.get_threshold", "threading.get_ident", "threading.get_native_id",
    "threading.active_count", "threading.current_thread", "threading.main_thread", "socket.gethostname",
    "getpass.getuser", "locale.getpreferredencoding"})
_NOT_QUIET = frozenset({"time.tzset", "time.sleep", "calendar.setfirstweekday", "calendar.prmonth", "calendar.prcal",
                        "calendar.main", "platform.main", "json.main", "uuid.main", "base64.main", "textwrap.main"})


# the top-level modules a quiet function's path can start with (and importlib's `import_module`)
_ROOTS = frozenset(p.split(".")[0] for p in _QUIET_MODULES | _QUIET_FUNCTIONS) | {_IMPORT_MODULE.split(".")[0]}


def quiet(function: str) -> bool:
    """The dotted path names a standard-library function that changes nothing given literals
    (`math.sin`, `time.monotonic`, `os.getpid`; `datetime.datetime.now` as `datetime`'s)."""
    if function in _QUIET_FUNCTIONS:
        return True
    module = function.rpartition(".")[0]
    return function not in _NOT_QUIET and any(module == m or module.startswith(m + ".") for m in _QUIET_MODULES)
