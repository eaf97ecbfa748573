"""Shared by the property tests and benchmarks/fuzz.py: seed sources, mutation operators and
the invariants every parse/compact result must keep.  Standard library and numpy only."""

from __future__ import annotations

import codecs
import encodings
import encodings.aliases
import hashlib
import pkgutil
import random
import re
from collections.abc import Sequence
from typing import Any
from pathlib import Path

import numpy as np

from lineage.fingerprint.params import FingerprintParams
from lineage.compact.files import CompactFile
from lineage.models import ParsedFile

SEEDS: tuple[bytes, ...] = (
    (Path(__file__).parent / "data" / "ref" / "ringcache.py").read_bytes(),
    b'''"""Module doc."""
import functools


@functools.lru_cache(maxsize=None)
def fib(n: int) -> int:
    """Doc."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Outer:
    class Inner(dict, metaclass=type):
        async def run(self, *args, **kw):
            async with self.lock as held:
                return [x async for x in held if (y := x) is not None]

    @property
    def name(self):
        return f"{self!r:>{10}} {{literal}}"


def shapes(value):
    match value:
        case {"kind": "point", "x": x, "y": y} if x > 0:
            return (x, y)
        case [first, *rest]:
            return first, rest
        case _:
            return None


lam = lambda a, /, b=2, *, c: a + b + c  # noqa
''',
    b"x = 1\r\ny = '''a\r\nb'''\r\nif x:\r\n\tpass\r\n",
    b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\ndef f():\n    return s\n",
)

TOKENS: tuple[bytes, ...] = (
    b"(", b")", b"[", b"]", b"{", b"}", b'"""', b"'''", b"'", b'"', b"\\", b"\\\n", b"\n", b"\r", b"\r\n",
    b"\t", b"    ", b"#", b"\x00", b"\xff", b"\xc3", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\x0c",
    "\u2028".encode(), "\u00e9".encode(), b"def ", b"class ", b"async def ", b"lambda", b"@", b":", b"->",
    b"f'{", b"}'", b"print ", b"exec ", b"# -*- coding: latin-1 -*-\n", b"# coding: bogus\n", b"0x", b"1e",
    b"r'''", b"b'", b"u'", b"rb'", b"...", b":=", b"match ", b"case ", b"yield", b"return", b"\x1a",
)
# every codec name Python knows, for PEP 263 cookies: some decode with odd exceptions
CODECS: tuple[str, ...] = tuple(sorted(
    ({m.name for m in pkgutil.iter_modules(encodings.__path__)} - {"aliases"}) | set(encodings.aliases.aliases)
))


def mutate(data: bytes, rng: random.Random, n_ops: int) -> bytes:
    """Apply n random operations: insert/replace/delete bytes or tokens, splice, truncate."""
    buf = bytearray(data)
    for _ in range(n_ops):
        op = rng.randrange(8)
        pos = rng.randrange(len(buf) + 1)
        if op == 0:
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 1:
            buf[pos:pos] = rng.randbytes(rng.randrange(1, 9))
        elif op == 2 and buf:
            del buf[pos : pos + rng.randrange(1, 64)]
        elif op == 3 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 4 and buf:  # duplicate a slice elsewhere (repeats structure)
            a = rng.randrange(len(buf))
            chunk = bytes(buf[a : a + rng.randrange(1, 200)])
            buf[pos:pos] = chunk * rng.randrange(1, 4)
        elif op == 5:
            buf = buf[:pos]
        elif op == 6:  # a coding cookie on line 1 or 2, any codec
            cookie = b"# -*- coding: " + rng.choice(CODECS).encode() + b" -*-\n"
            at = 0 if rng.random() < 0.5 else buf.find(b"\n") + 1
            buf[at:at] = cookie
        else:  # deep nesting or a long chain at one spot
            depth = rng.choice((10, 300, 3000))
            buf[pos:pos] = rng.choice((b"(" * depth + b")" * depth, b"a" + b".b" * depth, b"[" * depth))
    return bytes(buf)


def _single_line(reason: str) -> bool:
    return bool(reason.strip()) and "\n" not in reason


def check_parsed(parsed: ParsedFile, path: str, data: bytes) -> None:
    """Invariants of parse_source's result; AssertionError names the broken one."""
    assert parsed.path == path
    assert parsed.sha256 == hashlib.sha256(data).hexdigest()
    assert all(e.path == path and e.stage in ("decode", "parse") and _single_line(e.reason) for e in parsed.errors)
    if not parsed.units:
        assert parsed.errors, "a file without units must say why"
        return
    module = parsed.units[0]
    assert (module.qualname, module.kind, module.start_line) == ("<module>", "module", 1)
    text = parsed.text  # lines as Python counts them: only "\n" (after universal newlines) breaks
    assert module.end_line == max(1, text.count("\n") + (not text.endswith("\n"))), module.end_line
    last = module.end_line
    for u in parsed.units:
        assert u.path == path
        assert 1 <= u.start_line <= u.end_line <= last, (u.qualname, u.start_line, u.end_line, last)
        assert len(u.kinds) == len(u.texts) == len(u.lines), u.qualname
        assert all(1 <= ln <= last for ln in u.lines), u.qualname
        own = [ln for ln in u.lines if u.start_line <= ln <= u.end_line]
        assert own == sorted(own), u.qualname
        _read_helpers_only(u, [ln for ln in u.lines if not u.start_line <= ln <= u.end_line], parsed.units, text)
    assert len({u.qualname for u in parsed.units}) >= 1


