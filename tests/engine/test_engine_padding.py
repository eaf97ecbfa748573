"""A call repeated as padding (the same callee, no argument but literals, its value thrown away,
eight times or more over a module's functions) is read as absent (parse/padding.py): a copy with
an imported hook after every statement fingerprints as the copy.  A call that takes the
function's values, or one repeated a few times, stays."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from lineage.compact.files import compact
from lineage.fingerprint.params import FingerprintParams
from lineage.models import SourceFile

# our own code: two functions of a gated mixer, long enough to fingerprint
FIRST = [
    "hidden = self.norm(inputs)",
    "gate = torch.sigmoid(self.gate_proj(hidden))",
    "value = self.value_proj(hidden) * gate",
    "value = self.dropout(value)",
    "return inputs + self.out_proj(value)",
]
SECOND = [
    "scores = torch.einsum('bld,bmd->blm', value, hidden) / math.sqrt(self.width)",
    "weights = scores.softmax(dim=-1)",
    "mixed = torch.einsum('blm,bmd->bld', weights, value)",
    "return mixed.flatten(2)",
]


def _file(pad: str = "", every: int = 1, header: str = "") -> str:
    def body(lines: list[str]) -> str:
        out: list[str] = []
        for i, line in enumerate(lines):
            if pad and i % every == 0:
                out.append(pad)
            out.append(line)
        return textwrap.indent("\n".join(out), " " * 8)

    return (f"import math\nimport torch\n{header}\n\nclass GatedMixer:\n    def forward(self, inputs):\n{body(FIRST)}\n\n"
            f"    def attend(self, value, hidden):\n{body(SECOND)}\n")


def _prints(text: str) -> list[np.ndarray]:
    cf = compact(SourceFile("m.py", text.encode()), FingerprintParams())
    return [u.s_hash for u in cf.units if u.qualname in ("GatedMixer.forward", "GatedMixer.attend")]


def _same(a: str, b: str) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(_prints(a), _prints(b), strict=True))


def test_an_imported_hook_after_every_statement_reads_as_the_plain_code() -> None:
    plain = _file()
    assert not _same(_file("_trace()"), _file("_trace(value)"))  # (padding does change the plain reading)
    for pad in ("_trace()", "_trace('step', 3)", "torch.empty(0)", "telemetry.mark(level=-1)", "self._tick()",
                # a module imported in place by its name (`lex-v41`)
                "__import__('os').getpid()", '__import__("time").perf_counter()',
                "importlib.import_module('os').getcwd()",
                "getattr(__import__('os'), 'getpid')()", "[math.floor, math.ceil][0](1.5)", "{}.get('k')",
                "__import__('sys').modules['os'].getpid()",
                # displays of literals given (`lex-v43`)
                "__import__('json').dumps({})", "_trace([1, 2], {'k': (0, '')})", "_trace(key={-1, 'x'})"):
        assert _same(_file(pad, header="from .telemetry import trace as _trace\n"), plain), pad


def test_a_call_that_takes_the_function_s_values_or_a_few_calls_stay() -> None:
    plain = _file()
    assert not _same(_file("_trace(value)"), plain)  # it reads the function's values: not padding
    for pad in ("_trace([value])", "_trace({'k': inputs})", "_trace((1, f'{value}'))"):  # so does a display of them
        assert not _same(_file(pad), plain), pad
    assert not _same(_file("_trace()", every=2), plain)  # five such calls in the module: too few to tell
    assert not _same(_file("__import__('os').getpid()", every=2), plain)
    # a callee reached through a call that reads the function's frame (`super()`: its class and
    # first argument) or formats a string
    for pad in ("super().reset()", "locals().clear()", "__import__(f'{name}').getpid()"):
        assert not _same(_file(pad), plain), pad


def test_an_import_in_the_function_for_the_padding_alone_goes_with_it() -> None:
    # (`lex-v41`, parse/localimports.py): `import os as _p` then `_p.getpid()` after every statement
    plain = _file()
    # (an import does break the plain reading when something the function keeps reads it)
    assert not _same(_file("import os as _p; _p.getpid(value)"), plain)
    assert _same(_file("import os as _p; _p.getpid()"), plain)
    assert _same(_file("from os import getpid as _g; _g()"), plain)
    assert _same(_file("import os.path"), plain)  # a name the function never reads


def test_an_import_the_function_reads_stays() -> None:
    plain = _file()
    assert not _same(_file("import os as _p; _q = _p.getpid(); value = value + _q"), plain)
    read = _file().replace("        hidden = self.norm(inputs)\n",
                           "        import torch.nn.functional as F\n        hidden = F.silu(self.norm(inputs))\n")
    unread = _file().replace("        hidden = self.norm(inputs)\n",
                             "        hidden = F.silu(self.norm(inputs))\n")
    assert not _same(read, unread)  # the import is read: it stays


def _rotating(pads: list[str], header: str = "") -> str:
    """`_file` with the pads taken in turn, one before each statement."""
    turn = iter(range(10_000))
    return "\n".join(pads[next(turn) % len(pads)] if line.strip() == "\x00" else line
                     for line in _file("\x00", header=header).split("\n"))


def test_quiet_functions_in_rotation_count_together() -> None:
    # (`lex-v42`, parse/modules.py): nine calls of as many functions of one module, none repeated eight times
    plain = _file()
    functions = ["sin", "cos", "tan", "exp", "sqrt", "floor", "ceil", "fabs", "log1p"]
    for pads, header in (([f"        math.{f}(0.5)" for f in functions], ""),
                         ([f"        __import__('math').{f}(0.5)" for f in functions], ""),
                         ([f"        __import__('importlib').import_module('math').{f}(0.5)" for f in functions], ""),
                         ([f"        {f}(0.5)" for f in functions], "from math import " + ", ".join(functions)),
                         ([f"        os.path.{f}('a')" for f in ("basename", "dirname", "isabs")], "import os"),
                         # quiet functions of several modules in turn count together too
                         (["        math.sin(0.5)", "        __import__('os').getpid()", "        time.time()",
                           "        os.path.isabs('a')", "        hashlib.md5(b'x')"], "import os, time, hashlib")):
        assert _same(_rotating(pads, header), _file(header=header)), pads[0]
    assert not _same(_rotating([f"        math.{f}(value)" for f in functions]), plain)  # it reads the code's values
    # two objects that are no modules the code names, each called fewer than eight times
    assert not _same(_rotating(["        store.flush()", "        cache.flush()"]), plain)
    # a module the module binds otherwise too is no module of an import
    assert not _same(_rotating([f"        m.{f}(0.5)" for f in functions], "import math as m\nm = object()"),
                     _file(header="import math as m\nm = object()"))


@pytest.mark.parametrize(("pads", "header"), [
    # functions called for what they do: the collector, a GPU barrier, the random state, the process
    (["gc.collect()", "gc.freeze()", "gc.disable()", "gc.enable()", "gc.unfreeze()"], "import gc"),
    (["torch.cuda.synchronize()", "torch.cuda.empty_cache()", "torch.cuda.reset_peak_memory_stats()"], ""),
    (["torch.manual_seed(0)", "torch.set_num_threads(1)", "torch.use_deterministic_algorithms(True)"], ""),
    (["sys.setrecursionlimit(10000)", "sys.setswitchinterval(0.01)"], "import sys"),
    (["os.environ.setdefault('A', '1')", "os.environ.pop('B', None)", "os.umask(0o022)"], "import os"),
    # names a module imports that are no module's functions the code can tell: an object, a package's own
    (["REGISTRY.register('a')", "REGISTRY.freeze()", "REGISTRY.reset()"], "from .registry import REGISTRY"),
    (["barrier()", "fence()", "init_group('nccl')"], "from .dist import barrier, fence, init_group"),
    # a wait and a printed calendar are effects too; a star import may bind `math` to anything
    (["time.sleep(0.5)", "time.sleep(1)", "calendar.setfirstweekday(6)", "calendar.prmonth(2024, 1)"],
     "import time\nimport calendar"),
    (["math.sin(0.5)", "math.cos(0.5)", "math.tan(0.5)"], "from .fake import *"),
])
def test_a_module_s_functions_called_for_their_effects_stay(pads: list[str], header: str) -> None:
    # (the first try counted any module's functions: a review found 1,038 real statements of vLLM and
    # SGLang read as padding, GPU barriers and `gc.collect()` among them)
    padded = _rotating(["        " + p for p in pads], header)
    assert padded.count("\n") - _file(header=header).count("\n") >= 9
    assert not _same(padded, _file(header=header)), pads


def test_a_string_that_interpolates_the_code_s_values_is_no_literal() -> None:
    # nine calls of one callee: the padding reading (`lex-v35`) takes literals only, never an f-string's `{}`
    hook = "def _note(*args):\n    return args"
    assert _same(_file("_note('x')", header=hook), _file(header=hook))
    assert not _same(_file("_note(f'{inputs}')", header=hook), _file(header=hook))
    assert not _same(_file("_note('at ' f'{inputs}')", header=hook), _file(header=hook))
