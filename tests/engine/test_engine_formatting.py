"""Formatting out of the fingerprinted tokens (fingerprint/formatting.py): what a formatter
decides (trailing commas, grouping parentheses, where a string literal is split) is dropped,
what the code decides (calls, definitions, subscripts) is kept, and broken input is safe;
and a unit laid out by black fingerprints as the same unit laid out by ``ast.unparse``."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lineage.parse.lexer as lexer
from lineage.fingerprint.formatting import annotation_mask, formatting_mask
from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import fingerprint_file
from lineage.parse.units import parse_source
from lineage.parse.vocab import Vocab
from tests.hostile.mutate import SEEDS, mutate


def _lines(source: bytes, starts: np.ndarray) -> np.ndarray:
    newlines = np.flatnonzero(np.frombuffer(source, dtype=np.uint8) == ord("\n"))
    return np.searchsorted(newlines, starts) + 1


def _streams(source: str) -> tuple[list[str], list[str], list[str]]:
    """(kinds after normalising, kinds before, lexical texts after) of a source text."""
    vocab = Vocab(lexer._classify)
    raw_ids, starts = lexer.lex_ids(source.encode(), vocab)
    kind, text = vocab.columns()[0], vocab.columns()[1]
    ids = raw_ids[~formatting_mask(kind[raw_ids], vocab.kinds.ids, _lines(source.encode(), starts))]
    return (list(vocab.kind_strings(kind[ids])), list(vocab.kind_strings(kind[raw_ids])),
            list(vocab.text_strings(text[ids])))


@pytest.mark.parametrize("black, compact", [
    ("total = combine(\n    first,\n    second,\n)\n", "total = combine(first, second)\n"),
    ("table = {\n    'a': 1,\n    'b': [2, 3,],\n}\n", "table = {'a': 1, 'b': [2, 3]}\n"),
    ("def step(\n    self,\n    state,\n):\n    pass\n", "def step(self, state):\n    pass\n"),
    ("scaled = (\n    weight * value\n    + offset\n)\n", "scaled = weight * value + offset\n"),
    ("return (left, right)\n", "return left, right\n"),
    ("if (ready and not done):\n    go()\n", "if ready and not done:\n    go()\n"),
    ("label = ('part one, '\n         'part two')\n", "label = 'part one, part two'\n"),
    # black at a narrow width wraps an unpacking target; the line before ends in a name
    ("x = load()\n(\n    first,\n    second,\n) = split(x)\n", "x = load()\nfirst, second = split(x)\n"),
    ("x = y\n(a,) = pair\n", "x = y\na, = pair\n"),
    ("for (\n    _,\n    param,\n) in (\n    named()\n):\n    use(param)\n", "for _, param in named():\n    use(param)\n"),
    ("from m import (\n    first,\n)\n", "from m import first\n"),
    # a tuple operand inside a wrapped expression is still the same tuple operand
    ("states = (\n    states\n    + (state,)\n)\n", "states = states + (state,)\n"),
    # a generator's own parentheses inside a call (ast.unparse writes them) are layout
    ("layers = wrap((make(a, b) for a, b in pairs))\n", "layers = wrap(make(a, b) for a, b in pairs)\n"),
    # a parenthesised target of a comprehension's `for`, at any depth, and a subscript's whole index
    ("keys = [a for (a, b) in pairs]\n", "keys = [a for a, b in pairs]\n"),
    ("out = {k: f(v) for (k, v) in pairs if v}\n", "out = {k: f(v) for k, v in pairs if v}\n"),
    ("cell = grid[(row, col)][0]\n", "cell = grid[row, col][0]\n"),
    # parenthesised context managers (Python 3.10)
    ("with (\n    open(a) as f,\n    open(b) as g,\n):\n    use(f, g)\n", "with open(a) as f, open(b) as g:\n    use(f, g)\n"),
])
def test_formatter_choices_give_the_same_tokens(black: str, compact: str) -> None:
    kinds_a, before_a, texts_a = _streams(black)
    kinds_b, before_b, texts_b = _streams(compact)
    assert before_a != before_b  # the layouts really differ in tokens ...
    assert kinds_a == kinds_b  # ... and not once normalised
    if "part" not in black:  # the one literal is split differently, so its text differs
        assert texts_a == texts_b


def test_calls_definitions_subscripts_and_bases_keep_their_parentheses() -> None:
    source = ("class Head(Base):\n"
              "    def forward(self, x):\n"
              "        return self.proj(x)(x)[0](type(x), print((x)))\n")
    kinds, before, _ = _streams(source)
    # the only pair dropped is the grouping one around the inner `x`
    assert before.count("(") - kinds.count("(") == 1
    assert before.count(")") - kinds.count(")") == 1
    assert kinds.count(",") == before.count(",")  # no comma here trails


def test_code_that_differs_stays_different() -> None:
    assert _streams("y = f(a, b)\n")[0] != _streams("y = f(a)(b)\n")[0]
    assert _streams("y = g(a)\n")[0] != _streams("y = g[a]\n")[0]
    assert _streams("pair = (a, b)\n")[0] != _streams("pair = [a, b]\n")[0]
    # a comma or a pair of parentheses that makes a value is code, not layout
    assert _streams("x = (a,)\n")[0] != _streams("x = a\n")[0]
    assert _streams("f((a, b))\n")[0] != _streams("f(a, b)\n")[0]
    assert _streams("return ()\n")[0] != _streams("return\n")[0]
    assert _streams("f((a,))\n")[0] != _streams("f(a)\n")[0]
    assert _streams("out = (h,) + rest\n")[0] != _streams("out = h, + rest\n")[0]
    assert _streams("out = rest + (h, g)\n")[0] != _streams("out = rest + h, g\n")[0]
    # a list of one tuple is not a list of two; a tuple inside a subscript's index stays a tuple
    assert _streams("x = [(a, b)]\n")[0] != _streams("x = [a, b]\n")[0]
    assert _streams("x = y[(a, b), c]\n")[0] != _streams("x = y[a, b, c]\n")[0]
    assert _streams("x = [v for k, (v, w) in y]\n")[0] != _streams("x = [v for k, v, w in y]\n")[0]
    assert _streams("with (yield a, b):\n    pass\n")[0] != _streams("with (yield a), b:\n    pass\n")[0]
    # a subscript's one-element tuple index: `y[a,]` is `y[(a,)]`, not `y[a]`; a list's trailing comma is layout
    assert _streams("x = y[a,]\n")[0] != _streams("x = y[a]\n")[0]
    assert _streams("x = y[a,]\n")[0] == _streams("x = y[(a,)]\n")[0]
    assert _streams("x = y[a, b,]\n")[0] == _streams("x = y[a, b]\n")[0]
    assert _streams("x = [a,]\n")[0] == _streams("x = [a]\n")[0]
    # `match` and `case` are names to the lexer: their "[" opens a list or a pattern, not an index
    assert _streams("match x:\n    case [(a, b)]:\n        pass\n")[0] != _streams("match x:\n    case [a, b]:\n        pass\n")[0]
    assert _streams("match [(a, b)]:\n    case _:\n        pass\n")[0] != _streams("match [a, b]:\n    case _:\n        pass\n")[0]


def test_keywords_do_not_depend_on_the_running_python() -> None:
    # 3.12 made `type` a soft keyword; the index and the scan may run on different Pythons
    assert lexer._classify(b"type")[0] == "ID"
    assert lexer._classify(b"lambda")[0] == "lambda" and lexer._classify(b"def")[0] == "def"


def test_a_line_continued_by_a_backslash_is_one_statement() -> None:
    # the operand on the next line is still a tuple: `y + (t,)`, not `y + t,`
    continued = _streams("states = states + \\\n    (state,)\n")[0]
    assert continued == _streams("states = states + (state,)\n")[0]
    assert continued != _streams("states = states + state,\n")[0]


def test_soft_keywords_are_names() -> None:
    # renaming `_` or a variable called `match` costs a copy no more than renaming any name
    assert _streams("for _ in range(n):\n    match = find(_)\n")[0] == _streams("for i in range(n):\n    hit = find(i)\n")[0]
    assert {lexer._classify(k)[0] for k in (b"_", b"match", b"case", b"type")} == {"ID"}


def _check(source: bytes) -> None:
    vocab = Vocab(lexer._classify)
    ids, _ = lexer.lex_ids(source, vocab)
    annotations = annotation_mask(vocab.columns()[0][ids], vocab.kinds.ids)
    assert annotations.shape == ids.shape
    mask = formatting_mask(vocab.columns()[0][ids], vocab.kinds.ids)
    assert mask.shape == ids.shape
    kinds = list(vocab.kind_strings(vocab.columns()[0][ids[mask]]))
    assert set(kinds) <= {",", "(", ")", "STR"}
    assert kinds.count("(") == kinds.count(")")  # parentheses go in matched pairs only


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_normalising_broken_and_hostile_input_drops_only_formatting(index: int) -> None:
    _check(SEEDS[index])


@settings(max_examples=80, deadline=None)
@given(st.integers(0, len(SEEDS) - 1), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_normalising_mutants_drops_only_formatting(seed: int, n_ops: int, rng_seed: int) -> None:
    _check(mutate(SEEDS[seed], random.Random(rng_seed), n_ops))


@pytest.mark.parametrize("source", [b"f(a))) + (b\n", b"((((x\n", b")(\n", b"(,)\n", b"", b"(\n"])
def test_unbalanced_brackets_are_safe(source: bytes) -> None:
    _check(source)


BLACK = """\
class Gate:
    def forward(self, hidden, mask=None):
        scores = self.proj(
            hidden,
            bias=self.bias,
        )
        weights = (
            scores.softmax(dim=-1)
            * self.scale
        )
        for name in (
            "first",
            "second",
        ):
            weights = weights.masked_fill(mask == 0, float("-inf"))
        return (weights, scores)
