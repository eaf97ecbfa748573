"""Control flow obfuscators rewrite reads as the code they rewrote (`lex-v53`): a function
flattened into a loop over a state (parse/flattened.py: pyobfus Pro's `--control-flow`,
obfuscatorx's flattening), tests padded with predicates of fixed value and branches turned
inside out (parse/predicates.py: obfupy's `expandIfCondition` and `rewriteIf`), an `if`/`else`
decided by a local's constant value that runs only junk (parse/junk.py), statements after a
`return` (parse/deadcode.py), and a float spelt in hex (parse/folded.py).  Each is checked on
code of our own against the same code written plainly; what only looks like them stays."""

from __future__ import annotations

from tests.engine.conftest import same_unit as _same
from tests.engine.conftest import unit_texts as _texts


PLAIN = (
    "def f(self, h, cache=None):\n"
    "    x = self.norm(h)\n"
    "    q = self.q_proj(x).view(self.shape).transpose(1, 2)\n"
    "    if cache is not None:\n"
    "        q = cache.update(q, self.layer_idx)\n"
    "    out = self.attn(x, q)\n"
    "    return self.o_proj(out)\n"
)


def test_a_flattened_function_reads_as_its_statements() -> None:
    flattened = (
        "def f(self, h, cache=None):\n"
        "    _result = None\n"
        "    _state = 0\n"
        "    while _state != -1:\n"
        "        if _state == 0:\n"
        "            x = self.norm(h)\n"
        "            q = self.q_proj(x).view(self.shape).transpose(1, 2)\n"
        "            if cache is not None:\n"
        "                _state = 1\n"
        "            else:\n"
        "                _state = 2\n"
        "        elif _state == 1:\n"
        "            q = cache.update(q, self.layer_idx)\n"
        "            _state = 2\n"
        "        elif _state == 2:\n"
        "            out = self.attn(x, q)\n"
        "            _result = self.o_proj(out)\n"
        "            _state = -1\n"
        "        elif _state == 3:\n"
        "            _state = -1\n"
        "    return _result\n"
    )
    assert _texts(flattened, "f") == _texts(PLAIN, "f")
    assert _same(PLAIN, flattened)
    # obfuscatorx's form: states spelt as xors, each test behind an always-true predicate, `while P and s != e`
    xored = (
        "_g = 23700605 - 16612943\n"
        "def f(self, h, cache=None):\n"
        "    _s = 1420454099 ^ 29918\n"
        "    while _g * (_g + 1) % 2 == 0 and _s != -16796 ^ 16795:\n"
        "        if _s == 1420434877 ^ 432:\n"
        "            x = self.norm(h)\n"
        "            _s = 1440096820 ^ 1923\n"
        "        elif _g * _g % 4 in {0, 1} and _s == 1440134153 ^ 37310:\n"
        "            q = self.q_proj(x).view(self.shape).transpose(1, 2)\n"
        "            _s = 165764568 ^ 58539\n"
        "        elif _s == 165795318 ^ 27781:\n"
        "            return self.o_proj(self.attn(x, q))\n"
        "            _s = -63801 ^ 63800\n"
        "        else:\n"
        "            pass\n"
    )
    straight = (
        "def f(self, h, cache=None):\n"
        "    x = self.norm(h)\n"
        "    q = self.q_proj(x).view(self.shape).transpose(1, 2)\n"
        "    return self.o_proj(self.attn(x, q))\n"
    )
    assert _same(straight, xored)


def test_what_only_looks_flattened_stays() -> None:
    two = (
        "def f(self, n):\n"
        "    s = 0\n"
        "    while s != 9:\n"
        "        if s == 0:\n"
        "            s = self.step(n)\n"
        "        elif s == 1:\n"
        "            s = 9\n"
        "    return s\n"
    )
    assert "while" in _texts(two, "f")  # (two branches: a loop of the code's own)
    unbound = two.replace("    s = 0\n", "    n = 0\n").replace("        elif s == 1:\n            s = 9\n",
                                                                 "        elif s == 1:\n            s = 9\n"
                                                                 "        elif s == 2:\n            s = 1\n")
    assert "while" in _texts(unbound, "f")  # (the state is not bound just before the loop)
    other = two.replace("        elif s == 1:\n            s = 9\n", "        elif s == 1:\n            s = 9\n"
                        "        elif t == 2:\n            s = 1\n")
    assert "while" in _texts(other, "f")  # (a branch tests another name)
    # a state machine of the code's own: states of text, a test reading its locals, a transition computed
    three = (
        "def f(self, text):\n"
        "    i = 0\n"
        "    s = 0\n"
        "    while s != 9:\n"
        "        if s == 0:\n"
        "            s = 1\n"
        "        elif s == 1 and i < len(text):\n"
        "            i = self.step(i)\n"
        "            s = 2\n"
        "        elif s == 2:\n"
        "            s = 9\n"
        "    return i\n"
    )
    assert "while" in _texts(three, "f")
    computed = three.replace(" and i < len(text)", "").replace("            s = 2\n", "            s = 2 if self.more else 9\n")
    assert "while" in _texts(computed, "f")
    words = three.replace(" and i < len(text)", "").replace("== 0", "== 'start'").replace("== 1", "== 'word'") \
        .replace("== 2", "== 'end'").replace("s = 0", "s = 'start'").replace("s = 1", "s = 'word'").replace("s = 2", "s = 'end'")
    assert "while" in _texts(words, "f")
    plain = three.replace(" and i < len(text)", "")
    assert "while" not in _texts(plain, "f")  # (the control: numbers alone, tests of the state alone)


