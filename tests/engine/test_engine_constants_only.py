"""Padding handed values computed from literals alone, read as absent on both sides (`lex-v45`).

A stranger's review padded copies with a call or a store after every other statement, handed a
value the function computes for it alone: `_t = [0] * 3` then `self._log.append(len(_t))`,
`_rec(len(_t))` through a bound method's alias, `getattr(_log, 'append')(len(_t))`, a log in
another module, `_STATS['calls'] += 1`, `_log[3] = _log.get(3, 0) + len(_t)`.  Repeated eight
times or more (parse/padding.py) and taking nothing from the code (parse/constants_only.py), they
read as absent, with what was computed for them.  What takes the code's values, a value bound
otherwise than to constants, or a few such statements, stays.  Also the wrapper variants
`_p(*(x,))` and `_p(x)[0]` (parse/wrapped.py).  Fixture code is our own."""

from __future__ import annotations

import re

import pytest
from tree_sitter import Node

from lineage.parse.constants_only import constants_only
from lineage.parse.units import _grammar
from tests.engine.test_engine_flags import _module
from tests.engine.test_engine_wrapped import IMPORTED, _wrapped, class_prints

CONST = "_t{n} = [0] * 3\n        "  # a value the function computes for the padding alone


@pytest.mark.parametrize("pad, tail", [
    (CONST + "self._log.append(len(_t{n}))", ""),  # a log kept on the object
    (CONST + "_rec(len(_t{n}))", "\n_log = []\n_rec = _log.append\n"),  # a bound method's alias
    (CONST + "getattr(_log, 'append')(len(_t{n}))", "\n_log = []\n"),
    (CONST + "acme_logs.LOG.append(len(_t{n}))", "\nimport acme_logs\n"),  # a log of another module
    (CONST + "_logs[0].append(len(_t{n}))", "\n_logs = ([], [])\n"),
    (CONST + "_log.append(len(_t{n}))", "\n_log = []\n\n\ndef history():\n    return list(_log)\n"),  # read
    ("_STATS['calls'] += 1", "\n_STATS = {'calls': 0}\n"),  # a counter
    (CONST + "_log[{n}] = _log.get({n}, 0) + len(_t{n})", "\n_log = {{}}\n"),  # counted in a dict
    ("self._calls += 1", ""),
    ("self._log.append(type(hidden).__name__)", ""),  # the name of a value's type: a new string
    ("_log.append(hidden.__class__.__qualname__)", "\n_log = []\n\n# this type of log\n"),
    ("_k{n} = 'ab' + 'c'\n        _n{n} = len(_k{n}) * 2\n        _trace(_n{n}, tag=_k{n})",
     "\nfrom acme.hooks import trace as _trace\n"),  # constants from constants, by keyword too
])
def test_padding_handed_values_computed_from_literals_reads_as_absent(pad: str, tail: str) -> None:
    assert class_prints(_module(pad, tail)) == class_prints(_module("", tail))


@pytest.mark.parametrize("pad, tail", [
    ("self._log.append(len(hidden))", ""),  # a parameter: the code's value
    ("_log.append(out)", "\n_log = []\n"),  # the code's own value
    ("_t{n} = [0] * 3\n        _t{n} += [1]\n        self._log.append(len(_t{n}))", ""),  # bound by `+=` too
    ("for _t{n} in range(3):\n            pass\n        self._log.append(_t{n})", ""),  # a loop's target
    ("self._calls += len(hidden)", ""),  # counts the code's values
    ("self._seen[hidden] = 1", ""),  # keyed by the code's value
    ("_t{n} = self.scale\n        self._log.append(_t{n})", ""),  # bound to the object's state
    ("self._state['k{n}'] = len(self._state.get('seen', []))", ""),  # computed from other items
    ("_n{n} = self._counts\n        _n{n}['calls'] += 1", ""),  # an item of a local: the function's own
    ("hidden.calls += 1", ""),  # an attribute of a parameter
])
def test_padding_that_takes_the_code_s_values_stays(pad: str, tail: str) -> None:
    assert class_prints(_module(pad, tail)) != class_prints(_module("", tail))


