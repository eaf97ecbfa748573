"""Globals a function declares and stores constants in, that the module reads nowhere, are read as
absent, with a `global` statement naming only them (parse/globalstores.py, `lex-v42`).  A global the
module reads, binds at its top, or stores what the code computes in, stays.  Fixture code is our own."""

from __future__ import annotations

import pytest

from tests.engine.test_engine_flags import _module
from tests.engine.test_engine_idioms import prints


@pytest.mark.parametrize("pad", [
    "global _seen\n        _seen = {n}",  # one private name stored nine times
    "global _g{n}\n        _g{n} = {n}",  # a new name at each statement
    "global STEP{n}\n        STEP{n} = 'x'",  # public names the module never reads
    "global _count\n        _count += 1",  # a count nothing reads
    "global _a{n}, _b{n}\n        _a{n} = 1\n        _b{n} = len(str({n}))",
    "global _unused{n}",  # a declaration and nothing else
])
def test_stores_to_globals_nothing_reads_are_read_as_absent(pad: str) -> None:
    assert prints(_module(pad)) == prints(_module())


@pytest.mark.parametrize("pad, tail", [
    ("global _seen\n        _seen = {n}", "\ndef seen():\n    return _seen\n"),  # read by another function
    ("global _seen\n        _seen = {n}", "\n_seen = 0\n"),  # bound at the module's top
    ("global _seen\n        _seen = hidden", ""),  # what the code computes
    ("global _seen, out\n        _seen = {n}", ""),  # `out` is the function's own value: the statement stays
])
def test_globals_the_module_reads_or_that_hold_the_code_s_values_stay(pad: str, tail: str) -> None:
    assert prints(_module(pad, tail)) != prints(_module("", tail))