def _read_helpers_only(unit: Any, outside: list[int], units: Sequence[Any], text: str) -> None:
    """A unit's tokens stand outside its own lines only where a helper read in it stands: a
    function called once, first or last, which is no function of its own (parse/inline.py), or
    a cut, which the unit calls by its name in its own lines (parse/midway.py; ``text``: the file)."""
    own = "\n".join(text.split("\n")[unit.start_line - 1: unit.end_line])
    for ln in set(outside):
        holder = next((o for o in units if o is not unit and o.kind in ("function", "method")
                       and o.start_line <= ln <= o.end_line
                       and not o.start_line <= unit.start_line <= unit.end_line <= o.end_line), None)
        assert holder is None or re.search(rf"\b{re.escape(holder.qualname.rsplit('.', 1)[-1])}\s*\(", own), \
            (unit.qualname, ln, holder.qualname if holder else "")


def check_compact(cf: CompactFile, params: FingerprintParams, parsed: ParsedFile) -> None:
    """Invariants of compact()'s result, for the file ``parsed`` is of."""
    n_units_parsed = len(parsed.units)
    assert cf.signature.shape == (params.num_perm,) and cf.signature.dtype == np.uint32
    assert len(cf.units) <= n_units_parsed
    for u in cf.units:
        assert 1 <= u.start_line <= u.end_line <= max(cf.n_lines, 1), (u.qualname, u.start_line, u.end_line)
        assert u.n_kgrams >= params.min_kgrams
        assert u.signature.shape == (params.num_perm,) and u.signature.dtype == np.uint32
        for hashes, lines in ((u.s_hash, u.s_line), (u.l_hash, u.l_line)):
            assert hashes.shape == lines.shape
            assert np.all(hashes[1:] > hashes[:-1]), "hashes sorted and unique"
            assert np.all((lines >= 1) & (lines <= max(cf.n_lines, 1))), u.qualname
            _read_helpers_only(u, lines[(lines < u.start_line) | (lines > u.end_line)].tolist(), cf.units,
                               parsed.text)
    if cf.units:
        assert np.array_equal(cf.signature, np.min([u.signature for u in cf.units], axis=0))
    else:
        assert np.all(cf.signature == np.iinfo(np.uint32).max)


def same_compact(a: CompactFile, b: CompactFile) -> bool:
    """Deterministic: every field and array equal."""
    if (a.path, a.sha256, a.n_lines, a.header, a.errors, len(a.units)) != (
        b.path, b.sha256, b.n_lines, b.header, b.errors, len(b.units)
    ):
        return False
    if not np.array_equal(a.signature, b.signature):
        return False
    for x, y in zip(a.units, b.units):
        if (x.qualname, x.kind, x.start_line, x.end_line, x.structure, x.n_kgrams, x.role) != (
            y.qualname, y.kind, y.start_line, y.end_line, y.structure, y.n_kgrams, y.role
        ):
            return False
        arrays: Sequence[str] = ("s_hash", "s_line", "l_hash", "l_line", "signature")
        if not all(np.array_equal(getattr(x, k), getattr(y, k)) for k in arrays):
            return False
    return True


# File names: any bytes but "/" and NUL, as a hostile tree or archive can carry them
NAME_TOKENS: tuple[bytes, ...] = (
    b"\x1b[2J", b"\x1b]0;title\x07", b"\x1b[31m", b"\r", b"\n", b"\t", b"\x08", b"\x7f", b"\x9b", b"\xc2\x9b",
    "\u202e".encode(), "\u2066".encode(), "\u2028".encode(), b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\x80",
    b"\xf0\x9f", b" ", b"-", b"--x", b"[HIGH] ", b":1-9 ", b"\\", b"'", b'"', b"<b>", b"&amp;", b"%s", b"{}",
)


def hostile_name(rng: random.Random) -> bytes:
    """A random file name ending in .py, built from NAME_TOKENS and random bytes."""
    parts = [rng.choice(NAME_TOKENS) if rng.random() < 0.7 else bytes([rng.randrange(1, 256)])
             for _ in range(rng.randrange(1, 8))]
    name = b"".join(parts).replace(b"/", b"_").replace(b"\x00", b"_")[:200]
    return name + b".py"
