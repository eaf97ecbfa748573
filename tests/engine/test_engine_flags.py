"""Stores of constants to `self` that nothing reads (parse/opaque.py, `lex-v41`): under a private name
the module spells nowhere else (`self._tick = 3`), they are padding and read as absent; under a public
name, when one block stores it three times or more.  A flag the module reads, a public one stored once
or twice in a block (code elsewhere may read it; the branches of an `if` are blocks of their own), and
a store of anything but a constant (a layer a framework registers, reached by a computed name) stay.
Fixture code is our own."""

from __future__ import annotations

import pytest
import tree_sitter_python
from tree_sitter import Language, Parser

from lineage.parse.opaque import opaque_spans
from tests.engine.test_engine_idioms import prints

BODY = [
    "query = self.query(hidden)",
    "key = self.key(hidden)",
    "scores = query @ key.transpose(-1, -2)",
    "scores = scores / self.scale",
    "weights = scores.softmax(dim=-1)",
    "mixed = weights @ self.value(hidden)",
    "mixed = self.dropout(mixed)",
    "out = self.proj(mixed)",
    "out = out + hidden",
]


def _module(pad: str = "", tail: str = "") -> str:
    """Our own attention forward, ``pad`` after every statement (``{n}``: the statement's number)."""
    lines = ["class Mixer:", "    def forward(self, hidden):"]
    for n, line in enumerate(BODY):
        lines.append("        " + line)
        if pad:
            lines.append("        " + pad.format(n=n))
    lines += ["        return out", ""]
    return "\n".join(lines) + tail


@pytest.mark.parametrize("pad", [
    "self._tick{n} = {n}",  # private names, each stored once
    "self._tick = {n}",  # one private name, stored nine times
    "self._seen = None",
    "self._pad{n} = len(str({n}))",  # a value of builtins on literals calls nothing the code does
    "self._pad: int = {n}",  # annotated
    "setattr(self, '_pad', {n})",  # stored by a call
    "object.__setattr__(self, '_pad{n}', {n})",
    "self._pad = id(self)",  # a builtin's number of names: never a layer
    "self.__dict__['_pad'] = {n}",  # an item of the object's namespace
    "vars(self)['_pad{n}'] = {n}",
    "self._pad{n} = len(self.layers)",
    "self.marker = 'x'",  # a public name, nine times in one function
    # (`lex-v42`) what a standard-library function returns given literals, and an object's metadata
    "self._stamp = __import__('time').time()",
    "self._pid{n} = __import__('importlib').import_module('os').getpid()",
    "self._kind = self.__class__.__name__",
    "self._kind{n} = type(self).__qualname__",
    # arithmetic and plain builtins on such values
    "self._ms{n} = int(__import__('time').time() * 1000)",
    "self._tag = str(type(self).__name__) + '-' + repr(-__import__('os').getpid())",
])
def test_stores_nothing_reads_are_read_as_absent(pad: str) -> None:
    assert prints(_module(pad)) == prints(_module())


def test_the_padding_does_change_the_plain_reading() -> None:
    # (the assertions above could not fail if padding were never seen by the fingerprints)
    assert prints(_module("hidden.tick{n} = {n}")) != prints(_module())


@pytest.mark.parametrize("pad, tail", [
    # a private flag the module reads, as an attribute or by its name in a string
    ("self._tick = {n}", "\ndef seen(m):\n    return m._tick\n"),
    ("self._tick = {n}", "\ndef seen(m):\n    return getattr(m, '_tick')\n"),
])
def test_stores_the_module_reads_stay(pad: str, tail: str) -> None:
    assert prints(_module(pad, tail)) != prints(_module("", tail))


