"""lineage.parse: units, spans, tokens, placeholders, decoding and hostile input."""

from __future__ import annotations

import codecs

import pytest

from lineage.models import ParsedFile, SourceFile, Unit
from lineage.parse.budget import Budget
from lineage.parse.units import parse_source


def by_name(parsed: ParsedFile) -> dict[str, Unit]:
    return {u.qualname: u for u in parsed.units}


def test_units_have_qualnames_kinds_and_spans_of_every_definition(cases, oracle):
    parsed = parse_source("alpha/model.py", cases.model.encode())
    units = by_name(parsed)
    assert parsed.errors == ()
    assert len(units) == len(parsed.units), "qualnames repeat"
    expected_spans, expected_kinds = oracle.spans(cases.model)
    assert set(units) == set(expected_spans) | {"<module>"}
    for qual, (start, end) in expected_spans.items():
        assert (units[qual].kind, units[qual].start_line, units[qual].end_line) == (
            expected_kinds[qual], start, end), qual
    # spot checks that pin the oracle itself
    assert units["GroupedAttention.forward"].kind == "method"
    assert units["load_weights.assign"].kind == "function"
    assert units["TinyConfig"].kind == "class" and units["TinyConfig"].bases == ()
    assert units["<module>"].kind == "module" and units["<module>"].start_line == 1
    assert all(u.path == "alpha/model.py" for u in parsed.units)


def test_each_token_carries_its_own_line(cases):
    units = by_name(parse_source("m.py", cases.model.encode()))
    lines = cases.model.splitlines()
    for u in units.values():
        assert len(u.kinds) == len(u.texts) == len(u.lines)
    fwd = units["GroupedAttention.forward"]
    for text, line in zip(fwd.texts, fwd.lines):
        if text not in ("<def>", "<class>"):
            assert text in lines[line - 1], (text, line)


def test_module_unit_ends_on_the_last_line_of_the_file(cases):
    parsed = parse_source("m.py", cases.model.encode())
    assert parsed.units[0].end_line == len(cases.model.splitlines())


def test_module_unit_of_a_file_without_final_newline_ends_on_its_last_line():
    parsed = parse_source("m.py", b"A = 1\nB = 2")
    assert (parsed.units[0].start_line, parsed.units[0].end_line) == (1, 2)


SRC_DOCS = '''\
"""MODULEDOC that must vanish."""
# TOPCOMMENT
import os  # TRAILCOMMENT


class Box:
    """CLASSDOC."""

    # CLASSCOMMENT
    size = 3


def work(a, b):
    """FUNCDOC
    spread over lines."""
    # BODYCOMMENT
    kept = "KEPTSTRING"  # another
    return a + b + len(kept)
'''

SRC_BARE = '''\
import os


class Box:
    size = 3


def work(a, b):
    kept = "KEPTSTRING"
    return a + b + len(kept)
'''


def test_docstrings_and_comments_produce_no_tokens():
    docs = by_name(parse_source("d.py", SRC_DOCS.encode()))
    bare = by_name(parse_source("d.py", SRC_BARE.encode()))
    everything = " ".join(t for u in docs.values() for t in u.texts)
    for marker in ("MODULEDOC", "TOPCOMMENT", "TRAILCOMMENT", "CLASSDOC", "CLASSCOMMENT", "FUNCDOC",
                   "BODYCOMMENT", "another"):
        assert marker not in everything
    assert any("KEPTSTRING" in t for t in docs["work"].texts), "an ordinary string literal is a token"
    for qual in ("<module>", "Box", "work"):
        assert docs[qual].kinds == bare[qual].kinds
        assert docs[qual].texts == bare[qual].texts


def test_a_nested_def_leaves_one_placeholder_in_its_parent(cases):
    units = by_name(parse_source("m.py", cases.model.encode()))
    outer, inner = units["load_weights"], units["load_weights.assign"]
    assert outer.kinds.count("<def>") == 1
    assert "load_weights.assign" in outer.texts  # the placeholder names the nested unit
    # the nested body belongs to the nested unit only
    assert "getattr" in inner.texts and "getattr" not in outer.texts
    assert "setattr" in inner.texts and "setattr" not in outer.texts
    assert inner.kinds[0] == "def"
    # a class keeps one placeholder per method, the module one per top-level definition
    assert units["GroupedAttention"].kinds.count("<def>") == 4
    module = units["<module>"]
    assert module.kinds.count("<class>") == 6  # TinyConfig, ScaleNorm, Attention, FFN, Block, Decoder
    assert module.kinds.count("<def>") == 8
    assert "np" not in module.texts[module.kinds.index("<class>"):], "no body tokens leak into the module"