def test_padded_tests_and_branches_inside_out_read_as_written() -> None:
    plain = (
        "def f(self, n, mask, cache, use):\n"
        "    if self.kind != 'default':\n"
        "        a = self.g(1)\n"
        "    if n == 1:\n"
        "        a = self.g(a)\n"
        "    if mask is not None:\n"
        "        a = self.g(mask)\n"
        "    if use and cache is None:\n"
        "        a = self.h(a)\n"
        "    return a\n"
    )
    padded = (
        "def _t(v):\n    return True\n"
        "_u = lambda v: True\n"
        "class _K:\n    @staticmethod\n    def yes(v):\n        return 1\n"
        "def f(self, n, mask, cache, use):\n"
        "    if (_u(42) and self.kind != 'default') and (not 12 or 3):\n"
        "        a = self.g(1)\n"
        "    if 51 >= 45 and (not 21) or (n == 1 or not _K.yes(15)):\n"
        "        a = self.g(a)\n"
        "    if not mask is not None:\n"
        "        pass\n"
        "    else:\n"
        "        a = self.g(mask)\n"
        "    if (not _K.yes(40) or not _t(10)) or (19 and (use and cache is None)):\n"
        "        a = self.h(a)\n"
        "    else:\n"
        "        pass\n"
        "    return a\n"
    )
    assert _texts(padded, "f") == _texts(plain, "f")
    # a function that may return something else, or two operands of unknown value, stay
    kept = padded.replace("def _t(v):\n    return True\n", "def _t(v):\n    return check(v)\n")
    assert "_t" in _texts(kept, "f")
    for rebinding in ("from ._ext import *\n", "for _t in (min, max):\n    pass\n", "_K.yes = staticmethod(check)\n",
                      "globals()['_u'] = check\n"):
        rebound = padded + rebinding
        assert "and" in _texts(rebound, "f") or "or" in _texts(rebound, "f"), rebinding
    both = plain.replace("if n == 1:", "if n == 1 and mask:")
    assert _texts(both, "f") == [t for t in _texts(both, "f")] and "and" in _texts(both, "f")


def test_decided_branches_of_junk_and_what_follows_a_return_read_as_absent() -> None:
    plain = "def f(self, x):\n    y = self.norm(x)\n    return self.proj(y)\n"
    padded = (
        "def f(self, x):\n"
        "    _d = 100\n"
        "    if _d * _d >= 0:\n"
        "        pass\n"
        "    else:\n"
        "        _e = [_i for _i in range(4)]\n"
        "        len([])\n"
        "    y = self.norm(x)\n"
        "    return self.proj(y)\n"
        "    [_i for _i in range(8)]\n"
        "    _z = {'key_0': 20}\n"
    )
    assert _texts(padded, "f") == _texts(plain, "f")
    live = padded.replace("        pass\n    else:\n", "        y = self.norm(x + 1)\n    else:\n")
    assert "+" in _texts(live, "f")  # (the branch taken does something)
    early = "def f(self, x):\n    if x is None:\n        return x\n    y = self.norm(x)\n    return self.proj(y)\n"
    assert "norm" in _texts(early, "f")  # (a return in a branch ends the branch, not its function)
    empty = "def f(self, x):\n    return\n    yield\n"
    assert "yield" in _texts(empty, "f")  # (a generator that yields nothing: the `yield` makes it one)


def test_a_float_spelt_in_hex_reads_as_the_float() -> None:
    plain = "def f(self, x):\n    return x ** -0.5 + 1e-06 * self.eps + 0.0\n"
    spelt = ("def f(self, x):\n    return x ** -float.fromhex('0x1.0000000000000p-1') + "
             "float.fromhex('0x1.0c6f7a0b5ed8dp-20') * self.eps + float.fromhex('0x0.0p+0')\n")
    assert _same(plain, spelt)