"""

UNPARSED = """\
class Gate:

    def forward(self, hidden, mask=None):
        scores = self.proj(hidden, bias=self.bias)
        weights = scores.softmax(dim=-1) * self.scale
        for name in ('first', 'second'):
            weights = weights.masked_fill(mask == 0, float('-inf'))
        return (weights, scores)
"""


def test_a_unit_laid_out_by_two_formatters_fingerprints_the_same() -> None:
    # continuation lines of a wrapped tuple are not statements: junk statements are judged
    # on the tokens as written, before the formatting is taken out
    params = FingerprintParams(min_kgrams=1)
    a = {u.unit.qualname: u for u in fingerprint_file(parse_source("a.py", BLACK.encode()), params).units}
    b = {u.unit.qualname: u for u in fingerprint_file(parse_source("b.py", UNPARSED.encode()), params).units}
    unit_a, unit_b = a["Gate.forward"], b["Gate.forward"]
    assert unit_a.unit.kind_ids.size != unit_b.unit.kind_ids.size
    assert unit_a.structure == unit_b.structure
    assert np.array_equal(unit_a.s_hash, unit_b.s_hash) and np.array_equal(unit_a.l_hash, unit_b.l_hash)


ANNOTATED = """\
class Mixer:
    def forward(self, hidden: torch.Tensor, cache: dict[str, list[int]] | None = None,
                *extra: int, scale: float = 1.0, **kwargs: Unpack[Options]) -> tuple[Tensor, Tensor]:
        total: int = 0
        for key, value in (cache or {}).items():
            total += len(value)
        return hidden * scale, self.norm(hidden + total)
