"""Diagnostics (asserts, logging calls) added to or removed from a copy do not hide it."""

from __future__ import annotations

from lineage.fingerprint.deadstores import dead_store_mask
from lineage.parse.units import parse_source

from tests.engine.test_engine_deadstores import tokens


def kept(source: str, qualname: str = "f") -> list[str]:
    kinds, texts, lines = tokens(source, qualname)
    return [t for t, k in zip(texts, dead_store_mask(kinds, texts, lines)) if k]


def test_asserts_and_log_lines_go() -> None:
    source = (
        "def f(a, b):\n"
        "    log.debug('entering f: %s', a)\n"
        "    assert a is not None, 'a is required'\n"
        "    total = scale(a) + b\n"
        "    if total > 3:\n"
        "        logger.warning_once(\n"
        "            f'large total {total}'\n"
        "        )\n"
        "        warnings.warn('large')\n"
        "    return total\n"
    )
    left = kept(source)
    assert not {"assert", "debug", "warning_once", "warn", "log", "logger", "warnings"} & set(left)
    assert left.count("total") == 3 and "scale" in left and "return" in left


def test_calls_that_compute_stay() -> None:
    source = (
        "def f(x, out):\n"
        "    out.info(x) + other(x)\n"      # the log call is only part of the statement
        "    x.log(2)\n"                     # not a logging method
        "    y = logger.info(x)\n"           # an assignment, judged as one
        "    return y\n"
    )
    left = kept(source)
    assert "other" in left and "log" in left and left.count("y") == 2


def test_class_bodies_keep_their_statements() -> None:
    source = "class C:\n    assert True\n    def f(self):\n        return 1\n"
    unit = next(u for u in parse_source("m.py", source.encode()).units if u.qualname == "C")
    kinds, texts, lines = list(unit.kinds), list(unit.texts), list(unit.lines)
    assert "assert" in [t for t, k in zip(texts, dead_store_mask(kinds, texts, lines, stores=False)) if k]
