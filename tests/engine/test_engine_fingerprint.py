"""lineage.fingerprint: datasketch-compatible MinHash, invariances, locality, determinism."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash

from lineage.fingerprint.minhash import signatures
from lineage.fingerprint.params import FingerprintParams
from lineage.fingerprint.units import FilePrint, UnitPrint, fingerprint_file
from lineage.parse.units import parse_source

PARAMS = FingerprintParams()


def prints(source: str, path: str = "f.py") -> dict[str, UnitPrint]:
    fp = fingerprint_file(parse_source(path, source.encode()), PARAMS)
    return {u.unit.qualname: u for u in fp.units}


def structural(u: UnitPrint) -> tuple[str, int, bytes, bytes]:
    return u.structure, u.n_kgrams, u.s_hash.tobytes(), u.signature.tobytes()


# --- MinHash ------------------------------------------------------------------------------


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 7)])
def test_signatures_equal_datasketch_legacy_minhash(num_perm, seed):
    rng = np.random.default_rng(42)
    sets = [rng.integers(0, 2**32, size=n, dtype=np.uint64) for n in (1, 5, 300, 70_000)]
    sets.append(np.asarray([0, 2**32 - 1], dtype=np.uint64))  # the extremes of 32 bits
    hashes = np.concatenate(sets)
    offsets = np.cumsum([0] + [s.size for s in sets[:-1]]).astype(np.int64)
    ours = signatures(hashes, offsets, num_perm, seed)
    assert ours.shape == (len(sets), num_perm) and ours.dtype == np.uint32
    for row, values in zip(ours, sets):
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda x: x, scheme="legacy")
        m.update_batch(values.tolist())
        assert np.array_equal(row, m.hashvalues.astype(np.uint32))
        assert m.hashvalues.max() < 2**32


def test_unit_signature_is_the_minhash_of_its_structural_fingerprints(cases):
    for u in prints(cases.model).values():
        m = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed, hashfunc=lambda x: x, scheme="legacy")
        m.update_batch(u.s_hash.astype(np.uint64).tolist())
        assert np.array_equal(u.signature, m.hashvalues.astype(np.uint32)), u.unit.qualname


def test_file_signature_is_the_union_minhash(cases):
    fp: FilePrint = fingerprint_file(parse_source("m.py", cases.model.encode()), PARAMS)
    union = np.unique(np.concatenate([u.s_hash for u in fp.units]))
    m = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed, hashfunc=lambda x: x, scheme="legacy")
    m.update_batch(union.astype(np.uint64).tolist())
    assert np.array_equal(fp.signature, m.hashvalues.astype(np.uint32))
    assert fp.n_kgrams == union.size


# --- invariances --------------------------------------------------------------------------

ORIGINAL = '''\
def blend(first, second, weight=0.5, *, clip=None):
    """Mix two arrays."""
    # linear interpolation, then optional clipping
    mixed = first * (1 - weight) + second * weight
    if clip is not None:
        mixed = min(max(mixed, -clip), clip)
    return {"value": mixed, "parts": [first, second]}
'''

RENAMED = '''\
def combine(a, b, w=0.5, *, limit=None):
    """Mix two arrays."""
    # linear interpolation, then optional clipping
    out = a * (1 - w) + b * w
    if limit is not None:
        out = min(max(out, -limit), limit)
    return {"value": out, "parts": [a, b]}
'''

REWRAPPED = '''\
def blend(
    first,
    second,
    weight=0.5,
    *,
    clip=None,
):
    mixed = (
        first * (1 - weight) + second * weight
    )
    if clip is not None:
        mixed = min(max(mixed, -clip),
                    clip)
    return {
        "value": mixed,
        "parts": [first, second],
    }
'''

REDOCUMENTED = '''\
def blend(first, second, weight=0.5, *, clip=None):
    # a different comment
    """A completely different docstring,
    on two lines."""
    mixed = first * (1 - weight) + second * weight  # inline remark
    # between statements
    if clip is not None:
        mixed = min(max(mixed, -clip), clip)
    return {"value": mixed, "parts": [first, second]}
'''


def test_structure_survives_renaming_but_names_do_not():
    a, b = prints(ORIGINAL)["blend"], prints(RENAMED)["combine"]
    assert structural(a) == structural(b)
    assert not np.array_equal(a.l_hash, b.l_hash)


def test_structure_survives_comment_and_docstring_changes():
    a, b = prints(ORIGINAL)["blend"], prints(REDOCUMENTED)["blend"]
    assert structural(a) == structural(b)
    assert np.array_equal(a.l_hash, b.l_hash)


def test_rewrapping_by_a_formatter_keeps_fingerprint_sets_but_moves_lines():
    # REWRAPPED is ORIGINAL as black lays it out: exploded calls with a magic trailing comma,
    # a long expression wrapped in parentheses.  Formatters add and remove those tokens, the
    # code does not change: the fingerprints must not either (only their lines move).
    a, b = prints(ORIGINAL)["blend"], prints(REWRAPPED)["blend"]
    assert structural(a) == structural(b)
    assert np.array_equal(a.l_hash, b.l_hash)
    assert b.s_line.max() > a.s_line.max()


def test_whole_file_invariances(cases, oracle):
    ref = prints(cases.model)
    rewrapped = prints(cases.rewrapped)
    assert set(rewrapped) == set(ref)
    for qual, u in ref.items():
        assert structural(rewrapped[qual]) == structural(u), qual
        assert np.array_equal(rewrapped[qual].l_hash, u.l_hash), qual
    renamed, mapping = oracle.rename(cases.model)
    ren = prints(renamed)
    for qual, u in ref.items():
        new = ".".join(mapping.get(p, p) for p in qual.split("."))
        assert structural(ren[new]) == structural(u), qual
        overlap = np.intersect1d(ren[new].l_hash, u.l_hash).size
        assert overlap < 0.2 * u.l_hash.size, qual


# --- locality and determinism -------------------------------------------------------------

NEIGHBOUR_BEFORE = '''\
import os

LIMIT = {"a": 1, "b": [2, 3, 4], "c": (5, 6)}


def before(path):
    with open(path) as handle:
        return [line.strip() for line in handle if line and not line.startswith("#")]


'''

NEIGHBOUR_AFTER = '''\


class After:
    def run(self, items):
        return sorted(set(items), key=lambda item: (len(item), item), reverse=True)
'''


def test_a_units_fingerprints_do_not_depend_on_its_neighbours():
    alone = prints(ORIGINAL)["blend"]
    crowded = prints(NEIGHBOUR_BEFORE + ORIGINAL + NEIGHBOUR_AFTER)["blend"]
    shift = NEIGHBOUR_BEFORE.count("\n")
    assert structural(alone) == structural(crowded)
    assert np.array_equal(alone.l_hash, crowded.l_hash)
    assert np.array_equal(alone.s_line + shift, crowded.s_line)
    assert np.array_equal(alone.l_line + shift, crowded.l_line)


def test_fingerprints_are_identical_in_a_fresh_interpreter(cases):
    """CRC-32 and fixed seeds: nothing depends on PYTHONHASHSEED or process state."""
    code = (
        "import sys, hashlib\n"
        "from lineage.fingerprint.params import FingerprintParams\n"
        "from lineage.fingerprint.units import fingerprint_file\n"
        "from lineage.parse.units import parse_source\n"
        "fp = fingerprint_file(parse_source('m.py', sys.stdin.buffer.read()), FingerprintParams())\n"
        "h = hashlib.sha256()\n"
        "for u in fp.units:\n"
        "    for a in (u.s_hash, u.s_line, u.l_hash, u.l_line, u.signature):\n"
        "        h.update(a.tobytes())\n"
        "print(h.hexdigest())\n"
    )
    digests = set()
    for seed in ("0", "12345"):
        out = subprocess.run([sys.executable, "-c", code], input=cases.model.encode(), capture_output=True,
                             check=True, env={"PYTHONHASHSEED": seed, "PATH": ""})
        digests.add(out.stdout.strip())
    import hashlib

    h = hashlib.sha256()
    for u in fingerprint_file(parse_source("m.py", cases.model.encode()), PARAMS).units:
        for a in (u.s_hash, u.s_line, u.l_hash, u.l_line, u.signature):
            h.update(a.tobytes())
    digests.add(h.hexdigest().encode())
    assert len(digests) == 1


def test_small_units_are_not_fingerprinted():
    fp = prints("def tiny(x):\n    return x\n\n\n" + ORIGINAL)
    assert "tiny" not in fp and "blend" in fp


JOINED = '''\
def total(prices, quantities, discount):
    subtotal = sum(p * q for p, q in zip(prices, quantities))
    return subtotal - subtotal * discount if discount else subtotal
'''

CONTINUED = '''\
def total(prices, quantities, discount):
    subtotal = sum(p * q for p, q in
                   zip(prices, quantities))
    return subtotal - subtotal * discount \\
        if discount else subtotal
'''


def test_joining_lines_inside_brackets_keeps_the_structure():
    a = prints(JOINED)["total"]
    b = prints(CONTINUED.replace(" \\\n        if", " if"))["total"]
    assert structural(a) == structural(b)


def test_backslash_continuation_is_layout_not_structure():
    assert structural(prints(JOINED)["total"]) == structural(prints(CONTINUED)["total"])
