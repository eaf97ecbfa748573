"""benchmarks/obfuscate.py: every output parses, and our own fixture model behaves the same.

The fixture (data/tiny_model.py, written for these tests) is executed, original and
obfuscated, in fresh module namespaces with a recording ``print``; the records must match.
The oracles here (defined names, statement counts, definition order) are written
independently of the obfuscator's own helpers.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import types
import zipfile
from pathlib import Path

import obfuscate
import obfuscate_order
import pytest

FIXTURE = Path(__file__).parent / "data" / "tiny_model.py"
SOURCE = FIXTURE.read_text(encoding="utf-8")
SEEDS = range(8)
# Defined names that rename must keep: dunders and `forward` (entry points), `get` (also
# dict.get, used in the file), `pi` (also math.pi), `sum` (a local shadowing the builtin).
SURVIVORS = {"__init__", "forward", "get", "pi", "sum"}


def run(source: str) -> list[tuple[object, ...]]:
    """Execute one version of the fixture in a fresh module; return what it printed."""
    printed: list[tuple[object, ...]] = []
    module = types.ModuleType("tiny_model_under_test")
    module.__dict__["print"] = lambda *args: printed.append(args)
    sys.modules[module.__name__] = module  # dataclasses looks the defining module up by name
    try:
        exec(compile(source, str(FIXTURE), "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return printed


EXPECTED = run(SOURCE)


def defined_names(tree: ast.AST) -> set[str]:
    """Names a file defines: defs, classes, parameters, stored names and attributes."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            found.add(node.attr)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
    return found


def spelled(tree: ast.AST) -> set[str]:
    """Every identifier written in a tree (keyword argument names included)."""
    found = defined_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(node.names)
    return found


def definition_order(tree: ast.Module) -> list[str]:
    """Top-level definitions, then each class's methods, by name in file order."""
    order = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        order += [f"{cls.name}.{m.name}" for m in cls.body if isinstance(m, ast.FunctionDef)]
    return order


def statements(tree: ast.AST) -> int:
    return sum(isinstance(n, ast.stmt) for n in ast.walk(tree))


def test_fixture_is_not_trivial() -> None:
    assert len(EXPECTED) > 20
    calls = EXPECTED[-1][1]
    assert EXPECTED[-1][0] == "calls" and isinstance(calls, int) and calls > 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("transform", sorted(obfuscate.TRANSFORMS))
def test_behaviour_is_unchanged(transform: str, seed: int) -> None:
    out = obfuscate.apply(SOURCE, [transform], seed)
    ast.parse(out)
    assert out != SOURCE
    assert run(out) == EXPECTED


def test_transforms_chain_and_all_runs_every_stage() -> None:
    out = obfuscate.apply(SOURCE, obfuscate.parse_spec("rename, noop"), 5)
    assert run(out) == EXPECTED
    every = obfuscate.obfuscate_all(SOURCE, 5)
    assert ast.get_docstring(ast.parse(every)) is None
    assert "Linear" not in spelled(ast.parse(every))
    assert statements(ast.parse(every)) > statements(ast.parse(obfuscate.strip(SOURCE)))


def test_parse_spec_refuses_unknown_names() -> None:
    assert obfuscate.parse_spec("strip,all") == ("strip", "all")
    with pytest.raises(ValueError, match="shuffle"):
        obfuscate.parse_spec("strip,shuffle")
    with pytest.raises(ValueError):
        obfuscate.parse_spec(" , ")


def test_strip_removes_comments_and_docstrings() -> None:
    def comments(text: str) -> list[str]:
        return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]

    def docstrings(text: str) -> list[str]:
        tree = ast.parse(text)
        nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))]
        return [d for d in (ast.get_docstring(n) for n in nodes) if d]

    assert comments(SOURCE) and len(docstrings(SOURCE)) >= 4  # the fixture has both to lose
    out = obfuscate.strip(SOURCE)
    assert comments(out) == [] and docstrings(out) == []
    assert "'block'" in out  # other strings stay


