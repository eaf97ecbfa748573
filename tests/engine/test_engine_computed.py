"""A file whose attribute names exist only at run time (PyObfuscator's `g(obj, d(b'..', k))` for
`obj.name`, with `g` bound to `getattr`) is reported as not checked, never passed: its names
cannot be read without running it (source/computed.py).  Code that uses getattr as code does,
now and then with a name it holds, is left alone."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from lineage.cli.main import cli
from lineage.models import SourceFile
from lineage.source.packed import unpacked_files

CAP = 4 * 1024 * 1024


# how the hidden name reaches getattr: PyObfuscator's form, and other spellings of the same
SPELLINGS = {
    "aliased": ("_s, _g = str, getattr\n", "_g({obj}, {name})"),
    "three arguments": ("_g = getattr\n", "_g({obj}, {name}, None)"),
    "builtins": ("import builtins\n_g = builtins.getattr\n", "_g({obj}, {name})"),
    "wrapper": ("def _w(o, n):\n    return getattr(o, n)\n", "_w({obj}, {name})"),
    "dunder": ("", "{obj}.__getattribute__({name})"),
}


class _Hide(ast.NodeTransformer):
    """Every attribute read as `_g(obj, _d(<xored bytes>))` (f-strings as plain strings: Python
    3.11's ``ast.unparse`` may write one with nested quotes that 3.11 cannot parse)."""

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return ast.Constant("text")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
        return None if node.module == "__future__" else node

    def __init__(self, call: str) -> None:
        self.call = call

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or node.attr.startswith("__"):
            return node
        hidden = bytes(c ^ 0x5A for c in node.attr.encode())
        obj = ast.unparse(node.value)
        return ast.parse(self.call.format(obj=f"({obj})", name=f"_d({hidden!r})"), mode="eval").body


def _hidden(model: str, spelling: str) -> str:
    prelude, call = SPELLINGS[spelling]
    tree = _Hide(call).visit(ast.parse(model))
    decoder = "def _d(b):\n    return str(bytes(c ^ 90 for c in b), 'ascii')\n\n"
    return prelude + decoder + ast.unparse(ast.fix_missing_locations(tree))


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_names_computed_at_run_time_are_reported_not_passed(spelling: str, cases, built_index: Path,
                                                            tmp_path: Path) -> None:
    hidden = _hidden(cases.model, spelling)
    compile(hidden, "hidden.py", "exec")  # (never run)
    found, errors = unpacked_files([SourceFile("hidden.py", hidden.encode()),
                                    SourceFile("plain.py", cases.model.encode())], CAP)
    assert not found
    assert [e.path for e in errors] == ["hidden.py"] and errors[0].unchecked and errors[0].partly
    assert "getattr with a name computed at run time" in errors[0].reason
    (tmp_path / "hidden.py").write_text(hidden)
    done = CliRunner().invoke(cli, ["scan", str(tmp_path), "--index", str(built_index)])
    # never passed; and what could be read of it was scanned, so the report does not say that nothing
    # is known of it (a stranger's review: "NOT CHECKED ... nothing is known" above its high findings)
    assert done.exit_code == 1 and "READ IN PART" in done.output and "hidden.py" in done.output, done.output
    assert "NOT CHECKED" not in done.output and "nothing is known" not in done.output
    report = tmp_path.parent / f"{tmp_path.name}.json"
    as_json = CliRunner().invoke(cli, ["scan", str(tmp_path), "--index", str(built_index), "--format", "json",
                                       "-o", str(report)])
    (error,) = json.loads(report.read_text())["errors"]
    assert error["unchecked"] and error["partly"] and as_json.exit_code == 1


def test_getattr_used_as_code_uses_it_is_left_alone(cases) -> None:
    # a loop over names a config holds, many times over, beside plain attribute reads
    names = ", ".join(repr(f"field_{i}") for i in range(40))
    config_code = (
        "def copy_fields(src, dst, extra):\n"
        f"    for name in ({names}):\n"
        "        setattr(dst, name, getattr(src, name))\n"
        + "".join(f"    dst.item_{i} = getattr(src, extra[{i}])\n" for i in range(30))
        + "".join(f"    dst.size_{i} = src.hidden.size_{i} + src.layers.depth_{i}\n" for i in range(40))
    )
    aliased = "fetch = getattr\n" + config_code.replace("getattr(", "fetch(")
    # names spelt in part: layers reached by index, settings by prefix (`getattr(ns, prefix + "_lr")`)
    layers = "class Net:\n    def forward(self, x):\n" + "".join(
        f"        x = getattr(self, f'stage{{{i}}}')(x) + getattr(self, 'skip_' + str({i}))(x)\n" for i in range(30)) \
        + "        return x\n"
    settings = "def bridge(ns, prefix):\n    return [\n" + "".join(
        f"        getattr(ns, prefix + '_opt{i}'),\n" for i in range(30)) + "    ]\n"
    files = [SourceFile("config.py", config_code.encode()), SourceFile("aliased.py", aliased.encode()),
             SourceFile("layers.py", layers.encode()), SourceFile("settings.py", settings.encode()),
             SourceFile("plain.py", cases.model.encode())]
    found, errors = unpacked_files(files, CAP)
    assert not found and not errors


def test_a_file_in_newer_syntax_is_read_by_its_text(cases) -> None:
    """A statement only Python 3.12 parses (`type T = int`) keeps `ast` from reading the file on
    3.11: the names computed at run time are then counted in its text, so newer syntax is no way
    around the check; getattr used as code uses it stays left alone."""
    newer = "type Alias = int\n"
    hidden = newer + _hidden(cases.model, "three arguments")
    names = "".join(f"    dst.item_{i} = getattr(src, extra[{i}])\n" for i in range(30))
    fields = newer + "def copy_fields(src, dst, extra, prefix):\n" + names + "".join(
        f"    dst.opt_{i} = getattr(src, prefix + str({i}))\n" for i in range(30))
    found, errors = unpacked_files([SourceFile("hidden.py", hidden.encode()),
                                    SourceFile("fields.py", fields.encode())], CAP)
    assert not found and [e.path for e in errors] == ["hidden.py"] and errors[0].unchecked
    assert "getattr with a name computed at run time" in errors[0].reason
    assert ("read by its text" in errors[0].reason) == (sys.version_info < (3, 12))  # (3.12 parses it)


@pytest.mark.parametrize("forwarder", ["def _w(o, n):\n    return getattr(o, n)\n",
                                       "def _w(o, n):\n    '''reads it'''\n    return __builtins__.getattr(o, n)\n"])
def test_a_wrapper_naming_getattr_once_is_read_too(forwarder: str) -> None:
    # a file whose only `getattr` is the wrapper's: every name read through the wrapper, none spelt
    reads = "".join(f"        x = _w(self, _d(b'\\x{i + 40:02x}\\x1b'))(x)\n" for i in range(20))
    text = forwarder + "\ndef _d(b):\n    return str(bytes(c ^ 90 for c in b), 'ascii')\n\n\n" \
        "class Net:\n    def forward(self, x):\n" + reads + "        return x\n"
    assert text.count("getattr") == 1
    found, errors = unpacked_files([SourceFile("wrapped.py", text.encode())], CAP)
    assert not found and [e.path for e in errors] == ["wrapped.py"]
    assert "20 of its attribute reads go through getattr" in errors[0].reason


ALIASES = {"from builtins import getattr as _g\n": "_g", "import builtins as _b\n_g = _b.getattr\n": "_g",
           "import builtins as _b\n": "_b.getattr", "": "getattr"}


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(ALIASES)), st.integers(0, 40), st.integers(0, 30), st.booleans())
def test_the_textual_gate_never_hides_what_the_syntax_tree_counts(prelude: str, spelt: int, computed: int,
                                                                  docstring: bool) -> None:
    from lineage.source.computed import MIN_COMPUTED, _computed, _getattr_names, computed_names

    via = ALIASES[prelude]
    reads = [f"        a{i} = getattr(self.config, 'name_{i}', None)\n" for i in range(spelt)]
    reads += [f"        b{i} = {via}(self, _d(b'\\x{i + 40:02x}'))\n" for i in range(computed)]
    text = prelude + "\ndef _d(b):\n    return str(bytes(c ^ 90 for c in b), 'ascii')\n\n\nclass Net:\n" \
        + ('    """Reads its settings with getattr."""\n' if docstring else "") \
        + "    def forward(self, x):\n" + "".join(reads) + "        return x\n"
    tree = ast.parse(text)
    names = _getattr_names(tree)
    counted = sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call) and _computed(node, names))
    assert counted == computed
    assert (computed_names(text.encode()) is not None) is (counted >= MIN_COMPUTED)