def test_decorators_belong_to_the_decorated_unit(cases):
    units = by_name(parse_source("m.py", cases.model.encode()))
    silu = units["GatedFeedForward.silu"]
    assert silu.texts[:2] == ("@", "staticmethod")
    assert silu.start_line == cases.model.splitlines().index("    @staticmethod") + 1
    assert "staticmethod" not in units["GatedFeedForward"].texts

    src = b"import functools\n\n\n@functools.lru_cache(maxsize=8)\ndef cached(n):\n    return n * 2\n"
    parsed = by_name(parse_source("d.py", src))
    assert parsed["cached"].start_line == 4
    assert "lru_cache" in parsed["cached"].texts
    assert "lru_cache" not in parsed["<module>"].texts


def test_star_unpacking_in_return_is_valid_python_and_not_an_error():
    src = b"def spread(a, b):\n    return a, *b\n\n\ndef other(x):\n    yield x, *x\n"
    parsed = parse_source("s.py", src)
    assert parsed.errors == ()
    assert [u.qualname for u in parsed.units] == ["<module>", "spread", "other"]
    assert "*" in by_name(parsed)["spread"].kinds


def test_a_real_syntax_error_is_reported_but_the_file_still_has_units():
    src = b"def good(a):\n    return a + 1\n\n\ndef broken(:\n    pass\n"
    parsed = parse_source("e.py", src)
    assert [e.stage for e in parsed.errors] == ["parse"]
    assert "line 5" in parsed.errors[0].reason
    assert "good" in by_name(parsed)


PY2 = b'def greet(name):\n    print "hello", name\n    return len(name)\n\n\ndef twice(x):\n    return x * 2\n'


def test_python2_print_statement_still_yields_units():
    parsed = parse_source("py2.py", PY2)
    assert {"greet", "twice"} <= set(by_name(parsed))


def test_python2_print_statement_is_a_parse_error():
    parsed = parse_source("py2.py", PY2)
    assert [e.stage for e in parsed.errors] == ["parse"]


UNICODE_SRC = "# caf\u00e9\ndef gr\u00f6\u00dfe(x):\n    return x * 2\n"
# (Python writes the byte-order mark itself for "utf-16" and "utf-32", in the machine's order)
BIG_ENDIAN_BOMS = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-be": codecs.BOM_UTF32_BE}


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_decode(codec: str) -> None:
    """UTF-32's little-endian byte-order mark begins with UTF-16's: a UTF-32 file read as UTF-16 was
    text with a NUL between every two characters, nothing found in it and nothing said (a stranger's
    review: a whole copy saved as UTF-32 passed the scan and both hooks)."""
    parsed = parse_source("u.py", BIG_ENDIAN_BOMS.get(codec, b"") + UNICODE_SRC.encode(codec))
    assert parsed.errors == ()
    assert parsed.text == UNICODE_SRC
    unit = by_name(parsed)["gr\u00f6\u00dfe"]
    assert (unit.start_line, unit.end_line) == (2, 3)
    assert "gr\u00f6\u00dfe" in unit.texts


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_or_utf32_without_a_bom_is_read_as_such_with_a_note(codec: str) -> None:
    """An editor's "Unicode" save leaves every other byte NUL: it was refused as binary, its code
    unread.  It is read as UTF-16 (or UTF-32) now, with a note that does not mark the file unchecked."""
    parsed = parse_source("u.py", UNICODE_SRC.encode(codec))
    assert parsed.text == UNICODE_SRC
    assert "gr\u00f6\u00dfe" in by_name(parsed)
    assert [(e.stage, e.unchecked) for e in parsed.errors] == [("decode", False)]
    assert codec.upper() in parsed.errors[0].reason


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03" * 64, UNICODE_SRC.encode("utf-16-le")[:-1],
                                  b"ab\x00\x00cd\x00\x00" * 40, b"\x01\x00\x00\x00\x00\xd8\x00\x00" * 40,
                                  UNICODE_SRC.encode("utf-32-le")[:-2]])
def test_bytes_with_nuls_that_are_no_such_text_stay_binary(data: bytes) -> None:
    parsed = parse_source("b.py", data)
    assert parsed.units == () and parsed.errors[0].unchecked and "binary" in parsed.errors[0].reason


def test_latin1_with_coding_cookie_decodes():
    data = "# -*- coding: latin-1 -*-\nNAME = '\u00e9t\u00e9'\n\ndef f(x):\n    return NAME + x\n".encode("latin-1")
    parsed = parse_source("l.py", data)
    assert parsed.errors == ()
    assert "'\u00e9t\u00e9'" in parsed.text
    # (a literal bound once at the top level reads where its name is used: parse/hoisted.py)
    assert "'\u00e9t\u00e9'" in by_name(parsed)["f"].texts
    assert by_name(parsed)["f"].start_line == 4