"""

PLAIN = """\
class Mixer:
    def forward(self, hidden, cache=None, *extra, scale=1.0, **kwargs):
        total: int = 0
        for key, value in (cache or {}).items():
            total += len(value)
        return hidden * scale, self.norm(hidden + total)
"""


def test_annotations_leave_both_streams() -> None:
    """Stripped hints change neither stream: a copy without them keeps every name it had (the
    names in hints stay in the text, where vestiges are read)."""
    params = FingerprintParams(min_kgrams=1)
    a = {u.unit.qualname: u for u in fingerprint_file(parse_source("a.py", ANNOTATED.encode()), params).units}
    b = {u.unit.qualname: u for u in fingerprint_file(parse_source("b.py", PLAIN.encode()), params).units}
    unit_a, unit_b = a["Mixer.forward"], b["Mixer.forward"]
    assert unit_a.unit.text_ids.size > unit_b.unit.text_ids.size  # the hints are there to strip ...
    assert unit_a.structure == unit_b.structure and np.array_equal(unit_a.s_hash, unit_b.s_hash)
    assert np.array_equal(unit_a.l_hash, unit_b.l_hash)  # ... and the names read the same without them


def test_annotation_mask_covers_parameters_and_return_only() -> None:
    vocab = Vocab(lexer._classify)
    ids, _ = lexer.lex_ids(ANNOTATED.encode(), vocab)
    mask = annotation_mask(vocab.columns()[0][ids], vocab.kinds.ids)
    texts = list(vocab.text_strings(vocab.columns()[1][ids]))
    dropped = " ".join(t for t, m in zip(texts, mask) if m)
    assert dropped == (": torch . Tensor : dict [ str , list [ int ] ] | None : int : float "
                       ": Unpack [ Options ] -> tuple [ Tensor , Tensor ]")
    kept = [t for t, m in zip(texts, mask) if not m]
    assert kept.count("=") == 2 + 1  # both defaults stay, and so does the body's annotated assignment
    assert "total" in kept and kept[kept.index("total") + 1] == ":"


def _unmasked(source: str) -> str:
    vocab = Vocab(lexer._classify)
    ids, _ = lexer.lex_ids(source.encode(), vocab)
    mask = annotation_mask(vocab.columns()[0][ids], vocab.kinds.ids)
    return " ".join(t for t, m in zip(vocab.text_strings(vocab.columns()[1][ids]), mask) if not m)


@pytest.mark.parametrize("annotated, plain", [
    # type parameters (PEP 695) before the parameter list
    ("def pick[T: (int, str)](items: list[T], n: int = 1) -> T:\n    pass\n",
     "def pick[T: (int, str)](items, n = 1):\n    pass\n"),
    # a definition named with a soft keyword
    ("def match(pattern: str) -> bool:\n    pass\n", "def match(pattern):\n    pass\n"),
    ("def _(value: int):\n    pass\n", "def _(value):\n    pass\n"),
    # a lambda in a default value is code: its body stays, the annotations around it go
    ("def rank(score=lambda it: it.size * 2, k: int = 3, key: Callable = lambda a, b: a < b):\n    pass\n",
     "def rank(score=lambda it: it.size * 2, k = 3, key = lambda a, b: a < b):\n    pass\n"),
])
def test_annotation_mask_finds_every_parameter_list(annotated: str, plain: str) -> None:
    assert _unmasked(annotated) == _unmasked(plain)
    vocab = Vocab(lexer._classify)
    ids, _ = lexer.lex_ids(plain.encode(), vocab)
    assert not annotation_mask(vocab.columns()[0][ids], vocab.kinds.ids).any()


HINTED_MODEL = '''\
class Blender(Module):
    def __init__(self, config: BlendConfig, layer_idx: int | None = None) -> None:
        super().__init__()
        self.width: int = config.hidden_size
        self.heads = config.num_heads
        self.mix = Linear(self.width, self.width * 3, bias=config.use_bias)
        self.out = Linear(self.width, self.width, bias=False)
        self.layer_idx = layer_idx

    def forward(self, hidden: Tensor, mask: Tensor | None = None,
                cache: dict[str, Tensor] | None = None) -> tuple[Tensor, Tensor | None]:
        batch, length, _ = hidden.shape
        q, k, v = self.mix(hidden).chunk(3, dim=-1)
        q = q.view(batch, length, self.heads, -1).transpose(1, 2)
        k = k.view(batch, length, self.heads, -1).transpose(1, 2)
        v = v.view(batch, length, self.heads, -1).transpose(1, 2)
        if cache is not None:
            k = concat([cache["k"], k], dim=2)
            v = concat([cache["v"], v], dim=2)
        scores = (q @ k.transpose(-1, -2)) / sqrt(q.shape[-1])
        if mask is not None:
            scores = scores.masked_fill(mask == 0, float("-inf"))
        weights = scores.softmax(dim=-1)
        merged = (weights @ v).transpose(1, 2).reshape(batch, length, self.width)
        return self.out(merged), weights
'''


def test_a_copy_with_its_hints_stripped_keeps_its_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Scanned against an index holding the annotated original, the same code without hints is
    a copy with every name kept: hints are a style in both streams."""
    import ast

    from lineage import api
    from lineage.config import Config
    from lineage.models import SourceFile
    from tests.lines_fixture import index_families

    tree = ast.parse(HINTED_MODEL)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.returns = None
            for arg in node.args.args:
                arg.annotation = None
    stripped = ast.unparse(tree)
    assert "Tensor |" not in stripped and "self.width: int" in stripped  # function hints only
    index = api.open_index(index_families(tmp_path, "hx", [("blend", HINTED_MODEL, "Meta", "2024-01-01", ())]))
    result, _ = api.scan_files([SourceFile("mine/blender.py", stripped.encode())], index, Config(workers=1))
    matched = {f.unit: f for f in result.findings if f.kind == "code-match"}
    assert {"Blender.__init__", "Blender.forward"} <= set(matched)
    for unit in ("Blender.__init__", "Blender.forward"):
        m = matched[unit].matches[0]
        assert m.similarity == 1.0 and m.lexical == 1.0, (unit, m)
        assert "names kept" in matched[unit].explanation


def test_an_unbalanced_bracket_leaves_the_other_units_alone() -> None:
    """Brackets are counted per unit: a stray ")" in one function changes nothing in the others."""
    params = FingerprintParams(min_kgrams=1)
    first = "def first(x):\n    pair = (x, x)\n    return wrap((x,)) + (x, x) + pair\n\n\n"
    clean = first + "def second(y):\n    return y + 1\n"
    broken = first + "def second(y):\n    z = f(y))\n    return z\n"
    a = {u.unit.qualname: u for u in fingerprint_file(parse_source("a.py", clean.encode()), params).units}
    b = {u.unit.qualname: u for u in fingerprint_file(parse_source("b.py", broken.encode()), params).units}
    assert "second" in b  # the broken unit is still read (tree-sitter recovers)
    assert a["first"].structure == b["first"].structure
    assert np.array_equal(a["first"].s_hash, b["first"].s_hash)