def test_a_few_such_statements_stay() -> None:
    """Three calls of a log of another module, under eight: a module may log what it does."""
    tail = "\nimport acme_logs\n"
    text = _module("", tail)
    padded = text
    for at in ("        key = ", "        scores = scores", "        out = out"):
        padded = padded.replace(at, "        _t = [0] * 3\n        acme_logs.LOG.append(len(_t))\n" + at, 1)
    assert padded.count("acme_logs.LOG.append") == 3
    assert class_prints(padded) != class_prints(text)
    assert class_prints(_module(CONST + "acme_logs.LOG.append(len(_t{n}))", tail)) == class_prints(text)


def _sink_arguments(text: str) -> tuple[Node, bytes]:
    """The argument list of the call of `sink` in ``text``, and the source."""
    source = text.encode()
    stack = [_grammar()[0].parse(source).root_node]
    while stack:
        node = stack.pop()
        function = node.child_by_field_name("function") if node.type == "call" else None
        if function is not None and source[function.start_byte:function.end_byte] == b"sink":
            return node.child_by_field_name("arguments"), source
        stack.extend(node.children)
    raise AssertionError("no call of sink")


@pytest.mark.parametrize("body, expected", [
    ("a = 3\n    b = a * 2\n    sink(len(str(b)))", True),
    ("a = 3\n    a = a + 1\n    sink(a)", False),  # bound from itself
    ("a = f'{x}'\n    sink(a)", False),  # an f-string reads the code
    ("sink(len, 3)", False),  # a builtin handed on, not called
    ("a = [0] * 3\n    sink(a[1:], 'k', None)", True),
    ("global a\n    a = 3\n    sink(a)", False),
    ("a = 3\n    def inner():\n        a = x\n    sink(a)", True),  # the nested function's `a` is its own
    ("a = max(3, 1)\n    sink(a)", True),
    ("a = sorted([3, 1])\n    sink(a)", False),  # (not among the builtins read as computing alone)
    ("a = obj.size\n    sink(a)", False),
    ("sink(type(x).__name__, x.__class__.__qualname__)", True),
    ("sink(type(x.f()).__name__)", False),  # runs the code's method
    ("sink(type(x).__dict__)", False),
    ("global type\n    sink(type(x).__name__)", False),  # `type` may be another's
])
def test_constants_only(body: str, expected: bool) -> None:
    arguments, source = _sink_arguments(f"def f(x):\n    {body}\n")
    assert constants_only(arguments, source) is expected


@pytest.mark.parametrize("form", ["_p(*({v},))", "_p(*[{v}])", "_p({v})[0]",
                                  "_TABLE.get(3, _p)({v})"])  # (looked up in a table, `_TABLE = {}` above)
def test_a_pass_through_spelt_otherwise_reads_as_the_value(form: str) -> None:
    text = re.sub(r"_WRAP\(([^\n]*)\)$", lambda m: form.format(v=m.group(1)), _wrapped("_WRAP", IMPORTED), flags=re.M)
    assert class_prints(text) == class_prints(_wrapped("", IMPORTED))


def test_a_table_lookup_of_the_code_s_own_stays() -> None:
    """A callee looked up with the code's own value (`_TABLE.get(kind, _p)`) is no pass-through."""
    text = re.sub(r"_WRAP\(([^\n]*)\)$", lambda m: f"_TABLE.get(self.kind, _p)({m.group(1)})",
                  _wrapped("_WRAP", IMPORTED), flags=re.M)
    assert class_prints(text) != class_prints(_wrapped("", IMPORTED))


def test_a_star_of_several_values_stays() -> None:
    text = re.sub(r"_WRAP\(([^\n]*)\)$", lambda m: f"_p(*({m.group(1)}, hidden))", _wrapped("_WRAP", IMPORTED),
                  flags=re.M)
    assert class_prints(text) != class_prints(_wrapped("", IMPORTED))
