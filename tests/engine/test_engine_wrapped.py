"""Two paddings a stranger's review found (`lex-v44`), read as absent on both sides:

- one call wrapped around most values a module's functions compute (`x = _p(expr)`,
  `return _p(x)`), whatever the callee is (imported, defined with a check that never holds, a
  dotted name): read as its argument (parse/wrapped.py);
- a module-level collection nothing reads, changed in place after every other statement
  (`_t = [0] * 3` then `_log.append(len(_t))`): those changes, and what is computed for them
  alone, are junk (parse/junk.write_only).

What the code's own values pass through (a callee called otherwise too, or around few values, or
a method of `self`) and a collection the module reads stay.  Fixture code is our own."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest

from lineage.fingerprint.units import FingerprintParams, fingerprint_file
from lineage.parse.units import parse_source
from tests.engine.test_engine_flags import BODY, _module

# our own module: an attention block and a gated feed-forward block
PLAIN = [
    ("Mixer", "forward", BODY + ["return out"]),
    ("Gate", "forward", ["up = self.up(hidden)", "gate = self.gate(hidden)", "gate = gate.sigmoid()",
                         "mixed = up * gate", "mixed = self.drop(mixed)", "out = self.down(mixed)",
                         "return out"]),
]


def _wrapped(wrap: str, head: str = "", share: float = 1.0) -> str:
    """PLAIN with the value of (about ``share`` of) its assignments and returns handed through ``wrap``."""
    lines = [head]
    done = 0
    for cls, method, body in PLAIN:
        lines += [f"class {cls}:", f"    def {method}(self, hidden):"]
        for statement in body:
            done += 1
            if wrap and done * share >= int(done * share) + 1 - share:  # (every statement at share 1)
                if statement.startswith("return "):
                    statement = f"return {wrap}({statement[7:]})"
                elif " = " in statement:
                    target, value = statement.split(" = ", 1)
                    statement = f"{target} = {wrap}({value})"
            lines.append("        " + statement)
        lines.append("")
    return "\n".join(lines)


def class_prints(text: str) -> set[int]:
    """The structural fingerprints of the units of the two classes (not of the module or helpers)."""
    fp = fingerprint_file(parse_source("m.py", textwrap.dedent(text).encode()), FingerprintParams())
    return set(np.concatenate([u.s_hash for u in fp.units if u.unit.qualname.split(".")[0] in ("Mixer", "Gate")]).tolist())


SENTINEL = "_SENTINEL = object()\n\n\ndef _p(value):\n    if value is _SENTINEL:\n        raise RuntimeError('x')\n    return value\n\n\n"


@pytest.mark.parametrize("wrap, head", [
    ("_p", "from acme.tensor_utils import passthrough as _p\n\n\n"),  # imported: what it does is not read
    ("_p", SENTINEL),  # defined in the file, not a plain identity
    ("acme_rt.keep", "import acme_rt\n\n\n"),  # a dotted name
])
def test_a_call_wrapped_around_every_value_reads_as_its_argument(wrap: str, head: str) -> None:
    assert class_prints(_wrapped(wrap, head)) == class_prints(_wrapped("", head))


IMPORTED = "from acme.tensor_utils import passthrough as _p\n\n\n"


def _through(form: str, head: str = IMPORTED, tail: str = "") -> str:
    """PLAIN with every value handed on as ``form`` says (`{v}`: the value)."""
    text = _wrapped("_WRAP", head) + tail
    return re.sub(r"_WRAP\(([^\n]*)\)$", lambda m: form.format(v=m.group(1)), text, flags=re.M)


@pytest.mark.parametrize("form, tail", [
    ("_p({v}, None)", ""),  # a literal beside the value
    ("_p({v}, tag='a')", ""),
    ("_p(value={v})", ""),  # the value by keyword
    ("_p({v})", "\n\ndef _selftest():\n    return _p(None, None)\n"),  # a call of literals alone besides
])
def test_a_pass_through_handed_literals_beside_the_value_reads_as_the_value(form: str, tail: str) -> None:
    assert class_prints(_through(form, tail=tail)) == class_prints(_wrapped("", IMPORTED) + tail)


def test_aliases_of_one_imported_pass_through_count_as_one() -> None:
    """Eight aliases of one imported function used in turn, none around a quarter of the values."""
    head = "from acme.tensor_utils import " + ", ".join(f"passthrough as _p{i}" for i in range(8)) + "\n\n\n"
    counter = iter(range(1000))
    text = re.sub(r"_WRAP\(", lambda m: f"_p{next(counter) % 8}(", _wrapped("_WRAP", head))
    assert class_prints(text) == class_prints(_wrapped("", head))


@pytest.mark.parametrize("wrap, head, tail", [
    ("_p", IMPORTED, "\n_p(hidden_size, extra)\n"),  # called with two of the code's values elsewhere
    ("self.keep", "", ""),  # a method of the object: the code's own
    ("_p", IMPORTED, "\n_q = _p(limit, mode=hidden)\n"),  # given a value by keyword beside another
])
def test_a_callee_the_code_uses_otherwise_stays(wrap: str, head: str, tail: str) -> None:
    assert class_prints(_wrapped(wrap, head) + tail) != class_prints(_wrapped("", head) + tail)


def test_a_callee_around_few_values_stays() -> None:
    """Three of sixteen values (under a quarter, and under eight) go through it: the code's own call."""
    text = _wrapped("", "from acme.tensor_utils import passthrough as _p\n\n\n")
    for value in ("self.query(hidden)", "self.key(hidden)", "self.up(hidden)"):
        text = text.replace(f"= {value}", f"= _p({value})")
    assert class_prints(text) != class_prints(_wrapped("", "from acme.tensor_utils import passthrough as _p\n\n\n"))


