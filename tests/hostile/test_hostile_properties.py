"""Property-based tests: random text, random bytes and random mutations of valid Python go
through parse_source and compact without an exception, and the results keep their
invariants (spans inside the file, token lines inside their unit, sorted unique hashes,
deterministic fingerprints, signature shapes).  benchmarks/fuzz.py runs the same checks
for minutes instead of seconds."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage.fingerprint.minhash import signatures
from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import compact
from lineage.models import SourceFile
from lineage.parse.units import parse_source
from tests.hostile.mutate import CODECS, SEEDS, TOKENS, check_compact, check_parsed, mutate, same_compact

PARAMS = FingerprintParams()
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

python_ish = st.lists(
    st.one_of(st.sampled_from([t.decode("utf-8", "replace") for t in TOKENS]),
              st.sampled_from(["a", "b.c", "1", "2.5", "=", "+", ",", " ", "if", "else", "for x in y", "pass"]),
              st.text(max_size=5)),
    max_size=120,
).map("".join)


def _roundtrip(data: bytes) -> None:
    parsed = parse_source("f.py", data)
    check_parsed(parsed, "f.py", data)
    cf = compact(SourceFile("f.py", data), PARAMS)
    check_compact(cf, PARAMS, parsed)
    assert same_compact(cf, compact(SourceFile("f.py", data), PARAMS)), "fingerprints must be deterministic"


@FAST
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _roundtrip(text.encode("utf-8", "surrogatepass"))


@FAST
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _roundtrip(data)


@FAST
@given(python_ish)
def test_python_shaped_token_soup(text: str) -> None:
    _roundtrip(text.encode("utf-8", "surrogatepass"))


@FAST
@given(st.integers(0, len(SEEDS) - 1), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_mutations_of_valid_python(seed: int, n_ops: int, rng_seed: int) -> None:
    _roundtrip(mutate(SEEDS[seed], random.Random(rng_seed), n_ops))


@FAST
@given(st.integers(0, len(SEEDS) - 1), st.integers(0, 2**32 - 1))
def test_units_do_not_depend_on_the_file_name(seed: int, rng_seed: int) -> None:
    data = mutate(SEEDS[seed], random.Random(rng_seed), 3)
    a, b = parse_source("a.py", data), parse_source("deep/b.py", data)
    assert [(u.qualname, u.start_line, u.end_line, u.kinds, u.texts, u.lines) for u in a.units] == [
        (u.qualname, u.start_line, u.end_line, u.kinds, u.texts, u.lines) for u in b.units
    ]


hash_sets = st.lists(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=40), min_size=1, max_size=12)


@settings(FAST, max_examples=100)
@given(hash_sets, st.sampled_from([(16, 1), (64, 7), (128, 1)]), st.randoms(use_true_random=False))
def test_signatures_shape_and_set_semantics(sets: list[list[int]], perm_seed: tuple[int, int],
                                           rnd: random.Random) -> None:
    num_perm, seed = perm_seed
    flat = np.asarray([h for s in sets for h in s], dtype=np.uint64)
    offsets = np.cumsum([0] + [len(s) for s in sets[:-1]]).astype(np.int64)
    sigs = signatures(flat, offsets, num_perm, seed)
    assert sigs.shape == (len(sets), num_perm) and sigs.dtype == np.uint32
    for row, s in zip(sigs, sets):
        shuffled = list(s) + rnd.sample(s, k=min(len(s), 3))  # order and repeats do not matter
        rnd.shuffle(shuffled)
        alone = signatures(np.asarray(shuffled, dtype=np.uint64), np.zeros(1, dtype=np.int64), num_perm, seed)
        assert np.array_equal(alone[0], row), "a set's signature depends only on the set"


def test_a_coding_cookie_naming_any_codec_never_raises() -> None:
    """`# coding: undefined` or `punycode` once raised UnicodeError out of parse_source (and
    so out of the whole scan); every codec Python knows, on valid and on invalid bodies."""
    for name in CODECS:
        for body in (b"x = 1\n", b"s = '\xff\xfe\x80\xc3'\n", b"\x80" * 50):
            data = b"# -*- coding: " + name.encode() + b" -*-\n" + body
            check_parsed(parse_source("c.py", data), "c.py", data)