def test_strip_keeps_blocks_that_were_only_a_docstring() -> None:
    out = obfuscate.strip('def f():\n    """Doc."""\n\nclass C:\n    "Doc."\n')
    assert ast.dump(ast.parse(out)) == ast.dump(ast.parse("def f():\n    pass\nclass C:\n    pass\n"))


def test_rename_leaves_no_defined_name_but_the_kept_ones() -> None:
    original = defined_names(ast.parse(SOURCE))
    assert SURVIVORS <= original
    for seed in (0, 1):
        renamed = spelled(ast.parse(obfuscate.rename(SOURCE, seed)))
        assert original & renamed == SURVIVORS
        # what the file does not define stays: imports, builtins, external attributes
        assert {"math", "dataclass", "fold", "log1p", "zip", "enumerate", "KeyError"} <= renamed


def test_rename_keep_switch_and_strings() -> None:
    default = obfuscate.rename(SOURCE)
    kept = obfuscate.rename(SOURCE, keep=("forward", "run", "Model"))
    assert "run" not in spelled(ast.parse(default)) and "Model" not in spelled(ast.parse(default))
    assert {"run", "Model"} <= spelled(ast.parse(kept))
    assert run(kept) == EXPECTED
    assert "f'block{" in default and "'linear_calls'" in default  # strings are not rewritten


def test_rename_seed_changes_the_names_not_the_behaviour() -> None:
    assert obfuscate.rename(SOURCE, 0) != obfuscate.rename(SOURCE, 1)
    assert obfuscate.rename(SOURCE, 3) == obfuscate.rename(SOURCE, 3)


def test_reorder_changes_definition_order_for_some_seed() -> None:
    original = definition_order(ast.parse(SOURCE))
    orders = [definition_order(ast.parse(obfuscate.reorder(SOURCE, seed))) for seed in range(20)]
    assert all(sorted(o) == sorted(original) for o in orders)
    assert any(o != original for o in orders)
    for order in orders:  # a base class is defined before its subclass, a getter before its setter
        assert order.index("Linear") < order.index("ScaledLinear")


def test_reorder_swaps_statements_inside_functions_for_some_seed() -> None:
    def bodies(text: str) -> dict[str, list[str]]:
        tree = ast.parse(text)
        return {f"{c.name}.{f.name}": [ast.unparse(s) for s in f.body]
                for c in tree.body if isinstance(c, ast.ClassDef)
                for f in c.body if isinstance(f, ast.FunctionDef)}

    original = bodies(SOURCE)
    swapped = False
    for seed in range(10):
        shuffled = bodies(obfuscate.reorder(SOURCE, seed))
        for name, body in shuffled.items():
            assert sorted(body) == sorted(original[name])
            swapped |= body != original[name]
    assert swapped


@pytest.mark.parametrize(("first", "second", "swappable"), [
    ("a = 1", "b = 2", True),
    ("a = x", "b = x", True),
    ("a = 1", "b = a", False),
    ("a = 1", "a = 2", False),
    ("a += 1", "b = a", False),
    ("self.a = 1", "self.b = 2", True),
    ("self.a = 1", "c = self.a.b", False),
    ("self.a = 1", "f(self)", False),  # self passed whole may read self.a
    ("self.a = 1", "c = g(x)", False),  # a call may read what was stored through an object
    ("xs[0] = 1", "c = xs", False),
    ("q = proj(h)", "k = proj2(h)", True),
    ("log(a)", "c = g(x)", False),  # a call kept for its effect keeps its place among calls
    ("a = 1", "return a", False),
    ("a = 1", "if x: pass", False),
])
def test_swap_rule(first: str, second: str, swappable: bool) -> None:
    a, b = ast.parse(first).body[0], ast.parse(second).body[0]
    assert obfuscate_order.independent(a, b, set()) is swappable
    assert obfuscate_order.independent(b, a, set()) is swappable


def test_swap_rule_treats_globals_and_closures_as_shared() -> None:
    a, b = ast.parse("count = 1").body[0], ast.parse("c = step()").body[0]
    assert obfuscate_order.independent(a, b, set())
    assert not obfuscate_order.independent(a, b, {"count"})