@pytest.mark.parametrize("pad, tail", [
    ("_t{n} = [0] * 3\n        _log.append(len(_t{n}))", "\n_log = []\n"),
    ("_log.append({n})", "\n_log = []\n"),
    ("_seen[{n}] = 'x'", "\n_seen = {{}}\n"),  # an item stored
    ("_t{n} = 'x' * {n}\n        _bag.add(_t{n})\n        _bag.discard(_t{n})", "\n_bag = set()\n"),
    ("_t{n} = [0] * 3\n        _log.append(len(_t{n}))", "\n_log = []\n# inspect _log after a forward pass\n"),
    ("_t{n} = [0] * 3\n        _log.append(len(_t{n}))", "\nimport collections\n_log = collections.deque(maxlen=8)\n"),
])
def test_changes_to_a_collection_nothing_reads_are_junk(pad: str, tail: str) -> None:
    plain = _module("", tail)
    assert class_prints(_module(pad, tail)) == class_prints(plain)
    # (fewer than eight: no padding by count, parse/padding.py; the collection's reading alone)
    assert class_prints(_some(pad, tail)) == class_prints(plain)


def _some(pad: str, tail: str, count: int = 4) -> str:
    """`_module` with ``pad`` after its first ``count`` statements alone."""
    text = _module("", tail)
    for n, statement in enumerate(BODY[:count]):
        text = text.replace("        " + statement + "\n", "        " + statement + "\n        " + pad.format(n=n) + "\n", 1)
    return text


# (padding of its own: `_log.append(3)` with literals alone is a call repeated as padding, parse/padding.py)
PAD = "_t{n} = [0] * 3\n        _log.append(len(_t{n}))"


@pytest.mark.parametrize("pad, tail", [
    (PAD, "\n_log = []\n\n\ndef history():\n    return list(_log)\n"),  # read by the module
    (PAD, "\n_log = []\nNAME = '_log'\n"),  # spelt in a string: may be reached by name
    (PAD.replace("_log", "__all__"), "\n__all__ = []\n"),  # a dunder: read by the import system
    (PAD, "\n_log = make_log()\n"),  # bound to what a call returns: may be another's too
    ("_log.append(self.query(hidden))", "\n_log = []\n"),  # computes with the code's own calls
    ("_log.append(out)", "\n_log = []\n"),  # holds the code's own value (a registry's `_REG[name] = fn`)
    ("_seen[hidden] = {n}", "\n_seen = {{}}\n"),  # keyed by it
])
def test_a_collection_the_module_reads_or_that_takes_the_code_s_work_stays(pad: str, tail: str) -> None:
    """Four such changes: (eight or more handed literals or what is computed from them alone are
    padding whatever they change, parse/padding.py, `lex-v45`)."""
    assert class_prints(_some(pad, tail)) != class_prints(_module("", tail))
