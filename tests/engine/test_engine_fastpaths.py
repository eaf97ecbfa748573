"""The fast paths of the build (issue 19) against plain reference versions of the same steps.

Each reference here is the straightforward form of a step (a string per token, a query over
every node, an argmin per window); the product's form must give exactly the same result on
the hostile-test seeds, their mutants and real source (this Python's standard library).
"""

from __future__ import annotations

import ast
import random
from itertools import compress
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tree_sitter import QueryCursor

import lineage.parse.lexer as lexer
import lineage.parse.vocab as vocab_module
from lineage.fingerprint.shingles import _winnow
from lineage.parse.budget import Budget
from lineage.parse.units import _definition_nodes, _grammar, parse_source
from lineage.parse.vocab import Vocab
from tests.hostile.mutate import SEEDS, mutate

STDLIB = sorted(Path(ast.__file__).parent.glob("*.py"))[::6]  # about 35 real modules, any size
FAST = settings(max_examples=60, deadline=None)


def _reference_lex(source: bytes) -> tuple[list[str], list[str], list[int]]:
    """A string per token: match objects' offsets, comments dropped by their first byte."""
    matches = list(lexer._SPACED.finditer(source))
    tokens = [m.group().lstrip() for m in matches]
    starts = [m.end() - len(t) for m, t in zip(matches, tokens)]
    keep = [not (t.startswith(b"#") or (t.startswith(b"\\") and len(t) > 1)) for t in tokens]
    pairs = [lexer._classify(t) for t in compress(tokens, keep)]
    return [k for k, _ in pairs], [t for _, t in pairs], list(compress(starts, keep))


def _same_lex(source: bytes) -> None:
    kinds, texts, starts = lexer.lex(source)
    assert (kinds, texts, starts.tolist()) == _reference_lex(source)
    assert lexer.lex_texts(source) == texts  # (the texts alone, read without arrays: parse/neutral.py)


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_lexer_ids_give_the_reference_tokens_on_the_seeds(index: int) -> None:
    _same_lex(SEEDS[index])


def test_lexer_ids_give_the_reference_tokens_on_real_source() -> None:
    assert len(STDLIB) > 20
    for path in STDLIB:
        _same_lex(path.read_bytes())


@FAST
@given(st.integers(0, len(SEEDS) - 1), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_lexer_ids_give_the_reference_tokens_on_mutants(seed: int, n_ops: int, rng_seed: int) -> None:
    _same_lex(mutate(SEEDS[seed], random.Random(rng_seed), n_ops))


def _keyword_offsets(source: bytes) -> np.ndarray:
    vocab = Vocab(lexer._classify)
    ids, starts = lexer.lex_ids(source, vocab)
    kinds = vocab.columns()[0][ids]
    return starts[np.isin(kinds, [vocab.kinds.ids.get("def", -1), vocab.kinds.ids.get("class", -1)])]


def _same_definitions(source: bytes) -> None:
    parser, query = _grammar()
    root = parser.parse(source).root_node
    expected = [(n.start_byte, n.end_byte, n.type) for n in QueryCursor(query).captures(root).get("def", [])]
    found = [(n.start_byte, n.end_byte, n.type) for n in _definition_nodes(root, Budget(60.0), _keyword_offsets(source))]
    assert sorted(found) == sorted(expected)


def test_definitions_from_keywords_are_the_querys_on_real_source() -> None:
    total = 0
    for path in STDLIB:
        source = path.read_bytes()
        _same_definitions(source)
        total += source.count(b"def ")
    assert total > 500  # the files hold definitions to find


@FAST
@given(st.integers(0, len(SEEDS) - 1), st.integers(0, 6), st.integers(0, 2**32 - 1))
def test_definitions_from_keywords_are_the_querys_on_mutants(seed: int, n_ops: int, rng_seed: int) -> None:
    """Error-free or not (with few mutations many stay error-free)."""
    _same_definitions(mutate(SEEDS[seed], random.Random(rng_seed), n_ops))


def _reference_winnow(hashes: np.ndarray, unit_of: np.ndarray, window: int, n_units: int) -> np.ndarray:
    picked: set[int] = set()
    for u in range(n_units):
        at = np.flatnonzero(unit_of == u)
        if at.size and at.size < window:
            picked.add(int(at[np.argmin(hashes[at])]))
        for i in range(at.size - window + 1):
            part = hashes[at[i: i + window]].tolist()
            picked.add(int(at[i] + max(j for j, v in enumerate(part) if v == min(part))))
    return np.asarray(sorted(picked), dtype=np.int64)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), max_size=12), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_winnowing_matches_a_window_by_window_reference(lengths: list[int], window: int, rng_seed: int) -> None:
    """Rightmost minimum per window, first minimum of a unit shorter than a window; many ties."""
    rng = np.random.default_rng(rng_seed)
    counts = np.asarray(lengths, dtype=np.int64)
    unit_of = np.repeat(np.arange(counts.size), counts)
    hashes = rng.integers(0, 4, size=unit_of.size).astype(np.uint64)
    got = _winnow(hashes, unit_of, window, counts.size)
    assert got.tolist() == _reference_winnow(hashes, unit_of, window, counts.size).tolist()


def test_units_keep_their_tokens_when_the_process_starts_a_new_vocabulary(monkeypatch: pytest.MonkeyPatch) -> None:
    source = SEEDS[1]
    first = parse_source("a.py", source)
    before = [(u.kinds, u.texts, u.lines) for u in first.units]
    monkeypatch.setattr(vocab_module, "MAX_ENTRIES", 10)
    second = parse_source("b.py", source + b"\nrenamed_everything = 1\n")
    assert second.units[0].vocab is not first.units[0].vocab  # the full one was replaced
    assert [(u.kinds, u.texts, u.lines) for u in first.units] == before
    assert [(u.kinds, u.texts) for u in second.units[1:]] == [(k, t) for k, t, _ in before[1:]]