def test_an_unknown_declared_encoding_is_said_and_the_file_is_scanned():
    # (a stranger's review, 2026-12-05: Python refuses such a file; it was read as UTF-8 without a word)
    parsed = parse_source("u.py", b"# -*- coding: no-such-codec -*-\n\ndef keep(x):\n    return x\n")
    assert [(e.stage, e.unchecked) for e in parsed.errors] == [("decode", False)]
    assert "no-such-codec" in parsed.errors[0].reason and "read as UTF-8" in parsed.errors[0].reason
    assert "keep" in by_name(parsed)


def test_invalid_utf8_is_a_decode_error_but_the_file_is_scanned():
    parsed = parse_source("bad.py", b"S = '\xff\xfe\xfa'\n\ndef keep(x):\n    return x\n")
    assert [e.stage for e in parsed.errors] == ["decode"]
    assert "keep" in by_name(parsed)
    assert "\ufffd" in parsed.text


def test_nul_bytes_mean_binary_no_units():
    parsed = parse_source("bin.py", b"def f():\n    return 1\n\x00\x01\x02")
    assert parsed.units == ()
    assert [e.stage for e in parsed.errors] == ["decode"]
    assert "binary" in parsed.errors[0].reason


def test_deeply_nested_parentheses_do_not_crash(config, index):
    from lineage.api import scan_files

    data = ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n\ndef after(a):\n    return a\n").encode()
    parsed = parse_source("deep.py", data)
    assert "after" in by_name(parsed)
    result, _ = scan_files([SourceFile("deep.py", data)], index, config)
    assert result.files_scanned == 1
    assert all(e.path == "deep.py" for e in result.errors)


def test_hundred_thousand_line_file_does_not_crash():
    lines = []
    for i in range(2000):
        lines.append(f"def step_{i}(a):")
        lines += [f"    a = a + {j}" for j in range(48)]
        lines.append("    return a")
    data = ("\n".join(lines) + "\n").encode()
    # what is tested is the size, not the speed: some 4 CPU seconds of the 5-second default budget
    # alone, over it in a full test run's larger heap; a generous budget keeps the time out of it
    parsed = parse_source("big.py", data, Budget(seconds=300))
    assert parsed.errors == ()
    assert len(parsed.units) == 2001
    last = parsed.units[-1]
    assert (last.qualname, last.start_line, last.end_line) == ("step_1999", 99_951, 100_000)


def test_crlf_line_endings_give_the_same_units(cases):
    lf = parse_source("m.py", cases.model.encode())
    crlf = parse_source("m.py", cases.model.replace("\n", "\r\n").encode())
    assert crlf.errors == ()
    assert [(u.qualname, u.start_line, u.end_line, u.kinds, u.lines) for u in crlf.units] == [
        (u.qualname, u.start_line, u.end_line, u.kinds, u.lines) for u in lf.units]


def test_cr_only_line_endings_give_the_same_units(cases):
    lf = parse_source("m.py", cases.model.encode())
    cr_source = cases.model.replace("\n", "\r")
    compile(cr_source, "cr.py", "exec")  # CPython accepts it
    cr = parse_source("m.py", cr_source.encode())
    assert [(u.qualname, u.start_line, u.end_line, u.kinds) for u in cr.units[1:]] == [
        (u.qualname, u.start_line, u.end_line, u.kinds) for u in lf.units[1:]]


def test_ctrl_c_in_the_read_callback_is_a_keyboard_interrupt_not_an_internal_error(monkeypatch):
    """A signal handler raising while tree-sitter calls our reader: the binding parses on and reports
    the next progress call as a SystemError; the scan must see the KeyboardInterrupt (exit 130)."""
    import lineage.parse.units as units

    def interrupted(source: bytes):
        def read(at: int, _: object) -> bytes:
            if at > 0:  # the signal lands in the second read
                raise KeyboardInterrupt
            return source[at:at + 4096]
        return read

    monkeypatch.setattr(units, "_reader", interrupted)
    with pytest.raises(KeyboardInterrupt):
        parse_source("big.py", b"x = 1\n" * 20000, Budget(seconds=300))
    parser, _ = units._grammar()  # the shared parser is left clean: its next parse starts afresh
    assert parser.parse(b"def h():\n    return 2\n").root_node.children[0].type == "function_definition"


def test_a_file_after_one_over_budget_is_parsed_as_itself():
    """tree-sitter resumes a cancelled parse on the next call: a costly file must not turn the
    next file a worker reads into the rest of itself (a way to hide the file after it)."""
    small = b"class A:\n    def g(self):\n        return 1\n\n\ndef h():\n    return 2\n"
    expected = [u.qualname for u in parse_source("small.py", small).units]
    big = b"".join(b"def f%d(x):\n    return x + %d\n" % (i, i) for i in range(100000))
    over = parse_source("big.py", big, Budget(seconds=0.01))
    assert over.units == () and "budget" in over.errors[-1].reason
    assert [u.qualname for u in parse_source("small.py", small).units] == expected == ["<module>", "A", "A.g", "h"]
