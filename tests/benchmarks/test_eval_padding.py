"""benchmarks/eval_padding.py: where a padding kind goes.  After every statement of every function
body and of the blocks nested in it, never after a `return`, `raise`, `continue` or `break`,
`self` statements in methods only, numbered where asked; the code runs as before.  Our own code."""

from __future__ import annotations

import ast
import sys
import textwrap
import types

import pytest

from eval_padding import PADS, apply, padded

SOURCE = textwrap.dedent('''
    def clamp(values, low):
        out = []
        for v in values:
            if v < low:
                out.append(low)
                continue
            out.append(v)
        return out


    class Counter:
        def __init__(self, start):
            self.value = start

        def step(self, by):
            self.value = self.value + by
            if self.value > 9:
                raise ValueError(self.value)
            return self.value
''')


def _run(text: str) -> tuple[list[int], int]:
    scope: dict[str, object] = {}
    exec(compile(text, "padded.py", "exec"), scope)  # (our own fixture code, never a scanned file)
    counter = scope["Counter"](1)  # type: ignore[operator]
    return scope["clamp"]([1, 5, 2], 3), counter.step(4)  # type: ignore[operator]


def test_a_statement_follows_every_statement_but_jumps() -> None:
    text = padded(SOURCE, "_pad = 0")
    tree = ast.parse(text)
    clamp = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    assert [type(s).__name__ for s in clamp.body] == ["Assign", "Assign", "For", "Assign", "Return"]
    loop = clamp.body[2]
    assert isinstance(loop, ast.For) and isinstance(loop.body[0], ast.If)
    assert [type(s).__name__ for s in loop.body[0].body] == ["Expr", "Assign", "Continue"]
    assert text.count("_pad = 0") == 8  # clamp 5, __init__ 1, step 2


def test_self_statements_go_into_methods_only_and_are_numbered() -> None:
    text = padded(SOURCE, "self._pad{n} = {n}")
    assert "self._pad" not in text.split("class Counter")[0]
    assert [int(n) for n in __import__("re").findall(r"self\._pad(\d+) = \1\b", text)] == [1, 2, 3]


@pytest.mark.parametrize("kind, statement", [(k, s) for k, s in PADS if "torch" not in s])  # (no torch here)
def test_every_kind_leaves_the_code_doing_what_it_did(kind: str, statement: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # the pass-through a kind imports, as the copier's own package would give it
    package, module = types.ModuleType("acme_runtime"), types.ModuleType("acme_runtime.tensors")
    module.keep = lambda value: value  # type: ignore[attr-defined]
    module.boxed = lambda value: (value,)  # type: ignore[attr-defined]
    logs = types.ModuleType("acme_logs")
    logs.LOG = []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "acme_runtime", package)
    monkeypatch.setitem(sys.modules, "acme_runtime.tensors", module)
    monkeypatch.setitem(sys.modules, "acme_logs", logs)
    checks, debug = types.ModuleType("acme_runtime.checks"), types.ModuleType("acme_runtime.debug")
    checks.check = lambda *values: None  # type: ignore[attr-defined]
    debug.TRACER = types.SimpleNamespace(step=lambda *values: None)  # type: ignore[attr-defined]
    debug.observe = lambda *values: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "acme_runtime.checks", checks)
    monkeypatch.setitem(sys.modules, "acme_runtime.debug", debug)
    # (profiler ranges: `torch.profiler.record_function(...)` entered around statements, here a null context)
    torch = types.ModuleType("torch")
    torch.profiler = types.SimpleNamespace(record_function=lambda name: __import__("contextlib").nullcontext())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch", torch)
    assert _run(apply(kind, statement, SOURCE)) == _run(SOURCE), kind


def test_the_pass_through_kind_hands_every_value_through_it() -> None:
    text = apply("values through an imported pass-through", "", SOURCE)
    assert text.count("_pad_keep(") == 5  # clamp's `out = []` and return, __init__'s store, step's store and return
    assert text.startswith("from acme_runtime.tensors import keep as _pad_keep")


@pytest.mark.parametrize("kind, spelt", [
    ("values taken back out of a pass-through", "_pad_box("),
    ("values through a pass-through, starred", "_pad_keep(*("),
])
def test_the_pass_through_variants_hand_every_value_through_it(kind: str, spelt: str) -> None:
    text = apply(kind, "", SOURCE)
    assert text.count(spelt) == 5
    assert text.count(")[0]") == (5 if "_pad_box" in spelt else 0)


def test_the_profiler_kind_puts_every_three_statements_in_a_range() -> None:
    text = apply("profiler ranges", "", SOURCE)
    tree = ast.parse(text)
    clamp = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    assert [type(s).__name__ for s in clamp.body] == ["With"]  # its three statements (the loop's own stay in it)
    assert [type(s).__name__ for s in clamp.body[0].body] == ["Assign", "For", "Return"]
    assert text.count("torch.profiler.record_function(") == 3  # clamp, __init__, step: one range each


def test_a_statement_given_the_name_just_bound_follows_such_bindings_only() -> None:
    text = padded(SOURCE, "_seen({v})")
    assert [call.args[0].id for call in ast.walk(ast.parse(text)) if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name) and call.func.id == "_seen"] == ["out"]  # (`self.value = ...`: no name)