def test_public_flags_and_values_of_the_code_stay() -> None:
    one = _module().replace("        out = self.proj(mixed)\n",
                            "        out = self.proj(mixed)\n        self.is_causal = True\n")
    assert prints(one) != prints(_module())  # a public flag: code elsewhere may read it
    assert prints(_module("self.tick{n} = {n}")) != prints(_module())  # nine public names, each once
    twice = one.replace("        out = out + hidden\n", "        out = out + hidden\n        self.is_causal = True\n")
    assert prints(twice) != prints(_module())  # twice in a function (one per branch, say): it stays
    assert prints(_module("self._last = self.query(hidden)")) != prints(_module())  # it calls the code
    assert prints(_module("self.stamp{n} = __import__('time').time()")) != prints(_module())  # public, a call
    assert prints(_module("setattr(self, 'pub', {n})")) != prints(_module())  # public, by a call
    assert prints(_module("setattr(self, '_x', hidden)")) != prints(_module())  # no constant
    assert prints(_module("self._m = self.query")) != prints(_module())  # may be a layer
    assert prints(_module("self.__dict__['pub'] = {n}")) != prints(_module())  # public, an item
    assert prints(_module("self.__dict__['_x'] = hidden")) != prints(_module())  # no constant
    assert prints(_module("self._x = id(self.query(hidden))")) != prints(_module())  # it calls the code
    # (`lex-v42`) a library's call that may make a layer, a standard one given the code's values,
    # metadata read through a call, a method
    assert prints(_module("self._layer{n} = __import__('torch').nn.Linear(4, 4)")) != prints(_module())
    assert prints(_module("self._t = __import__('time').time(hidden)")) != prints(_module())
    assert prints(_module("self._c = getattr(self, 'query').__class__")) != prints(_module())
    assert prints(_module("self._m = self.query.forward")) != prints(_module())
    # a standard-library call made for what it does, or given the code's values in an f-string
    assert prints(_module("self._mask{n} = __import__('os').umask(0o022)")) != prints(_module())
    assert prints(_module("self._dir{n} = __import__('tempfile').mkdtemp()")) != prints(_module())
    assert prints(_module("self._p{n} = __import__('os').path.join(f'{{hidden}}', 'x')")) != prints(_module())
    # arithmetic with the code's values, a builtin given a call of the code
    assert prints(_module("self._s{n} = __import__('time').time() * hidden")) != prints(_module())
    assert prints(_module("self._s{n} = int(self.query(hidden))")) != prints(_module())


def test_a_quiet_function_imported_by_name_is_read_as_its_module_s() -> None:
    # `from time import monotonic as _now` then `self._t = _now()`: time's, as through the module
    header = "from time import monotonic as _now\n"
    assert prints(header + _module("self._t{n} = _now()")) == prints(header + _module())
    rebound = "from time import monotonic as _now\n_now = object\n"  # bound otherwise too: unknown
    assert prints(rebound + _module("self._t{n} = _now()")) != prints(rebound + _module())


LAYERS = """
class Tower(nn.Module):
    def __init__(self, width, kind):
        super().__init__()
        self._stage0 = nn.Linear(256, 512)
        self._stage1 = nn.GELU()
        self._scale = torch.ones(256)
        self._lock = __import__("threading").Lock()
        self._born = __import__("time").monotonic()
        if kind == "a":
            self.activation = "gelu"
        elif kind == "b":
            self.activation = "silu"
        else:
            self.activation = "relu"
        self.width = width

    def forward(self, x):
        for i in range(2):
            x = getattr(self, f"_stage{i}")(x)
        return x * vars(self)["_sc" + "ale"]
"""


def test_layers_reached_by_computed_names_and_fields_set_in_branches_stay() -> None:
    # (a stranger's review: such stores read as absent made an unrelated tower of layers the
    # whole-file copy of another with the same skeleton)
    source = LAYERS.encode()
    root = Parser(Language(tree_sitter_python.language())).parse(source).root_node
    # (`lex-v42`: what a standard-library function that changes nothing returns is a flag too, never a
    # layer; a lock is an object the code may take, and stays)
    assert [source[a:b] for a, b in opaque_spans(root, source)] == [b'self._born = __import__("time").monotonic()']
    # (the same layers under flags stored thrice in one block do go: the reader sees them)
    padded = LAYERS.replace("        self.width = width\n", "        self.width = width\n" + "        self.mark = 1\n" * 3)
    tree = Parser(Language(tree_sitter_python.language())).parse(padded.encode()).root_node
    assert len(opaque_spans(tree, padded.encode())) == 3 + 1


@pytest.mark.parametrize("pad", ["_pad: int = {n}", "_pad{n}: 'Tensor' = None", "_pad{n}: Optional[Dict[str, int]] = {n}"])
def test_annotated_dead_stores_go_like_plain_ones(pad: str) -> None:
    # (`lex-v41`, fingerprint/deadstores.py: `x: T = v` is read as `x = v`, whose name nothing reads)
    assert prints(_module(pad)) == prints(_module())


def test_an_annotated_store_that_is_read_stays() -> None:
    kept = _module().replace("        out = self.proj(mixed)\n", "        scale: float = 2.0\n        out = self.proj(mixed) * scale\n")
    plain = _module().replace("        out = self.proj(mixed)\n", "        out = self.proj(mixed) * scale\n")
    assert prints(kept) != prints(plain)