def test_noop_adds_about_one_statement_per_two_or_three() -> None:
    tree = ast.parse(SOURCE)
    # every statement below a top-level def or class is in a function or class body
    eligible = sum(statements(n) - 1 for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)))
    added = [statements(ast.parse(obfuscate.noop(SOURCE, seed))) - statements(tree) for seed in SEEDS]
    assert all(n > 0 for n in added)
    assert 1 / 4 < sum(added) / len(added) / eligible < 1 / 2


def test_noop_inserts_nothing_before_docstrings_or_at_module_level() -> None:
    original = ast.parse(SOURCE)
    for seed in SEEDS:
        out = ast.parse(obfuscate.noop(SOURCE, seed))
        assert ast.dump(out.body[1]) == ast.dump(original.body[1])  # `from __future__` right after the docstring
        assert len(out.body) == len(original.body)
        docs = {n.name: ast.get_docstring(n) for n in ast.walk(out) if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
        assert docs["Config"] and docs["softplus"] and docs["Cache"]


def test_cli_prints_the_result(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert obfuscate.main(["rename,noop", str(FIXTURE), "--seed", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out == obfuscate.apply(SOURCE, ["rename", "noop"], 2) and captured.err == ""
    broken = tmp_path / "broken.py"
    broken.write_text("def (:\n")
    assert obfuscate.main(["strip", str(broken)]) == 1
    assert "broken.py" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        obfuscate.main(["scramble", str(FIXTURE)])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("family", ["llama", "qwen2", "mixtral", "gemma3"])
def test_all_on_a_real_modeling_file_still_parses(transformers_wheel: Path, family: str) -> None:
    with zipfile.ZipFile(transformers_wheel) as wheel:
        source = wheel.read(f"transformers/models/{family}/modeling_{family}.py").decode()
    out = obfuscate.obfuscate_all(source, seed=1)
    tree = ast.parse(out)
    names = spelled(tree)
    assert "forward" in names and "torch" in names and "Linear" in names  # entry point, imports
    classes = {n.name for n in ast.parse(source).body if isinstance(n, ast.ClassDef)}
    assert classes and not classes & names
    assert statements(tree) > statements(ast.parse(obfuscate.strip(source)))


def test_untype_removes_function_hints_and_keeps_class_fields() -> None:
    def hints(tree: ast.AST) -> list[str]:
        found = []
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            a = fn.args
            found += [f"{fn.name}:{x.arg}" for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
                      if x is not None and x.annotation is not None]
            found += [f"{fn.name}->"] * (fn.returns is not None)
            found += [f"{fn.name}:body" for n in ast.walk(fn) if isinstance(n, ast.AnnAssign)]
        return found

    def fields(tree: ast.AST) -> list[str]:
        return [ast.unparse(s.target) for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                for s in c.body if isinstance(s, ast.AnnAssign)]

    original = ast.parse(SOURCE)
    assert {"softplus:value", "softplus->", "total:body", "dot:body", "__init__:body"} <= set(hints(original))
    out = ast.parse(obfuscate.untype(SOURCE))
    assert hints(out) == []
    assert fields(out) == fields(original) and {"width", "depth", "eps"} <= set(fields(out))


def test_restyle_annotates_packs_and_pads() -> None:
    """restyle packs independent assignments into tuple assignments, annotates the rest, and pads
    every method with guards over builtins or self-fed counters (behaviour: test_behaviour_is_unchanged)."""
    out = ast.parse(obfuscate.apply(SOURCE, ["restyle"], 3))
    nodes = list(ast.walk(out))
    assert any(isinstance(n, ast.AnnAssign) and n.value is not None for n in nodes)
    assert any(isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Tuple) and isinstance(n.value, ast.Tuple)
               and len(n.targets[0].elts) >= 2 for n in nodes)
    guards = [n for n in nodes if isinstance(n, ast.If) and "id(object())" in ast.unparse(n.test)]
    counters = [n for n in nodes if isinstance(n, ast.Assign) and "getattr(self, '_n" in ast.unparse(n)]
    assert guards and counters
